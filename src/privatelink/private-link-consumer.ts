import {
  Annotations,
  Aws,
  Stack,
  Token,
  aws_autoscaling as autoscaling,
  aws_ec2 as ec2,
  aws_iam as iam,
  aws_ram as ram,
  aws_route53 as route53,
  aws_route53profiles as route53profiles,
  aws_route53resolver as resolver,
} from 'aws-cdk-lib';
import { Construct, IConstruct } from 'constructs';
import { otherEnvironment } from './dns-common';
import { PrivateLinkDns, PrivateLinkDnsPeer, PrivateLinkDnsZone } from './private-link-dns';
import { PrivateLinkTransitGateway } from './transit-gateway';
import { PATTERN_CHECKS } from '../checks/catalogue';
import { TransitGatewayCidrOverlap } from '../checks/ec2/transit-gateway-cidr-overlap';
import { TransitGatewaySpokeDnsDisabled } from '../checks/ec2/transit-gateway-spoke-dns-disabled';
import { VpcPeeringCidrOverlap } from '../checks/ec2/vpc-peering-cidr-overlap';
import { VpcPeeringDnsDisabled } from '../checks/ec2/vpc-peering-dns-disabled';
import { embedChecks, throwFinding } from '../checks/embed';
import { cidrsOverlap, formatCidr, literalVpcCidr } from '../private/cidr';
import { scopeIn, shareWithAccounts } from '../private/cross-account';
import { dnsSuffixOf, knownEndpointServices, relativeDnsNamesOf, zonesOf } from '../private/endpoint-dns-names';
import { GuardedPatternsError, PropErrors } from '../private/errors';

/**
 * Properties of a PrivateLinkConsumer.
 */
export interface PrivateLinkConsumerProps {
  /**
   * The VPC the endpoints live in. It needs DNS support and DNS hostnames on (ec2.Vpc's default).
   */
  readonly vpc: ec2.IVpc;

  /**
   * The services to create interface endpoints for: AWS services such as
   * `ec2.InterfaceVpcEndpointAwsService.KINESIS_STREAMS`, or endpoint services by name with their
   * DNS name in `endpointServiceDnsNames`. Each gets one endpoint.
   */
  readonly services: ec2.IInterfaceVpcEndpointService[];

  /**
   * The private DNS name of each endpoint service by name in `services` (an
   * `ec2.InterfaceVpcEndpointService` such as `com.amazonaws.vpce.us-east-1.vpce-svc-...`), keyed
   * by service name: the name its provider verified, which the endpoint answers for. AWS services
   * need none.
   *
   * @default - none: every service must be an AWS service
   * @see https://docs.aws.amazon.com/vpc/latest/privatelink/manage-dns-names.html
   */
  readonly endpointServiceDnsNames?: { [serviceName: string]: string };

  /**
   * The private DNS names of AWS services that the construct does not know, keyed by the
   * service's short name (`ec2.InterfaceVpcEndpointAwsService.X.shortName`, such as
   * `bedrock-runtime`): the `PrivateDnsNames` that
   * `aws ec2 describe-vpc-endpoint-services --service-names com.amazonaws.<region>.<short name>`
   * reports, such as `bedrock-runtime.us-east-1.amazonaws.com`; a name `*.x` is every name
   * under `x`. Names given here replace the construct's own for that service. The construct knows
   * ec2, ec2messages, ecr.api, ecr.dkr, ecs, elasticloadbalancing, events, execute-api,
   * kinesis-firehose, kinesis-streams, kms, lambda, logs, monitoring, secretsmanager, sns, sqs,
   * ssm, ssmmessages, states and sts (and the FIPS endpoints of kinesis-streams, kms, sqs, ssm
   * and sts); any other AWS service without names here fails.
   *
   * @default - none: every AWS service must be one the construct knows
   * @see https://docs.aws.amazon.com/vpc/latest/privatelink/aws-services-privatelink-support.html
   */
  readonly servicePrivateDnsNames?: { [shortName: string]: string[] };

  /**
   * VPCs to peer with `vpc`: the construct creates each peering connection, routes in both
   * directions on every route table of both VPCs, security group rules and DNS. Peers must be in
   * the same account and region (routes on their side are created here); peer others yourself
   * and pass them in `existingPeerVpcs`.
   *
   * @default - none
   */
  readonly peerVpcs?: ec2.IVpc[];

  /**
   * VPCs already peered with `vpc` (with routes both ways): the construct adds only their DNS and
   * lets their CIDR blocks reach the endpoints.
   *
   * @default - none
   */
  readonly existingPeerVpcs?: ec2.IVpc[];

