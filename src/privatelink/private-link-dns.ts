import {
  aws_autoscaling as autoscaling,
  aws_ec2 as ec2,
  aws_iam as iam,
  aws_route53 as route53,
  aws_route53profiles as route53profiles,
  aws_route53resolver as resolver,
} from 'aws-cdk-lib';
import { Construct } from 'constructs';

/**
 * A DNS zone that one service's private DNS names need resolved to its endpoint.
 */
export interface PrivateLinkDnsZone {
  /** The zone's name, such as `data-kinesis.us-east-1.amazonaws.com` (may be a token). */
  readonly zoneName: string;

  /** Whether the zone's own name is one of the service's names. */
  readonly apex: boolean;

  /** Whether the names under the zone (`*.zoneName`) are. */
  readonly wildcard: boolean;

  /** The prefix of the construct IDs of what a strategy creates for this zone, stable and unique in the consumer. */
  readonly idPrefix: string;
}

/**
 * An interface endpoint of the consumer, with the DNS zones its service's names need.
 */
export interface PrivateLinkDnsEndpoint {
  /** The endpoint, created with private DNS on. */
  readonly endpoint: ec2.InterfaceVpcEndpoint;

  /** Its service. */
  readonly service: ec2.IInterfaceVpcEndpointService;

  /** How descriptions name the service: its short name, or its DNS name. */
  readonly label: string;

  /** The zones of its private DNS names, in the order of the names. */
  readonly zones: PrivateLinkDnsZone[];
}

/**
 * A VPC peered with the consumer's VPC, in which the endpoints' names must resolve.
 */
export interface PrivateLinkDnsPeer {
  /** The peer VPC. */
  readonly vpc: ec2.IVpc;

  /** Its CIDR block: a literal where the app knows it, otherwise its `CidrBlock` attribute. */
  readonly cidr: string;

  /** A name for it in construct IDs: stable, and unique among the peers. */
  readonly name: string;

  /** How messages name it: the prop that lists it, such as `existingPeerVpcs[0]`. */
  readonly description: string;
}

/**
 * What `PrivateLinkConsumer` gives the DNS strategy it binds.
 */
export interface PrivateLinkDnsBindOptions {
  /** The VPC the endpoints live in. */
  readonly vpc: ec2.IVpc;

  /** The VPC's CIDR block: a literal where the app knows it, otherwise its `CidrBlock` attribute. */
  readonly vpcCidr: string;

  /** The endpoints' subnets, one per AZ (at least two). */
  readonly subnets: ec2.ISubnet[];

  /** The endpoints' security group. */
  readonly securityGroup: ec2.ISecurityGroup;

  /** The interface endpoints, in the order of the consumer's `services`. */
  readonly endpoints: PrivateLinkDnsEndpoint[];

  /** The peers, those the consumer peers first, then those already peered. */
  readonly peers: PrivateLinkDnsPeer[];
}

/**
 * What a DNS strategy created when it bound, for the consumer to expose. Each strategy fills in
 * its own resources and leaves the others out.
 */
export interface PrivateLinkDnsConfig {
  /**
   * The addresses other DNS clients (VPN users, on-premises resolvers) should query to reach the
   * endpoints by name (may hold tokens).
   *
   * @default - none: only VPCs' own resolvers answer
   */
  readonly dnsServers?: string[];

  /**
   * The private hosted zones, one per DNS zone of the services.
   *
   * @default - none
   */
  readonly hostedZones?: route53.IPrivateHostedZone[];

  /**
   * The inbound Resolver endpoint.
   *
   * @default - none
   */
  readonly inboundResolverEndpoint?: resolver.CfnResolverEndpoint;

  /**
   * The outbound Resolver endpoint.
   *
   * @default - none
   */
  readonly outboundResolverEndpoint?: resolver.CfnResolverEndpoint;

  /**
   * The Resolver forwarding rules, one per DNS zone of the services.
   *
   * @default - none
   */
  readonly resolverRules?: resolver.CfnResolverRule[];

  /**
   * The DNS forwarders' auto-scaling groups.
   *
   * @default - none
   */
  readonly forwarderGroups?: autoscaling.IAutoScalingGroup[];

  /**
   * The DNS forwarders' fixed network interfaces.
   *
   * @default - none
   */
  readonly forwarderInterfaces?: ec2.CfnNetworkInterface[];

  /**
   * The DNS forwarders' security group.
   *
   * @default - none
   */
  readonly forwarderSecurityGroup?: ec2.ISecurityGroup;

  /**
   * The DNS forwarders' instance role.
   *
   * @default - none
   */
  readonly forwarderRole?: iam.IRole;

