import { Token, aws_ec2 as ec2 } from 'aws-cdk-lib';
import { Construct } from 'constructs';

/**
 * Options of `PrivateLinkTransitGateway.create()`.
 */
export interface PrivateLinkTransitGatewayOptions {
  /**
   * The transit gateway's description.
   *
   * @default - names the PrivateLinkConsumer that creates it
   */
  readonly description?: string;
}

/**
 * What a `PrivateLinkTransitGateway` gives the consumer it binds to.
 */
export interface PrivateLinkTransitGatewayConfig {
  /** The transit gateway's ID (a token for one created in the app). */
  readonly transitGatewayId: string;

  /**
   * The transit gateway, when the strategy created it.
   *
   * @default - none: the user brought it
   */
  readonly transitGateway?: ec2.CfnTransitGateway;

  /**
   * The route table to associate every attachment with and propagate every attachment to.
   *
   * @default - none: the transit gateway associates and propagates by default
   */
  readonly routeTableId?: string;

  /**
   * The account that owns the transit gateway, when `fromId` names one.
   *
   * @default - the consumer's account
   */
  readonly ownerAccount?: string;
}

/**
 * The Transit Gateway through which `PrivateLinkConsumer`'s spokes reach the endpoints: one the
 * consumer creates, or one the user brings.
 *
 * @see https://docs.aws.amazon.com/vpc/latest/tgw/how-transit-gateways-work.html
 */
export class PrivateLinkTransitGateway {
  /**
   * A new transit gateway, which associates every attachment with its default route table and
   * propagates every attachment's VPC block to it (AWS's defaults, written out): each VPC
   * attached reaches the others with no route table of the transit gateway to manage. Traffic
   * between spokes still needs routes in the spokes' own route tables, which the consumer does
   * not add: spokes reach the hub only.
   *
   * @param options the transit gateway's options
   */
  public static create(options: PrivateLinkTransitGatewayOptions = {}): PrivateLinkTransitGateway {
    return new PrivateLinkTransitGateway(undefined, undefined, options);
  }

  /**
   * A transit gateway of the same account and region, by ID.
   *
   * @param transitGatewayId its ID, `tgw-...`
   * @param routeTableId the transit gateway route table to associate the consumer's attachments
   * with and propagate them to; leave it out when the transit gateway does both by default
   * (`DefaultRouteTableAssociation` and `DefaultRouteTablePropagation` enabled): an attachment
   * takes one association, and a second one fails.
   * @param ownerAccount the account that owns the transit gateway, when it is not the consumer's
   * (an organisation's network account): that account shares it with the spokes' accounts through
   * AWS RAM. Leave it out when the consumer's account owns it: the consumer then shares it with the
   * accounts of spokes in other accounts.
   */
  public static fromId(transitGatewayId: string, routeTableId?: string, ownerAccount?: string): PrivateLinkTransitGateway {
    return new PrivateLinkTransitGateway(transitGatewayId, routeTableId, {}, ownerAccount);
  }

  private created?: ec2.CfnTransitGateway;

  private constructor(
    private readonly transitGatewayId: string | undefined,
    private readonly routeTableId: string | undefined,
    private readonly options: PrivateLinkTransitGatewayOptions,
    private readonly ownerAccount?: string,
  ) {}

  /**
   * Called by `PrivateLinkConsumer`: creates the transit gateway in `scope` the first time it is
   * bound (later consumers share it). Don't call it directly.
   *
   * @param scope the consumer
   */
  public bind(scope: Construct): PrivateLinkTransitGatewayConfig {
    if (this.transitGatewayId !== undefined) {
      return { transitGatewayId: this.transitGatewayId, routeTableId: this.routeTableId, ownerAccount: this.ownerAccount };
    }
    this.created ??= new ec2.CfnTransitGateway(scope, 'TransitGateway', {
      description: this.options.description ?? `Spokes of ${scope.node.path}`,
      // AWS's defaults, written out: the checks and the consumer rely on them.
      defaultRouteTableAssociation: 'enable',
      defaultRouteTablePropagation: 'enable',
      dnsSupport: 'enable',
      tags: [{ key: 'Name', value: scope.node.path }],
    });
    return { transitGatewayId: this.created.ref, transitGateway: this.created };
  }

  /**
   * Called by `PrivateLinkConsumer` before it creates anything, so that wrong arguments of
   * `fromId` are reported with the consumer's other prop errors. Don't call it directly.
   *
   * @param subject how messages name the consumer
   * @param otherAccountSpokes how messages name the consumer's spokes in other accounts, whose side
   * of the attachment is made in their own stacks and can name the transit gateway only by a
   * literal ID
   * @returns one message per wrong argument
   */
  public problems(subject: string, otherAccountSpokes: string[] = []): string[] {
    const id = this.transitGatewayId;
    const table = this.routeTableId;
    const problems: string[] = [];
    const owner = this.ownerAccount;
    if (owner !== undefined && !Token.isUnresolved(owner) && !/^[0-9]{12}$/.test(owner)) {
      problems.push(`${subject}: transitGateway's owner account ('${owner}') is not an account ID; give its 12 digits, or leave it out when the consumer's account owns it.`);
    }
    if (otherAccountSpokes.length > 0) {
      const spokes = otherAccountSpokes.join(', ');
      if (id === undefined || Token.isUnresolved(id)) {
        problems.push(`${subject}: ${spokes} in another account attach in their own stacks, which can name the transit gateway only by a literal ID `
          + '(CloudFormation has no exports across accounts). Bring the transit gateway: transitGateway: PrivateLinkTransitGateway.fromId(\'tgw-...\'), '
          + 'such as the one an organisation\'s network account shares, or one deployed before.');
      } else if (table !== undefined) {
        problems.push(`${subject}: ${spokes} in another account cannot be associated with route table ${table}: `
          + 'only the transit gateway\'s owner can associate an attachment of another account, by an ID the hub\'s stack cannot read. '
          + 'Leave the route table out of PrivateLinkTransitGateway.fromId and let the transit gateway associate and propagate by default, or attach those spokes yourself.');
      }
    }
    if (id !== undefined && !Token.isUnresolved(id) && !/^tgw-[0-9a-f]+$/.test(id)) {
      problems.push(`${subject}: transitGateway (PrivateLinkTransitGateway.fromId('${id}')) is not a transit gateway ID; give one such as tgw-0123456789abcdef0.`);
    }
    if (table !== undefined && !Token.isUnresolved(table) && !/^tgw-rtb-[0-9a-f]+$/.test(table)) {
      problems.push(`${subject}: transitGateway's route table ('${table}') is not a transit gateway route table ID; give one such as tgw-rtb-0123456789abcdef0, or leave it out.`);
    }
    return problems;
  }
}