  /**
   * VPCs that reach the endpoints through a Transit Gateway (`transitGateway`): the construct
   * attaches the endpoint VPC (in the endpoints' subnets) and each spoke (in its default subnets,
   * one per AZ: private, else isolated) to the transit gateway, adds routes in both directions
   * (on the endpoint VPC's private and isolated route tables to each spoke, on every route table
   * of each spoke to the endpoint VPC), security group rules and DNS, as for `peerVpcs`. Spokes
   * must be in the same region. A spoke of the same account in another stack of the app is
   * attached from this construct's stack, as `peerVpcs` are. A spoke in another account (a stack
   * with another literal `env.account`) needs a transit gateway brought by ID
   * (`PrivateLinkTransitGateway.fromId`) and a literal CIDR block: its attachment and its routes
   * to the endpoint VPC go in its own stack, which names nothing of this one; the transit gateway
   * is shared with its account through AWS RAM from this construct's stack (unless another account
   * owns it), and the spoke's stack deploys after this one. Its account may have to accept the
   * share and the attachment: the construct says how in an info annotation.
   *
   * @default - none
   * @see https://docs.aws.amazon.com/vpc/latest/tgw/tgw-vpc-attachments.html
   */
  readonly spokes?: ec2.IVpc[];

  /**
   * The Transit Gateway that attaches the `spokes`.
   *
   * @default - PrivateLinkTransitGateway.create() when there are spokes; none otherwise
   */
  readonly transitGateway?: PrivateLinkTransitGateway;

  /**
   * How the endpoints' names resolve in the peers and spokes.
   *
   * @default PrivateLinkDns.hostedZones()
   */
  readonly dns?: PrivateLinkDns;

  /**
   * Where the endpoints (and resolver endpoints or forwarders) go: one subnet per AZ, at least
   * two AZs.
   *
   * @default - the VPC's private subnets (isolated ones if there are none)
   */
  readonly subnets?: ec2.SubnetSelection;

  /**
   * The endpoints' security group. The construct lets the VPC and every peer in on each service's
   * port (443), and nothing else.
   *
   * @default - a new one, with no outbound rules
   */
  readonly securityGroup?: ec2.ISecurityGroup;
}

/**
 * Interface endpoints for AWS services in one VPC, usable from peered VPCs and from spokes
 * attached to a Transit Gateway: peering or attachments with routes both ways, endpoint security
 * groups open to every peer and spoke on 443, and one of four ways to make the service names
 * resolve to the endpoints in the peers and spokes (`PrivateLinkDns`).
 *
 * The restriction that only some instance types could reach endpoints over peering was lifted
 * in 2019; the construct does not ask for any instance type.
 *
 * @example
 * declare const shared: PrivateSubnetVpc;
 * declare const app: PrivateSubnetVpc;
 * new PrivateLinkConsumer(this, 'Endpoints', {
 *   vpc: shared.vpc,
 *   services: [ec2.InterfaceVpcEndpointAwsService.KINESIS_STREAMS],
 *   peerVpcs: [app.vpc],
 * });
 */
export class PrivateLinkConsumer extends Construct implements ec2.IConnectable {
  /** The interface endpoints, in the order of `services`. */
  public readonly endpoints: ec2.InterfaceVpcEndpoint[];

  /**
   * The main DNS name of each endpoint's service, in the order of `services` (may hold tokens).
   * `privateDnsNames` has all of them.
   */
  public readonly serviceHostNames: string[];

  /**
   * Every private DNS name the endpoints answer for, service after service (may hold tokens); a
   * name `*.x` stands for every name under `x`. Peers resolve each of them to the endpoints.
   */
  public readonly privateDnsNames: string[];

  /** The endpoints' security group. */
  public readonly securityGroup: ec2.ISecurityGroup;

  /** The endpoints' connections: who may reach them. */
  public readonly connections: ec2.Connections;

  /** The peering connections created for `peerVpcs`. */
  public readonly peeringConnections: ec2.CfnVPCPeeringConnection[] = [];

  /** The transit gateway, where the construct created it (`PrivateLinkTransitGateway.create()`). */
  public readonly transitGateway?: ec2.CfnTransitGateway;

  /** The ID of the transit gateway that attaches the spokes, created or brought. */
  public readonly transitGatewayId?: string;

  /** The endpoint VPC's attachment to the transit gateway. */
  public readonly hubAttachment?: ec2.CfnTransitGatewayAttachment;

  /** The spokes' attachments to the transit gateway, in the order of `spokes`. */
  public readonly spokeAttachments: ec2.CfnTransitGatewayAttachment[] = [];

  /**
   * The AWS RAM share of the transit gateway with the accounts of spokes in other accounts, where
   * the consumer's account owns the transit gateway.
   */
  public readonly transitGatewayShare?: ram.CfnResourceShare;

  /**
   * The addresses other DNS clients (VPN users, on-premises resolvers) should query to reach the
   * endpoints by name: the inbound Resolver endpoint's or the forwarders' addresses (tokens for
   * the forwarders). Empty with hosted zones, which only VPCs' own resolvers answer.
   */
  public readonly dnsServers: string[];

