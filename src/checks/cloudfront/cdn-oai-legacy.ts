import { aws_cloudfront as cloudfront } from 'aws-cdk-lib';
import { originsOf } from '../../private/template/distribution';
import { defineCheck } from '../check';
import { CheckLevel } from '../check-info';
import { pathOf } from '../embed';

/**
 * An S3 origin read through a legacy origin access identity.
 */
export const CdnOaiLegacy = defineCheck({
  suffix: 'CdnOaiLegacy',
  level: CheckLevel.WARNING,
  title: 'A CloudFront S3 origin read through a legacy origin access identity (OAI) rather than origin access control (OAC).',
  reason: 'OAI is legacy: it cannot use SSE-KMS, cannot send PUT or DELETE, and does not work in regions launched after December 2022. AWS recommends OAC.',
  source: 'https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/private-content-restricting-access-to-s3.html',
  appliesTo: [cloudfront.CfnDistribution],
  inspect(distribution, index) {
    return originsOf(distribution, index)
      .filter((o) => o.usesOai)
      .map((o) => `Distribution '${pathOf(distribution)}': origin ${o.id} reads S3 through an origin access identity, which is legacy. `
        + 'Use origin access control (S3BucketOrigin.withOriginAccessControl, or originAccess: CdnOriginAccess.CONTROL), or acknowledge this check.');
  },
});
