import { aws_ec2 as ec2, aws_route53 as route53, aws_route53_targets as targets } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { bindOnce, peerEnvironmentProblems } from './dns-common';
import { PrivateLinkDns, PrivateLinkDnsBindOptions, PrivateLinkDnsConfig, PrivateLinkDnsEndpoint, PrivateLinkDnsPeer } from './private-link-dns';

const STRATEGY = 'HostedZones';

/**
 * `PrivateLinkDns.hostedZones()`: private DNS off on the endpoints; a private hosted zone per DNS
 * zone of the services, with alias records to the endpoint, associated with the endpoint VPC and
 * every peer (in the same account, any region).
 */
export class HostedZonesDns extends PrivateLinkDns {
  /**
   * The private hosted zones, one per DNS zone of the services; empty until bound. (Not
   * `hostedZones`, which other languages could not tell from the static `PrivateLinkDns.hostedZones()`.)
   */
  public readonly zones: route53.IPrivateHostedZone[] = [];

  private boundTo?: Construct;

  /** Peers in another account, whose DNS this strategy cannot wire. */
  public peerProblems(scope: Construct, vpc: ec2.IVpc, peers: PrivateLinkDnsPeer[]): string[] {
    return peerEnvironmentProblems(scope, vpc, peers, STRATEGY, false);
  }

  /** Turns private DNS off on the endpoints, and creates the zones in the consumer. */
  public bind(scope: Construct, options: PrivateLinkDnsBindOptions): PrivateLinkDnsConfig {
    this.boundTo = bindOnce(STRATEGY, this.boundTo, scope);
    options.endpoints.forEach((endpoint) => this.addZones(scope, options.vpc, options.peers, endpoint));
    return { hostedZones: this.zones };
  }

  private addZones(scope: Construct, vpc: ec2.IVpc, peers: PrivateLinkDnsPeer[], { endpoint, label, zones }: PrivateLinkDnsEndpoint): void {
    // The zones answer instead of the endpoint's own, which would take the names in the endpoint VPC.
    (endpoint.node.defaultChild as ec2.CfnVPCEndpoint).privateDnsEnabled = false;
    const target = route53.RecordTarget.fromAlias(new targets.InterfaceVpcEndpointTarget(endpoint));
    for (const { idPrefix: id, zoneName, apex, wildcard } of zones) {
      const zone = new route53.PrivateHostedZone(scope, `${id}Zone`, { zoneName, vpc, comment: `Answers ${label} with the endpoint of ${scope.node.path}` });
      peers.forEach((peer) => zone.addVpc(peer.vpc));
      if (apex) {
        new route53.ARecord(scope, `${id}Alias`, { zone, target });
      }
      if (wildcard) {
        // The names under the zone: account-ID.dkr.ecr..., account-ID.data-kinesis...
        new route53.ARecord(scope, `${id}WildcardAlias`, { zone, recordName: '*', target });
      }
      this.zones.push(zone);
    }
  }
}