  /** The DNS strategy, bound to this consumer: it holds what it created. */
  public readonly dns: PrivateLinkDns;

  /** The private hosted zones, one per DNS zone of the services (hosted-zone and Profile DNS). */
  public readonly hostedZones: route53.IPrivateHostedZone[];

  /** The inbound Resolver endpoint (resolver-endpoint DNS). */
  public readonly inboundResolverEndpoint?: resolver.CfnResolverEndpoint;

  /** The outbound Resolver endpoint, where there are peers (resolver-endpoint DNS). */
  public readonly outboundResolverEndpoint?: resolver.CfnResolverEndpoint;

  /** The forwarding rules, one per DNS zone of the services (resolver-endpoint DNS with peers). */
  public readonly resolverRules: resolver.CfnResolverRule[];

  /** The forwarders' auto-scaling groups, one per AZ (forwarder DNS). */
  public readonly forwarderGroups: autoscaling.IAutoScalingGroup[];

  /** The forwarders' fixed network interfaces, whose addresses are `dnsServers` (forwarder DNS). */
  public readonly forwarderInterfaces: ec2.CfnNetworkInterface[];

  /** The forwarders' security group (forwarder DNS). */
  public readonly forwarderSecurityGroup?: ec2.ISecurityGroup;

  /** The forwarders' instance role (forwarder DNS). */
  public readonly forwarderRole?: iam.IRole;

  /**
   * The EC2 API endpoint the forwarders attach their interfaces through, created when their
   * subnets have no route to the internet (forwarder DNS).
   */
  public readonly forwarderEc2Endpoint?: ec2.InterfaceVpcEndpoint;

  /** The Route 53 Profile that carries the hosted zones to the peers and spokes (Profile DNS). */
  public readonly profile?: route53profiles.CfnProfile;

  /** The associations of the hosted zones with the Profile, in the order of `hostedZones` (Profile DNS). */
  public readonly profileResourceAssociations: route53profiles.CfnProfileResourceAssociation[];

  /** The associations of the Profile with the peers and spokes (Profile DNS). */
  public readonly profileAssociations: route53profiles.CfnProfileAssociation[];

  private readonly subject: string;

  /** Where the consumer's resources in other accounts' stacks go: each runs the consumer's checks too. */
  private readonly remoteScopes = new Set<Construct>();

