import { Token, aws_ec2 as ec2, aws_route53resolver as resolver } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { DNS_PORTS, bindOnce, consumerSubject, peerEnvironmentProblems } from './dns-common';
import { PrivateLinkDns, PrivateLinkDnsBindOptions, PrivateLinkDnsConfig, PrivateLinkDnsPeer } from './private-link-dns';
import { Ipv4Cidr, blockSize, formatCidr, parseCidr } from '../private/cidr';
import { GuardedPatternsError } from '../private/errors';

const STRATEGY = 'ResolverEndpoints';

/**
 * `PrivateLinkDns.resolverEndpoints()`: private DNS stays on; a Route 53 Resolver inbound
 * endpoint on fixed addresses in the first two subnets, and, where there are peers, an outbound
 * endpoint with a forwarding rule per DNS zone of the services, associated with each peer (in the
 * same account and region).
 */
export class ResolverEndpointsDns extends PrivateLinkDns {
  /** The inbound endpoint's addresses, the last usable one of each subnet; empty until bound. */
  public readonly dnsServers: string[] = [];

  /** The forwarding rules, one per DNS zone of the services (with peers); empty until bound. */
  public readonly resolverRules: resolver.CfnResolverRule[] = [];

  private boundTo?: Construct;
  private inbound?: resolver.CfnResolverEndpoint;
  private outbound?: resolver.CfnResolverEndpoint;

  /** The inbound Resolver endpoint, once bound. */
  public get inboundResolverEndpoint(): resolver.CfnResolverEndpoint | undefined {
    return this.inbound;
  }

  /** The outbound Resolver endpoint, once bound where there are peers. */
  public get outboundResolverEndpoint(): resolver.CfnResolverEndpoint | undefined {
    return this.outbound;
  }

  /** Peers in another account and region, whose DNS this strategy cannot wire. */
  public peerProblems(scope: Construct, vpc: ec2.IVpc, peers: PrivateLinkDnsPeer[]): string[] {
    return peerEnvironmentProblems(scope, vpc, peers, STRATEGY, true);
  }

  /** Creates the Resolver endpoints and rules in the consumer. */
  public bind(scope: Construct, options: PrivateLinkDnsBindOptions): PrivateLinkDnsConfig {
    this.boundTo = bindOnce(STRATEGY, this.boundTo, scope);
    const { vpc, peers } = options;
    const subnets = options.subnets.slice(0, 2);
    const addresses = subnets.map((subnet, i) => {
      const cidr = knownBlock(subnet);
      if (!cidr) {
        throw new GuardedPatternsError(`${consumerSubject(scope)}: the CIDR block of subnet ${i + 1} ('${subnet.node.path}') is not known at synth time, `
          + 'so the inbound Resolver endpoint cannot get the fixed addresses its forwarding rules need. Use a VPC defined in the app or imported with Vpc.fromLookup.');
      }
      // The last usable address (AWS keeps the last one): the least likely to be taken already.
      return formatCidr({ network: cidr.network + blockSize(cidr.mask) - 2, mask: 32 }).replace(/\/32$/, '');
    });
    const inboundGroup = new ec2.SecurityGroup(scope, 'InboundResolverSecurityGroup', {
      vpc,
      description: `Inbound Resolver endpoint of ${scope.node.path}: DNS from the VPC and its peers`,
      allowAllOutbound: false,
    });
    for (const port of DNS_PORTS) {
      inboundGroup.addIngressRule(ec2.Peer.ipv4(options.vpcCidr), port, 'DNS from the endpoint VPC (and the outbound endpoint)');
      peers.forEach((peer) => inboundGroup.addIngressRule(ec2.Peer.ipv4(peer.cidr), port, `DNS from peer ${peer.name}`));
    }
    this.inbound = new resolver.CfnResolverEndpoint(scope, 'InboundResolverEndpoint', {
      direction: 'INBOUND',
      name: `${scope.node.id}-inbound`,
      securityGroupIds: [inboundGroup.securityGroupId],
      ipAddresses: subnets.map((subnet, i) => ({ subnetId: subnet.subnetId, ip: addresses[i] })),
    });
    this.dnsServers.push(...addresses);
    if (peers.length > 0) {
      this.outbound = this.forwardPeers(scope, options, subnets, addresses);
    }
    return {
      dnsServers: this.dnsServers,
      inboundResolverEndpoint: this.inbound,
      outboundResolverEndpoint: this.outbound,
      resolverRules: this.resolverRules,
    };
  }

  /** The outbound endpoint, and a rule per zone that sends the peers' queries to the inbound one. */
  private forwardPeers(scope: Construct, { vpc, peers, endpoints }: PrivateLinkDnsBindOptions, subnets: ec2.ISubnet[],
    addresses: string[]): resolver.CfnResolverEndpoint {
    const outboundGroup = new ec2.SecurityGroup(scope, 'OutboundResolverSecurityGroup', {
      vpc,
      description: `Outbound Resolver endpoint of ${scope.node.path}: DNS to the inbound endpoint only`,
      allowAllOutbound: false,
    });
    for (const port of DNS_PORTS) {
      addresses.forEach((address) => outboundGroup.addEgressRule(ec2.Peer.ipv4(`${address}/32`), port, 'DNS to the inbound Resolver endpoint'));
    }
    const outbound = new resolver.CfnResolverEndpoint(scope, 'OutboundResolverEndpoint', {
      direction: 'OUTBOUND',
      name: `${scope.node.id}-outbound`,
      securityGroupIds: [outboundGroup.securityGroupId],
      ipAddresses: subnets.map((subnet) => ({ subnetId: subnet.subnetId })),
    });
    endpoints.flatMap((endpoint) => endpoint.zones).forEach(({ idPrefix: id, zoneName }) => {
      const rule = new resolver.CfnResolverRule(scope, `${id}ResolverRule`, {
        ruleType: 'FORWARD',
        domainName: zoneName,
        resolverEndpointId: outbound.attrResolverEndpointId,
        targetIps: addresses.map((ip) => ({ ip, port: '53' })),
      });
      this.resolverRules.push(rule);
      peers.forEach((peer) => new resolver.CfnResolverRuleAssociation(scope, `${id}ResolverRule${peer.name}`, {
        resolverRuleId: rule.attrResolverRuleId,
        vpcId: peer.vpc.vpcId,
      }));
    });
    return outbound;
  }
}

/** A subnet's block where the app knows it (an imported subnet without one throws on access). */
function knownBlock(subnet: ec2.ISubnet): Ipv4Cidr | undefined {
  let text: string | undefined;
  try {
    text = subnet.ipv4CidrBlock;
  } catch {
    return undefined;
  }
  return text === undefined || Token.isUnresolved(text) ? undefined : parseCidr(text);
}
