import {
  RemovalPolicy,
  Stack,
  Token,
  aws_ec2 as ec2,
  aws_iam as iam,
  aws_kms as kms,
  aws_logs as logs,
} from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { SubnetSize } from './subnet-size';
import { PATTERN_CHECKS } from '../checks/catalogue';
import { VpcCidrSize, cidrProblem, subnetsFit, SubnetDemand } from '../checks/ec2/vpc-cidr-size';
import { VpcEnvAgnosticAzs, envAgnosticAzsMessage } from '../checks/ec2/vpc-env-agnostic-azs';
import { VpcNatGatewaysExceedAzs, natGatewaysExceedAzsMessage } from '../checks/ec2/vpc-nat-gateways-exceed-azs';
import { embedChecks, throwFinding, warnFinding } from '../checks/embed';
import { VpcFlowLogKeyPolicy, flowLogKeyPolicyMessage } from '../checks/kms/vpc-flow-log-key-policy';
import { Ipv4Cidr, parseCidr } from '../private/cidr';
import { GuardedPatternsError, PropErrors } from '../private/errors';
import { CLOUDWATCH_LOGS_KEY_ACTIONS, cloudWatchLogsPrincipal, letCloudWatchLogsUse } from '../private/kms';
import { ManagedPolicyRole } from '../private/managed-policy-role';
import { acknowledgeAll, complianceRuleIds } from '../private/nag';
import { Removal } from '../private/removal';

/** The compliance-pack rules that flag any route to an internet gateway, which a public subnet is for. */
const PUBLIC_ROUTE_RULES = complianceRuleIds('VPCNoUnrestrictedRouteToIGW');

/**
 * Properties of a PrivateSubnetVpc.
 */
export interface PrivateSubnetVpcProps {
  /**
   * The VPC's IPv4 block, /16 to /28, as text: it is divided into subnets at synth time.
   *
   * @default '10.0.0.0/16'
   * @see https://docs.aws.amazon.com/vpc/latest/userguide/vpc-cidr-blocks.html
   */
  readonly cidr?: string;

  /**
   * How many availability zones the VPC spans. An environment-agnostic stack sees only 2.
   *
   * @default 3
   */
  readonly maxAzs?: number;

  /**
   * How private subnets reach the internet: zonal NAT gateways, a regional NAT gateway
   * (`ec2.NatProvider.regionalGateway()`), or NAT instances for development (a warning).
   * Give NAT instances `defaultAllowedTraffic: ec2.NatTrafficDirection.OUTBOUND_ONLY`: the
   * pattern lets the VPC's own addresses in, and nothing else needs to reach them. NAT instances
   * also need `associatePublicIpAddress: true`: the public subnets map no public addresses, so
   * without it (or an Elastic IP) they have none and synth fails with
   * `GuardedPatterns-VpcNatInstanceNoPublicIp`.
   *
   * @default - zonal NAT gateways (`ec2.NatProvider.gateway()`), one per AZ
   */
  readonly natGatewayProvider?: ec2.NatProvider;

  /**
   * How many zonal NAT gateways (or NAT instances). Fewer than the AZ count sends some AZs'
   * egress through another AZ (warning `GuardedPatterns-VpcNatCrossAz`); 0 makes the private
   * subnets isolated, with no route to the internet. Not used with a regional NAT gateway.
   *
   * @default - one per AZ
   */
  readonly natGateways?: number;

  /**
   * The size of each private subnet.
   *
   * @default - half of one AZ's share of the VPC, where the share is the VPC divided by the AZ
   * count rounded up to a power of two (a /19 in a /16 over 3 AZs); at most a /28
   */
  readonly privateSubnetSize?: SubnetSize;

  /**
   * The size of each public subnet, which holds only load balancers, NAT gateways and the like.
   *
   * @default - a quarter of a private subnet (a /21 beside /19 private subnets); at most a /28
   */
  readonly publicSubnetSize?: SubnetSize;

  /**
   * How long flow log records are kept.
   *
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly flowLogRetention?: logs.RetentionDays;

  /**
   * Which traffic the flow log records.
   *
   * @default ec2.FlowLogTrafficType.ALL
   */
  readonly flowLogTrafficType?: ec2.FlowLogTrafficType;

  /**
   * A KMS key to encrypt the flow log group with. The pattern adds the statement that lets
   * CloudWatch Logs use it to the key policy (for an imported key, it warns instead).
   *
   * @default - encrypted by CloudWatch Logs with its own key
   * @see https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html
   */
  readonly flowLogEncryptionKey?: kms.IKey;

  /**
   * What happens to what the pattern would keep after the stack is deleted: the flow log group.
   * `RemovalPolicy.DESTROY` makes a trial that `cdk destroy` removes entirely.
   *
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;

  /**
   * Whether to add S3 and DynamoDB gateway endpoints (free) so that traffic to them stays off
   * the NAT gateways.
   *
   * @default true
   */
  readonly gatewayEndpoints?: boolean;

