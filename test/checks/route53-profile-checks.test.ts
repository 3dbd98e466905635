import { App, Stack, aws_ec2 as ec2, aws_route53 as route53, aws_route53profiles as route53profiles } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { GuardedPatternsChecks } from '../../src';
import { findings, testStack } from '../util';

const KINESIS = ec2.InterfaceVpcEndpointAwsService.KINESIS_STREAMS;

/** The pack's findings of one rule over the stack, as `path: message`. */
function ruleHits(stack: IConstruct, rule: string): string[] {
  return findings(new GuardedPatternsChecks(), stack).filter((f) => f.rule === `GuardedPatterns-${rule}`).map((f) => `${f.path}: ${f.message}`);
}

function vpc(stack: Stack, id: string, cidr: string): ec2.Vpc {
  return new ec2.Vpc(stack, id, { ipAddresses: ec2.IpAddresses.cidr(cidr), natGateways: 0, maxAzs: 2 });
}

function profile(stack: Stack, id: string): route53profiles.CfnProfile {
  return new route53profiles.CfnProfile(stack, id, { name: id });
}

function associate(stack: Stack, id: string, to: route53profiles.CfnProfile, resourceId: string): route53profiles.CfnProfileAssociation {
  return new route53profiles.CfnProfileAssociation(stack, id, { name: id, profileId: to.attrId, resourceId });
}

/** A zone of `zoneName` created with `home`, carried by a new Profile. */
function carried(stack: Stack, home: ec2.IVpc, zoneName: string) {
  const zone = new route53.PrivateHostedZone(stack, 'Zone', { zoneName, vpc: home });
  const shared = profile(stack, 'Shared');
  new route53profiles.CfnProfileResourceAssociation(stack, 'ZoneInShared', { name: 'zone', profileId: shared.attrId, resourceArn: zone.hostedZoneArn });
  return { zone, shared };
}

describe('GuardedPatterns-Route53ProfileVpcTwice', () => {
  test('fires on each association of a VPC with two Profiles, and on a VPC named by its literal ID twice', () => {
    const stack = testStack();
    const a = vpc(stack, 'A', '10.0.0.0/16');
    const first = profile(stack, 'First');
    const second = profile(stack, 'Second');
    associate(stack, 'AFirst', first, a.vpcId);
    associate(stack, 'ASecond', second, a.vpcId);
    associate(stack, 'ImportedFirst', first, 'vpc-0123456789abcdef0');
    associate(stack, 'ImportedAgain', first, 'vpc-0123456789abcdef0');
    expect(ruleHits(stack, 'Route53ProfileVpcTwice')).toEqual([
      "TestStack/AFirst: Route 53 Profile association 'TestStack/AFirst' associates VPC 'TestStack/A' with Profile 'TestStack/First', "
      + "and 'TestStack/ASecond' associates it with Profile 'TestStack/Second': a VPC takes one Profile. "
      + 'Keep one association per VPC, and put what the other Profile carries (private hosted zones, Resolver rules) in that one.',
      "TestStack/ASecond: Route 53 Profile association 'TestStack/ASecond' associates VPC 'TestStack/A' with Profile 'TestStack/Second', "
      + "and 'TestStack/AFirst' associates it with Profile 'TestStack/First': a VPC takes one Profile. "
      + 'Keep one association per VPC, and put what the other Profile carries (private hosted zones, Resolver rules) in that one.',
      expect.stringMatching(/^TestStack\/ImportedFirst: .*associates VPC vpc-0123456789abcdef0 with Profile 'TestStack\/First', and 'TestStack\/ImportedAgain' associates it/),
      expect.stringMatching(/^TestStack\/ImportedAgain: .*associates VPC vpc-0123456789abcdef0/),
    ]);
  });

  test('does not fire on one Profile associated with many VPCs, each once', () => {
    const stack = testStack();
    const shared = profile(stack, 'Shared');
    const other = profile(stack, 'Other');
    associate(stack, 'A', shared, vpc(stack, 'VpcA', '10.0.0.0/16').vpcId);
    associate(stack, 'B', shared, vpc(stack, 'VpcB', '10.1.0.0/16').vpcId);
    associate(stack, 'C', other, 'vpc-0123456789abcdef0');
    expect(ruleHits(stack, 'Route53ProfileVpcTwice')).toEqual([]);
  });
});

