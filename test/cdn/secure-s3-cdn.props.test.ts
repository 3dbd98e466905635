import { Duration, Size, aws_certificatemanager as acm, aws_cloudfront as cloudfront, aws_kms as kms, aws_s3 as s3 } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as fc from 'fast-check';
import { CdnOriginAccess, SecureS3Cdn } from '../../src';
import { Outcomes, Verdict, expectReached, holdToModel, propertyParameters } from '../props/settings';
import { TEST_ENV, testApp, testStack } from '../util';

const label = fc.constantFrom('cdn', 'www', 'img', 'a', 'Static', 'x_y', '');
const host = fc.oneof(
  { arbitrary: fc.tuple(label, fc.constantFrom('example.com', 'example.org')).map(([l, d]) => (l === '' ? d : `${l}.${d}`)), weight: 4 },
  { arbitrary: fc.constantFrom('*.example.com', 'a.b.example.com', '-bad.example.com', 'localhost'), weight: 1 },
);
const securityPolicy = fc.constantFrom(...Object.values(cloudfront.SecurityPolicyProtocol));
const prefix = fc.oneof(fc.constantFrom('uploads/', 'media/in/', 'u', '', '/abs/', 'a/../b/'), fc.string({ maxLength: 8 }));
const contentTypes = fc.array(fc.oneof(fc.constantFrom('image/png', 'image/*', 'video/mp4', 'application/pdf', 'Image/PNG'), fc.string({ maxLength: 10 })), { maxLength: 3 });
/** Web ACLs as users pass them: CloudFront's own (global, us-east-1), a regional one, a WAF Classic ID, garbage. */
const WEB_ACLS = {
  'global': 'arn:aws:wafv2:us-east-1:111111111111:global/webacl/cdn/11111111-2222-3333-4444-555555555555',
  'regional-elsewhere': 'arn:aws:wafv2:eu-west-1:111111111111:regional/webacl/alb/11111111-2222-3333-4444-555555555555',
  'regional-here': 'arn:aws:wafv2:us-east-1:111111111111:regional/webacl/alb/11111111-2222-3333-4444-555555555555',
  'classic': '11111111-2222-3333-4444-555555555555',
};
type WebAcl = keyof typeof WEB_ACLS;

/** A host name as CloudFront takes an alternate domain name, lower case as the pattern documents; a leading `*.` for a wildcard. */
function isAlias(name: string): boolean {
  const labels = name.replace(/^\*\./, '').split('.');
  return labels.length >= 2 && labels.every((l) => /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/.test(l)) && /^[a-z]/.test(labels[labels.length - 1]);
}
/** CloudFront security policies from TLSv1.2_2021 on. */
function modernPolicy(policy: string): boolean {
  const m = /^TLSv1\.(\d)_(\d{4})$/.exec(policy);
  return m !== null && (Number(m[1]) > 2 || (Number(m[1]) === 2 && Number(m[2]) >= 2021));
}
/**
 * What CloudFront's WebACLId takes: a WAFv2 web ACL of CloudFront scope (`global`, in us-east-1)
 * by ARN, or a WAF Classic web ACL by ID.
 * @see https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_DistributionConfig.html
 */
