/**
 * A Fargate service whose database password rotates: SecretRotationRecycler redeploys it, and only
 * it, each time the password changes.
 */
import {
  App, Duration, Stack, Validations, aws_cloudwatch_actions as cloudwatch_actions, aws_ecs as ecs, aws_kms as kms, aws_logs as logs,
  aws_secretsmanager as secretsmanager, aws_sns as sns, aws_ssm as ssm,
} from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { GuardedPatternsChecks, PrivateSubnetVpc, SecretRotationRecycler } from '../src';

const app = new App();
// Run the library's checks and cdk-nag's AwsSolutions over everything in the app.
Validations.of(app).addPlugins(new GuardedPatternsChecks(app), new AwsSolutionsChecks(app));

const stack = new Stack(app, 'SecretRotationRecyclerExample', {
  // The availability zones of this account and region are in cdk.context.json: no lookup at synth.
  env: { account: process.env.CDK_DEFAULT_ACCOUNT ?? '111111111111', region: process.env.CDK_DEFAULT_REGION ?? 'us-east-1' },
});

const network = new PrivateSubnetVpc(stack, 'Network');
const cluster = new ecs.Cluster(stack, 'Cluster', { vpc: network.vpc, containerInsightsV2: ecs.ContainerInsights.ENABLED });

// The database password, rotated by the database's rotation function (not part of this example).
const password = new secretsmanager.Secret(stack, 'DbPassword', {
  generateSecretString: { secretStringTemplate: '{"username":"app"}', generateStringKey: 'password', excludePunctuation: true },
});
Validations.of(password).acknowledge({ id: 'AwsSolutions-SMG4', reason: 'Rotation is set up with the database, which this example leaves out; the recycler reacts to it.' });
const flags = new ssm.StringParameter(stack, 'FeatureFlags', { parameterName: '/shop/feature-flags', stringValue: '{}' });

const taskDefinition = new ecs.FargateTaskDefinition(stack, 'ApiTask', { cpu: 256, memoryLimitMiB: 512 });
taskDefinition.addContainer('Api', {
  image: ecs.ContainerImage.fromRegistry('public.ecr.aws/nginx/nginx:stable'),
  logging: ecs.LogDrivers.awsLogs({ streamPrefix: 'api', logGroup: new logs.LogGroup(stack, 'ApiLogs', { retention: logs.RetentionDays.ONE_YEAR }) }),
  secrets: {
    DB_PASSWORD: ecs.Secret.fromSecretsManager(password, 'password'),
    FEATURE_FLAGS: ecs.Secret.fromSsmParameter(flags),
  },
});
// The stock nginx image runs as root and writes to its image; SecureFargateService runs a hardened container.
Validations.of(taskDefinition).acknowledge({
  id: 'GuardedPatterns-FargateContainerNotHardened',
  reason: 'A stand-in for the service the recycler watches, kept to plain aws-cdk-lib; the stock nginx image needs root and a writable filesystem.',
});
const api = new ecs.FargateService(stack, 'Api', {
  cluster,
  taskDefinition,
  circuitBreaker: { rollback: true },
  minHealthyPercent: 100,
  healthCheckGracePeriod: Duration.seconds(30),
});

// One recycler per stack; its rule watches exactly the password and the parameter above.
const recycler = SecretRotationRecycler.ofStack(stack);
recycler.addService(api);
// A change whose services could not all be redeployed pages the on-call team.
const onCall = new sns.Topic(stack, 'OnCall', { enforceSSL: true, masterKey: kms.Alias.fromAliasName(stack, 'SnsKey', 'alias/aws/sns') });
recycler.addAlarmAction(new cloudwatch_actions.SnsAction(onCall));
