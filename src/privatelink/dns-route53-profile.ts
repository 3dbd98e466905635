import { Names, aws_ec2 as ec2, aws_route53 as route53, aws_route53profiles as route53profiles } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { answerWithZones, bindOnce, consumerSubject, otherEnvironment } from './dns-common';
import { PrivateLinkDns, PrivateLinkDnsBindOptions, PrivateLinkDnsConfig, PrivateLinkDnsPeer } from './private-link-dns';

const STRATEGY = 'Route53Profile';

/** A name that `named` replaces once the resource is in the tree. */
const PENDING = '';

/**
 * `PrivateLinkDns.route53Profile()`: private DNS off on the endpoints; a private hosted zone per
 * DNS zone of the services, with alias records to the endpoint, created with the endpoint VPC;
 * a Route 53 Profile that carries the zones, associated with every peer and spoke (in the same
 * account and region).
 *
 * The endpoint VPC gets the zones directly (a private hosted zone is created with one VPC) and
 * not the Profile as well: one way per VPC, and its one Profile left free for the user.
 *
 * @see https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/profiles.html
 */
export class Route53ProfileDns extends PrivateLinkDns {
  /** The private hosted zones, one per DNS zone of the services; empty until bound. */
  public readonly zones: route53.IPrivateHostedZone[] = [];

  /** The associations of the zones with the Profile, in the order of `zones`; empty until bound. */
  public readonly zoneAssociations: route53profiles.CfnProfileResourceAssociation[] = [];

  /** The associations of the Profile with the peers and spokes; empty until bound. */
  public readonly vpcAssociations: route53profiles.CfnProfileAssociation[] = [];

  private boundTo?: Construct;

  /** Peers and spokes in another account or region, which this strategy cannot serve yet. */
  public peerProblems(scope: Construct, vpc: ec2.IVpc, peers: PrivateLinkDnsPeer[]): string[] {
    return peers.flatMap((peer) => {
      const otherEnv = otherEnvironment(vpc, peer.vpc, ['account', 'region']);
      if (otherEnv === undefined) {
        return [];
      }
      const why = otherEnv === 'region'
        ? 'a Route 53 Profile is associated only with VPCs of its own region'
        : 'the construct does not yet share the Profile with other accounts through AWS RAM, nor associate it from the other account\'s stack';
      return [`${consumerSubject(scope)}: ${peer.description} ('${peer.vpc.node.path}') is in ${otherEnv} ${peer.vpc.env[otherEnv]}, the VPC in ${vpc.env[otherEnv]}, `
        + `and ${why}. Give it the names yourself (share the Profile with AWS RAM and associate it there), and pass only VPCs of the endpoint VPC's account and region here.`];
    });
  }

  /**
   * Turns private DNS off on the endpoints, creates the zones and the Profile in the consumer, and
   * associates the Profile with the peers and spokes; with none, no Profile (it would be billed for nothing).
   */
  public bind(scope: Construct, options: PrivateLinkDnsBindOptions): PrivateLinkDnsConfig {
    this.boundTo = bindOnce(STRATEGY, this.boundTo, scope);
    for (const endpoint of options.endpoints) {
      this.zones.push(...answerWithZones(scope, options.vpc, [], endpoint));
    }
    if (options.peers.length === 0) {
      return { hostedZones: this.zones };
    }
    const profile = named(new route53profiles.CfnProfile(scope, 'Profile', { name: PENDING }));
    const zoneIds = options.endpoints.flatMap((endpoint) => endpoint.zones.map((zone) => zone.idPrefix));
    this.zones.forEach((zone, i) => this.zoneAssociations.push(named(new route53profiles.CfnProfileResourceAssociation(scope, `${zoneIds[i]}ZoneProfileAssociation`, {
      name: PENDING,
      profileId: profile.attrId,
      resourceArn: zone.hostedZoneArn,
    }))));
    options.peers.forEach((peer) => this.vpcAssociations.push(named(new route53profiles.CfnProfileAssociation(scope, `${peer.name}ProfileAssociation`, {
      name: PENDING,
      profileId: profile.attrId,
      resourceId: peer.vpc.vpcId,
    }))));
    return {
      hostedZones: this.zones,
      profile,
      profileResourceAssociations: this.zoneAssociations,
      profileAssociations: this.vpcAssociations,
    };
  }
}

/** Names a Profile or one of its associations after its path: unique in the app, at most 64 characters. */
function named<T extends Construct & { name: string }>(resource: T): T {
  resource.name = Names.uniqueResourceName(resource, { maxLength: 64, separator: '-' });
  return resource;
}
