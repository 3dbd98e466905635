import { aws_cloudfront as cloudfront } from 'aws-cdk-lib';
import { literalString } from '../../private/resource-index';
import { configOf } from '../../private/template/distribution';
import { defineCheck, ruleOver } from '../check';
import { CheckLevel } from '../check-info';
import { pathOf } from '../embed';

/** The security policies that allow nothing older than TLS 1.2 with current ciphers. */
export const MODERN_SECURITY_POLICIES = ['TLSv1.2_2021', 'TLSv1.2_2025', 'TLSv1.3_2025'];

/** The message for a custom certificate with an old minimum protocol. */
export function minimumTlsMessage(subject: string, policy: string): string {
  return `${subject}: minimum protocol ${policy} lets viewers connect with protocols or ciphers older than TLS 1.2 with current ciphers. `
    + `Use ${MODERN_SECURITY_POLICIES.join(', ')} (SecurityPolicyProtocol.TLS_V1_2_2021 or newer).`;
}

/** A distribution's viewer certificate when it is a custom one (ACM or IAM), whose security policy the owner chooses. */
function customCertificateOf(distribution: cloudfront.CfnDistribution): cloudfront.CfnDistribution.ViewerCertificateProperty | undefined {
  const certificate = configOf(distribution).viewerCertificate;
  return certificate?.acmCertificateArn !== undefined || certificate?.iamCertificateId !== undefined ? certificate : undefined;
}

/**
 * A custom certificate served with a minimum protocol below TLSv1.2_2021.
 */
export const CdnMinimumTls = defineCheck({
  suffix: 'CdnMinimumTls',
  level: CheckLevel.ERROR,
  title: 'A CloudFront distribution with a custom certificate whose minimum protocol is below TLSv1.2_2021.',
  reason: 'Older security policies accept TLS 1.0/1.1 or weak ciphers. With a custom certificate the policy is the owner\'s choice (CloudFormation defaults to TLSv1); the default *.cloudfront.net certificate cannot be changed.',
  source: 'https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/secure-connections-supported-viewer-protocols-ciphers.html',
  appliesTo: [cloudfront.CfnDistribution],
  inspect: ruleOver(customCertificateOf, (certificate, _index, distribution) => {
    const policy = certificate.minimumProtocolVersion === undefined ? 'TLSv1' : literalString(distribution, certificate.minimumProtocolVersion);
    if (policy === undefined || MODERN_SECURITY_POLICIES.includes(policy)) {
      return [];
    }
    const shown = certificate.minimumProtocolVersion === undefined ? 'TLSv1 (CloudFormation\'s default when none is given)' : policy;
    return [minimumTlsMessage(`Distribution '${pathOf(distribution)}'`, shown)];
  }),
});
