import { aws_ec2 as ec2, aws_route53 as route53 } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { answerWithZones, bindOnce, peerEnvironmentProblems } from './dns-common';
import { PrivateLinkDns, PrivateLinkDnsBindOptions, PrivateLinkDnsConfig, PrivateLinkDnsPeer } from './private-link-dns';

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
    options.endpoints.forEach((endpoint) => this.zones.push(...answerWithZones(scope, options.vpc, options.peers.map((peer) => peer.vpc), endpoint)));
    return { hostedZones: this.zones };
  }
}