describe('GuardedPatterns-PrivateLinkPrivateDnsConflict through a Route 53 Profile', () => {
  test('fires on an endpoint with private DNS on in a VPC that a Profile gives a zone of its name', () => {
    const stack = testStack();
    const a = vpc(stack, 'A', '10.0.0.0/16');
    const home = vpc(stack, 'Home', '10.1.0.0/16');
    const { shared } = carried(stack, home, 'kinesis.us-east-1.amazonaws.com');
    associate(stack, 'AShared', shared, a.vpcId);
    new ec2.InterfaceVpcEndpoint(stack, 'Kinesis', { vpc: a, service: KINESIS });
    expect(ruleHits(stack, 'PrivateLinkPrivateDnsConflict')).toEqual([
      "TestStack/Kinesis/Resource: Interface endpoint 'TestStack/Kinesis' (kinesis-streams) has private DNS on, and VPC 'TestStack/A' gets, "
      + "through the Route 53 Profile that 'TestStack/AShared' associates with it, hosted zone 'TestStack/Zone' (kinesis.us-east-1.amazonaws.com): "
      + 'CloudFormation fails with ConflictingDomainExists. Turn private DNS off on the endpoint (privateDnsEnabled: false) and let the zone answer, with an alias to the endpoint, or remove the zone.',
    ]);
  });

  test('does not fire when the Profile is not the VPC\'s, does not carry the zone, or the endpoint has private DNS off', () => {
    const notAssociated = testStack();
    const a = vpc(notAssociated, 'A', '10.0.0.0/16');
    const { shared } = carried(notAssociated, vpc(notAssociated, 'Home', '10.1.0.0/16'), 'kinesis.us-east-1.amazonaws.com');
    associate(notAssociated, 'Elsewhere', shared, 'vpc-0123456789abcdef0');
    new ec2.InterfaceVpcEndpoint(notAssociated, 'Kinesis', { vpc: a, service: KINESIS });
    expect(ruleHits(notAssociated, 'PrivateLinkPrivateDnsConflict')).toEqual([]);

    const notCarried = testStack();
    const b = vpc(notCarried, 'B', '10.0.0.0/16');
    new route53.PrivateHostedZone(notCarried, 'Zone', { zoneName: 'kinesis.us-east-1.amazonaws.com', vpc: vpc(notCarried, 'Home', '10.1.0.0/16') });
    associate(notCarried, 'BEmpty', profile(notCarried, 'Empty'), b.vpcId);
    new ec2.InterfaceVpcEndpoint(notCarried, 'Kinesis', { vpc: b, service: KINESIS });
    expect(ruleHits(notCarried, 'PrivateLinkPrivateDnsConflict')).toEqual([]);

    const off = testStack();
    const c = vpc(off, 'C', '10.0.0.0/16');
    associate(off, 'CShared', carried(off, vpc(off, 'Home', '10.1.0.0/16'), 'kinesis.us-east-1.amazonaws.com').shared, c.vpcId);
    new ec2.InterfaceVpcEndpoint(off, 'Kinesis', { vpc: c, service: KINESIS, privateDnsEnabled: false });
    expect(ruleHits(off, 'PrivateLinkPrivateDnsConflict')).toEqual([]);
  });
});

