/**
 * PrivateLinkConsumer: Kinesis and STS endpoints in a shared VPC, reachable by name from a peered
 * application VPC through private hosted zones. Checks on.
 */
import { App, Stack, Validations, aws_ec2 as ec2 } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { GuardedPatternsChecks, PrivateLinkConsumer, PrivateSubnetVpc } from '../src';

const app = new App();
// Run the library's checks and cdk-nag's AwsSolutions over everything in the app.
Validations.of(app).addPlugins(new GuardedPatternsChecks(app), new AwsSolutionsChecks(app));

const stack = new Stack(app, 'PrivateLinkConsumerExample', {
  // The availability zones of this account and region are in cdk.context.json: no lookup at synth.
  env: { account: process.env.CDK_DEFAULT_ACCOUNT ?? '111111111111', region: process.env.CDK_DEFAULT_REGION ?? 'us-east-1' },
});

const shared = new PrivateSubnetVpc(stack, 'Shared');
const application = new PrivateSubnetVpc(stack, 'Application', { cidr: '10.1.0.0/16', natGateways: 0 });

new PrivateLinkConsumer(stack, 'Endpoints', {
  vpc: shared.vpc,
  services: [ec2.InterfaceVpcEndpointAwsService.KINESIS_STREAMS, ec2.InterfaceVpcEndpointAwsService.STS],
  peerVpcs: [application.vpc],
});
