import {
  Stack,
  Token,
  aws_certificatemanager as acm,
  aws_cloudfront as cloudfront,
  aws_route53 as route53,
  aws_route53_targets as targets,
} from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { GuardedPatternsError, PropErrors } from './errors';
import { CdnCertificateAliases, uncoveredAliases } from '../checks/cloudfront/cdn-certificate-aliases';
import { CdnCertificateRegion, arnRegion, certificateRegionMessage } from '../checks/cloudfront/cdn-certificate-region';
import { throwFinding } from '../checks/embed';

/**
 * What the patterns with a CloudFront distribution (SecureS3Cdn, SecureFargateService behind
 * CloudFront) check of the viewer side, and the records they add: written once.
 */

/**
 * What CloudFront's WebACLId takes: a WAFv2 web ACL of CloudFront scope (global, in us-east-1) by ARN, or a WAF Classic one by ID.
 * @see https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_DistributionConfig.html
 */
const CLOUDFRONT_WEB_ACL = /^(arn:aws[a-z-]*:wafv2:us-east-1:\d{12}:global\/webacl\/[^/]+\/[0-9a-f-]+|[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12})$/;

/** Refuses a web ACL that CloudFront cannot use; `prop` is the prop's name in the pattern. */
export function checkWebAclId(errors: PropErrors, subject: string, prop: string, value: string | undefined): void {
  errors.check(() => {
    if (value !== undefined && !Token.isUnresolved(value) && !CLOUDFRONT_WEB_ACL.test(value)) {
      throw new GuardedPatternsError(`${subject}: ${prop} ('${value}') is not a web ACL CloudFront can use; give the ARN of an AWS WAF web ACL `
        + 'of scope CLOUDFRONT, which lives in us-east-1 (arn:aws:wafv2:us-east-1:<account>:global/webacl/<name>/<id>), or the ID of a WAF Classic web ACL.');
    }
  });
}

/**
 * What the props tell about a viewer certificate: its region (CloudFront reads us-east-1 only)
 * and, for one made in the app, whether it covers the names it serves, given by the prop `namesProp`.
 */
export function checkViewerCertificate(errors: PropErrors, subject: string, certificate: acm.ICertificate,
  domainNames: string[], namesProp: string): void {
  const arn = certificate.certificateArn;
  const region = Token.isUnresolved(arn) ? Stack.of(certificate).region : arnRegion(arn);
  errors.check(() => {
    if (region !== undefined && !Token.isUnresolved(region) && region !== 'us-east-1') {
      const where = Token.isUnresolved(arn) ? `'${certificate.node.path}'` : arn;
      throwFinding(CdnCertificateRegion, certificateRegionMessage(`${subject}: certificate`, where,
        Token.isUnresolved(arn) ? `${region} (the region of stack '${Stack.of(certificate).stackName}')` : region));
    }
  });
  const cfn = certificate.node.defaultChild;
  errors.check(() => {
    if (cfn instanceof acm.CfnCertificate && !Token.isUnresolved(cfn.domainName)
      && (cfn.subjectAlternativeNames ?? []).every((n) => !Token.isUnresolved(n)) && domainNames.every((n) => !Token.isUnresolved(n))) {
      const names = [cfn.domainName, ...(cfn.subjectAlternativeNames ?? [])];
      const missing = uncoveredAliases(names, domainNames);
      if (missing.length > 0) {
        throwFinding(CdnCertificateAliases, `${subject}: certificate (${names.join(', ')}) does not cover ${namesProp} ${missing.join(', ')}. `
          + `Add them to the certificate's subjectAlternativeNames (a wildcard covers one label), or remove them from ${namesProp}.`);
      }
    }
  });
}

/** Alias A and AAAA records for each name, to the distribution: `Alias`, `AliasIpv6`, `Alias2`, `Alias2Ipv6`, ... */
export function addAliasRecords(scope: Construct, zone: route53.IHostedZone, names: string[], distribution: cloudfront.IDistribution): void {
  names.forEach((name, i) => {
    const target = route53.RecordTarget.fromAlias(new targets.CloudFrontTarget(distribution));
    const recordName = i === 0 ? 'Alias' : `Alias${i + 1}`;
    new route53.ARecord(scope, recordName, { zone, recordName: name, target });
    new route53.AaaaRecord(scope, `${recordName}Ipv6`, { zone, recordName: name, target });
  });
}
