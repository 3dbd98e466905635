import { aws_cloudfront as cloudfront } from 'aws-cdk-lib';
import { bucketSseAlgorithm, originsOf } from '../../private/template/distribution';
import { defineCheck } from '../check';
import { CheckLevel } from '../check-info';
import { pathOf } from '../embed';

/**
 * An origin access identity reading a bucket encrypted with SSE-KMS.
 */
export const CdnOaiWithKms = defineCheck({
  suffix: 'CdnOaiWithKms',
  level: CheckLevel.ERROR,
  title: 'A CloudFront origin access identity (OAI) reading an S3 bucket encrypted with SSE-KMS.',
  reason: 'An OAI cannot decrypt SSE-KMS objects: every request fails with 403 once deployed. Origin access control (OAC) can, when the key policy lets CloudFront use the key.',
  source: 'https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/private-content-restricting-access-to-s3.html',
  appliesTo: [cloudfront.CfnDistribution],
  inspect(distribution, index) {
    return originsOf(distribution, index)
      .filter((o) => o.usesOai && o.bucket !== undefined && (bucketSseAlgorithm(o.bucket) ?? '').startsWith('aws:kms'))
      .map((o) => `Distribution '${pathOf(distribution)}': origin ${o.id} reads bucket '${pathOf(o.bucket!)}', encrypted with SSE-KMS, through an origin access identity, which cannot decrypt it. `
        + 'Use origin access control (S3BucketOrigin.withOriginAccessControl) or S3-managed encryption.');
  },
});