describe('GuardedPatterns-PrivateLinkPeerDnsMissing through a Route 53 Profile', () => {
  /** An endpoint with private DNS on in A, peered with B, whose zones a Profile carries. */
  function peeredWithProfile(associateB: boolean) {
    const stack = testStack();
    const a = vpc(stack, 'A', '10.0.0.0/16');
    const b = vpc(stack, 'B', '10.1.0.0/16');
    new ec2.CfnVPCPeeringConnection(stack, 'Peering', { vpcId: a.vpcId, peerVpcId: b.vpcId });
    new ec2.InterfaceVpcEndpoint(stack, 'Sqs', { vpc: a, service: ec2.InterfaceVpcEndpointAwsService.SQS });
    const { shared } = carried(stack, vpc(stack, 'Home', '10.2.0.0/16'), 'sqs.us-east-1.amazonaws.com');
    if (associateB) {
      associate(stack, 'BShared', shared, b.vpcId);
    }
    return stack;
  }

  test('does not fire when a Profile gives the peer a zone of the name', () => {
    expect(ruleHits(peeredWithProfile(true), 'PrivateLinkPeerDnsMissing')).toEqual([]);
  });

  test('fires when the Profile carrying the zone is not associated with the peer', () => {
    expect(ruleHits(peeredWithProfile(false), 'PrivateLinkPeerDnsMissing')).toEqual([
      expect.stringMatching(/^TestStack\/Sqs\/Resource: Interface endpoint 'TestStack\/Sqs' \(sqs\) has private DNS on in VPC 'TestStack\/A', which is peered with VPC 'TestStack\/B'/),
    ]);
  });
});

describe('GuardedPatterns-PrivateLinkPeerDnsMissing through a Route 53 Profile named by its ID, with a spoke in another account', () => {
  /**
   * An endpoint with private DNS on in A; spoke X, in another account's stack, on the same transit
   * gateway; a zone of the name carried by Profile rp-0123456789abcdef, both named by literals. The
   * zone is in X's stack: whether a zone of one stack is associated with a VPC of another is not
   * known from the template, and the check counts that as reaching (no false finding).
   */
  function spokeInAnotherAccount(xProfileId: string) {
    const stack = testStack();
    const remote = new Stack(stack.node.root as App, 'Remote', { env: { account: '222222222222', region: 'us-east-1' } });
    const a = vpc(stack, 'A', '10.0.0.0/16');
    const x = new ec2.Vpc(remote, 'X', { ipAddresses: ec2.IpAddresses.cidr('10.1.0.0/16'), natGateways: 0, availabilityZones: ['us-east-1a', 'us-east-1b'] });
    const tgw = 'tgw-0123456789abcdef0';
    new ec2.CfnTransitGatewayAttachment(stack, 'AAttachment', { transitGatewayId: tgw, vpcId: a.vpcId, subnetIds: a.isolatedSubnets.map((s) => s.subnetId) });
    new ec2.CfnTransitGatewayAttachment(remote, 'XAttachment', { transitGatewayId: tgw, vpcId: x.vpcId, subnetIds: x.isolatedSubnets.map((s) => s.subnetId) });
    new ec2.InterfaceVpcEndpoint(stack, 'Sqs', { vpc: a, service: ec2.InterfaceVpcEndpointAwsService.SQS });
    const home = new ec2.Vpc(remote, 'Home', { ipAddresses: ec2.IpAddresses.cidr('10.2.0.0/16'), natGateways: 0, availabilityZones: ['us-east-1a', 'us-east-1b'] });
    const zone = new route53.PrivateHostedZone(remote, 'Zone', { zoneName: 'sqs.us-east-1.amazonaws.com', vpc: home });
    new route53profiles.CfnProfileResourceAssociation(remote, 'ZoneInShared', { name: 'zone', profileId: 'rp-0123456789abcdef', resourceArn: zone.hostedZoneArn });
    new route53profiles.CfnProfileAssociation(remote, 'XShared', { name: 'x', profileId: xProfileId, resourceId: x.vpcId });
    return stack.node.root as App;
  }

  test('does not fire when the spoke\'s stack associates the Profile whose ID carries the zone', () => {
    expect(ruleHits(spokeInAnotherAccount('rp-0123456789abcdef'), 'PrivateLinkPeerDnsMissing')).toEqual([]);
  });

  test('fires when the spoke\'s stack associates another Profile', () => {
    expect(ruleHits(spokeInAnotherAccount('rp-fedcba9876543210'), 'PrivateLinkPeerDnsMissing')).toEqual([
      expect.stringMatching(/^TestStack\/Sqs\/Resource: Interface endpoint 'TestStack\/Sqs' \(sqs\) has private DNS on in VPC 'TestStack\/A', whose transit gateway reaches VPC 'Remote\/X'/),
    ]);
  });
});