function cloudFrontWebAcl(id: string): boolean {
  return /^arn:aws[a-z-]*:wafv2:us-east-1:\d{12}:global\/webacl\/[^/]+\/[0-9a-f-]{36}$/.test(id) || /^[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}$/.test(id);
}
/** A key prefix of S3's safe characters, relative, without `.` or `..` segments. */
function safePrefix(p: string): boolean {
  return /^[0-9A-Za-z!_.'/-]+$/.test(p) && !p.startsWith('/') && !p.split('/').some((part) => part === '.' || part === '..');
}
/** RFC 6838 type/subtype, lower case, or a whole family. */
function contentType(t: string): boolean {
  return /^[a-z0-9][a-z0-9!#$&^_.+-]*\/([a-z0-9][a-z0-9!#$&^_.+-]*|\*)$/.test(t);
}

const choice = fc.record({
  access: fc.oneof(
    { arbitrary: fc.constant(CdnOriginAccess.CONTROL), weight: 6 },
    { arbitrary: fc.constantFrom(CdnOriginAccess.IDENTITY, 'OTHER' as CdnOriginAccess), weight: 1 },
  ),
  kms: fc.oneof({ arbitrary: fc.constant(false), weight: 3 }, { arbitrary: fc.constant(true), weight: 1 }),
  domain: fc.option(fc.record({
    names: fc.uniqueArray(host, { minLength: 1, maxLength: 3 }),
    certificate: fc.oneof(
      { arbitrary: fc.constant('same'), weight: 6 },
      { arbitrary: fc.constantFrom('other-names', 'eu-west-1', 'none', 'without-names'), weight: 1 },
    ),
  }), { nil: undefined, freq: 2 }),
  policy: fc.option(securityPolicy, { nil: undefined, freq: 2 }),
  root: fc.option(fc.constantFrom('index.html', '/index.html', ''), { nil: undefined, freq: 2 }),
  webAcl: fc.option(fc.constantFrom<WebAcl>('global', 'regional-elsewhere', 'regional-here', 'classic'), { nil: undefined, freq: 2 }),
  logBucket: fc.constantFrom<'created' | 'acls' | 'owner-enforced'>('created', 'created', 'acls', 'owner-enforced'),
  logExpirationHours: fc.option(fc.constantFrom(24, 24 * 90, 36, 0), { nil: undefined, freq: 2 }),
  uploads: fc.option(fc.record({
    keyPrefix: fc.option(prefix, { nil: undefined, freq: 2 }),
    maxMiB: fc.option(fc.integer({ min: 0, max: 6 * 1024 }), { nil: undefined, freq: 2 }),
    types: fc.option(contentTypes, { nil: undefined, freq: 2 }),
    expiresSeconds: fc.option(fc.integer({ min: 0, max: 7200 }), { nil: undefined, freq: 2 }),
    origins: fc.option(fc.array(fc.constantFrom('https://app.example.com', '*', 'app.example.com', 'https://a.example.com/path'), { maxLength: 2 }), { nil: undefined, freq: 2 }),
  }), { nil: undefined, freq: 2 }),
});
type Choice = typeof choice extends fc.Arbitrary<infer T> ? T : never;

function model(c: Choice) {
  const verdict = new Verdict();
  verdict.refuse(!Object.values(CdnOriginAccess).includes(c.access), 'originAccess');
  // An origin access identity cannot decrypt SSE-KMS objects.
  verdict.refuse(c.access === CdnOriginAccess.IDENTITY && c.kms, 'originAccess', 'encryptionKey');
  const names = c.domain && c.domain.certificate !== 'without-names' ? c.domain.names : [];
  verdict.refuse(names.some((n) => !isAlias(n)), 'domainNames');
  const hasCertificate = c.domain !== undefined && c.domain.certificate !== 'none';
  verdict.refuse(names.length > 0 && !hasCertificate, 'domainNames', 'certificate');
  verdict.refuse(hasCertificate && names.length === 0, 'certificate');
  // CloudFront takes certificates from us-east-1 only, covering every alias.
  verdict.refuse(c.domain?.certificate === 'eu-west-1' && names.length > 0, 'certificate');
  verdict.refuse(c.domain?.certificate === 'other-names' && names.length > 0, 'domainNames', 'certificate');
  verdict.refuse(c.policy !== undefined && !modernPolicy(c.policy), 'minimumProtocolVersion');
  verdict.refuse(c.root !== undefined && (c.root === '' || c.root.startsWith('/')), 'defaultRootObject');
  verdict.refuse(c.webAcl !== undefined && !cloudFrontWebAcl(WEB_ACLS[c.webAcl]), 'webAclId');
  verdict.refuse(c.logBucket !== 'created' && c.logExpirationHours !== undefined, 'logExpiration');
  verdict.refuse(c.logExpirationHours !== undefined && (c.logExpirationHours % 24 !== 0 || c.logExpirationHours < 24), 'logExpiration');
  const u = c.uploads;
  if (u) {
    verdict.refuse(u.keyPrefix !== undefined && !safePrefix(u.keyPrefix), 'uploads.keyPrefix');
    // A presigned POST carries at most 5 GB.
    verdict.refuse(u.maxMiB !== undefined && (u.maxMiB < 1 || u.maxMiB > 5 * 1024), 'uploads.maxSize');
    verdict.refuse(u.types !== undefined && (u.types.length === 0 || !u.types.every(contentType)), 'uploads.allowedContentTypes');
    verdict.refuse(u.expiresSeconds !== undefined && (u.expiresSeconds < 1 || u.expiresSeconds > 3600), 'uploads.expiresIn');
    verdict.refuse(u.origins !== undefined && (u.origins.length === 0 || !u.origins.every((o) => o === '*' || /^https?:\/\/[a-z0-9.-]+(:\d{1,5})?$/.test(o))), 'uploads.allowedOrigins');
  }
  return verdict.expected;
}

/** Props the model accepts: each example below changes one thing. */
const VALID: Choice = {
  access: CdnOriginAccess.CONTROL,
  kms: false,
  domain: { names: ['cdn.example.com'], certificate: 'same' },
  policy: undefined,
  root: 'index.html',
  webAcl: 'global',
  logBucket: 'acls',
  logExpirationHours: undefined,
  uploads: { keyPrefix: 'uploads/', maxMiB: 10, types: ['image/png'], expiresSeconds: 300, origins: ['https://app.example.com'] },
};
const EXAMPLES: Choice[] = [
  VALID,
  { ...VALID, webAcl: 'classic', logBucket: 'created', logExpirationHours: 24 * 30 },
  { ...VALID, webAcl: 'regional-elsewhere' },
  { ...VALID, webAcl: 'regional-here' },
  { ...VALID, logBucket: 'owner-enforced' },
  { ...VALID, logExpirationHours: 24 },
  { ...VALID, logBucket: 'created', logExpirationHours: 36 },
  { ...VALID, domain: { names: ['cdn.example.com', 'www.example.org'], certificate: 'other-names' } },
  { ...VALID, uploads: { ...VALID.uploads!, maxMiB: 5 * 1024 + 1 } },
];

describe('SecureS3Cdn with random props', () => {
  test('builds a template exactly when the model accepts the props, and otherwise names the prop at fault', () => {
    const outcomes: Outcomes = { synthesized: 0, refused: 0 };
    fc.assert(fc.property(choice, (c) => {
      const expected = model(c);
      const app = testApp();
      const stack = testStack(app);
      const kind = c.domain?.certificate;
      const certificateStack = kind === 'eu-west-1' ? testStack(app, 'Europe', { env: { account: TEST_ENV.account, region: 'eu-west-1' } }) : stack;
      const certificateNames = kind === 'other-names' ? ['other.example.net'] : c.domain?.names ?? [];
      const certificate = c.domain && kind !== 'none'
        ? new acm.Certificate(certificateStack, 'Certificate', { domainName: certificateNames[0], subjectAlternativeNames: certificateNames.slice(1) })
        : undefined;
      const logBucket = c.logBucket === 'created' ? undefined : new s3.Bucket(stack, 'Logs', {
        objectOwnership: c.logBucket === 'acls' ? s3.ObjectOwnership.OBJECT_WRITER : s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
        enforceSSL: true,
      });
      const built = holdToModel(expected, "SecureS3Cdn 'TestStack/Cdn': ", () => {
        const cdn = new SecureS3Cdn(stack, 'Cdn', {
          originAccess: c.access,
          encryptionKey: c.kms ? new kms.Key(stack, 'Key', { enableKeyRotation: true }) : undefined,
          domainNames: kind === 'without-names' ? undefined : c.domain?.names,
          certificate,
          minimumProtocolVersion: c.policy,
          defaultRootObject: c.root,
          webAclId: c.webAcl === undefined ? undefined : WEB_ACLS[c.webAcl],
          logBucket,
          logExpiration: c.logExpirationHours === undefined ? undefined : Duration.hours(c.logExpirationHours),
          uploads: c.uploads && {
            keyPrefix: c.uploads.keyPrefix,
            maxSize: c.uploads.maxMiB === undefined ? undefined : Size.mebibytes(c.uploads.maxMiB),
            allowedContentTypes: c.uploads.types,
            expiresIn: c.uploads.expiresSeconds === undefined ? undefined : Duration.seconds(c.uploads.expiresSeconds),
            allowedOrigins: c.uploads.origins,
          },
        });
        return { cdn, template: Template.fromStack(stack) };
      }, outcomes);
      if (!built) {
        return;
      }
      const { template } = built;
      template.resourceCountIs('AWS::CloudFront::Distribution', 1);
      const config = Object.values(template.findResources('AWS::CloudFront::Distribution'))[0].Properties.DistributionConfig;
      expect(config.WebACLId).toEqual(c.webAcl === undefined ? undefined : WEB_ACLS[c.webAcl]);
      expect(config.Aliases).toEqual(certificate && c.domain && kind !== 'without-names' ? c.domain.names : undefined);
      template.resourceCountIs('AWS::Lambda::Url', c.uploads ? 1 : 0);
    }), propertyParameters<[Choice]>('SecureS3Cdn', 30, EXAMPLES.map((e) => [e])));
    expect(outcomes.synthesized).toBeGreaterThan(0);
    expect(outcomes.refused).toBeGreaterThan(0);
    expectReached(outcomes, ['webAclId', 'logExpiration', 'domainNames', 'uploads.maxSize']);
  });
});
