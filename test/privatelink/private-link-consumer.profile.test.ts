import { Stack, aws_ec2 as ec2, aws_route53 as route53, aws_route53profiles as route53profiles } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { OTHER_ACCOUNT, hubNetwork, twoAccountNetwork } from './hub-network';
import { PrivateLinkConsumer, PrivateLinkConsumerProps, PrivateLinkDns, PrivateLinkTransitGateway, Route53ProfileDns } from '../../src';
import { testApp } from '../util';

const KINESIS = ec2.InterfaceVpcEndpointAwsService.KINESIS_STREAMS;
const ECR_DKR = ec2.InterfaceVpcEndpointAwsService.ECR_DOCKER;


function consumerOf(n: ReturnType<typeof hubNetwork>, props: Partial<PrivateLinkConsumerProps> = {}) {
  return new PrivateLinkConsumer(n.stack, 'Endpoints', {
    vpc: n.hub, services: [KINESIS, ECR_DKR], spokes: [n.a, n.b, n.c], dns: PrivateLinkDns.route53Profile(), ...props,
  });
}

type Resources = Record<string, { Type: string; Properties: any }>;

/**
 * The names of `names` (`x` or `*.x`) that do not resolve to an alias record in `vpc` through
 * the template: a zone of the name (or, for a name under it, with a `*` record), carried by a
 * Profile (its ARN in a ProfileResourceAssociation) that a ProfileAssociation gives the VPC.
 * Read from the template's JSON alone, with none of the library's readers.
 */
function unresolvedNames(resources: Resources, names: string[], vpcId: unknown): string[] {
  const of = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);
  const json = (value: unknown) => JSON.stringify(value);
  const profilesOfVpc = of('AWS::Route53Profiles::ProfileAssociation')
    .filter(([, r]) => json(r.Properties.ResourceId) === json(vpcId)).map(([, r]) => json(r.Properties.ProfileId));
  const zonesGiven = of('AWS::Route53Profiles::ProfileResourceAssociation')
    .filter(([, r]) => profilesOfVpc.includes(json(r.Properties.ProfileId)))
    .map(([, r]) => json(r.Properties.ResourceArn));
  const aliases = of('AWS::Route53::RecordSet').filter(([, r]) => r.Properties.Type === 'A' && r.Properties.AliasTarget !== undefined);
  return names.filter((name) => {
    const zoneName = name.replace(/^\*\./, '');
    return !of('AWS::Route53::HostedZone').some(([id, zone]) => zone.Properties.Name === `${zoneName}.`
      && zonesGiven.some((arn) => arn.includes(':route53:::hostedzone/') && arn.includes(json({ Ref: id })))
      && aliases.some(([, record]) => json(record.Properties.HostedZoneId) === json({ Ref: id })
        && record.Properties.Name === (name.startsWith('*.') ? `*.${zoneName}.` : `${zoneName}.`)));
  });
}