  /**
   * The VPC's Name tag.
   *
   * @default - the construct path
   */
  readonly vpcName?: string;
}

/**
 * A VPC with a public and a private subnet in each availability zone, one zonal NAT gateway per
 * AZ with each private subnet routed to the gateway in its own AZ, flow logs, the default
 * security group closed, and free gateway endpoints for S3 and DynamoDB.
 *
 * @example
 * const network = new PrivateSubnetVpc(this, 'Network');
 * // network.vpc is an ec2.Vpc: pass it wherever aws-cdk-lib takes an ec2.IVpc.
 */
export class PrivateSubnetVpc extends Construct {
  /** The VPC. */
  public readonly vpc: ec2.Vpc;

  /** The log group the flow log writes to. */
  public readonly flowLogGroup: logs.LogGroup;

  /** The flow log. */
  public readonly flowLog: ec2.FlowLog;

  /** The number of availability zones the VPC spans. */
  public readonly availabilityZoneCount: number;

  /** The prefix length of each private subnet. */
  public readonly privateSubnetMask: number;

  /** The prefix length of each public subnet. */
  public readonly publicSubnetMask: number;

  constructor(scope: Construct, id: string, props: PrivateSubnetVpcProps = {}) {
    super(scope, id);
    const subject = `PrivateSubnetVpc '${this.node.path}'`;
    const stack = Stack.of(this);

    const cidr = props.cidr ?? '10.0.0.0/16';
    const maxAzs = props.maxAzs ?? 3;
    // First the props that others are computed from, then what is computed from them: all of a
    // stage's wrong props in one error.
    const errors = new PropErrors();
    const removal = Removal.of(errors, subject, props.removalPolicy);
    for (const [prop, value] of [['maxAzs', props.maxAzs], ['natGateways', props.natGateways]] as const) {
      // How many subnets and gateways exist is fixed in the template: a parameter cannot count them.
      errors.check(() => {
        if (value !== undefined && Token.isUnresolved(value)) {
          throw new GuardedPatternsError(`${subject}: ${prop} is a value known only at deploy time (${value}); the template holds one set of subnets and NAT gateways per AZ, counted at synth time, so give a number.`);
        }
      });
    }
    errors.check(() => {
      if (!Token.isUnresolved(maxAzs) && (!Number.isInteger(maxAzs) || maxAzs < 1)) {
        throw new GuardedPatternsError(`${subject}: maxAzs (${maxAzs}) must be a whole number of at least 1; use 2 or 3.`);
      }
    });
    errors.check(() => {
      if (Token.isUnresolved(cidr)) {
        throw new GuardedPatternsError(`${subject}: cidr is a value known only at deploy time (${cidr}); the VPC is divided into subnets at synth time, so give the block as text, such as '10.0.0.0/16'.`);
      }
      const problem = cidrProblem(cidr);
      if (problem) {
        throwFinding(VpcCidrSize, `${subject}: cidr ${problem}. Use a block of that size.`);
      }
    });
    errors.throwIfAny();
    const available = stack.availabilityZones.length;
    if (maxAzs > available && Token.isUnresolved(stack.region)) {
      warnFinding(this, VpcEnvAgnosticAzs, envAgnosticAzsMessage(subject, maxAzs, available));
    }
    const azs = Math.min(maxAzs, available);
    this.availabilityZoneCount = azs;

    const provider = props.natGatewayProvider ?? ec2.NatProvider.gateway();
    const regional = provider instanceof ec2.RegionalNatGatewayProvider;
    let natGateways = 0;
    errors.check(() => {
      natGateways = this.natGatewayCount(subject, props.natGateways, azs, regional);
    });
    const vpcBlock = parseCidr(cidr)!;
    const share = Math.ceil(Math.log2(azs));
    this.privateSubnetMask = props.privateSubnetSize?.mask ?? Math.min(28, vpcBlock.mask + share + 1);
    this.publicSubnetMask = props.publicSubnetSize?.mask ?? Math.min(28, this.privateSubnetMask + 2);
    errors.check(() => this.checkSubnetsFit(subject, vpcBlock, azs, props));
    errors.throwIfAny();

    const privateType = natGateways === 0 && !regional ? ec2.SubnetType.PRIVATE_ISOLATED : ec2.SubnetType.PRIVATE_WITH_EGRESS;
    const vpc = new ec2.Vpc(this, 'Resource', {
      ipAddresses: ec2.IpAddresses.cidr(cidr),
      maxAzs,
      vpcName: props.vpcName,
      natGatewayProvider: provider,
      natGateways: regional ? undefined : natGateways,
      // Larger blocks first, so that each aligns without leaving holes.
      subnetConfiguration: [
        { name: 'Private', subnetType: privateType, cidrMask: this.privateSubnetMask },
        { name: 'Public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: this.publicSubnetMask, mapPublicIpOnLaunch: false },
      ],
      restrictDefaultSecurityGroup: true,
      gatewayEndpoints: props.gatewayEndpoints === false ? undefined : {
        S3: { service: ec2.GatewayVpcEndpointAwsService.S3 },
        DynamoDB: { service: ec2.GatewayVpcEndpointAwsService.DYNAMODB },
      },
    });
    this.vpc = vpc;
    if (provider instanceof ec2.NatInstanceProviderV2) {
      // With defaultAllowedTraffic OUTBOUND_ONLY the instances would drop what they should forward.
      provider.connections.allowFrom(ec2.Peer.ipv4(vpc.vpcCidrBlock), ec2.Port.allTraffic(), 'Traffic to forward from the VPC');
    }

    if (props.flowLogEncryptionKey && !letCloudWatchLogsUse(this, props.flowLogEncryptionKey)) {
      warnFinding(this, VpcFlowLogKeyPolicy, flowLogKeyPolicyMessage(subject, cloudWatchLogsPrincipal(this), CLOUDWATCH_LOGS_KEY_ACTIONS));
    }
    this.flowLogGroup = new logs.LogGroup(this, 'FlowLogGroup', {
      retention: props.flowLogRetention ?? logs.RetentionDays.ONE_YEAR,
      encryptionKey: props.flowLogEncryptionKey,
      removalPolicy: removal.policy,
    });
    const flowLogRole = new ManagedPolicyRole(this, 'FlowLogRole', {
      assumedBy: new iam.ServicePrincipal('vpc-flow-logs.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
      }),
      description: `Lets VPC Flow Logs write to ${this.node.path}/FlowLogGroup`,
      policyId: 'FlowLogPolicy',
    });
    flowLogRole.addToManagedPolicy(new iam.PolicyStatement({
      actions: ['logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'],
      resources: [this.flowLogGroup.logGroupArn],
    }));
    this.flowLog = vpc.addFlowLog('FlowLog', {
      destination: ec2.FlowLogDestination.toCloudWatchLogs(this.flowLogGroup, flowLogRole.withoutPolicyUpdates()),
      trafficType: props.flowLogTrafficType ?? ec2.FlowLogTrafficType.ALL,
    });

    for (const subnet of vpc.publicSubnets) {
      acknowledgeAll(subnet, PUBLIC_ROUTE_RULES,
        'A public subnet routes 0.0.0.0/0 to the internet gateway by design: it holds NAT gateways and load balancers, and workloads run in the private subnets.');
    }

    embedChecks(this, PATTERN_CHECKS.PrivateSubnetVpc);
  }

