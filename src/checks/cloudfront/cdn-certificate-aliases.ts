import { aws_cloudfront as cloudfront } from 'aws-cdk-lib';
import { literalString, resolved } from '../../private/resource-index';
import { configOf, viewerCertificateOf } from '../../private/template/distribution';
import { defineCheck } from '../check';
import { CheckLevel } from '../check-info';
import { pathOf } from '../embed';

/**
 * Whether a certificate name covers a host name: exactly, or as a wildcard for one label
 * (`*.example.com` covers `www.example.com`, not `example.com` nor `a.b.example.com`).
 */
export function nameCovers(certificateName: string, host: string): boolean {
  const name = certificateName.toLowerCase();
  const target = host.toLowerCase().replace(/\.$/, '');
  if (!name.startsWith('*.')) {
    return name === target;
  }
  const dot = target.indexOf('.');
  return dot > 0 && target.substring(dot + 1) === name.substring(2);
}

/** The aliases that none of the certificate names cover. */
export function uncoveredAliases(certificateNames: string[], aliases: string[]): string[] {
  return aliases.filter((alias) => !certificateNames.some((name) => nameCovers(name, alias)));
}

/**
 * Aliases the viewer certificate does not cover.
 */
export const CdnCertificateAliases = defineCheck({
  suffix: 'CdnCertificateAliases',
  level: CheckLevel.ERROR,
  title: 'A CloudFront alias (alternate domain name) that the viewer certificate\'s names do not cover.',
  reason: 'CloudFront refuses an alternate domain name that the attached certificate does not cover, and the deployment fails; a wildcard covers exactly one label.',
  source: 'https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/CNAMEs.html',
  appliesTo: [cloudfront.CfnDistribution],
  inspect(distribution, index) {
    const aliases: unknown = configOf(distribution).aliases;
    const certificate = viewerCertificateOf(distribution, index)?.certificate;
    if (!Array.isArray(aliases) || aliases.length === 0 || aliases.some((a) => typeof a !== 'string') || !certificate) {
      return [];
    }
    const domain = literalString(certificate, certificate.domainName);
    const sans = resolved(certificate, certificate.subjectAlternativeNames);
    if (domain === undefined || (sans !== undefined && (!Array.isArray(sans) || sans.some((s) => typeof s !== 'string')))) {
      return [];
    }
    const names = [domain, ...((sans as string[] | undefined) ?? [])];
    const missing = uncoveredAliases(names, aliases as string[]);
    if (missing.length === 0) {
      return [];
    }
    return [`Distribution '${pathOf(distribution)}': certificate '${pathOf(certificate)}' (${names.join(', ')}) does not cover ${missing.join(', ')}. `
      + 'Add them to the certificate\'s subjectAlternativeNames (a wildcard covers one label), or remove them from domainNames.'];
  },
});
