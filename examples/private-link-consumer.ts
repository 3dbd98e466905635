/**
 * PrivateLinkConsumer as an endpoint hub: Kinesis and STS endpoints in a shared VPC, reached
 * through a Transit Gateway by spoke VPCs that resolve the services' names to the endpoints
 * through private hosted zones. Checks on.
 */
import { App, Stack, Validations, aws_ec2 as ec2 } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { GuardedPatternsChecks, PrivateLinkConsumer, PrivateLinkDns, PrivateSubnetVpc } from '../src';

const app = new App();
// Run the library's checks and cdk-nag's AwsSolutions over everything in the app.
Validations.of(app).addPlugins(new GuardedPatternsChecks(app), new AwsSolutionsChecks(app));

// The availability zones of these accounts and region are in cdk.context.json: no lookup at synth.
const region = process.env.CDK_DEFAULT_REGION ?? 'us-east-1';
const stack = new Stack(app, 'PrivateLinkConsumerExample', {
  env: { account: process.env.CDK_DEFAULT_ACCOUNT ?? '111111111111', region },
});

const shared = new PrivateSubnetVpc(stack, 'Shared');
const payments = new PrivateSubnetVpc(stack, 'Payments', { cidr: '10.1.0.0/16', natGateways: 0 });
const orders = new PrivateSubnetVpc(stack, 'Orders', { cidr: '10.2.0.0/16', natGateways: 0 });

// The third spoke, in another account: a stack of its own, with a literal account and CIDR block.
const analyticsStack = new Stack(app, 'PrivateLinkConsumerExampleAnalytics', { env: { account: '222222222222', region } });
// Not a spoke yet: see dns below.
new PrivateSubnetVpc(analyticsStack, 'Analytics', { cidr: '10.3.0.0/16', natGateways: 0 });

new PrivateLinkConsumer(stack, 'Endpoints', {
  vpc: shared.vpc,
  services: [ec2.InterfaceVpcEndpointAwsService.KINESIS_STREAMS, ec2.InterfaceVpcEndpointAwsService.STS],
  // A new transit gateway attaches the shared VPC and the spokes, with routes both ways.
  spokes: [payments.vpc, orders.vpc],
  // Hosted zones answer in the spokes of this account only. For the analytics spoke, add
  // its VPC to spokes with `transitGateway: PrivateLinkTransitGateway.fromId('tgw-...')`
  // (a spoke in another account attaches in its own stack, which can name the transit gateway
  // only by a literal ID; the consumer shares it with 222222222222 through AWS RAM), once a DNS
  // strategy gives the names to another account: none does yet, route53Profile() included.
  dns: PrivateLinkDns.hostedZones(),
});