  private natGatewayCount(subject: string, requested: number | undefined, azs: number, regional: boolean): number {
    if (requested === undefined) {
      return azs;
    }
    if (regional) {
      throw new GuardedPatternsError(`${subject}: natGateways (${requested}) does not apply to a regional NAT gateway, which serves every AZ on its own; leave natGateways unset.`);
    }
    if (!Number.isInteger(requested) || requested < 0) {
      throw new GuardedPatternsError(`${subject}: natGateways (${requested}) must be a whole number from 0 to ${azs}; use ${azs}, one per AZ.`);
    }
    if (requested > azs) {
      throwFinding(VpcNatGatewaysExceedAzs, natGatewaysExceedAzsMessage(subject, requested, azs));
    }
    return requested;
  }

  private checkSubnetsFit(subject: string, vpcBlock: Ipv4Cidr, azs: number, props: PrivateSubnetVpcProps): void {
    const demand = (privateMask: number, publicMask: number): SubnetDemand[] => [
      { name: 'private', mask: privateMask },
      { name: 'public', mask: publicMask },
    ];
    if (subnetsFit(vpcBlock, azs, demand(this.privateSubnetMask, this.publicSubnetMask))) {
      return;
    }
    const hosts = (mask: number) => SubnetSize.cidrMask(mask).usableHosts;
    const need = `${azs} private /${this.privateSubnetMask} and ${azs} public /${this.publicSubnetMask} subnets do not fit in ${props.cidr ?? '10.0.0.0/16'}`;
    // The largest size that fits for the group the user chose; otherwise for the private subnets.
    const adjustPublic = props.publicSubnetSize !== undefined && props.privateSubnetSize === undefined;
    for (let mask = vpcBlock.mask; mask <= 28; mask++) {
      const fits = adjustPublic
        ? subnetsFit(vpcBlock, azs, demand(this.privateSubnetMask, mask))
        : subnetsFit(vpcBlock, azs, demand(mask, this.publicSubnetMask));
      if (fits) {
        const prop = adjustPublic ? 'publicSubnetSize' : 'privateSubnetSize';
        throwFinding(VpcCidrSize, `${subject}: ${need}. The largest ${prop} that fits is /${mask} (${hosts(mask)} hosts): `
          + `use SubnetSize.cidrMask(${mask}), a larger cidr, or fewer AZs (maxAzs).`);
      }
    }
    throwFinding(VpcCidrSize, `${subject}: ${need}, whatever their size. Use a larger cidr (a /${Math.max(16, 28 - Math.ceil(Math.log2(2 * azs)))} holds ${2 * azs} subnets of /28) or fewer AZs (maxAzs).`);
  }
}
