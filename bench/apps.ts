/**
 * The two apps the benchmark compares: the example stack built from the patterns with every
 * check on, and a baseline that builds the same resources from plain aws-cdk-lib constructs.
 */
import { App, Stack, Validations, aws_ec2 as ec2, aws_iam as iam, aws_logs as logs } from 'aws-cdk-lib';
import { GuardedPatternsChecks, PrivateSubnetVpc } from '../lib';

export type AppKind = 'guarded' | 'baseline';

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
  if (kind === 'guarded') {
    Validations.of(app).addPlugins(new GuardedPatternsChecks(app));
  }
  for (let i = 0; i < copies; i++) {
    const stack = new Stack(app, `Example${i}`, { env: ENV });
    (kind === 'guarded' ? guardedStack : baselineStack)(stack);
  }
  return app;
}

function guardedStack(stack: Stack): void {
  new PrivateSubnetVpc(stack, 'Network');
}

/** What PrivateSubnetVpc makes by default, from plain constructs. */
function baselineStack(stack: Stack): void {
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
