import { aws_ec2 as ec2, aws_sns as sns } from 'aws-cdk-lib';

/**
 * The ways PrivateLinkConsumer makes its endpoints' names resolve in peered VPCs.
 */
export enum PrivateLinkDnsKind {
  /** Private DNS off; a private hosted zone per service, associated with the VPC and every peer. */
  HOSTED_ZONES = 'HostedZones',
  /** Private DNS on; a Route 53 Resolver inbound endpoint, and forwarding rules for the peers. */
  RESOLVER_ENDPOINTS = 'ResolverEndpoints',
  /** Private DNS on; unbound forwarders in the VPC, set as the peers' DNS servers. */
  FORWARDER_INSTANCES = 'ForwarderInstances',
}

/**
 * Options of `PrivateLinkDns.forwarderInstances()`.
 */
export interface ForwarderInstancesOptions {
  /**
   * The forwarders' instance type. Amazon DNS answers at most 1024 packets a second per network
   * interface, which a nano instance's unbound cache keeps well below.
   *
   * @default - t4g.nano (Graviton)
   */
  readonly instanceType?: ec2.InstanceType;

  /**
   * Whether to create an interface endpoint for the EC2 API, through which the forwarders attach
   * their network interfaces. Without a route to the internet they cannot reach the API otherwise,
   * never attach, and are replaced every ten minutes while the peers send all their DNS to them.
   * Turn it off when the VPC already has an EC2 endpoint with private DNS (a second one fails to
   * deploy); it is never created when `services` holds the EC2 endpoint.
   *
   * @default - created when a forwarder subnet is isolated (no route to the internet)
   */
  readonly ec2Endpoint?: boolean;

  /**
   * Whether to give each peer a DHCP options set whose DNS servers are the forwarders. The peer
   * then resolves every name through them (the endpoint VPC's resolver answers), which replaces
   * any DHCP options the peer had. Turn it off to point the peers at `dnsServers` yourself (a
   * Resolver rule, DHCP options of your own); without either, synth fails with
   * `GuardedPatterns-PrivateLinkPeerDnsMissing`.
   *
   * @default true
   */
  readonly peerDhcpOptions?: boolean;

  /**
   * An SNS topic that each forwarder's auto-scaling group tells of every launch, termination and
   * failure of its instance, that is of every replacement (cdk-nag's AwsSolutions-AS3 asks for
   * one), as OpenVpnAccessServer's `notificationTopic` does.
   *
   * @default - no notifications
   */
  readonly notificationTopic?: sns.ITopic;
}

/**
 * How the endpoints' names resolve outside their own VPC: the private DNS an interface endpoint
 * creates answers only inside that VPC.
 *
 * @see https://docs.aws.amazon.com/vpc/latest/privatelink/privatelink-access-aws-services.html
 */
export class PrivateLinkDns {
  /**
   * Private DNS off on the endpoints; one private hosted zone per service name with alias records
   * to its endpoint, associated with the endpoint VPC and every peer. About $0.50 a zone a month.
   * Peers resolve with their own VPC resolver; there is no address for clients outside AWS VPCs.
   */
  public static hostedZones(): PrivateLinkDns {
    return new PrivateLinkDns(PrivateLinkDnsKind.HOSTED_ZONES);
  }

  /**
   * A managed DNS forwarder: a Route 53 Resolver inbound endpoint in two AZs of the endpoint VPC
   * (its addresses are what VPN and on-premises clients use), and for the peers an outbound
   * endpoint with a forwarding rule per service name, associated with each peer.
   * $0.125 per endpoint address and hour: two addresses each.
   */
  public static resolverEndpoints(): PrivateLinkDns {
    return new PrivateLinkDns(PrivateLinkDnsKind.RESOLVER_ENDPOINTS);
  }

  /**
   * The low-cost relay: unbound on an instance in each of two AZs, each in an auto-scaling group
   * of one, answering on a network interface whose address outlives the instance, and forwarding
   * to the VPC's own resolver. Those addresses become the peers' DNS servers.
   */
  public static forwarderInstances(options: ForwarderInstancesOptions = {}): PrivateLinkDns {
    return new PrivateLinkDns(PrivateLinkDnsKind.FORWARDER_INSTANCES, options);
  }

  /**
   * @param kind which strategy
   * @param forwarderOptions the forwarders' options, for `FORWARDER_INSTANCES`
   */
  private constructor(public readonly kind: PrivateLinkDnsKind, public readonly forwarderOptions?: ForwarderInstancesOptions) {}
}