  constructor(scope: Construct, id: string, props: PrivateLinkConsumerProps) {
    super(scope, id);
    this.subject = `PrivateLinkConsumer '${this.node.path}'`;
    const stack = Stack.of(this);
    const vpc = props.vpc;
    const dns = props.dns ?? PrivateLinkDns.hostedZones();
    const region = stack.region;
    const suffix = Token.isUnresolved(region) ? Aws.URL_SUFFIX : dnsSuffixOf(region);
    const errors = new PropErrors();
    const services = this.planServices(errors, props.services, props.endpointServiceDnsNames ?? {}, props.servicePrivateDnsNames ?? {}, `${region}.${suffix}`);
    const peerVpcs = props.peerVpcs ?? [];
    const peers = [...peerVpcs, ...(props.existingPeerVpcs ?? [])];
    const spokes = props.spokes ?? [];
    this.checkPeers(errors, vpc, peerVpcs, peers);
    const otherAccountSpokes = this.checkSpokes(errors, vpc, spokes, peers);
    const transitGateway = props.transitGateway ?? (spokes.length > 0 ? PrivateLinkTransitGateway.create() : undefined);
    transitGateway?.problems(this.subject, otherAccountSpokes.map((i) => `spokes[${i}] ('${spokes[i].node.path}')`)).forEach((problem) => errors.add(problem));
    // Peers, then spokes: each named once in construct IDs, by the prop that lists it in messages.
    const names = new Set<string>();
    const dnsPeers = [...peers, ...spokes].map((peer, i): PrivateLinkDnsPeer => {
      let name = this.peerName(peer, i);
      name = names.has(name) ? `${name}${i + 1}` : name;
      names.add(name);
      return {
        vpc: peer,
        cidr: cidrOf(peer),
        name,
        description: i < peerVpcs.length ? `peerVpcs[${i}]` : i < peers.length ? `existingPeerVpcs[${i - peerVpcs.length}]` : `spokes[${i - peers.length}]`,
      };
    });
    dns.peerProblems(this, vpc, dnsPeers).forEach((problem) => errors.add(problem));

    const selection = vpc.selectSubnets({ ...props.subnets, onePerAz: true });
    errors.check(() => {
      if (!selection.isPendingLookup && selection.subnets.length < 2) {
        throw new GuardedPatternsError(`${this.subject}: subnets select ${selection.subnets.length} availability zone(s); the endpoints need at least 2 `
          + 'so that an AZ failure leaves them reachable. Select subnets in two or more AZs.');
      }
    });
    errors.throwIfAny();
    const subnets = selection.subnets;

    this.securityGroup = props.securityGroup ?? new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc,
      description: `Interface endpoints of ${this.node.path}`,
      allowAllOutbound: false,
    });
    this.connections = new ec2.Connections({ securityGroups: [this.securityGroup], defaultPort: ec2.Port.tcp(443) });
    for (const port of [...new Set(services.map((s) => s.service.port))]) {
      this.connections.allowFrom(ec2.Peer.ipv4(cidrOf(vpc)), ec2.Port.tcp(port), 'HTTPS from the endpoint VPC');
      dnsPeers.forEach((peer, i) => this.connections.allowFrom(ec2.Peer.ipv4(peer.cidr), ec2.Port.tcp(port), `HTTPS from ${i < peers.length ? 'peer' : 'spoke'} ${peer.name}`));
    }

    // Private DNS on: a strategy that answers the names itself turns it off when it binds.
    const endpoints = services.map((planned) => new ec2.InterfaceVpcEndpoint(this, planned.id, {
      vpc,
      service: planned.service,
      subnets: { subnets },
      securityGroups: [this.securityGroup],
      open: false,
      privateDnsEnabled: true,
    }));
    this.endpoints = endpoints;
    this.serviceHostNames = services.map((planned) => planned.host);
    this.privateDnsNames = services.flatMap((planned) => planned.names);

    peerVpcs.forEach((peer, i) => this.peer(vpc, peer, dnsPeers[i].name));
    if (transitGateway) {
      const gateway = transitGateway.bind(this);
      this.transitGateway = gateway.transitGateway;
      this.transitGatewayId = gateway.transitGatewayId;
      this.hubAttachment = this.attach(vpc, subnets, gateway.transitGatewayId, gateway.routeTableId, 'TransitGateway');
      // The endpoints' (and DNS servers') replies leave from their subnets; the VPC's other private subnets may call the spokes too.
      const hubTables = routeTableIds(vpc, this.subject, 'vpc', [...subnets, ...vpc.privateSubnets, ...vpc.isolatedSubnets]);
      dnsPeers.slice(peers.length).forEach((spoke) => this.addSpoke(vpc, hubTables, spoke, gateway.transitGatewayId, gateway.routeTableId));
      const accounts = otherAccountSpokes.map((i) => spokes[i].env.account);
      if (accounts.length > 0) {
        this.transitGatewayShare = this.shareTransitGateway(gateway.transitGatewayId, gateway.ownerAccount, accounts);
      }
    }

    const bound = dns.bind(this, {
      vpc,
      vpcCidr: cidrOf(vpc),
      subnets,
      securityGroup: this.securityGroup,
      endpoints: services.map((planned, i) => ({
        endpoint: endpoints[i],
        service: planned.service,
        label: planned.label,
        zones: planned.zones,
      })),
      peers: dnsPeers,
    });
    this.dns = dns;
    this.dnsServers = bound.dnsServers ?? [];
    this.hostedZones = bound.hostedZones ?? [];
    this.inboundResolverEndpoint = bound.inboundResolverEndpoint;
    this.outboundResolverEndpoint = bound.outboundResolverEndpoint;
    this.resolverRules = bound.resolverRules ?? [];
    this.forwarderGroups = bound.forwarderGroups ?? [];
    this.forwarderInterfaces = bound.forwarderInterfaces ?? [];
    this.forwarderSecurityGroup = bound.forwarderSecurityGroup;
    this.forwarderRole = bound.forwarderRole;
    this.forwarderEc2Endpoint = bound.forwarderEc2Endpoint;
    this.profile = bound.profile;
    this.profileResourceAssociations = bound.profileResourceAssociations ?? [];
    this.profileAssociations = bound.profileAssociations ?? [];

    embedChecks(this, PATTERN_CHECKS.PrivateLinkConsumer);
    this.remoteScopes.forEach((remote) => embedChecks(remote, PATTERN_CHECKS.PrivateLinkConsumer));
  }

  private planServices(errors: PropErrors, services: ec2.IInterfaceVpcEndpointService[], dnsNames: { [serviceName: string]: string },
    givenNames: { [shortName: string]: string[] }, regionDomain: string): PlannedService[] {
    if (services.length === 0) {
      errors.add(`${this.subject}: services is empty; give at least one, such as ec2.InterfaceVpcEndpointAwsService.KINESIS_STREAMS.`);
    }
    const problems: string[] = [];
    const seen = new Set<string>();
    const planned: PlannedService[] = [];
    services.forEach((service, i) => errors.check(() => {
      const plan = service instanceof ec2.InterfaceVpcEndpointAwsService
        ? this.planAwsService(service, i, givenNames, regionDomain, problems)
        : this.planEndpointService(service, i, dnsNames);
      if (seen.has(plan.id)) {
        throw new GuardedPatternsError(`${this.subject}: services[${i}] (${plan.label}) is listed twice; a VPC takes one endpoint per service. Remove the duplicate.`);
      }
      seen.add(plan.id);
      planned.push(plan);
    }));
    if (problems.length > 0) {
      errors.add(`${this.subject}: ${problems.join(' ')}`);
    }
    return planned;
  }

  /** An AWS service with its private DNS names: the user's, or the construct's table. */
  private planAwsService(service: ec2.InterfaceVpcEndpointAwsService, i: number, givenNames: { [shortName: string]: string[] },
    regionDomain: string, problems: string[]): PlannedService {
    const shortName = service.shortName;
    const id = pascalCase(shortName);
    const given = Object.prototype.hasOwnProperty.call(givenNames, shortName) ? givenNames[shortName] : undefined;
    let names: string[];
    let zoneIds: string[];
    if (given !== undefined) {
      const wrong = given.filter((name) => !Token.isUnresolved(name) && !isDnsName(name));
      if (given.length === 0 || wrong.length > 0) {
        problems.push(`servicePrivateDnsNames['${shortName}'] (${JSON.stringify(given)}) must list the service's private DNS names, such as ${shortName}.us-east-1.amazonaws.com or *.${shortName}.us-east-1.amazonaws.com.`);
      }
      names = given.map((name) => (Token.isUnresolved(name) ? name : name.toLowerCase().replace(/\.$/, '')));
      zoneIds = zonesOf(names).map((zone, k) => (Token.isUnresolved(zone.zone) ? `Zone${k + 1}` : pascalCase(zone.zone)));
    } else {
      const relative = relativeDnsNamesOf(shortName);
      if (relative === undefined) {
        problems.push(`services[${i}] (${shortName}) is not one whose private DNS names the construct knows (${knownEndpointServices().join(', ')}). `
          + `Give its names in servicePrivateDnsNames: { '${shortName}': [...] }, the PrivateDnsNames that aws ec2 describe-vpc-endpoint-services --service-names com.amazonaws.<region>.${shortName} reports.`);
        return { service, id, host: shortName, label: shortName, names: [], zones: [] };
      }
      names = relative.map((name) => `${name}.${regionDomain}`);
      zoneIds = zonesOf(relative).map((zone) => pascalCase(zone.zone));
    }
    const zones = zonesOf(names).map(({ zone, apex, wildcard }, k) => ({ zoneName: zone, apex, wildcard, idPrefix: k === 0 ? id : `${id}${zoneIds[k]}` }));
    const host = names.find((name) => !name.startsWith('*.')) ?? names[0]?.replace(/^\*\./, '');
    return { service, id, host, label: shortName, names, zones };
  }

  private planEndpointService(service: ec2.IInterfaceVpcEndpointService, i: number, dnsNames: { [serviceName: string]: string }): PlannedService {
    const host = service === undefined ? undefined : dnsNames[service.name];
    if (host === undefined) {
      throw new GuardedPatternsError(`${this.subject}: services[${i}] (${service?.name}) is an endpoint service by name, and endpointServiceDnsNames gives no DNS name for it. `
        + 'Add its private DNS name (the one its provider verified), keyed by the service name, or use an ec2.InterfaceVpcEndpointAwsService.');
    }
    // The provider's verified name, and the names under it that some services answer on.
    const planned = (id: string, name: string, label: string): PlannedService => ({
      service, id, host: name, label, names: [name, `*.${name}`], zones: [{ zoneName: name, apex: true, wildcard: true, idPrefix: id }],
    });
    if (Token.isUnresolved(host)) {
      return planned(`EndpointService${i + 1}`, host, service.name);
    }
    if (!isDnsName(host) || host.startsWith('*.')) {
      throw new GuardedPatternsError(`${this.subject}: endpointServiceDnsNames['${service.name}'] ('${host}') is not a DNS name; give the endpoint service's private DNS name, such as api.example.com.`);
    }
    return planned(pascalCase(host), host.toLowerCase(), host);
  }

  private checkPeers(errors: PropErrors, vpc: ec2.IVpc, peerVpcs: ec2.IVpc[], peers: ec2.IVpc[]): void {
    const seen = new Set<ec2.IVpc>([vpc]);
    peers.forEach((peer, i) => errors.check(() => {
      if (seen.has(peer)) {
        throw new GuardedPatternsError(`${this.subject}: peer VPC '${peer.node.path}' is listed twice, or is the endpoint VPC itself. List each peer once, in peerVpcs or existingPeerVpcs.`);
      }
      seen.add(peer);
      const otherEnv = otherEnvironment(vpc, peer, ['account', 'region']);
      // The DNS strategy checks the environments of the peers it must serve when it binds.
      if (otherEnv && i < peerVpcs.length) {
        throw new GuardedPatternsError(`${this.subject}: peerVpcs[${i}] ('${peer.node.path}') is in ${otherEnv} ${peer.env[otherEnv]}, the VPC in ${vpc.env[otherEnv]}. `
          + 'The construct creates routes on both sides, which it can do only in one account and region: peer it (accept it, add its routes) yourself and pass it in existingPeerVpcs.');
      }
    }));
    for (const candidate of [vpc, ...peers]) {
      errors.check(() => {
        if (candidate instanceof ec2.Vpc && (!candidate.dnsSupportEnabled || !candidate.dnsHostnamesEnabled)) {
          throwFinding(VpcPeeringDnsDisabled, `${this.subject}: VPC '${candidate.node.path}' has ${candidate.dnsSupportEnabled ? 'DNS hostnames' : 'DNS support'} off, so private DNS names do not resolve there. `
            + 'Turn on enableDnsSupport and enableDnsHostnames (ec2.Vpc\'s defaults).');
        }
      });
    }
    // Each route table holds one route per destination: two peers with one block cannot both be routed.
    const routed = new Map<string, ec2.IVpc>();
    peerVpcs.forEach((peer, i) => errors.check(() => {
      const block = literalVpcCidr(peer);
      const other = block && routed.get(formatCidr(block));
      if (block && other) {
        throw new GuardedPatternsError(`${this.subject}: peerVpcs[${i}] ('${peer.node.path}') has the same CIDR block (${formatCidr(block)}) as '${other.node.path}'; `
          + 'a route table holds one route per destination, so the VPC cannot route to both. Give one of them another block.');
      }
      if (block) {
        routed.set(formatCidr(block), peer);
      }
    }));
    const mine = literalVpcCidr(vpc);
    peers.forEach((peer) => errors.check(() => {
      const theirs = literalVpcCidr(peer);
      if (mine && theirs && cidrsOverlap(mine, theirs)) {
        throwFinding(VpcPeeringCidrOverlap, `${this.subject}: VPC '${vpc.node.path}' (${formatCidr(mine)}) and peer VPC '${peer.node.path}' (${formatCidr(theirs)}) overlap. `
          + 'Give one of the VPCs a block that does not overlap; AWS refuses the peering otherwise.');
      }
    }));
  }

  /** Checks the spokes; returns the indexes of those in another account. */
  private checkSpokes(errors: PropErrors, vpc: ec2.IVpc, spokes: ec2.IVpc[], peers: ec2.IVpc[]): number[] {
    const seen = new Set<ec2.IVpc>([vpc, ...peers]);
    const otherAccount: number[] = [];
    spokes.forEach((spoke, i) => errors.check(() => {
      if (seen.has(spoke)) {
        throw new GuardedPatternsError(`${this.subject}: spokes[${i}] ('${spoke.node.path}') is listed twice, is also a peer, or is the endpoint VPC itself. `
          + 'List each VPC once: in spokes to reach the endpoints through the transit gateway, or in peerVpcs or existingPeerVpcs to peer it.');
      }
      seen.add(spoke);
      if (otherEnvironment(vpc, spoke, ['region'])) {
        throw new GuardedPatternsError(`${this.subject}: spokes[${i}] ('${spoke.node.path}') is in region ${spoke.env.region}, the VPC in ${vpc.env.region}. `
          + 'A transit gateway attaches VPCs of its own region only. Give the spoke a transit gateway of its region, peer the two transit gateways, '
          + 'and pass the spoke in existingPeerVpcs, which lets its CIDR block in and gives it DNS where the strategy can.');
      }
      if (otherEnvironment(vpc, spoke, ['account'])) {
        otherAccount.push(i);
        // Its routes and security group rule are written in stacks of two accounts: only literals cross.
        if (!literalVpcCidr(spoke)) {
          throw new GuardedPatternsError(`${this.subject}: spokes[${i}] ('${spoke.node.path}') is in account ${spoke.env.account}, and its CIDR block is not known (${spoke.vpcCidrBlock}); `
            + 'the routes to it and the endpoints\' security group rule are in this account\'s stack, which cannot read a value of another account\'s stack. '
            + 'Give its VPC a literal block (ec2.IpAddresses.cidr, or vpcCidrBlock in Vpc.fromVpcAttributes).');
        }
        if (!literalVpcCidr(vpc)) {
          throw new GuardedPatternsError(`${this.subject}: spokes[${i}] ('${spoke.node.path}') is in account ${spoke.env.account}, and the endpoint VPC's CIDR block is not known (${vpc.vpcCidrBlock}); `
            + 'the spoke\'s routes to it are in the spoke\'s stack, which cannot read a value of this one. Give the endpoint VPC a literal block.');
        }
      }
      if (spoke instanceof ec2.Vpc && (!spoke.dnsSupportEnabled || !spoke.dnsHostnamesEnabled)) {
        throwFinding(TransitGatewaySpokeDnsDisabled, `${this.subject}: spoke VPC '${spoke.node.path}' has ${spoke.dnsSupportEnabled ? 'DNS hostnames' : 'DNS support'} off, so private DNS names do not resolve there. `
          + 'Turn on enableDnsSupport and enableDnsHostnames (ec2.Vpc\'s defaults).');
      }
    }));
    // The transit gateway route table holds one route per block, and each VPC routes to the others by block.
    spokes.forEach((spoke, j) => [vpc, ...spokes.slice(0, j), ...peers].forEach((other) => errors.check(() => {
      const a = { vpc: other, block: literalVpcCidr(other) };
      const b = { vpc: spoke, block: literalVpcCidr(spoke) };
      if (a.block && b.block && cidrsOverlap(a.block, b.block)) {
        throwFinding(TransitGatewayCidrOverlap, `${this.subject}: VPC '${a.vpc.node.path}' (${formatCidr(a.block)}) and spoke VPC '${b.vpc.node.path}' (${formatCidr(b.block)}) overlap. `
          + 'Give one of the VPCs a block that does not overlap: the transit gateway does not route between overlapping blocks, and a route table holds one route per destination.');
      }
    })));
    return otherAccount;
  }

  /** Attaches a VPC to the transit gateway, in one subnet per AZ, with the route table given by fromId. */
  private attach(vpc: ec2.IVpc, subnets: ec2.ISubnet[], transitGatewayId: string, routeTableId: string | undefined,
    id: string, scope: Construct = this): ec2.CfnTransitGatewayAttachment {
    const attachment = new ec2.CfnTransitGatewayAttachment(scope, `${id}Attachment`, {
      transitGatewayId,
      vpcId: vpc.vpcId,
      subnetIds: subnets.map((subnet) => subnet.subnetId),
      tags: [{ key: 'Name', value: `${vpc.node.path} to the endpoints of ${this.node.path}` }],
    });
    if (routeTableId !== undefined) {
      new ec2.CfnTransitGatewayRouteTableAssociation(this, `${id}Association`, {
        transitGatewayAttachmentId: attachment.attrId,
        transitGatewayRouteTableId: routeTableId,
      });
      new ec2.CfnTransitGatewayRouteTablePropagation(this, `${id}Propagation`, {
        transitGatewayAttachmentId: attachment.attrId,
        transitGatewayRouteTableId: routeTableId,
      });
    }
    return attachment;
  }

  /**
   * A spoke's attachment, and routes both ways: each needs its VPC's attachment to exist. A spoke
   * in another account gets its attachment and routes in its own stack, from literals only.
   */
  private addSpoke(vpc: ec2.IVpc, hubTables: string[], spoke: PrivateLinkDnsPeer, transitGatewayId: string, routeTableId: string | undefined): void {
    const spokeStack = Stack.of(spoke.vpc);
    const otherAccount = otherEnvironment(vpc, spoke.vpc, ['account']) !== undefined;
    const scope = otherAccount ? scopeIn(spokeStack, this) : this;
    if (otherAccount) {
      this.remoteScopes.add(scope);
      // The transit gateway is shared from this stack before the spoke's attachment asks for it.
      spokeStack.addStackDependency(Stack.of(this), `${spoke.vpc.node.path} attaches to the transit gateway that ${this.node.path} shares`);
      Annotations.of(this).addInfo(`spokes: '${spoke.vpc.node.path}' is in account ${spokeStack.account}. Before its stack ${spokeStack.stackName} deploys, that account must accept the transit gateway's `
        + `AWS RAM share unless both accounts are in one AWS Organization with RAM sharing enabled (in ${spokeStack.account}: aws ram get-resource-share-invitations, then `
        + 'aws ram accept-resource-share-invitation --resource-share-invitation-arn <arn>; or the RAM console, Shared with me). '
        + `Its attachment to ${transitGatewayId} stays pending acceptance unless the transit gateway auto-accepts shared attachments: in the transit gateway's account, `
        + 'aws ec2 accept-transit-gateway-vpc-attachment --transit-gateway-attachment-id <the attachment\'s ID>; or the VPC console, Transit gateway attachments, Accept.');
    }
    const attachment = this.attach(spoke.vpc, spoke.vpc.selectSubnets({ onePerAz: true }).subnets, transitGatewayId, routeTableId, spoke.name, scope);
    this.spokeAttachments.push(attachment);
    hubTables.forEach((table, i) => new ec2.CfnRoute(this, `${spoke.name}Route${i + 1}`, {
      routeTableId: table,
      destinationCidrBlock: spoke.cidr,
      transitGatewayId,
    }).addResourceDependency(this.hubAttachment!));
    routeTableIds(spoke.vpc, this.subject, `spoke VPC '${spoke.vpc.node.path}'`).forEach((table, i) => new ec2.CfnRoute(scope, `${spoke.name}ReturnRoute${i + 1}`, {
      routeTableId: table,
      destinationCidrBlock: cidrOf(vpc),
      transitGatewayId,
    }).addResourceDependency(attachment));
  }

  /**
   * Shares the transit gateway with the spokes' accounts where this account owns it; says what the
   * owner must share otherwise.
   */
  private shareTransitGateway(transitGatewayId: string, ownerAccount: string | undefined, accounts: string[]): ram.CfnResourceShare | undefined {
    const stack = Stack.of(this);
    if (ownerAccount !== undefined && ownerAccount !== stack.account) {
      Annotations.of(this).addInfo(`transitGateway: ${transitGatewayId} belongs to account ${ownerAccount}, which must share it through AWS RAM with account(s) ${[...new Set(accounts)].join(', ')} `
        + 'of the spokes, and with this account, before their stacks deploy.');
      return undefined;
    }
    const arn = stack.formatArn({ service: 'ec2', resource: 'transit-gateway', resourceName: transitGatewayId });
    return shareWithAccounts(this, 'TransitGatewayShare', [arn], accounts);
  }

  /** A stable, readable construct ID for a peer: its own ID, or its parent's for a pattern's `Resource`. */
  private peerName(peer: ec2.IVpc, i: number): string {
    const named: IConstruct = peer.node.id === 'Resource' && peer.node.scope ? peer.node.scope : peer;
    const name = named.node.id.replace(/[^A-Za-z0-9]/g, '');
    return name.length > 0 ? name : `Peer${i + 1}`;
  }

  private peer(vpc: ec2.IVpc, peer: ec2.IVpc, name: string): void {
    const peering = new ec2.CfnVPCPeeringConnection(this, `${name}Peering`, {
      vpcId: vpc.vpcId,
      peerVpcId: peer.vpcId,
      tags: [{ key: 'Name', value: `${this.node.path} to ${peer.node.path}` }],
    });
    this.peeringConnections.push(peering);
    routeTableIds(vpc, this.subject, 'vpc').forEach((table, i) => new ec2.CfnRoute(this, `${name}Route${i + 1}`, {
      routeTableId: table,
      destinationCidrBlock: cidrOf(peer),
      vpcPeeringConnectionId: peering.ref,
    }));
    routeTableIds(peer, this.subject, `peer VPC '${peer.node.path}'`).forEach((table, i) => new ec2.CfnRoute(this, `${name}ReturnRoute${i + 1}`, {
      routeTableId: table,
      destinationCidrBlock: cidrOf(vpc),
      vpcPeeringConnectionId: peering.ref,
    }));
  }
}

