import { aws_elasticloadbalancingv2 as elbv2, aws_s3 as s3 } from 'aws-cdk-lib';
import { literalString, resolved } from '../../private/resource-index';
import { asList } from '../../private/template/json';
import { referencedOfType } from '../../private/template/refs';
import { defineCheck } from '../check';
import { CheckLevel } from '../check-info';
import { pathOf } from '../embed';

/** The SSE algorithms that use AWS KMS, which ALB access log delivery refuses. */
const KMS_ALGORITHMS = ['aws:kms', 'aws:kms:dsse'];

/** The KMS algorithm a bucket's default encryption names, or `undefined` for SSE-S3, none or a token. */
export function bucketKmsAlgorithm(bucket: s3.CfnBucket): string | undefined {
  const encryption = resolved(bucket, bucket.bucketEncryption) as any;
  return asList(encryption?.serverSideEncryptionConfiguration)
    .map((rule: any) => rule?.serverSideEncryptionByDefault?.sseAlgorithm)
    .find((algorithm): algorithm is string => typeof algorithm === 'string' && KMS_ALGORITHMS.includes(algorithm));
}

/** The text of a load balancer attribute, where it is a literal. */
function attribute(loadBalancer: elbv2.CfnLoadBalancer, key: string): unknown {
  const attributes = asList(resolved(loadBalancer, loadBalancer.loadBalancerAttributes));
  return (attributes.find((a: any) => a?.key === key) as any)?.value;
}

/**
 * An Application Load Balancer that sends access logs to a bucket encrypted with SSE-KMS.
 */
export const AlbAccessLogKmsBucket = defineCheck({
  suffix: 'AlbAccessLogKmsBucket',
  level: CheckLevel.ERROR,
  title: 'An Application Load Balancer whose access log bucket is encrypted with SSE-KMS.',
  reason: 'Elastic Load Balancing writes Application Load Balancer access logs only to buckets encrypted with S3 managed keys (SSE-S3). '
    + 'With a KMS key the deployment fails when the access log attributes are set; aws-cdk-lib stops only a key object it can see, not the aws/s3 key, DSSE or a bucket of another stack.',
  source: 'https://docs.aws.amazon.com/elasticloadbalancing/latest/application/enable-access-logging.html',
  appliesTo: [elbv2.CfnLoadBalancer],
  inspect(loadBalancer, index) {
    const type = literalString(loadBalancer, loadBalancer.type) ?? 'application';
    if (type !== 'application' || attribute(loadBalancer, 'access_logs.s3.enabled') !== 'true') {
      return [];
    }
    // A bucket of the app is a Ref; an imported bucket's name is a literal or a parameter, and unknown.
    const bucket = referencedOfType<s3.CfnBucket>(loadBalancer, attribute(loadBalancer, 'access_logs.s3.bucket'), 'AWS::S3::Bucket', index)[0];
    const algorithm = bucket instanceof s3.CfnBucket ? bucketKmsAlgorithm(bucket) : undefined;
    if (!bucket || !algorithm) {
      return [];
    }
    return [`Load balancer '${pathOf(loadBalancer)}' sends its access logs to bucket '${pathOf(bucket)}', which is encrypted with SSE-KMS (${algorithm}); `
      + 'Elastic Load Balancing writes access logs only to buckets encrypted with S3 managed keys. '
      + 'Give the log bucket encryption: s3.BucketEncryption.S3_MANAGED (SSEAlgorithm AES256).'];
  },
});
