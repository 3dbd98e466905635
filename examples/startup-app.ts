/**
 * The whole product in one app, as a startup would deploy it:
 * - a PrivateSubnetVpc for the product, and a second one (analytics, no NAT) peered with it;
 * - PrivateLinkConsumer endpoints in the product VPC that the analytics VPC resolves through
 *   forwarder instances, whose addresses the VPN pushes to its clients too;
 * - an OpenVpnAccessServer for the team;
 * - an Aurora PostgreSQL Serverless v2 database in the private subnets, encrypted, whose master
 *   password RDS keeps in Secrets Manager and rotates every 7 days;
 * - a SecureFargateService that reads the database's credentials from that secret (only its tasks
 *   reach the database), redeployed by the stack's SecretRotationRecycler, which watches exactly
 *   that secret, when the password rotates;
 * - a SecureS3Cdn serving images, with presigned uploads the service signs for.
 */
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { GuardedPatternsChecks } from '../src';
import { StartupStack } from './lib/startup-stack';

const app = new App();
// Run the library's checks and cdk-nag's AwsSolutions over everything in the app.
Validations.of(app).addPlugins(new GuardedPatternsChecks(app), new AwsSolutionsChecks(app));

new StartupStack(app, 'StartupApp', {
  // The availability zones of this account and region are in cdk.context.json: no lookup at synth.
  env: { account: process.env.CDK_DEFAULT_ACCOUNT ?? '111111111111', region: process.env.CDK_DEFAULT_REGION ?? 'us-east-1' },
});
