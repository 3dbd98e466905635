/**
 * What the DNS strategies of PrivateLinkConsumer share. Internal: not exported from the package.
 */
import { Token, aws_ec2 as ec2, aws_route53 as route53, aws_route53_targets as targets } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { PrivateLinkDnsEndpoint, PrivateLinkDnsPeer } from './private-link-dns';
import { GuardedPatternsError } from '../private/errors';

/** DNS over UDP and TCP. */
export const DNS_PORTS = [ec2.Port.udp(53), ec2.Port.tcp(53)];

/** How messages name the consumer a strategy binds to. */
export function consumerSubject(scope: Construct): string {
  return `PrivateLinkConsumer '${scope.node.path}'`;
}

/**
 * Fails when a strategy that owns what it created in one consumer is bound to another; returns
 * the scope to remember.
 */
export function bindOnce(strategy: string, boundTo: Construct | undefined, scope: Construct): Construct {
  if (boundTo !== undefined) {
    throw new GuardedPatternsError(`${consumerSubject(scope)}: its dns (${strategy}) is already bound to '${boundTo.node.path}', whose resources it holds. `
      + `Give each PrivateLinkConsumer a strategy of its own: PrivateLinkDns.${strategy.charAt(0).toLowerCase()}${strategy.substring(1)}() for each.`);
  }
  return scope;
}

/**
 * One message per peer whose DNS a strategy cannot wire from the consumer's environment: zone
 * associations, rule associations and DHCP options of a VPC are made in its own account;
 * Resolver rules and DHCP options also only in its own region (`sameRegion`).
 */
export function peerEnvironmentProblems(scope: Construct, vpc: ec2.IVpc, peers: PrivateLinkDnsPeer[],
  strategy: string, sameRegion: boolean): string[] {
  return peers.flatMap((peer) => {
    const otherEnv = otherEnvironment(vpc, peer.vpc, sameRegion ? ['account', 'region'] : ['account']);
    return otherEnv ? [`${consumerSubject(scope)}: ${peer.description} ('${peer.vpc.node.path}') is in ${otherEnv} ${peer.vpc.env[otherEnv]}, the VPC in ${vpc.env[otherEnv]}, `
      + `where the construct cannot make its DNS (${strategy}) answer. Make `
      + 'the service names resolve there another way (dns: PrivateLinkDns.route53Profile({ profileId: \'rp-...\' }) shares an existing Profile with other accounts and associates it from their stacks; '
      + 'or a Resolver rule shared with AWS RAM, or a hosted zone association authorized across accounts, made yourself), '
      + 'and let its CIDR block in with consumer.connections.allowFrom(ec2.Peer.ipv4(cidr), ec2.Port.tcp(443)).'] : [];
  });
}

/** The first of `keys` (`account`, `region`) in which two VPCs' environments are known to differ. */
export function otherEnvironment(vpc: ec2.IVpc, other: ec2.IVpc, keys: Array<'account' | 'region'>): 'account' | 'region' | undefined {
  return keys.find((key) => {
    const mine = vpc.env[key];
    const theirs = other.env[key];
    return !Token.isUnresolved(mine) && !Token.isUnresolved(theirs) && mine !== theirs;
  });
}

/**
 * Turns private DNS off on an endpoint and answers its names instead: a private hosted zone per
 * DNS zone of its service, created with `vpc` and associated with `others`, with alias records
 * to the endpoint. The hosted-zone and Profile strategies share it.
 */
export function answerWithZones(scope: Construct, vpc: ec2.IVpc, others: ec2.IVpc[],
  { endpoint, label, zones }: PrivateLinkDnsEndpoint): route53.PrivateHostedZone[] {
  // The zones answer instead of the endpoint's own, which would take the names in the endpoint VPC.
  (endpoint.node.defaultChild as ec2.CfnVPCEndpoint).privateDnsEnabled = false;
  const target = route53.RecordTarget.fromAlias(new targets.InterfaceVpcEndpointTarget(endpoint));
  return zones.map(({ idPrefix: id, zoneName, apex, wildcard }) => {
    const zone = new route53.PrivateHostedZone(scope, `${id}Zone`, { zoneName, vpc, comment: `Answers ${label} with the endpoint of ${scope.node.path}` });
    others.forEach((other) => zone.addVpc(other));
    if (apex) {
      new route53.ARecord(scope, `${id}Alias`, { zone, target });
    }
    if (wildcard) {
      // The names under the zone: account-ID.dkr.ecr..., account-ID.data-kinesis...
      new route53.ARecord(scope, `${id}WildcardAlias`, { zone, recordName: '*', target });
    }
    return zone;
  });
}