  /**
   * The EC2 API endpoint the DNS forwarders attach their interfaces through.
   *
   * @default - none
   */
  readonly forwarderEc2Endpoint?: ec2.InterfaceVpcEndpoint;

  /**
   * The Route 53 Profile that carries the hosted zones to the peers and spokes.
   *
   * @default - none
   */
  readonly profile?: route53profiles.CfnProfile;

  /**
   * The associations of the hosted zones with the Profile.
   *
   * @default - none
   */
  readonly profileResourceAssociations?: route53profiles.CfnProfileResourceAssociation[];

  /**
   * The associations of the Profile with the peers and spokes.
   *
   * @default - none
   */
  readonly profileAssociations?: route53profiles.CfnProfileAssociation[];
}

/**
 * How the endpoints' names resolve outside their own VPC: the private DNS an interface endpoint
 * creates answers only inside that VPC.
 *
 * A strategy binds to one `PrivateLinkConsumer` and owns what it creates there; binding the same
 * instance to a second consumer fails: create one per consumer.
 *
 * @see https://docs.aws.amazon.com/vpc/latest/privatelink/privatelink-access-aws-services.html
 */
export abstract class PrivateLinkDns {
  /**
   * Private DNS off on the endpoints; one private hosted zone per service name with alias records
   * to its endpoint, associated with the endpoint VPC and every peer. About $0.50 a zone a month.
   * Peers resolve with their own VPC resolver; there is no address for clients outside AWS VPCs.
   */
  public static hostedZones(): HostedZonesDns {
    return new HostedZonesDns();
  }

  /**
   * A managed DNS forwarder: a Route 53 Resolver inbound endpoint in two AZs of the endpoint VPC
   * (its addresses are what VPN and on-premises clients use), and for the peers an outbound
   * endpoint with a forwarding rule per service name, associated with each peer.
   * $0.125 per endpoint address and hour: two addresses each.
   */
  public static resolverEndpoints(): ResolverEndpointsDns {
    return new ResolverEndpointsDns();
  }

  /**
   * The low-cost relay: unbound on an instance in each of two AZs, each in an auto-scaling group
   * of one, answering on a network interface whose address outlives the instance, and forwarding
   * to the VPC's own resolver. Those addresses become the peers' DNS servers.
   */
  public static forwarderInstances(options: ForwarderInstancesOptions = {}): ForwarderInstancesDns {
    return new ForwarderInstancesDns(options);
  }

  /**
   * Private DNS off on the endpoints; one private hosted zone per service name with alias records
   * to its endpoint, created with the endpoint VPC, and a Route 53 Profile that carries the zones,
   * associated with every peer and spoke (a VPC takes one Profile). $0.50 a zone a month, and
   * $0.75 an hour for the account's first 100 Profile-VPC associations in the region: dearer than
   * `hostedZones()` for a few VPCs, one association per VPC instead of one per zone and VPC.
   * Peers and spokes must be in the endpoint VPC's region; with none, there is no Profile. Those in
   * another account need an existing Profile (`profileId`), which their stacks associate and the
   * hub's stack shares with their accounts through AWS RAM.
   *
   * @see https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/profiles.html
   */
  public static route53Profile(options: Route53ProfileOptions = {}): Route53ProfileDns {
    return new Route53ProfileDns(options);
  }

  /**
   * Called by `PrivateLinkConsumer` to make the endpoints' names resolve in the peers: creates the
   * strategy's resources in `scope` and tells the consumer what they are. Don't call it directly.
   * A strategy binds once.
   *
   * @param scope the consumer, under which the strategy's resources go
   * @param options the endpoints, their names and the peers
   */
  public abstract bind(scope: Construct, options: PrivateLinkDnsBindOptions): PrivateLinkDnsConfig;

  /**
   * Called by `PrivateLinkConsumer` before it creates anything, so that what keeps the strategy
   * from serving a peer is reported with the consumer's other prop errors. Don't call it directly.
   *
   * @param _scope the consumer
   * @param _vpc the VPC the endpoints live in
   * @param _peers the VPCs whose names the strategy is to answer
   * @returns one message per peer the strategy cannot serve; none by default
   */
  public peerProblems(_scope: Construct, _vpc: ec2.IVpc, _peers: PrivateLinkDnsPeer[]): string[] {
    return [];
  }
}

// Imported last: the strategies extend PrivateLinkDns, which must be defined when they load.
import { ForwarderInstancesDns, ForwarderInstancesOptions } from './dns-forwarder-instances';
import { HostedZonesDns } from './dns-hosted-zones';
import { ResolverEndpointsDns } from './dns-resolver-endpoints';
import { Route53ProfileDns, Route53ProfileOptions } from './dns-route53-profile';
