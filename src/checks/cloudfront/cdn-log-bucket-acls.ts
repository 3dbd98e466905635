import { aws_cloudfront as cloudfront, aws_s3 as s3 } from 'aws-cdk-lib';
import { ResourceIndex, resolved } from '../../private/resource-index';
import { configOf, rawField } from '../../private/template/distribution';
import { resourceAt } from '../../private/template/refs';
import { defineCheck, ruleOver } from '../check';
import { CheckLevel } from '../check-info';
import { pathOf } from '../embed';

/** The object ownership a bucket's template gives; S3 enforces bucket ownership (ACLs off) when none is given. */
export function objectOwnership(bucket: s3.CfnBucket): string | undefined {
  const controls = resolved(bucket, bucket.ownershipControls) as any;
  const rules = Array.isArray(controls?.rules) ? controls.rules : [];
  const value = rules[0]?.objectOwnership;
  if (controls === undefined) {
    return 'BucketOwnerEnforced';
  }
  return typeof value === 'string' ? value : undefined;
}

/** The bucket of the app that receives a distribution's legacy standard logs, when there is one. */
function standardLogBucketOf(distribution: cloudfront.CfnDistribution, index: ResourceIndex): s3.CfnBucket | undefined {
  const value = configOf(distribution).logging?.bucket;
  return value === undefined ? undefined
    : resourceAt<s3.CfnBucket>(distribution, value, 'AWS::S3::Bucket', index, rawField(distribution, 'logging', 'bucket'));
}

/**
 * A legacy standard-log bucket with ACLs disabled.
 */
export const CdnLogBucketAcls = defineCheck({
  suffix: 'CdnLogBucketAcls',
  level: CheckLevel.ERROR,
  title: 'A CloudFront standard (legacy) log bucket with ACLs disabled (object ownership BucketOwnerEnforced, the S3 default).',
  reason: 'CloudFront writes legacy standard logs through an ACL grant: a bucket with ACLs disabled receives no logs, without any error at deploy time.',
  source: 'https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/standard-logging-legacy-s3.html',
  appliesTo: [cloudfront.CfnDistribution],
  inspect: ruleOver(standardLogBucketOf, (bucket, _index, distribution) => {
    if (objectOwnership(bucket) !== 'BucketOwnerEnforced') {
      return [];
    }
    return [`Distribution '${pathOf(distribution)}': log bucket '${pathOf(bucket)}' has ACLs disabled (object ownership BucketOwnerEnforced), so CloudFront cannot write its standard logs there. `
      + 'Give the log bucket objectOwnership: s3.ObjectOwnership.OBJECT_WRITER (or BUCKET_OWNER_PREFERRED).'];
  }),
});
