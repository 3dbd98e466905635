import { App, Stack, aws_certificatemanager as acm, aws_cloudfront as cloudfront, aws_cloudfront_origins as origins, aws_iam as iam, aws_kms as kms, aws_s3 as s3 } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { GuardedPatternsChecks, SecureS3Cdn } from '../../src';
import { nameCovers } from '../../src/checks/cloudfront/cdn-certificate-aliases';
import { TEST_ENV, findings, testApp, testStack } from '../util';

/** The pack's findings for one rule over a scope, as `path [severity]: message`. */
function ruleHits(scope: Stack | App, rule: string): string[] {
  return findings(new GuardedPatternsChecks(), scope).filter((f) => f.rule === `GuardedPatterns-${rule}`).map((f) => `${f.path} [${f.severity}]: ${f.message}`);
}

function plainDistribution(stack: Stack, props: Partial<cloudfront.DistributionProps> = {}, bucket: s3.IBucket = new s3.Bucket(stack, 'Bucket')) {
  return new cloudfront.Distribution(stack, 'Distribution', {
    defaultBehavior: {
      origin: origins.S3BucketOrigin.withOriginAccessControl(bucket),
      viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
    },
    ...props,
  });
}

/** A raw L1 distribution over a custom origin, with the given pieces of configuration. */
function rawDistribution(stack: Stack, config: Partial<cloudfront.CfnDistribution.DistributionConfigProperty>) {
  return new cloudfront.CfnDistribution(stack, 'Raw', {
    distributionConfig: {
      enabled: true,
      origins: [{ id: 'web', domainName: 'origin.example.com', customOriginConfig: { originProtocolPolicy: 'https-only' } }],
      defaultCacheBehavior: { targetOriginId: 'web', viewerProtocolPolicy: 'redirect-to-https', cachePolicyId: '658327ea-f89d-4fab-a63d-7e88639e58f6' },
      ...config,
    },
  });
}

