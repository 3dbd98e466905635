import { Check } from '../check';
import { CdnBucketExposed } from './cdn-bucket-exposed';
import { CdnCertificateAliases } from './cdn-certificate-aliases';
import { CdnCertificateRegion } from './cdn-certificate-region';
import { CdnHttpAllowed } from './cdn-http-allowed';
import { CdnLogBucketAcls } from './cdn-log-bucket-acls';
import { CdnMinimumTls } from './cdn-minimum-tls';
import { CdnOaiLegacy } from './cdn-oai-legacy';
import { CdnOaiWithKms } from './cdn-oai-with-kms';

/** The CloudFront and S3 checks. */
export const CDN_CHECKS: Check[] = [
  CdnHttpAllowed,
  CdnCertificateRegion,
  CdnCertificateAliases,
  CdnMinimumTls,
  CdnOaiWithKms,
  CdnOaiLegacy,
  CdnBucketExposed,
  CdnLogBucketAcls,
];
