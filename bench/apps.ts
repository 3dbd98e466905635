/**
 * The apps the benchmark compares:
 * - vpc-guarded / vpc-baseline: PrivateSubnetVpc with every check on, against the same resources
 *   from plain aws-cdk-lib L2 constructs with no checks;
 * - startup-guarded: the example startup stack (every pattern) with GuardedPatternsChecks;
 *   startup-unchecked: the same without the pack (the patterns' embedded checks remain);
 *   startup-guarded-without-iam: the same with the pack less its IAM policy checks, for what those
 *   cost (the patterns that embed them run them in both);
 *   startup-plain: the same template read back through cloudformation-include, plain L1
 *   resources with no pattern and no check: the cheapest way aws-cdk-lib can make them.
 */
import { App, CfnResource, DefaultStackSynthesizer, Stack, Validations, aws_ec2 as ec2, aws_iam as iam, aws_logs as logs, cloudformation_include as cfninc } from 'aws-cdk-lib';
import { StartupStack } from '../examples/lib/startup-stack';
import { GuardedPatternsChecks, PrivateSubnetVpc } from '../src';
import { ALL_CHECKS, IAM_CHECKS } from '../src/checks/catalogue';

export const APP_KINDS = ['vpc-guarded', 'vpc-baseline', 'startup-guarded', 'startup-guarded-without-iam', 'startup-unchecked', 'startup-plain'] as const;
export type AppKind = typeof APP_KINDS[number];

const ENV = { account: '111111111111', region: 'us-east-1' };
const AZS = ['us-east-1a', 'us-east-1b', 'us-east-1c'];

/** An app with `copies` copies of the example stack. */
export function buildApp(kind: AppKind, copies: number, outdir: string): App {
  const app = new App({
    outdir,
    context: {
      [`availability-zones:account=${ENV.account}:region=${ENV.region}`]: AZS,
      '@aws-cdk/core:validateAgainstDefaultRules': true,
    },
  });
  if (kind === 'vpc-guarded' || kind === 'startup-guarded') {
    Validations.of(app).addPlugins(new GuardedPatternsChecks(app));
  } else if (kind === 'startup-guarded-without-iam') {
    Validations.of(app).addPlugins(new ChecksWithoutIam(app));
  }
  for (let i = 0; i < copies; i++) {
    const id = `Example${i}`;
    if (kind === 'vpc-guarded') {
      new PrivateSubnetVpc(new Stack(app, id, { env: ENV }), 'Network');
    } else if (kind === 'vpc-baseline') {
      baselineVpcStack(new Stack(app, id, { env: ENV }));
    } else if (kind === 'startup-plain') {
      // The included template brings its own bootstrap version parameter and rule.
      const synthesizer = new DefaultStackSynthesizer({ generateBootstrapVersionRule: false });
      new cfninc.CfnInclude(new Stack(app, id, { env: ENV, synthesizer }), 'Template', { templateFile: startupTemplate() });
    } else {
      new StartupStack(app, id, { env: ENV });
    }
  }
  return app;
}

/** The resource types that only the IAM checks read: the pack without them skips these. */
const IAM_ONLY_TYPES = new Set(IAM_CHECKS.flatMap((c) => c.resourceTypes)
  .filter((type) => ALL_CHECKS.every((c) => IAM_CHECKS.includes(c) || !c.resourceTypes.includes(type))));

/** GuardedPatternsChecks less its IAM policy checks. */
class ChecksWithoutIam extends GuardedPatternsChecks {
  protected checkResource(node: CfnResource): void {
    if (!IAM_ONLY_TYPES.has(node.cfnResourceType)) {
      super.checkResource(node);
    }
  }
}

/** The startup stack's template, written by the benchmark before it measures. */
function startupTemplate(): string {
  const file = process.env.BENCH_STARTUP_TEMPLATE;
  if (!file) {
    throw new Error('BENCH_STARTUP_TEMPLATE is not set: run the benchmark through bench/run.ts');
  }
  return file;
}

/** What PrivateSubnetVpc makes by default, from plain constructs. */
function baselineVpcStack(stack: Stack): void {
  const vpc = new ec2.Vpc(stack, 'Network', {
    ipAddresses: ec2.IpAddresses.cidr('10.0.0.0/16'),
    maxAzs: 3,
    natGateways: 3,
    subnetConfiguration: [
      { name: 'Private', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, cidrMask: 19 },
      { name: 'Public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 21, mapPublicIpOnLaunch: false },
    ],
    restrictDefaultSecurityGroup: true,
    gatewayEndpoints: {
      S3: { service: ec2.GatewayVpcEndpointAwsService.S3 },
      DynamoDB: { service: ec2.GatewayVpcEndpointAwsService.DYNAMODB },
    },
  });
  const logGroup = new logs.LogGroup(stack, 'FlowLogGroup', { retention: logs.RetentionDays.ONE_YEAR });
  const role = new iam.Role(stack, 'FlowLogRole', { assumedBy: new iam.ServicePrincipal('vpc-flow-logs.amazonaws.com') });
  new iam.ManagedPolicy(stack, 'FlowLogPolicy', {
    roles: [role],
    statements: [new iam.PolicyStatement({
      actions: ['logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'],
      resources: [logGroup.logGroupArn],
    })],
  });
  vpc.addFlowLog('FlowLog', { destination: ec2.FlowLogDestination.toCloudWatchLogs(logGroup, role.withoutPolicyUpdates()) });
}
