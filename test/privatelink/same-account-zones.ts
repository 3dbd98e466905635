import { Stack } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { PrivateLinkDns, PrivateLinkDnsBindOptions, PrivateLinkDnsConfig } from '../../src';

/**
 * Hosted zones for the peers and spokes of the consumer's account only: a stand-in, in tests, for
 * the Route 53 Profile strategy, which serves spokes of other accounts.
 */
export class SameAccountZones extends PrivateLinkDns {
  private readonly zones = PrivateLinkDns.hostedZones();

  public bind(scope: Construct, options: PrivateLinkDnsBindOptions): PrivateLinkDnsConfig {
    const account = Stack.of(scope).account;
    return this.zones.bind(scope, { ...options, peers: options.peers.filter((peer) => Stack.of(peer.vpc).account === account) });
  }
}
