import { aws_cloudfront as cloudfront } from 'aws-cdk-lib';
import { behaviorsOf, configOf } from '../../private/template/distribution';
import { defineCheck } from '../check';
import { CheckLevel } from '../check-info';
import { pathOf } from '../embed';

/**
 * A CloudFront behavior that serves viewers over plain HTTP.
 */
export const CdnHttpAllowed = defineCheck({
  suffix: 'CdnHttpAllowed',
  level: CheckLevel.WARNING,
  patternLevel: CheckLevel.ERROR,
  title: 'A CloudFront cache behavior that serves viewers over plain HTTP (viewer protocol policy allow-all).',
  reason: 'With allow-all, content and cookies travel unencrypted and can be read or altered on the way. aws-cdk-lib\'s Distribution defaults to ALLOW_ALL unless a feature flag is set, so the gap is easy to miss.',
  source: 'https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/using-https-viewers-to-cloudfront.html',
  appliesTo: [cloudfront.CfnDistribution],
  inspect(distribution) {
    return behaviorsOf(configOf(distribution))
      .filter((b) => b.viewerProtocolPolicy === 'allow-all')
      .map((b) => `Distribution '${pathOf(distribution)}': the ${b.name} behavior serves plain HTTP (viewerProtocolPolicy allow-all). `
        + 'Set viewerProtocolPolicy to ViewerProtocolPolicy.REDIRECT_TO_HTTPS (or HTTPS_ONLY).');
  },
});
