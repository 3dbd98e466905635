/**
 * PrivateLinkConsumer as an endpoint hub: Kinesis and STS endpoints in a shared VPC, reached
 * through a Transit Gateway by three spoke VPCs, one in another account, that resolve the
 * services' names to the endpoints through a Route 53 Profile. Checks on.
 */
import { App, Stack, Validations, aws_ec2 as ec2 } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { GuardedPatternsChecks, PrivateLinkConsumer, PrivateLinkDns, PrivateLinkTransitGateway, PrivateSubnetVpc } from '../src';

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
const analytics = new PrivateSubnetVpc(analyticsStack, 'Analytics', { cidr: '10.3.0.0/16', natGateways: 0 });

new PrivateLinkConsumer(stack, 'Endpoints', {
  vpc: shared.vpc,
  services: [ec2.InterfaceVpcEndpointAwsService.KINESIS_STREAMS, ec2.InterfaceVpcEndpointAwsService.STS],
  // The spokes attach to the transit gateway, with routes both ways. The analytics spoke attaches
  // in its own stack, which names the transit gateway and the Profile only by literal IDs
  // (CloudFormation has no exports across accounts); this stack shares both with 222222222222
  // through AWS RAM, and says at synth what that account must accept.
  spokes: [payments.vpc, orders.vpc, analytics.vpc],
  transitGateway: PrivateLinkTransitGateway.fromId('tgw-0123456789abcdef0'),
  // An existing Profile of this account carries the endpoints' zones to every spoke.
  dns: PrivateLinkDns.route53Profile({ profileId: 'rp-0123456789abcdef' }),
});
