import { Duration, Size, aws_certificatemanager as acm, aws_cloudfront as cloudfront, aws_kms as kms } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as fc from 'fast-check';
import { CdnOriginAccess, SecureS3Cdn } from '../../src';
import { TEST_ENV, testApp, testStack } from '../util';

/** A clear error names the pattern, its path and the prop. */
const CLEAR_ERROR = /^SecureS3Cdn 'TestStack\/Cdn': (originAccess|domainNames|certificate|hostedZone|minimumProtocolVersion|defaultRootObject|uploads\.(keyPrefix|maxSize|allowedContentTypes|expiresIn|allowedOrigins))/;

const label = fc.constantFrom('cdn', 'www', 'img', 'a', 'Static', 'x_y', '');
const host = fc.oneof(
  { arbitrary: fc.tuple(label, fc.constantFrom('example.com', 'example.org')).map(([l, d]) => (l === '' ? d : `${l}.${d}`)), weight: 4 },
  { arbitrary: fc.constantFrom('*.example.com', 'a.b.example.com', '-bad.example.com', 'localhost'), weight: 1 },
);
const securityPolicy = fc.constantFrom(...Object.values(cloudfront.SecurityPolicyProtocol));
const prefix = fc.oneof(fc.constantFrom('uploads/', 'media/in/', 'u', ''), fc.string({ maxLength: 8 }));
const contentTypes = fc.array(fc.oneof(fc.constantFrom('image/png', 'image/*', 'video/mp4', 'application/pdf'), fc.string({ maxLength: 10 })), { maxLength: 3 });

describe('SecureS3Cdn with random props', () => {
  test('either synthesizes a template CloudFormation accepts, or fails with a clear error', () => {
    const outcomes = { synthesized: 0, refused: 0 };
    fc.assert(fc.property(
      fc.record({
        access: fc.oneof({ arbitrary: fc.constant(CdnOriginAccess.CONTROL), weight: 6 }, { arbitrary: fc.constantFrom(CdnOriginAccess.IDENTITY, 'OTHER' as CdnOriginAccess), weight: 1 }),
        kms: fc.oneof({ arbitrary: fc.constant(false), weight: 3 }, { arbitrary: fc.constant(true), weight: 1 }),
        domain: fc.option(fc.record({
          names: fc.array(host, { minLength: 1, maxLength: 3 }),
          // How the certificate relates to the names: usually it covers them.
          certificate: fc.oneof(
            { arbitrary: fc.constant('same'), weight: 6 },
            { arbitrary: fc.constantFrom('other-names', 'eu-west-1', 'none', 'without-names'), weight: 1 },
          ),
        }), { nil: undefined, freq: 2 }),
        policy: fc.option(securityPolicy, { nil: undefined, freq: 2 }),
        root: fc.option(fc.constantFrom('index.html', 'index.html', '/index.html', ''), { nil: undefined, freq: 2 }),
        uploads: fc.option(fc.record({
          keyPrefix: fc.option(prefix, { nil: undefined, freq: 2 }),
          maxMiB: fc.option(fc.integer({ min: 0, max: 6 * 1024 }), { nil: undefined, freq: 2 }),
          types: fc.option(contentTypes, { nil: undefined, freq: 2 }),
          expiresSeconds: fc.option(fc.integer({ min: 0, max: 7200 }), { nil: undefined, freq: 2 }),
          origins: fc.option(fc.array(fc.constantFrom('https://app.example.com', '*', 'app.example.com', 'https://a.example.com/path'), { maxLength: 2 }), { nil: undefined, freq: 2 }),
        }), { nil: undefined, freq: 2 }),
      }),
      (p) => {
        const app = testApp();
        const stack = testStack(app);
        const kind = p.domain?.certificate;
        const certificateStack = kind === 'eu-west-1' ? testStack(app, 'Europe', { env: { account: TEST_ENV.account, region: 'eu-west-1' } }) : stack;
        const certificateNames = kind === 'other-names' ? ['other.example.net'] : p.domain?.names ?? [];
        const certificate = p.domain && kind !== 'none'
          ? new acm.Certificate(certificateStack, 'Certificate', { domainName: certificateNames[0], subjectAlternativeNames: certificateNames.slice(1) })
          : undefined;
        try {
          new SecureS3Cdn(stack, 'Cdn', {
            originAccess: p.access,
            encryptionKey: p.kms ? new kms.Key(stack, 'Key', { enableKeyRotation: true }) : undefined,
            domainNames: kind === 'without-names' ? undefined : p.domain?.names,
            certificate,
            minimumProtocolVersion: p.policy,
            defaultRootObject: p.root,
            uploads: p.uploads && {
              keyPrefix: p.uploads.keyPrefix,
              maxSize: p.uploads.maxMiB === undefined ? undefined : Size.mebibytes(p.uploads.maxMiB),
              allowedContentTypes: p.uploads.types,
              expiresIn: p.uploads.expiresSeconds === undefined ? undefined : Duration.seconds(p.uploads.expiresSeconds),
              allowedOrigins: p.uploads.origins,
            },
          });
        } catch (e) {
          expect((e as Error).name).toBe('GuardedPatternsError');
          expect((e as Error).message).toMatch(CLEAR_ERROR);
          outcomes.refused++;
          return;
        }
        // Strict CloudFormation validation and the embedded checks run here: either throws on a bad template.
        const template = Template.fromStack(stack);
        template.resourceCountIs('AWS::CloudFront::Distribution', 1);
        outcomes.synthesized++;
      },
    ), { numRuns: 60 });
    expect(outcomes.synthesized).toBeGreaterThan(0);
    expect(outcomes.refused).toBeGreaterThan(0);
  });
});