/** A service with its endpoint's construct ID, the DNS names it answers for, and how messages name it. */
interface PlannedService {
  readonly service: ec2.IInterfaceVpcEndpointService;
  readonly id: string;
  /** The main name. */
  readonly host: string;
  readonly label: string;
  /** Every private DNS name (`*.x`: the names under x). */
  readonly names: string[];
  /** The zones (and Resolver rules) the names need, each with the construct ID its resources start with. */
  readonly zones: PrivateLinkDnsZone[];
}

/** A DNS name, or a wildcard name `*.` followed by one. */
function isDnsName(name: string): boolean {
  const bare = name.replace(/^\*\./, '').replace(/\.$/, '');
  return bare.length <= 253 && /^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i.test(bare);
}

/** A construct ID from a short name or DNS name: `ecr.dkr` becomes `EcrDkr`. */
function pascalCase(name: string): string {
  return name.split(/[^A-Za-z0-9]+/).map((part) => part.charAt(0).toUpperCase() + part.substring(1)).join('');
}

/**
 * A VPC's block as a literal where the app knows it (the compliance packs cannot read a GetAtt
 * in a security group rule), otherwise the VPC's CidrBlock attribute.
 */
function cidrOf(vpc: ec2.IVpc): string {
  const literal = literalVpcCidr(vpc);
  return literal ? formatCidr(literal) : vpc.vpcCidrBlock;
}

/** The route tables of a VPC's subnets (by default all of them), once each. */
function routeTableIds(vpc: ec2.IVpc, subject: string, what: string,
  subnets: ec2.ISubnet[] = [...vpc.publicSubnets, ...vpc.privateSubnets, ...vpc.isolatedSubnets]): string[] {
  const ids = new Set<string>();
  for (const subnet of subnets) {
    const id = subnet.routeTable?.routeTableId;
    if (id === undefined) {
      throw new GuardedPatternsError(`${subject}: the route table of subnet '${subnet.node.path}' in ${what} is not known, so no route to the peer or spoke can be added. `
        + 'Import the VPC with its route table IDs (Vpc.fromLookup, or routeTableIds in Vpc.fromVpcAttributes), or peer or attach it yourself and pass it in existingPeerVpcs.');
    }
    ids.add(id);
  }
  return [...ids];
}