describe('PrivateLinkConsumer with PrivateLinkDns.route53Profile()', () => {
  describe('a hub with three spokes, one in another stack', () => {
    const n = hubNetwork();
    const consumer = consumerOf(n);
    const template = Template.fromStack(n.stack);
    const resources = template.toJSON().Resources as Resources;
    const spokes = [n.a, n.b, n.c];

    test('turns private DNS off and creates one zone per DNS zone of the services, with the hub only', () => {
      template.allResourcesProperties('AWS::EC2::VPCEndpoint', { PrivateDnsEnabled: false });
      // kinesis, control-kinesis, data-kinesis; ecr.dkr (with the names under it).
      template.resourceCountIs('AWS::Route53::HostedZone', 4);
      template.allResourcesProperties('AWS::Route53::HostedZone', { VPCs: [{ VPCId: { Ref: n.stack.getLogicalId(n.hub.node.defaultChild as ec2.CfnVPC) } }] });
      expect(consumer.hostedZones).toHaveLength(4);
    });

    test('creates one Profile carrying every zone by its ARN', () => {
      template.resourceCountIs('AWS::Route53Profiles::Profile', 1);
      template.resourceCountIs('AWS::Route53Profiles::ProfileResourceAssociation', 4);
      const profileId = { 'Fn::GetAtt': [n.stack.getLogicalId(consumer.profile!), 'Id'] };
      for (const zone of consumer.hostedZones) {
        template.hasResourceProperties('AWS::Route53Profiles::ProfileResourceAssociation', {
          ProfileId: profileId,
          ResourceArn: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':route53:::hostedzone/', n.stack.resolve(zone.hostedZoneId)]] },
        });
      }
      expect(consumer.profile).toBeInstanceOf(route53profiles.CfnProfile);
      expect(consumer.profileResourceAssociations).toHaveLength(4);
    });

    test('associates the Profile with each spoke, and not with the hub, which has the zones directly', () => {
      template.resourceCountIs('AWS::Route53Profiles::ProfileAssociation', 3);
      for (const spoke of spokes) {
        template.hasResourceProperties('AWS::Route53Profiles::ProfileAssociation', { ResourceId: n.stack.resolve(spoke.vpcId) });
      }
      expect(consumer.profileAssociations.map((a) => n.stack.resolve(a.resourceId))).toEqual(spokes.map((s) => n.stack.resolve(s.vpcId)));
      expect(consumer.dns).toBeInstanceOf(Route53ProfileDns);
    });

    test('names the Profile and its associations uniquely, within 64 characters', () => {
      const names = Object.values(resources).filter((r) => r.Type.startsWith('AWS::Route53Profiles::')).map((r) => r.Properties.Name);
      expect(names).toHaveLength(8);
      expect(new Set(names).size).toBe(8);
      names.forEach((name) => expect(name).toMatch(/^[A-Za-z0-9-]{1,64}$/));
    });

    test('every spoke gets every service name through the Profile', () => {
      const names = n.stack.resolve(consumer.privateDnsNames) as string[];
      expect(names).toEqual(expect.arrayContaining(['kinesis.us-east-1.amazonaws.com', '*.data-kinesis.us-east-1.amazonaws.com', '*.dkr.ecr.us-east-1.amazonaws.com']));
      for (const spoke of spokes) {
        expect(unresolvedNames(resources, names, n.stack.resolve(spoke.vpcId))).toEqual([]);
      }
      // The hub is not given them by the Profile: it has the zones directly.
      expect(unresolvedNames(resources, names, n.stack.resolve(n.hub.vpcId))).toEqual(names);
    });

    test('a spoke misses the names of a zone whose association with the Profile is dropped', () => {
      const [dropped] = Object.entries(resources).filter(([, r]) => r.Type === 'AWS::Route53Profiles::ProfileResourceAssociation'
        && JSON.stringify(r.Properties.ResourceArn).includes('KinesisStreamsDataKinesisZone'));
      const without = Object.fromEntries(Object.entries(resources).filter(([id]) => id !== dropped[0]));
      const names = n.stack.resolve(consumer.privateDnsNames) as string[];
      expect(unresolvedNames(without, names, n.stack.resolve(n.a.vpcId))).toEqual(['*.data-kinesis.us-east-1.amazonaws.com']);
    });
  });

  test('serves peers as it serves spokes', () => {
    const n = hubNetwork();
    consumerOf(n, { spokes: [], peerVpcs: [n.a], existingPeerVpcs: [n.b] });
    const template = Template.fromStack(n.stack);
    template.resourceCountIs('AWS::Route53Profiles::ProfileAssociation', 2);
    template.hasResourceProperties('AWS::Route53Profiles::ProfileAssociation', { ResourceId: n.stack.resolve(n.b.vpcId) });
  });

  test('with no peers or spokes: the zones, and no Profile to pay for', () => {
    const n = hubNetwork();
    const consumer = consumerOf(n, { spokes: [] });
    const template = Template.fromStack(n.stack);
    template.resourceCountIs('AWS::Route53::HostedZone', 4);
    template.resourceCountIs('AWS::Route53Profiles::Profile', 0);
    template.resourceCountIs('AWS::Route53Profiles::ProfileResourceAssociation', 0);
    expect(consumer.profile).toBeUndefined();
    expect(consumer.profileAssociations).toEqual([]);
  });

  describe('fails', () => {
    test('when an existing peer is in another account or region', () => {
      const app = testApp();
      const n = hubNetwork(app);
      const elsewhere = new Stack(app, 'Elsewhere', { env: { account: '222222222222', region: 'us-east-1' } });
      const west = new Stack(app, 'West', { env: { account: '111111111111', region: 'us-west-2' } });
      const peer = new ec2.Vpc(elsewhere, 'Peer', { ipAddresses: ec2.IpAddresses.cidr('10.8.0.0/16'), natGateways: 0 });
      const westPeer = new ec2.Vpc(west, 'Peer', { ipAddresses: ec2.IpAddresses.cidr('10.9.0.0/16'), natGateways: 0 });
      expect(() => consumerOf(n, { spokes: [], existingPeerVpcs: [peer, westPeer] })).toThrow(expect.objectContaining({
        message: expect.stringContaining("existingPeerVpcs[0] ('Elsewhere/Peer') is in account 222222222222, the VPC in 111111111111, "
          + 'and dns (PrivateLinkDns.route53Profile()) has no literal profileId (none)'),
      }));
      expect(() => consumerOf(hubNetwork(), { spokes: [], existingPeerVpcs: [westPeer] }))
        .toThrow(/existingPeerVpcs\[0\] \('West\/Peer'\) is in region us-west-2, the VPC in us-east-1, and a Route 53 Profile is associated only with VPCs of its own region/);
    });

    test('when bound to a second consumer', () => {
      const n = hubNetwork();
      const dns = PrivateLinkDns.route53Profile();
      consumerOf(n, { dns });
      expect(() => new PrivateLinkConsumer(n.stack, 'Second', { vpc: n.a, services: [KINESIS], dns }))
        .toThrow(/its dns \(Route53Profile\) is already bound to 'TestStack\/Endpoints'.*PrivateLinkDns\.route53Profile\(\) for each/);
    });

    test('synth when a spoke is also associated with another Profile (GuardedPatterns-Route53ProfileVpcTwice)', () => {
      const n = hubNetwork();
      consumerOf(n);
      const mine = new route53profiles.CfnProfile(n.stack, 'Mine', { name: 'mine' });
      new route53profiles.CfnProfileAssociation(n.stack, 'MineOnA', { name: 'mine-a', profileId: mine.attrId, resourceId: n.a.vpcId });
      expect(() => n.app.synth()).toThrow(/Route 53 Profile association 'TestStack\/Endpoints\/AProfileAssociation' associates VPC 'TestStack\/A' with Profile 'TestStack\/Endpoints\/Profile', and 'TestStack\/MineOnA' associates it with Profile 'TestStack\/Mine': a VPC takes one Profile.*\(GuardedPatterns-Route53ProfileVpcTwice\)/);
    });

    test('synth when an endpoint with private DNS on sits in a VPC that a Profile gives a zone of its name (GuardedPatterns-PrivateLinkPrivateDnsConflict)', () => {
      const n = hubNetwork();
      const zone = new route53.PrivateHostedZone(n.stack, 'Zone', { zoneName: 'kinesis.us-east-1.amazonaws.com', vpc: n.a });
      const profile = new route53profiles.CfnProfile(n.stack, 'Shared', { name: 'shared' });
      new route53profiles.CfnProfileResourceAssociation(n.stack, 'ZoneInProfile', { name: 'zone', profileId: profile.attrId, resourceArn: zone.hostedZoneArn });
      new route53profiles.CfnProfileAssociation(n.stack, 'HubProfile', { name: 'hub', profileId: profile.attrId, resourceId: n.hub.vpcId });
      new PrivateLinkConsumer(n.stack, 'Endpoints', { vpc: n.hub, services: [KINESIS], dns: PrivateLinkDns.resolverEndpoints() });
      expect(() => n.app.synth()).toThrow(/Interface endpoint 'TestStack\/Endpoints\/KinesisStreams' \(kinesis-streams\) has private DNS on, and VPC 'TestStack\/Hub' gets, through the Route 53 Profile that 'TestStack\/HubProfile' associates with it, hosted zone 'TestStack\/Zone'.*\(GuardedPatterns-PrivateLinkPrivateDnsConflict\)/);
    });
  });

  test('the Profile strategy itself raises neither finding', () => {
    const n = hubNetwork();
    consumerOf(n);
    expect(() => n.app.synth()).not.toThrow();
    expect(Template.fromStack(n.stack).findResources('AWS::Route53Profiles::ProfileAssociation', Match.anyValue())).toBeDefined();
  });
});

