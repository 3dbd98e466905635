import { Stack, Token, aws_certificatemanager as acm, aws_cloudfront as cloudfront } from 'aws-cdk-lib';
import { literalString } from '../../private/resource-index';
import { configOf, rawField } from '../../private/template/distribution';
import { resourceAt } from '../../private/template/refs';
import { defineCheck } from '../check';
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
  inspect(distribution, index) {
    const config = configOf(distribution);
    const value = config.viewerCertificate?.acmCertificateArn;
    if (value === undefined) {
      return [];
    }
    const subject = `Distribution '${pathOf(distribution)}'`;
    const arn = literalString(distribution, value);
    if (arn !== undefined) {
      const region = arnRegion(arn);
      return region !== undefined && region !== 'us-east-1' ? [certificateRegionMessage(subject, arn, region)] : [];
    }
    const certificate = resourceAt<acm.CfnCertificate>(distribution, value, 'AWS::CertificateManager::Certificate', index,
      rawField(distribution, 'viewerCertificate', 'acmCertificateArn'));
    const region = certificate ? Stack.of(certificate).region : undefined;
    if (certificate === undefined || region === undefined || Token.isUnresolved(region) || region === 'us-east-1') {
      return [];
    }
    return [certificateRegionMessage(subject, `'${pathOf(certificate)}'`, `${region} (the region of stack '${Stack.of(certificate).stackName}')`)];
  },
});
