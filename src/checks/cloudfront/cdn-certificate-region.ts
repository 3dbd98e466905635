import { Stack, Token, aws_cloudfront as cloudfront } from 'aws-cdk-lib';
import { viewerCertificateOf } from '../../private/template/distribution';
import { defineCheck, ruleOver } from '../check';
import { CheckLevel } from '../check-info';
import { pathOf } from '../embed';

/** The region of a literal ARN (`arn:partition:service:region:account:resource`); `undefined` when it is not one. */
export function arnRegion(arn: string): string | undefined {
  const parts = arn.split(':');
  return parts.length >= 6 && parts[0] === 'arn' ? parts[3] : undefined;
}

/** The message for a certificate known to be outside us-east-1. */
export function certificateRegionMessage(subject: string, certificate: string, region: string): string {
  return `${subject}: the viewer certificate ${certificate} is in ${region}; CloudFront accepts only certificates in us-east-1. `
    + 'Create or import the certificate in us-east-1 (a stack with env.region us-east-1, and crossRegionReferences: true to pass it to this stack).';
}

/**
 * A viewer certificate outside us-east-1.
 */
export const CdnCertificateRegion = defineCheck({
  suffix: 'CdnCertificateRegion',
  level: CheckLevel.ERROR,
  title: 'A CloudFront viewer certificate outside us-east-1, from its ARN or from the region of the stack that creates it.',
  reason: 'CloudFront reads viewer certificates from ACM in us-east-1 only; any other region fails the deployment. aws-cdk-lib checks only literal ARNs, not a certificate created in a stack of another region.',
  source: 'https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/cnames-and-https-requirements.html',
  appliesTo: [cloudfront.CfnDistribution],
  inspect: ruleOver(viewerCertificateOf, (viewer, _index, distribution) => {
    const subject = `Distribution '${pathOf(distribution)}'`;
    if (viewer.arn !== undefined) {
      const region = arnRegion(viewer.arn);
      return region !== undefined && region !== 'us-east-1' ? [certificateRegionMessage(subject, viewer.arn, region)] : [];
    }
    const certificate = viewer.certificate;
    const region = certificate ? Stack.of(certificate).region : undefined;
    if (certificate === undefined || region === undefined || Token.isUnresolved(region) || region === 'us-east-1') {
      return [];
    }
    return [certificateRegionMessage(subject, `'${pathOf(certificate)}'`, `${region} (the region of stack '${Stack.of(certificate).stackName}')`)];
  }),
});
