import { Annotations, Names, Stack, Token, aws_ec2 as ec2, aws_ram as ram, aws_route53 as route53, aws_route53profiles as route53profiles } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { answerWithZones, bindOnce, consumerSubject, otherEnvironment } from './dns-common';
import { PrivateLinkDns, PrivateLinkDnsBindOptions, PrivateLinkDnsConfig, PrivateLinkDnsPeer } from './private-link-dns';
import { scopeIn, shareWithAccounts } from '../private/cross-account';

/**
 * Options of `PrivateLinkDns.route53Profile()`.
 */
export interface Route53ProfileOptions {
  /**
   * The ID of an existing Route 53 Profile (`rp-...`) to carry the zones, instead of a new one.
   * Required when a peer or spoke is in another account: its stack associates the Profile by this
   * literal ID (CloudFormation has no exports across accounts). The hub's stack shares the Profile
   * with those accounts through AWS RAM, unless `ownerAccount` names another owner.
   *
   * @default - a new Profile, in the consumer, for peers and spokes of the endpoint VPC's account
   * @see https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/sharing-profiles.html
   */
  readonly profileId?: string;

  /**
   * The account that owns the Profile of `profileId`, when it is not the consumer's: only the
   * owner can share it, so the consumer shares nothing and says what the owner must share: the
   * Profile, with the consumer's account with the admin permission (the consumer associates its
   * zones with the Profile, which the default read-only permission does not allow), and with the
   * accounts of the peers and spokes.
   *
   * @default - the consumer's account owns it
   */
  readonly ownerAccount?: string;
}

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

  /** The AWS RAM share of the Profile with the other accounts of the peers and spokes, when this account owns it. */
  public profileShare?: ram.CfnResourceShare;

  private readonly options: Route53ProfileOptions;

  private boundTo?: Construct;

  /** @param options the Profile to use, and its owner; see `PrivateLinkDns.route53Profile()` */
  constructor(options: Route53ProfileOptions = {}) {
    super();
    this.options = options;
  }

  /**
   * Peers and spokes in another region (a Profile is regional); in another account without a
   * literal `profileId` (their stacks cannot read the hub's); a malformed `profileId` or `ownerAccount`.
   */
  public peerProblems(scope: Construct, vpc: ec2.IVpc, peers: PrivateLinkDnsPeer[]): string[] {
    const { profileId, ownerAccount } = this.options;
    const problems: string[] = [];
    const strategy = `dns (PrivateLinkDns.route53Profile(${profileId === undefined ? '' : `{ profileId: '${profileId}' }`}))`;
    if (profileId !== undefined && !Token.isUnresolved(profileId) && !/^rp-[0-9a-z]{1,61}$/.test(profileId)) {
      problems.push(`${consumerSubject(scope)}: ${strategy}: profileId is not a Route 53 Profile ID; give one such as rp-0123456789abcdef, or leave it out for a new Profile.`);
    }
    if (ownerAccount !== undefined && !Token.isUnresolved(ownerAccount) && !/^[0-9]{12}$/.test(ownerAccount)) {
      problems.push(`${consumerSubject(scope)}: ${strategy}: ownerAccount ('${ownerAccount}') is not an account ID; give the 12 digits of the Profile's owner, or leave it out if this account owns it.`);
    }
    for (const peer of peers) {
      const otherEnv = otherEnvironment(vpc, peer.vpc, ['account', 'region']);
      if (otherEnv === 'region') {
        problems.push(`${consumerSubject(scope)}: ${peer.description} ('${peer.vpc.node.path}') is in region ${peer.vpc.env.region}, the VPC in ${vpc.env.region}, `
          + 'and a Route 53 Profile is associated only with VPCs of its own region. Give it the names yourself, and pass only VPCs of the endpoint VPC\'s region here.');
      } else if (otherEnv === 'account' && (profileId === undefined || Token.isUnresolved(profileId))) {
        problems.push(`${consumerSubject(scope)}: ${peer.description} ('${peer.vpc.node.path}') is in account ${peer.vpc.env.account}, the VPC in ${vpc.env.account}, `
          + `and ${strategy} has no literal profileId (${profileId ?? 'none'}): its stack associates the Profile by ID and cannot read a value of this one (CloudFormation has no exports across accounts). `
          + 'Give the ID of an existing Profile, such as the one an organisation\'s network account shares: PrivateLinkDns.route53Profile({ profileId: \'rp-...\' }).');
      }
    }
    return problems;
  }

  /**
   * Turns private DNS off on the endpoints, creates the zones in the consumer, associates them with
   * the Profile (`profileId`, or a new one in the consumer), and the Profile with the peers and
   * spokes, each in another account from its own stack, with the Profile shared through AWS RAM;
   * with no peers or spokes, no Profile (it would be billed for nothing).
   */
  public bind(scope: Construct, options: PrivateLinkDnsBindOptions): PrivateLinkDnsConfig {
    this.boundTo = bindOnce(STRATEGY, this.boundTo, scope);
    for (const endpoint of options.endpoints) {
      this.zones.push(...answerWithZones(scope, options.vpc, [], endpoint));
    }
    if (options.peers.length === 0) {
      return { hostedZones: this.zones };
    }
    const profile = this.options.profileId === undefined ? named(new route53profiles.CfnProfile(scope, 'Profile', { name: PENDING })) : undefined;
    const profileId = profile?.attrId ?? this.options.profileId!;
    const zoneIds = options.endpoints.flatMap((endpoint) => endpoint.zones.map((zone) => zone.idPrefix));
    this.zones.forEach((zone, i) => this.zoneAssociations.push(named(new route53profiles.CfnProfileResourceAssociation(scope, `${zoneIds[i]}ZoneProfileAssociation`, {
      name: PENDING,
      profileId,
      resourceArn: zone.hostedZoneArn,
    }))));
    const hubStack = Stack.of(scope);
    const otherAccounts: string[] = [];
    options.peers.forEach((peer) => {
      // A VPC is associated from its own account: a peer's or spoke's stack there, naming the Profile by its literal ID.
      const otherAccount = otherEnvironment(options.vpc, peer.vpc, ['account']) !== undefined;
      const peerStack = Stack.of(peer.vpc);
      if (otherAccount) {
        otherAccounts.push(peerStack.account);
        peerStack.addStackDependency(hubStack, `${peer.vpc.node.path} is associated with the Route 53 Profile that ${scope.node.path} shares`);
        Annotations.of(scope).addInfo(`${peer.description}: '${peer.vpc.node.path}' is in account ${peerStack.account}. Before its stack ${peerStack.stackName} deploys, that account must accept `
          + `the AWS RAM share of Route 53 Profile ${profileId} unless both accounts are in one AWS Organization with RAM sharing enabled (in ${peerStack.account}: `
          + 'aws ram get-resource-share-invitations, then aws ram accept-resource-share-invitation --resource-share-invitation-arn <arn>; or the RAM console, Shared with me).');
      }
      this.vpcAssociations.push(named(new route53profiles.CfnProfileAssociation(otherAccount ? scopeIn(peerStack, scope) : scope, `${peer.name}ProfileAssociation`, {
        name: PENDING,
        profileId,
        resourceId: peer.vpc.vpcId,
      })));
    });
    if (this.options.profileId !== undefined) {
      this.profileShare = this.share(scope, profileId, otherAccounts);
    }
    return {
      hostedZones: this.zones,
      profile,
      profileResourceAssociations: this.zoneAssociations,
      profileAssociations: this.vpcAssociations,
    };
  }

  /**
   * Shares an existing Profile with the other accounts where this account owns it; says what the
   * owner must share otherwise: with this account too, with a permission that lets it associate
   * the zones, which the default read-only one does not.
   */
  private share(scope: Construct, profileId: string, accounts: string[]): ram.CfnResourceShare | undefined {
    const stack = Stack.of(scope);
    const owner = this.options.ownerAccount;
    if (owner !== undefined && owner !== stack.account) {
      const hub = Token.isUnresolved(stack.account) ? 'the account of this stack' : `this account (${stack.account})`;
      const others = accounts.length === 0 ? '' : `, and with account(s) ${[...new Set(accounts)].join(', ')} of the peers and spokes (the read-only permission is enough)`;
      Annotations.of(scope).addInfo(`dns: Route 53 Profile ${profileId} belongs to account ${owner}, which must share it through AWS RAM with ${hub} `
        + `with a permission that allows associating resources, such as the admin permission: stack ${stack.stackName} associates its hosted zones with the Profile, `
        + `which the default read-only permission does not allow${others}, before these stacks deploy.`);
      return undefined;
    }
    if (accounts.length === 0) {
      return undefined;
    }
    const arn = stack.formatArn({ service: 'route53profiles', resource: 'profile', resourceName: profileId });
    return shareWithAccounts(scope, 'ProfileShare', [arn], accounts);
  }
}

/** Names a Profile or one of its associations after its path: unique in the app, at most 64 characters. */
function named<T extends Construct & { name: string }>(resource: T): T {
  resource.name = Names.uniqueResourceName(resource, { maxLength: 64, separator: '-' });
  return resource;
}
