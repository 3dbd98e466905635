/**
 * A SecureFargateService in a PrivateSubnetVpc: two tasks in the private subnets, an HTTPS load
 * balancer with a certificate for app.example.com, and a bucket the application may read.
 */
import { App, Stack, Validations, aws_ecr as ecr, aws_ecs as ecs, aws_route53 as route53, aws_s3 as s3 } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { GuardedPatternsChecks, PrivateSubnetVpc, SecureFargateService } from '../src';

const app = new App();
// Run the library's checks and cdk-nag's AwsSolutions over everything in the app.
Validations.of(app).addPlugins(new GuardedPatternsChecks(app), new AwsSolutionsChecks(app));

const stack = new Stack(app, 'SecureFargateServiceExample', {
  // The availability zones of this account and region are in cdk.context.json: no lookup at synth.
  env: { account: process.env.CDK_DEFAULT_ACCOUNT ?? '111111111111', region: process.env.CDK_DEFAULT_REGION ?? 'us-east-1' },
});

const network = new PrivateSubnetVpc(stack, 'Network');
const zone = route53.PublicHostedZone.fromHostedZoneAttributes(stack, 'Zone', { hostedZoneId: 'Z0123456789EXAMPLE', zoneName: 'example.com' });

const web = new SecureFargateService(stack, 'Web', {
  vpc: network.vpc,
  image: ecs.ContainerImage.fromEcrRepository(ecr.Repository.fromRepositoryName(stack, 'Repository', 'web'), 'v1'),
  domainName: 'app.example.com',
  hostedZone: zone,
  healthCheckPath: '/health',
});

// The application's own permissions go to its task role, and nowhere else.
const assets = new s3.Bucket(stack, 'Assets', {
  enforceSSL: true,
  blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
  serverAccessLogsPrefix: 'access-logs/',
});
assets.grantRead(web);
// grantRead gives read actions (s3:GetObject*, s3:List*…) on this bucket and the objects in it.
const assetsId = stack.getLogicalId(assets.node.defaultChild as s3.CfnBucket);
Validations.of(web.taskRole).acknowledge(...['Action::s3:GetObject*', 'Action::s3:GetBucket*', 'Action::s3:List*', `Resource::<${assetsId}.Arn>/*`]
  .map((finding) => ({ id: `AwsSolutions-IAM5[${finding}]`, reason: 'bucket.grantRead: read-only actions on the one bucket the application serves its assets from.' })));
