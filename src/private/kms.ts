import { aws_iam as iam, aws_kms as kms } from 'aws-cdk-lib';

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
