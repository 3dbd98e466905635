import { Stack, Validations, aws_cloudwatch_actions as actions, aws_ecs as ecs, aws_iam as iam, aws_kms as kms, aws_sns as sns } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { SecretRotationRecycler, SecretRotationRecyclerProps } from '../../src';
import { acknowledgedRules, acknowledgements, compliancePacks, findings, testApp, testStack } from '../util';
import { cluster, parameter, secret, service } from './fixtures';

const LOG_ENCRYPTION_REASON = 'CloudWatch Logs encrypts every log group at rest; a customer managed key (encryptionKey) is for regimes that require key control, and is tested separately.';
const ALARM_ACTION_REASON = 'Where the alarm notifies is the team\'s choice (alarmActions); the variant with an SNS action is tested separately.';

/**
 * Synthesizes the stack (strict CloudFormation validation), then runs AwsSolutions, NIST 800-53 r5,
 * HIPAA, PCI DSS and GuardedPatterns over the recycler's own resources. The fixtures around it
 * (VPC, cluster, service, secret) are aws-cdk-lib's, not the pattern's.
 */
function recyclerFindings(stack: Stack, recycler: SecretRotationRecycler): string[] {
  Template.fromStack(stack);
  return compliancePacks().flatMap((pack) => findings(pack, recycler).map((f) => `${f.rule} at ${f.path}`));
}

function build(props: (stack: Stack) => SecretRotationRecyclerProps) {
  const stack = testStack();
  const web = cluster(stack);
  const db = secret(stack);
  const flags = parameter(stack);
  const api = service(stack, 'Api', web, { secrets: { DB: ecs.Secret.fromSecretsManager(db, 'password'), FLAGS: ecs.Secret.fromSsmParameter(flags) } });
  const recycler = new SecretRotationRecycler(stack, 'Recycler', props(stack));
  recycler.addService(api);
  return { stack, recycler };
}

function acknowledgeUserChoices(recycler: SecretRotationRecycler, { key, alarm }: { key: boolean; alarm: boolean }) {
  if (!key) {
    Validations.of(recycler.logGroup).acknowledge(
      ...['NIST.800.53.R5', 'HIPAA.Security', 'PCI.DSS.321'].map((pack) => ({ id: `${pack}-CloudWatchLogGroupEncrypted`, reason: LOG_ENCRYPTION_REASON })));
  }
  if (!alarm) {
    for (const each of [recycler.deadLetterAlarm, recycler.staleTasksAlarm]) {
      Validations.of(each).acknowledge(
        ...['NIST.800.53.R5', 'HIPAA.Security'].map((pack) => ({ id: `${pack}-CloudWatchAlarmAction`, reason: ALARM_ACTION_REASON })));
    }
  }
}

const variants: Array<[string, (stack: Stack) => SecretRotationRecyclerProps]> = [
  ['defaults', () => ({})],
  ['CloudTrail events', () => ({ cloudTrailEvents: true })],
  ['dry run', () => ({ dryRun: true })],
  ['reserved concurrency 2', () => ({ reservedConcurrentExecutions: 2 })],
];

describe('SecretRotationRecycler under AwsSolutions, NIST 800-53 rev 5, HIPAA, PCI DSS and GuardedPatterns', () => {
  test.each(variants)('%s: no unacknowledged findings', (_name, props) => {
    const { stack, recycler } = build(props);
    acknowledgeUserChoices(recycler, { key: false, alarm: false });
    expect(recyclerFindings(stack, recycler)).toEqual([]);
  });

  test('with a customer managed key and an alarm action, nothing needs acknowledging', () => {
    const { stack, recycler } = build((s) => ({
      encryptionKey: new kms.Key(s, 'Key', { enableKeyRotation: true }),
      alarmActions: [new actions.SnsAction(new sns.Topic(s, 'OnCall', { enforceSSL: true, masterKey: kms.Alias.fromAliasName(s, 'SnsKey', 'alias/aws/sns') }))],
    }));
    expect(recyclerFindings(stack, recycler)).toEqual([]);
  });

  test('the per-stack recycler from ofStack', () => {
    const stack = testStack();
    const web = cluster(stack);
    const api = service(stack, 'Api', web, { secrets: { DB: ecs.Secret.fromSecretsManager(secret(stack)) } });
    const recycler = SecretRotationRecycler.ofStack(api);
    recycler.addService(api);
    acknowledgeUserChoices(recycler, { key: false, alarm: false });
    expect(recyclerFindings(stack, recycler)).toEqual([]);
  });

  test('a cluster in another stack: the acknowledgement names the import that the template reads', () => {
    const app = testApp();
    const web = cluster(testStack(app, 'Platform'));
    const stack = testStack(app, 'Services');
    const api = service(stack, 'Api', web, { secrets: { DB: ecs.Secret.fromSecretsManager(secret(stack)) } });
    const recycler = new SecretRotationRecycler(stack, 'Recycler');
    recycler.addService(api);
    acknowledgeUserChoices(recycler, { key: false, alarm: false });
    expect(recyclerFindings(stack, recycler)).toEqual([]);
    expect(acknowledgements(recycler.policy).map((a) => a.id)).toContain(
      'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ecs:us-east-1:111111111111:service/Platform:ExportsOutputRefClusterEB0386A796A0E3FE/*]');
  });

  test('acknowledges its scoped wildcards when it adds them, not while validating: a pack run before synthesis sees them', () => {
    const { recycler } = build(() => ({}));
    expect(acknowledgements(recycler.policy).map((a) => a.id)).toEqual([
      'AwsSolutions-IAM5[Resource::*]',
      'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ecs:us-east-1:111111111111:service/<ClusterEB0386A7>/*]',
      'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ecs:us-east-1:111111111111:task/<ClusterEB0386A7>/*]',
    ]);
    expect(findings(new AwsSolutionsChecks(), recycler.policy)).toEqual([]);
  });

  test('a wildcard that the user grants to its role is the user\'s to acknowledge', () => {
    const { stack, recycler } = build(() => ({}));
    recycler.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: ['arn:aws:s3:::reports/*'] }));
    acknowledgeUserChoices(recycler, { key: false, alarm: false });
    expect(recyclerFindings(stack, recycler)).toEqual([
      'AwsSolutions-IAM5[Resource::arn:aws:s3:::reports/*] at TestStack/Recycler/Policy/Resource',
    ]);
  });

  test('every acknowledgement inside the pattern carries a reason', () => {
    const { stack, recycler } = build(() => ({}));
    Template.fromStack(stack);
    // A second synthesis adds nothing twice.
    Template.fromStack(stack);
    const acks = acknowledgements(recycler);
    expect(acks.map((a) => a.id).sort()).toEqual([
      'AwsSolutions-IAM5[Resource::*]',
      'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ecs:us-east-1:111111111111:service/<ClusterEB0386A7>/*]',
      'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ecs:us-east-1:111111111111:task/<ClusterEB0386A7>/*]',
      'AwsSolutions-SQS3',
      'HIPAA.Security-LambdaConcurrency',
      'HIPAA.Security-LambdaInsideVPC',
      'NIST.800.53.R5-LambdaConcurrency',
      'NIST.800.53.R5-LambdaInsideVPC',
      'PCI.DSS.321-LambdaConcurrency',
      'PCI.DSS.321-LambdaInsideVPC',
    ]);
    for (const ack of acks) {
      expect(ack.reason.length).toBeGreaterThan(40);
    }
  });
});