describe('GuardedPatternsChecks: CDN checks on plain aws-cdk-lib and raw L1 resources', () => {
  describe('CdnHttpAllowed', () => {
    test('a plain Distribution with ALLOW_ALL on a behavior: a warning in the pack', () => {
      const stack = testStack();
      const distribution = plainDistribution(stack);
      distribution.addBehavior('/legacy/*', new origins.HttpOrigin('legacy.example.com'), { viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.ALLOW_ALL });
      expect(ruleHits(stack, 'CdnHttpAllowed')).toEqual([
        "TestStack/Distribution/Resource [warning]: Distribution 'TestStack/Distribution': the '/legacy/*' behavior serves plain HTTP (viewerProtocolPolicy allow-all). "
        + 'Set viewerProtocolPolicy to ViewerProtocolPolicy.REDIRECT_TO_HTTPS (or HTTPS_ONLY).',
      ]);
    });

    test('a raw L1 distribution whose default behavior allows HTTP', () => {
      const stack = testStack();
      rawDistribution(stack, { defaultCacheBehavior: { targetOriginId: 'web', viewerProtocolPolicy: 'allow-all', cachePolicyId: '658327ea-f89d-4fab-a63d-7e88639e58f6' } });
      expect(ruleHits(stack, 'CdnHttpAllowed')).toHaveLength(1);
      expect(ruleHits(stack, 'CdnHttpAllowed')[0]).toMatch(/^TestStack\/Raw \[warning\]: Distribution 'TestStack\/Raw': the default behavior serves plain HTTP/);
    });

    test('HTTPS-only and redirecting behaviors pass', () => {
      const stack = testStack();
      const distribution = plainDistribution(stack);
      distribution.addBehavior('/api/*', new origins.HttpOrigin('api.example.com'), { viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.HTTPS_ONLY });
      expect(ruleHits(stack, 'CdnHttpAllowed')).toEqual([]);
    });

    test('in SecureS3Cdn, a behavior added with ALLOW_ALL fails synth', () => {
      const stack = testStack();
      const cdn = new SecureS3Cdn(stack, 'Cdn');
      (cdn.distribution as cloudfront.Distribution).addBehavior('/open/*', new origins.HttpOrigin('legacy.example.com'), { viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.ALLOW_ALL });
      expect(() => Template.fromStack(stack)).toThrow("Distribution 'TestStack/Cdn/Distribution': the '/open/*' behavior serves plain HTTP (viewerProtocolPolicy allow-all).");
    });
  });

  describe('CdnCertificateRegion', () => {
    test('a certificate created in a eu-west-1 stack, which aws-cdk-lib accepts', () => {
      const stack = testStack(testApp(), 'Europe', { env: { account: TEST_ENV.account, region: 'eu-west-1' } });
      const certificate = new acm.Certificate(stack, 'Certificate', { domainName: 'cdn.example.com' });
      plainDistribution(stack, { certificate, domainNames: ['cdn.example.com'] });
      expect(ruleHits(stack, 'CdnCertificateRegion')).toEqual([
        "Europe/Distribution/Resource [error]: Distribution 'Europe/Distribution': the viewer certificate 'Europe/Certificate' is in eu-west-1 (the region of stack 'Europe'); "
        + 'CloudFront accepts only certificates in us-east-1. Create or import the certificate in us-east-1 (a stack with env.region us-east-1, and crossRegionReferences: true to pass it to this stack).',
      ]);
    });

    test('a certificate passed from a stack of another region through a cross-region reference', () => {
      const app = testApp();
      const europe = testStack(app, 'Europe', { env: { account: TEST_ENV.account, region: 'eu-west-1' }, crossRegionReferences: true });
      const certificate = new acm.Certificate(europe, 'Certificate', { domainName: 'cdn.example.com' });
      const edge = testStack(app, 'Edge', { crossRegionReferences: true });
      plainDistribution(edge, { certificate, domainNames: ['cdn.example.com'] });
      expect(ruleHits(edge, 'CdnCertificateRegion')).toHaveLength(1);
      expect(ruleHits(edge, 'CdnCertificateRegion')[0]).toContain("the viewer certificate 'Europe/Certificate' is in eu-west-1");
    });

    test('a raw L1 distribution with a literal certificate ARN in another region', () => {
      const stack = testStack();
      rawDistribution(stack, { aliases: ['cdn.example.com'], viewerCertificate: { acmCertificateArn: 'arn:aws:acm:eu-central-1:111111111111:certificate/abc', sslSupportMethod: 'sni-only', minimumProtocolVersion: 'TLSv1.2_2021' } });
      expect(ruleHits(stack, 'CdnCertificateRegion')).toEqual([
        "TestStack/Raw [error]: Distribution 'TestStack/Raw': the viewer certificate arn:aws:acm:eu-central-1:111111111111:certificate/abc is in eu-central-1; CloudFront accepts only certificates in us-east-1. "
        + 'Create or import the certificate in us-east-1 (a stack with env.region us-east-1, and crossRegionReferences: true to pass it to this stack).',
      ]);
    });

    test('a literal that is not an ARN is not judged', () => {
      const stack = testStack();
      rawDistribution(stack, { aliases: ['cdn.example.com'], viewerCertificate: { acmCertificateArn: 'arn:aws:acm', sslSupportMethod: 'sni-only', minimumProtocolVersion: 'TLSv1.2_2021' } });
      expect(ruleHits(stack, 'CdnCertificateRegion')).toEqual([]);
    });

    test('certificates in us-east-1, or in a stack whose region is unknown, pass', () => {
      const stack = testStack();
      const certificate = new acm.Certificate(stack, 'Certificate', { domainName: 'cdn.example.com' });
      plainDistribution(stack, { certificate, domainNames: ['cdn.example.com'] });
      expect(ruleHits(stack, 'CdnCertificateRegion')).toEqual([]);
      const agnostic = testStack(testApp(), 'Agnostic', { envAgnostic: true });
      const other = new acm.Certificate(agnostic, 'Certificate', { domainName: 'cdn.example.com' });
      plainDistribution(agnostic, { certificate: other, domainNames: ['cdn.example.com'] });
      expect(ruleHits(agnostic, 'CdnCertificateRegion')).toEqual([]);
    });
  });

  describe('CdnCertificateAliases', () => {
    test('a plain Distribution with an alias its certificate does not cover', () => {
      const stack = testStack();
      const certificate = new acm.Certificate(stack, 'Certificate', { domainName: 'cdn.example.com', subjectAlternativeNames: ['*.img.example.com'] });
      plainDistribution(stack, { certificate, domainNames: ['cdn.example.com', 'a.img.example.com', 'img.example.com', 'www.example.com'] });
      expect(ruleHits(stack, 'CdnCertificateAliases')).toEqual([
        "TestStack/Distribution/Resource [error]: Distribution 'TestStack/Distribution': certificate 'TestStack/Certificate' (cdn.example.com, *.img.example.com) does not cover img.example.com, www.example.com. "
        + "Add them to the certificate's subjectAlternativeNames (a wildcard covers one label), or remove them from domainNames.",
      ]);
    });

    test('covered aliases pass, and an imported certificate (names unknown) is not judged', () => {
      const stack = testStack();
      const certificate = new acm.Certificate(stack, 'Certificate', { domainName: 'example.com', subjectAlternativeNames: ['*.example.com'] });
      plainDistribution(stack, { certificate, domainNames: ['example.com', 'cdn.example.com'] });
      expect(ruleHits(stack, 'CdnCertificateAliases')).toEqual([]);
      const other = testStack(testApp(), 'Other');
      plainDistribution(other, { certificate: acm.Certificate.fromCertificateArn(other, 'Imported', 'arn:aws:acm:us-east-1:111111111111:certificate/abc'), domainNames: ['anything.example.org'] });
      expect(ruleHits(other, 'CdnCertificateAliases')).toEqual([]);
    });

    test('a wildcard covers exactly one label', () => {
      expect(nameCovers('*.example.com', 'www.example.com')).toBe(true);
      expect(nameCovers('*.example.com', 'example.com')).toBe(false);
      expect(nameCovers('*.example.com', 'a.b.example.com')).toBe(false);
      expect(nameCovers('WWW.example.com', 'www.example.com.')).toBe(true);
    });
  });

  describe('CdnMinimumTls', () => {
    test('a plain Distribution with a custom certificate and TLSv1.2_2019', () => {
      const stack = testStack();
      const certificate = new acm.Certificate(stack, 'Certificate', { domainName: 'cdn.example.com' });
      plainDistribution(stack, { certificate, domainNames: ['cdn.example.com'], minimumProtocolVersion: cloudfront.SecurityPolicyProtocol.TLS_V1_2_2019 });
      expect(ruleHits(stack, 'CdnMinimumTls')).toEqual([
        "TestStack/Distribution/Resource [error]: Distribution 'TestStack/Distribution': minimum protocol TLSv1.2_2019 lets viewers connect with protocols or ciphers older than TLS 1.2 with current ciphers. "
        + 'Use TLSv1.2_2021, TLSv1.2_2025, TLSv1.3_2025 (SecurityPolicyProtocol.TLS_V1_2_2021 or newer).',
      ]);
    });

    test('a raw L1 certificate without a minimum protocol gets CloudFormation\'s TLSv1', () => {
      const stack = testStack();
      rawDistribution(stack, { aliases: ['cdn.example.com'], viewerCertificate: { acmCertificateArn: 'arn:aws:acm:us-east-1:111111111111:certificate/abc', sslSupportMethod: 'sni-only' } });
      expect(ruleHits(stack, 'CdnMinimumTls')).toEqual([
        "TestStack/Raw [error]: Distribution 'TestStack/Raw': minimum protocol TLSv1 (CloudFormation's default when none is given) lets viewers connect with protocols or ciphers older than TLS 1.2 with current ciphers. "
        + 'Use TLSv1.2_2021, TLSv1.2_2025, TLSv1.3_2025 (SecurityPolicyProtocol.TLS_V1_2_2021 or newer).',
      ]);
    });

    test('the default certificate, and TLSv1.2_2021 or newer, pass', () => {
      const stack = testStack();
      rawDistribution(stack, { viewerCertificate: { cloudFrontDefaultCertificate: true } });
      const certificate = new acm.Certificate(stack, 'Certificate', { domainName: 'cdn.example.com' });
      plainDistribution(stack, { certificate, domainNames: ['cdn.example.com'], minimumProtocolVersion: cloudfront.SecurityPolicyProtocol.TLS_V1_3_2025 });
      expect(ruleHits(stack, 'CdnMinimumTls')).toEqual([]);
    });
  });

  describe('CdnOaiWithKms and CdnOaiLegacy', () => {
    test('a plain OAI origin on a KMS bucket: an error that CloudFront cannot decrypt, and the legacy warning', () => {
      const stack = testStack();
      const bucket = new s3.Bucket(stack, 'Bucket', { encryptionKey: new kms.Key(stack, 'Key') });
      new cloudfront.Distribution(stack, 'Distribution', {
        defaultBehavior: {
          origin: origins.S3BucketOrigin.withOriginAccessIdentity(bucket),
          viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        },
      });
      expect(ruleHits(stack, 'CdnOaiWithKms')).toEqual([
        "TestStack/Distribution/Resource [error]: Distribution 'TestStack/Distribution': origin TestStackDistributionOrigin1B0A090BF reads bucket 'TestStack/Bucket', encrypted with SSE-KMS, "
        + 'through an origin access identity, which cannot decrypt it. Use origin access control (S3BucketOrigin.withOriginAccessControl) or S3-managed encryption.',
      ]);
      expect(ruleHits(stack, 'CdnOaiLegacy')).toEqual([
        "TestStack/Distribution/Resource [warning]: Distribution 'TestStack/Distribution': origin TestStackDistributionOrigin1B0A090BF reads S3 through an origin access identity, which is legacy. "
        + 'Use origin access control (S3BucketOrigin.withOriginAccessControl, or originAccess: CdnOriginAccess.CONTROL), or acknowledge this check.',
      ]);
    });

    test('an OAI on an SSE-S3 bucket is only legacy; OAC on a KMS bucket passes both', () => {
      const stack = testStack();
      const bucket = new s3.Bucket(stack, 'Bucket');
      new cloudfront.Distribution(stack, 'Distribution', { defaultBehavior: { origin: origins.S3BucketOrigin.withOriginAccessIdentity(bucket) } });
      expect(ruleHits(stack, 'CdnOaiWithKms')).toEqual([]);
      expect(ruleHits(stack, 'CdnOaiLegacy')).toHaveLength(1);
      const other = testStack(testApp(), 'Other');
      plainDistribution(other, {}, new s3.Bucket(other, 'Bucket', { encryptionKey: new kms.Key(other, 'Key') }));
      expect([...ruleHits(other, 'CdnOaiWithKms'), ...ruleHits(other, 'CdnOaiLegacy')]).toEqual([]);
    });
  });

  describe('CdnBucketExposed', () => {
    test('a bucket behind a distribution with public access unblocked and a public read policy', () => {
      const stack = testStack();
      const bucket = new s3.Bucket(stack, 'Bucket', {
        blockPublicAccess: new s3.BlockPublicAccess({
          blockPublicAcls: true, ignorePublicAcls: true, blockPublicPolicy: false, restrictPublicBuckets: false,
        }),
      });
      bucket.addToResourcePolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [bucket.arnForObjects('*')], principals: [new iam.AnyPrincipal()] }));
      plainDistribution(stack, {}, bucket);
      expect(ruleHits(stack, 'CdnBucketExposed')).toEqual([
        "TestStack/Bucket/Resource [error]: Bucket 'TestStack/Bucket' (origin of 'TestStack/Distribution'): public access is not blocked (blockPublicPolicy, restrictPublicBuckets false). Use blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL.",
        "TestStack/Bucket/Resource [error]: Bucket 'TestStack/Bucket' (origin of 'TestStack/Distribution'): bucket policy 'TestStack/Bucket/Policy' lets anyone (Principal *) read objects. "
        + 'Grant s3:GetObject only to cloudfront.amazonaws.com with an AWS:SourceArn condition naming the distribution (origin access control).',
      ]);
    });

    test('raw L1: a CloudFront service grant without AWS:SourceArn lets every distribution read', () => {
      const stack = testStack();
      const bucket = new s3.CfnBucket(stack, 'Bucket');
      new s3.CfnBucketPolicy(stack, 'Policy', {
        bucket: bucket.ref,
        policyDocument: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:Get*', Principal: { Service: 'cloudfront.amazonaws.com' }, Resource: `${bucket.attrArn}/*` }] },
      });
      rawDistribution(stack, { origins: [{ id: 's3', domainName: bucket.attrRegionalDomainName, s3OriginConfig: { originAccessIdentity: '' } }], defaultCacheBehavior: { targetOriginId: 's3', viewerProtocolPolicy: 'https-only', cachePolicyId: '658327ea-f89d-4fab-a63d-7e88639e58f6' } });
      expect(ruleHits(stack, 'CdnBucketExposed')).toEqual([
        "TestStack/Bucket [error]: Bucket 'TestStack/Bucket' (origin of 'TestStack/Raw'): bucket policy 'TestStack/Policy' lets every CloudFront distribution, in any account (cloudfront.amazonaws.com without an AWS:SourceArn condition) read objects. "
        + 'Grant s3:GetObject only to cloudfront.amazonaws.com with an AWS:SourceArn condition naming the distribution (origin access control).',
      ]);
    });

    test('raw L1: a public-read ACL on an origin bucket', () => {
      const stack = testStack();
      const bucket = new s3.CfnBucket(stack, 'Bucket', { accessControl: 'PublicRead', ownershipControls: { rules: [{ objectOwnership: 'ObjectWriter' }] } });
      rawDistribution(stack, {
        origins: [{ id: 's3', domainName: bucket.attrDomainName, s3OriginConfig: {} }],
        defaultCacheBehavior: { targetOriginId: 's3', viewerProtocolPolicy: 'https-only', cachePolicyId: '658327ea-f89d-4fab-a63d-7e88639e58f6' },
      });
      expect(ruleHits(stack, 'CdnBucketExposed')).toEqual([
        "TestStack/Bucket [error]: Bucket 'TestStack/Bucket' (origin of 'TestStack/Raw'): the bucket ACL is PublicRead. Remove accessControl and keep ACLs disabled (objectOwnership BUCKET_OWNER_ENFORCED).",
      ]);
    });

    /** A raw L1 origin bucket with one bucket policy statement, served by a raw distribution through OAC. */
    function rawOriginWithStatement(stack: Stack, statement: (bucket: s3.CfnBucket) => Record<string, unknown>, bucketProps: s3.CfnBucketProps = {}) {
      const bucket = new s3.CfnBucket(stack, 'Bucket', bucketProps);
      new s3.CfnBucketPolicy(stack, 'Policy', { bucket: bucket.ref, policyDocument: { Version: '2012-10-17', Statement: [statement(bucket)] } });
      return rawDistribution(stack, {
        origins: [{ id: 's3', domainName: bucket.attrRegionalDomainName, s3OriginConfig: { originAccessIdentity: '' } }],
        defaultCacheBehavior: { targetOriginId: 's3', viewerProtocolPolicy: 'https-only', cachePolicyId: '658327ea-f89d-4fab-a63d-7e88639e58f6' },
      });
    }

    test.each([
      ['StringLike on every distribution of every account', { StringLike: { 'AWS:SourceArn': 'arn:aws:cloudfront::*:distribution/*' } }],
      ['ArnLike on every distribution of one account', { ArnLike: { 'aws:SourceArn': 'arn:aws:cloudfront::111111111111:distribution/*' } }],
      ['StringEquals with a wildcard account', { StringEquals: { 'AWS:SourceArn': 'arn:aws:cloudfront::*:distribution/E2ABCDEF' } }],
      ['StringEqualsIfExists, which a request without the key passes', { StringEqualsIfExists: { 'AWS:SourceArn': 'arn:aws:cloudfront::111111111111:distribution/E2ABCDEF' } }],
      ['StringNotEquals, which lets every other distribution in', { StringNotEquals: { 'AWS:SourceArn': 'arn:aws:cloudfront::111111111111:distribution/E2ABCDEF' } }],
    ])('raw L1: a CloudFront grant with %s fires', (_name, condition) => {
      const stack = testStack();
      rawOriginWithStatement(stack, (bucket) => ({
        Effect: 'Allow', Action: 's3:GetObject', Principal: { Service: 'cloudfront.amazonaws.com' }, Resource: `${bucket.attrArn}/*`, Condition: condition,
      }));
      expect(ruleHits(stack, 'CdnBucketExposed')).toEqual([
        "TestStack/Bucket [error]: Bucket 'TestStack/Bucket' (origin of 'TestStack/Raw'): bucket policy 'TestStack/Policy' lets every CloudFront distribution, in any account "
        + '(cloudfront.amazonaws.com with an AWS:SourceArn condition that does not name one distribution) read objects. '
        + 'Grant s3:GetObject only to cloudfront.amazonaws.com with an AWS:SourceArn condition naming the distribution (origin access control).',
      ]);
    });

    test('raw L1: Principal * with a wildcard AWS:SourceArn lets anyone read', () => {
      const stack = testStack();
      rawOriginWithStatement(stack, (bucket) => ({
        Effect: 'Allow', Action: 's3:GetObject', Principal: '*', Resource: `${bucket.attrArn}/*`, Condition: { StringLike: { 'aws:SourceArn': 'arn:aws:cloudfront::*:distribution/*' } },
      }));
      expect(ruleHits(stack, 'CdnBucketExposed')[0]).toContain('lets anyone (Principal *, with an AWS:SourceArn condition that does not name one distribution) read objects.');
    });

    test.each([
      ['s3:GetObjectVersion', { Action: 's3:GetObjectVersion' }],
      ['s3:*', { Action: ['s3:ListBucket', 's3:*'] }],
      ['S3:Get*', { Action: 'S3:Get*' }],
      ['s3:GetObjectV?rsion', { Action: 's3:GetObjectV?rsion' }],
      ['NotAction s3:PutObject', { NotAction: 's3:PutObject' }],
    ])('raw L1: a public grant of %s counts as read', (_name, actions) => {
      const stack = testStack();
      rawOriginWithStatement(stack, (bucket) => ({ Effect: 'Allow', Principal: { AWS: '*' }, Resource: `${bucket.attrArn}/*`, ...actions }));
      expect(ruleHits(stack, 'CdnBucketExposed')).toHaveLength(1);
      expect(ruleHits(stack, 'CdnBucketExposed')[0]).toContain("bucket policy 'TestStack/Policy' lets anyone (Principal *) read objects.");
    });

    test.each([
      ['s3:PutObject', { Action: 's3:PutObject' }],
      ['s3:GetObjectAcl', { Action: 's3:GetObjectAcl' }],
      ['NotAction s3:Get*', { NotAction: 's3:Get*' }],
    ])('raw L1: a public grant of %s alone does not read objects', (_name, actions) => {
      const stack = testStack();
      rawOriginWithStatement(stack, (bucket) => ({ Effect: 'Allow', Principal: { AWS: '*' }, Resource: `${bucket.attrArn}/*`, ...actions }));
      expect(ruleHits(stack, 'CdnBucketExposed')).toEqual([]);
    });

    test('raw L1: an AuthenticatedRead ACL on an origin bucket lets every AWS account read', () => {
      const stack = testStack();
      const bucket = new s3.CfnBucket(stack, 'Bucket', { accessControl: 'AuthenticatedRead', ownershipControls: { rules: [{ objectOwnership: 'ObjectWriter' }] } });
      rawDistribution(stack, {
        origins: [{ id: 's3', domainName: bucket.attrDomainName, s3OriginConfig: {} }],
        defaultCacheBehavior: { targetOriginId: 's3', viewerProtocolPolicy: 'https-only', cachePolicyId: '658327ea-f89d-4fab-a63d-7e88639e58f6' },
      });
      expect(ruleHits(stack, 'CdnBucketExposed')).toEqual([
        "TestStack/Bucket [error]: Bucket 'TestStack/Bucket' (origin of 'TestStack/Raw'): the bucket ACL is AuthenticatedRead. Remove accessControl and keep ACLs disabled (objectOwnership BUCKET_OWNER_ENFORCED).",
      ]);
    });

    test.each([
      ['a literal ARN of one distribution', () => 'arn:aws:cloudfront::111111111111:distribution/E2ABCDEF12345'],
      ['a literal ARN in another partition', () => 'arn:aws-cn:cloudfront::111111111111:distribution/E2ABCDEF12345'],
      ['a reference to the distribution', (raw: cloudfront.CfnDistribution) => `arn:aws:cloudfront::${Stack.of(raw).account}:distribution/${raw.ref}`],
    ])('raw L1: a CloudFront grant pinned to %s passes', (_name, arn) => {
      const stack = testStack();
      const bucket = new s3.CfnBucket(stack, 'Bucket');
      const raw = rawDistribution(stack, {
        origins: [{ id: 's3', domainName: bucket.attrRegionalDomainName, s3OriginConfig: { originAccessIdentity: '' } }],
        defaultCacheBehavior: { targetOriginId: 's3', viewerProtocolPolicy: 'https-only', cachePolicyId: '658327ea-f89d-4fab-a63d-7e88639e58f6' },
      });
      new s3.CfnBucketPolicy(stack, 'Policy', {
        bucket: bucket.ref,
        policyDocument: {
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Action: ['s3:GetObject', 's3:GetObjectVersion'], Principal: { Service: 'cloudfront.amazonaws.com' }, Resource: `${bucket.attrArn}/*`, Condition: { StringEquals: { 'AWS:SourceArn': arn(raw) } } }],
        },
      });
      expect(ruleHits(stack, 'CdnBucketExposed')).toEqual([]);
    });

    test('in SecureS3Cdn, a grant to every distribution added to the bucket fails synth', () => {
      const stack = testStack();
      const cdn = new SecureS3Cdn(stack, 'Cdn');
      cdn.bucket.addToResourcePolicy(new iam.PolicyStatement({
        actions: ['s3:GetObjectVersion'],
        resources: [cdn.bucket.arnForObjects('*')],
        principals: [new iam.ServicePrincipal('cloudfront.amazonaws.com')],
        conditions: { StringLike: { 'AWS:SourceArn': 'arn:aws:cloudfront::*:distribution/*' } },
      }));
      expect(() => Template.fromStack(stack)).toThrow("Bucket 'TestStack/Cdn/Bucket' (origin of 'TestStack/Cdn/Distribution'): bucket policy 'TestStack/Cdn/Bucket/Policy' lets every CloudFront distribution, in any account "
        + '(cloudfront.amazonaws.com with an AWS:SourceArn condition that does not name one distribution) read objects.');
    });

    test('a bucket with origin access control, or a public bucket no distribution serves, passes', () => {
      const stack = testStack();
      plainDistribution(stack);
      const site = new s3.Bucket(stack, 'Site', { blockPublicAccess: s3.BlockPublicAccess.BLOCK_ACLS_ONLY, publicReadAccess: true });
      void site;
      expect(ruleHits(stack, 'CdnBucketExposed')).toEqual([]);
    });

    test('in SecureS3Cdn, a public grant added to the bucket fails synth', () => {
      const stack = testStack();
      const cdn = new SecureS3Cdn(stack, 'Cdn');
      cdn.bucket.addToResourcePolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [cdn.bucket.arnForObjects('*')], principals: [new iam.AnyPrincipal()] }));
      expect(() => Template.fromStack(stack)).toThrow("Bucket 'TestStack/Cdn/Bucket' (origin of 'TestStack/Cdn/Distribution'): bucket policy 'TestStack/Cdn/Bucket/Policy' lets anyone (Principal *) read objects.");
    });
  });

  describe('CdnLogBucketAcls', () => {
    test('a plain Distribution logging to a bucket with ACLs disabled', () => {
      const stack = testStack();
      const logs = s3.Bucket.fromCfnBucket(new s3.CfnBucket(stack, 'Logs'));
      plainDistribution(stack, { enableLogging: true, logBucket: logs });
      expect(ruleHits(stack, 'CdnLogBucketAcls')).toEqual([
        "TestStack/Distribution/Resource [error]: Distribution 'TestStack/Distribution': log bucket 'TestStack/Logs' has ACLs disabled (object ownership BucketOwnerEnforced), so CloudFront cannot write its standard logs there. "
        + 'Give the log bucket objectOwnership: s3.ObjectOwnership.OBJECT_WRITER (or BUCKET_OWNER_PREFERRED).',
      ]);
    });

    test('a log bucket with ACLs enabled, or the one aws-cdk-lib creates, passes', () => {
      const stack = testStack();
      plainDistribution(stack, { enableLogging: true, logBucket: new s3.Bucket(stack, 'Logs', { objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_PREFERRED }) });
      expect(ruleHits(stack, 'CdnLogBucketAcls')).toEqual([]);
      const other = testStack(testApp(), 'Other');
      plainDistribution(other, { enableLogging: true });
      expect(ruleHits(other, 'CdnLogBucketAcls')).toEqual([]);
    });
  });

  test('SecureS3Cdn with every option passes every CDN check of the pack', () => {
    const stack = testStack();
    const certificate = new acm.Certificate(stack, 'Certificate', { domainName: 'cdn.example.com' });
    new SecureS3Cdn(stack, 'Cdn', { domainNames: ['cdn.example.com'], certificate, encryptionKey: new kms.Key(stack, 'Key'), uploads: {} });
    const hits = findings(new GuardedPatternsChecks(), stack).filter((f) => f.rule.startsWith('GuardedPatterns-Cdn'));
    expect(hits).toEqual([]);
  });
});
