/**
 * The smallest PrivateSubnetVpc: three AZs, a NAT gateway in each, flow logs, checks on.
 */
import { App, Stack, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { GuardedPatternsChecks, PrivateSubnetVpc } from '../src';

const app = new App();
// Run the library's checks and cdk-nag's AwsSolutions over everything in the app.
Validations.of(app).addPlugins(new GuardedPatternsChecks(app), new AwsSolutionsChecks(app));

const stack = new Stack(app, 'PrivateSubnetVpcExample', {
  // The availability zones of this account and region are in cdk.context.json: no lookup at synth.
  env: { account: process.env.CDK_DEFAULT_ACCOUNT ?? '111111111111', region: process.env.CDK_DEFAULT_REGION ?? 'us-east-1' },
});

new PrivateSubnetVpc(stack, 'Network');