/**
 * The exact rules the pattern acknowledges on its own, where the test acknowledges nothing: a new
 * acknowledgement inside the pattern fails here until someone has read its reason. aws-cdk-lib's
 * own acknowledgements of its CloudFormation validation findings (`CloudFormation-Validate::...`)
 * come with the resources the pattern creates, and are listed too.
 */
describe('SecretRotationRecycler acknowledges exactly', () => {
  test.each<[string, (stack: Stack) => SecretRotationRecyclerProps, string[]]>([
    ['defaults', () => ({}), [
      'AwsSolutions-IAM5[Resource::*] at TestStack/Recycler/Policy',
      'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ecs:us-east-1:111111111111:service/<ClusterEB0386A7>/*] at TestStack/Recycler/Policy',
      'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ecs:us-east-1:111111111111:task/<ClusterEB0386A7>/*] at TestStack/Recycler/Policy',
      'AwsSolutions-SQS3 at TestStack/Recycler/DeadLetterQueue',
      'CloudFormation-Validate::W3010 at TestStack',
      'HIPAA.Security-LambdaConcurrency at TestStack/Recycler/Function',
      'HIPAA.Security-LambdaInsideVPC at TestStack/Recycler/Function',
      'NIST.800.53.R5-LambdaConcurrency at TestStack/Recycler/Function',
      'NIST.800.53.R5-LambdaInsideVPC at TestStack/Recycler/Function',
      'PCI.DSS.321-LambdaConcurrency at TestStack/Recycler/Function',
      'PCI.DSS.321-LambdaInsideVPC at TestStack/Recycler/Function',
    ]],
    ['CloudTrail events, a customer managed key', (stack) => ({ cloudTrailEvents: true, encryptionKey: new kms.Key(stack, 'Key', { enableKeyRotation: true }) }), [
      'AwsSolutions-IAM5[Resource::*] at TestStack/Recycler/Policy',
      'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ecs:us-east-1:111111111111:service/<ClusterEB0386A7>/*] at TestStack/Recycler/Policy',
      'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ecs:us-east-1:111111111111:task/<ClusterEB0386A7>/*] at TestStack/Recycler/Policy',
      'AwsSolutions-SQS3 at TestStack/Recycler/DeadLetterQueue',
      'CloudFormation-Validate::W3010 at TestStack',
      'HIPAA.Security-LambdaConcurrency at TestStack/Recycler/Function',
      'HIPAA.Security-LambdaInsideVPC at TestStack/Recycler/Function',
      'NIST.800.53.R5-LambdaConcurrency at TestStack/Recycler/Function',
      'NIST.800.53.R5-LambdaInsideVPC at TestStack/Recycler/Function',
      'PCI.DSS.321-LambdaConcurrency at TestStack/Recycler/Function',
      'PCI.DSS.321-LambdaInsideVPC at TestStack/Recycler/Function',
    ]],
  ])('%s', (_name, props, expected) => {
    const { stack } = build(props);
    // The template is synthesized first: acknowledgements made while the tree is completed count too.
    Template.fromStack(stack);
    expect(acknowledgedRules(stack)).toEqual(expected);
  });
});