const PROFILE = 'rp-0123456789abcdef';
const TGW = 'tgw-0123456789abcdef0';

/** The hub, spokes A and B in its stack, and spoke X in account 222222222222, with the Profile `PROFILE` unless `dns` says otherwise. */
function twoAccountsWithProfile(dns: () => PrivateLinkDns = () => PrivateLinkDns.route53Profile({ profileId: PROFILE })) {
  const n = twoAccountNetwork();
  const make = () => new PrivateLinkConsumer(n.stack, 'Endpoints', {
    vpc: n.hub, services: [KINESIS, ECR_DKR], spokes: [n.a, n.b, n.x], transitGateway: PrivateLinkTransitGateway.fromId(TGW), dns: dns(),
  });
  return { ...n, make };
}

describe('PrivateLinkConsumer with PrivateLinkDns.route53Profile({ profileId }) and a spoke in another account', () => {
  const n = twoAccountsWithProfile();
  const consumer = n.make();
  const assembly = n.app.synth();
  const hub = Template.fromStack(n.stack);
  const remote = Template.fromStack(n.remote);
  const both = { ...hub.toJSON().Resources, ...remote.toJSON().Resources } as Resources;

  test('creates no Profile, and associates the zones with the given one by its ID, in the hub\'s stack', () => {
    hub.resourceCountIs('AWS::Route53Profiles::Profile', 0);
    hub.resourceCountIs('AWS::Route53Profiles::ProfileResourceAssociation', 4);
    hub.allResourcesProperties('AWS::Route53Profiles::ProfileResourceAssociation', { ProfileId: PROFILE });
    expect(consumer.profile).toBeUndefined();
  });

  test('associates the Profile with the other account\'s spoke in its own stack, by ID, and with the others in the hub\'s', () => {
    remote.resourceCountIs('AWS::Route53Profiles::ProfileAssociation', 1);
    remote.hasResourceProperties('AWS::Route53Profiles::ProfileAssociation', { ProfileId: PROFILE, ResourceId: n.remote.resolve(n.x.vpcId) });
    hub.resourceCountIs('AWS::Route53Profiles::ProfileAssociation', 2);
    hub.allResourcesProperties('AWS::Route53Profiles::ProfileAssociation', { ProfileId: PROFILE });
  });

  test('the spoke\'s stack has its attachment and routes, and references nothing of the hub\'s stack', () => {
    remote.hasResourceProperties('AWS::EC2::TransitGatewayAttachment', { TransitGatewayId: TGW, VpcId: n.remote.resolve(n.x.vpcId) });
    remote.hasResourceProperties('AWS::EC2::Route', { DestinationCidrBlock: '10.0.0.0/16', TransitGatewayId: TGW });
    const text = JSON.stringify(assembly.getStackArtifact(n.remote.artifactId).template);
    expect(text).not.toMatch(/Fn::ImportValue|Fn::GetStackOutput/);
  });

  test('shares the Profile and the transit gateway with the spoke\'s account through AWS RAM, from the hub\'s stack', () => {
    hub.hasResourceProperties('AWS::RAM::ResourceShare', {
      ResourceArns: [{ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:route53profiles:us-east-1:111111111111:profile/${PROFILE}`]] }],
      Principals: [OTHER_ACCOUNT],
    });
    hub.hasResourceProperties('AWS::RAM::ResourceShare', {
      ResourceArns: [{ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:ec2:us-east-1:111111111111:transit-gateway/${TGW}`]] }],
      Principals: [OTHER_ACCOUNT],
    });
    remote.resourceCountIs('AWS::RAM::ResourceShare', 0);
    expect((consumer.dns as Route53ProfileDns).profileShare).toBeDefined();
  });

  test('says what the spoke\'s account must accept', () => {
    Annotations.fromStack(n.stack).hasInfo('/TestStack/Endpoints', Match.stringLikeRegexp(
      `spokes\\[2\\]: 'Remote/X' is in account ${OTHER_ACCOUNT}.*must accept the AWS RAM share of Route 53 Profile ${PROFILE}.*aws ram accept-resource-share-invitation`));
  });

  test('every spoke gets every service name through the Profile, read across the two stacks', () => {
    const names = n.stack.resolve(consumer.privateDnsNames) as string[];
    expect(unresolvedNames(both, names, n.stack.resolve(n.a.vpcId))).toEqual([]);
    expect(unresolvedNames(both, names, n.stack.resolve(n.b.vpcId))).toEqual([]);
    expect(unresolvedNames(both, names, n.remote.resolve(n.x.vpcId))).toEqual([]);
  });

  test('a Profile owned by a third account: no share of it here, and the owner is told to share it', () => {
    const third = twoAccountsWithProfile(() => PrivateLinkDns.route53Profile({ profileId: PROFILE, ownerAccount: '333333333333' }));
    third.make();
    const template = Template.fromStack(third.stack);
    template.resourceCountIs('AWS::RAM::ResourceShare', 1);
    template.hasResourceProperties('AWS::RAM::ResourceShare', { ResourceArns: [Match.objectLike({ 'Fn::Join': ['', Match.arrayWith([Match.stringLikeRegexp('transit-gateway')])] })] });
    Annotations.fromStack(third.stack).hasInfo('/TestStack/Endpoints', Match.stringLikeRegexp(
      `Route 53 Profile ${PROFILE} belongs to account 333333333333, which must share it through AWS RAM with this account \\(111111111111\\) `
      + 'with a permission that allows associating resources, such as the admin permission: stack TestStack associates its hosted zones with the Profile, '
      + `which the default read-only permission does not allow, and with account\\(s\\) ${OTHER_ACCOUNT} of the peers and spokes \\(the read-only permission is enough\\)`));
  });

  test('a Profile owned by another account and spokes of this one: the owner is told to share it with this account, which associates the zones', () => {
    const own = hubNetwork();
    consumerOf(own, { dns: PrivateLinkDns.route53Profile({ profileId: PROFILE, ownerAccount: '333333333333' }) });
    const template = Template.fromStack(own.stack);
    template.resourceCountIs('AWS::RAM::ResourceShare', 0);
    template.allResourcesProperties('AWS::Route53Profiles::ProfileResourceAssociation', { ProfileId: PROFILE });
    const infos = Annotations.fromStack(own.stack).findInfo('/TestStack/Endpoints', Match.stringLikeRegexp('belongs to account 333333333333'));
    expect(infos.map((info) => info.entry.data)).toEqual([
      `dns: Route 53 Profile ${PROFILE} belongs to account 333333333333, which must share it through AWS RAM with this account (111111111111) `
      + 'with a permission that allows associating resources, such as the admin permission: stack TestStack associates its hosted zones with the Profile, '
      + 'which the default read-only permission does not allow, before these stacks deploy.',
    ]);
  });

  test('a Profile this account owns and spokes of this one: nothing to share, nothing to say', () => {
    const own = hubNetwork();
    consumerOf(own, { dns: PrivateLinkDns.route53Profile({ profileId: PROFILE }) });
    Template.fromStack(own.stack).resourceCountIs('AWS::RAM::ResourceShare', 0);
    expect(Annotations.fromStack(own.stack).findInfo('*', Match.stringLikeRegexp('must share it'))).toEqual([]);
  });

  describe('fails', () => {
    test('with no profileId', () => {
      expect(twoAccountsWithProfile(() => PrivateLinkDns.route53Profile()).make).toThrow(
        "PrivateLinkConsumer 'TestStack/Endpoints': spokes[2] ('Remote/X') is in account 222222222222, the VPC in 111111111111, and dns (PrivateLinkDns.route53Profile()) has no literal profileId (none): "
        + 'its stack associates the Profile by ID and cannot read a value of this one (CloudFormation has no exports across accounts). '
        + "Give the ID of an existing Profile, such as the one an organisation's network account shares: PrivateLinkDns.route53Profile({ profileId: 'rp-...' }).");
    });

    test('with a profileId that is a token', () => {
      expect(twoAccountsWithProfile(() => PrivateLinkDns.route53Profile({ profileId: new route53profiles.CfnProfile(new Stack(), 'P', { name: 'p' }).attrId })).make)
        .toThrow(/spokes\[2\] \('Remote\/X'\) is in account 222222222222.*has no literal profileId \(\$\{Token\[/);
    });

    test('with a malformed profileId or ownerAccount', () => {
      expect(twoAccountsWithProfile(() => PrivateLinkDns.route53Profile({ profileId: 'vpc-123', ownerAccount: 'network' })).make).toThrow(
        "dns (PrivateLinkDns.route53Profile({ profileId: 'vpc-123' })): profileId is not a Route 53 Profile ID; give one such as rp-0123456789abcdef, or leave it out for a new Profile.");
      expect(twoAccountsWithProfile(() => PrivateLinkDns.route53Profile({ profileId: 'vpc-123', ownerAccount: 'network' })).make).toThrow(
        /ownerAccount \('network'\) is not an account ID/);
    });
  });
});

