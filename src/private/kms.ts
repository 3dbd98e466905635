import { ArnFormat, Stack, aws_iam as iam, aws_kms as kms } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/**
 * Adds to a key the policy statement that lets only AWS services create grants on it: a deny of
 * `kms:CreateGrant` to every principal unless an AWS service integrated with KMS asks on the
 * caller's behalf (`kms:GrantIsForAWSResource`) or is itself the caller (`aws:PrincipalIsAWSService`).
 * AWS Control Tower's proactive control CT.KMS.PR.3 refuses a key without it.
 *
 * @see https://docs.aws.amazon.com/controltower/latest/controlreference/kms-rules.html#ct-kms-pr-3-description
 * @see https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-grant-is-for-aws-resource
 */
export function limitGrantsToAwsServices<K extends kms.Key>(key: K): K {
  key.addToResourcePolicy(new iam.PolicyStatement({
    sid: 'GrantsOnlyForAwsServices',
    effect: iam.Effect.DENY,
    principals: [new iam.AnyPrincipal()],
    actions: ['kms:CreateGrant'],
    resources: ['*'],
    conditions: { BoolIfExists: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' } },
  }));
  return key;
}

/** The key actions CloudWatch Logs needs on a log group's key. */
export const CLOUDWATCH_LOGS_KEY_ACTIONS: readonly string[] = ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'];

/** CloudWatch Logs' regional service principal, `logs.<region>.amazonaws.com`. */
export function cloudWatchLogsPrincipal(scope: IConstruct): string {
  return `logs.${Stack.of(scope).region}.amazonaws.com`;
}

/**
 * Adds to a key's policy the statement that lets CloudWatch Logs of the scope's region use it for
 * the log groups of the scope's account and region: without it, creating a log group encrypted
 * with the key fails at deploy time. Returns false for a key whose policy cannot be changed here
 * (an imported key): the caller warns.
 *
 * @see https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html
 */
export function letCloudWatchLogsUse(scope: IConstruct, key: kms.IKey): boolean {
  const stack = Stack.of(scope);
  return key.addToResourcePolicy(new iam.PolicyStatement({
    principals: [new iam.ServicePrincipal(cloudWatchLogsPrincipal(scope))],
    actions: [...CLOUDWATCH_LOGS_KEY_ACTIONS],
    resources: ['*'],
    conditions: {
      ArnLike: { 'kms:EncryptionContext:aws:logs:arn': stack.formatArn({ service: 'logs', resource: 'log-group', resourceName: '*', arnFormat: ArnFormat.COLON_RESOURCE_NAME }) },
    },
  })).statementAdded;
}
