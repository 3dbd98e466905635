import { App, Duration, RemovalPolicy, Size, Stack, Validations, aws_certificatemanager as acm, aws_cloudfront as cloudfront, aws_cloudfront_origins as origins, aws_iam as iam, aws_kms as kms, aws_lambda as lambda, aws_route53 as route53, aws_s3 as s3 } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { CdnOriginAccess, CdnUploadKeyNaming, SecureS3Cdn, SecureS3CdnProps } from '../../src';
import { TEST_ENV, testApp, testStack } from '../util';

const CACHING_OPTIMIZED = '658327ea-f89d-4fab-a63d-7e88639e58f6';
const SECURITY_HEADERS = '67f7725c-6f97-4210-82d7-5512b31e9d03';

function cdn(props: SecureS3CdnProps = {}, stack: Stack = testStack()): { stack: Stack; cdn: SecureS3Cdn; template: Template } {
  const pattern = new SecureS3Cdn(stack, 'Cdn', props);
  return { stack, cdn: pattern, template: Template.fromStack(stack) };
}

function domain(stack: Stack, names: string[] = ['cdn.example.com'], certificateNames: string[] = names) {
  const zone = new route53.PublicHostedZone(stack, 'Zone', { zoneName: 'example.com' });
  const certificate = new acm.Certificate(stack, 'Certificate', {
    domainName: certificateNames[0],
    subjectAlternativeNames: certificateNames.slice(1),
    validation: acm.CertificateValidation.fromDns(zone),
  });
  return { zone, certificate };
}

/** The pattern's content bucket (it logs server access) or its log bucket (it expires its logs). */
function bucketLogicalId(template: Template, role: 'content' | 'logs'): string {
  const buckets = Object.entries(template.findResources('AWS::S3::Bucket'))
    .filter(([, b]) => (b.Properties.LoggingConfiguration !== undefined) === (role === 'content'));
  expect(buckets).toHaveLength(1);
  return buckets[0][0];
}

describe('SecureS3Cdn', () => {
  describe('defaults', () => {
    test('a private bucket: public access blocked, ACLs off, versioned, SSE-S3, access logs, a noncurrent-version lifecycle, retained', () => {
      const { template } = cdn();
      template.resourceCountIs('AWS::S3::Bucket', 2);
      const logBucket = bucketLogicalId(template, 'logs');
      template.hasResource('AWS::S3::Bucket', {
        Properties: {
          PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
          OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
          VersioningConfiguration: { Status: 'Enabled' },
          BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
          LoggingConfiguration: { DestinationBucketName: { Ref: logBucket }, LogFilePrefix: 's3-access/' },
          LifecycleConfiguration: { Rules: [Match.objectLike({ NoncurrentVersionExpiration: { NoncurrentDays: 30 }, AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 }, Status: 'Enabled' })] },
        },
        DeletionPolicy: 'Retain',
      });
    });

    test('the bucket policy denies plain HTTP and TLS below 1.2, and lets only this distribution read (OAC with AWS:SourceArn)', () => {
      const { template } = cdn();
      const bucket = bucketLogicalId(template, 'content');
      const distribution = Object.keys(template.findResources('AWS::CloudFront::Distribution'))[0];
      template.hasResourceProperties('AWS::S3::BucketPolicy', {
        Bucket: { Ref: bucket },
        PolicyDocument: {
          Statement: [
            Match.objectLike({ Effect: 'Deny', Action: 's3:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
            Match.objectLike({ Effect: 'Deny', Action: 's3:*', Condition: { NumericLessThan: { 's3:TlsVersion': 1.2 } } }),
            {
              Effect: 'Allow',
              Action: 's3:GetObject',
              Principal: { Service: 'cloudfront.amazonaws.com' },
              Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [bucket, 'Arn'] }, '/*']] },
              Condition: { StringEquals: { 'AWS:SourceArn': { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':cloudfront::', { Ref: 'AWS::AccountId' }, ':distribution/', { Ref: distribution }]] } } },
            },
          ],
        },
      });
      template.resourceCountIs('AWS::CloudFront::OriginAccessControl', 1);
      template.resourceCountIs('AWS::CloudFront::CloudFrontOriginAccessIdentity', 0);
    });

    test('the distribution: HTTPS redirect, HTTP/2 and 3, IPv6, compression, security headers, price class 100, no legacy logging', () => {
      const { template } = cdn();
      template.hasResourceProperties('AWS::CloudFront::Distribution', {
        DistributionConfig: {
          DefaultCacheBehavior: Match.objectLike({
            ViewerProtocolPolicy: 'redirect-to-https',
            AllowedMethods: ['GET', 'HEAD'],
            Compress: true,
            ResponseHeadersPolicyId: SECURITY_HEADERS,
          }),
          HttpVersion: 'http2and3',
          IPV6Enabled: true,
          PriceClass: 'PriceClass_100',
          Logging: Match.absent(),
          Origins: [Match.objectLike({ OriginAccessControlId: Match.anyValue(), S3OriginConfig: { OriginAccessIdentity: '' } })],
          Aliases: Match.absent(),
          ViewerCertificate: Match.absent(),
          DefaultRootObject: Match.absent(),
          WebACLId: Match.absent(),
          Restrictions: Match.absent(),
        },
      });
    });

    test('byte-range requests pass: path-only cache key, no origin request policy, no legacy forwarding, no edge code', () => {
      const { template } = cdn();
      const config = Object.values(template.findResources('AWS::CloudFront::Distribution'))[0].Properties.DistributionConfig;
      const behaviors = [config.DefaultCacheBehavior, ...(config.CacheBehaviors ?? [])];
      for (const behavior of behaviors) {
        // The managed CachingOptimized policy: CloudFront forwards Range to S3 and caches the parts.
        expect(behavior.CachePolicyId).toBe(CACHING_OPTIMIZED);
        // An origin request policy, legacy ForwardedValues or an edge function could rewrite or drop headers.
        expect(behavior.OriginRequestPolicyId).toBeUndefined();
        expect(behavior.ForwardedValues).toBeUndefined();
        expect(behavior.FunctionAssociations).toBeUndefined();
        expect(behavior.LambdaFunctionAssociations).toBeUndefined();
        expect(behavior.AllowedMethods).toContain('GET');
      }
      // Nothing in the template defines its own cache, origin request or response headers policy.
      template.resourceCountIs('AWS::CloudFront::CachePolicy', 0);
      template.resourceCountIs('AWS::CloudFront::OriginRequestPolicy', 0);
      template.resourceCountIs('AWS::CloudFront::ResponseHeadersPolicy', 0);
    });

    test('the log bucket: ACLs disabled, public access blocked, TLS only, logs expire after a year; both deliveries write through its policy', () => {
      const { template } = cdn();
      const logBucket = bucketLogicalId(template, 'logs');
      const content = bucketLogicalId(template, 'content');
      template.hasResource('AWS::S3::Bucket', {
        Properties: Match.objectLike({
          OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
          PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
          LifecycleConfiguration: { Rules: [Match.objectLike({ ExpirationInDays: 365 })] },
          AccessControl: Match.absent(),
        }),
      });
      expect(template.findResources('AWS::S3::Bucket', { Properties: { AccessControl: Match.anyValue() } })).toEqual({});
      template.resourceCountIs('AWS::S3::Bucket', 2);
      template.hasResourceProperties('AWS::S3::Bucket', { OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] }, LifecycleConfiguration: { Rules: [Match.objectLike({ NoncurrentVersionExpiration: { NoncurrentDays: 30 } })] } });
      template.hasResourceProperties('AWS::S3::BucketPolicy', {
        Bucket: { Ref: logBucket },
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
            {
              Sid: 'S3ServerAccessLogsPolicy',
              Effect: 'Allow',
              Principal: { Service: 'logging.s3.amazonaws.com' },
              Action: 's3:PutObject',
              Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [logBucket, 'Arn'] }, '/s3-access/*']] },
              Condition: { ArnLike: { 'aws:SourceArn': { 'Fn::GetAtt': [content, 'Arn'] } }, StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
            },
            {
              Sid: 'AWSLogDeliveryWrite',
              Effect: 'Allow',
              Principal: { Service: 'delivery.logs.amazonaws.com' },
              Action: 's3:PutObject',
              Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [logBucket, 'Arn'] }, '/*']] },
              Condition: {
                StringEquals: { 's3:x-amz-acl': 'bucket-owner-full-control', 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
                ArnLike: { 'aws:SourceArn': { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':logs:us-east-1:', { Ref: 'AWS::AccountId' }, ':delivery-source:*']] } },
              },
            },
          ]),
        },
      });
    });

    test('CloudFront access logs through standard logging v2: a delivery source for the distribution, an S3 destination on the log bucket, the delivery', () => {
      const { stack, cdn: pattern, template } = cdn();
      const logBucket = bucketLogicalId(template, 'logs');
      const distribution = Object.keys(template.findResources('AWS::CloudFront::Distribution'))[0];
      const sources = template.findResources('AWS::Logs::DeliverySource');
      expect(Object.keys(sources)).toHaveLength(1);
      const source = Object.values(sources)[0].Properties;
      expect(source).toEqual({
        Name: expect.stringMatching(/^[\w-]{1,60}$/),
        LogType: 'ACCESS_LOGS',
        ResourceArn: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':cloudfront::111111111111:distribution/', { Ref: distribution }]] },
      });
      const destinations = template.findResources('AWS::Logs::DeliveryDestination');
      expect(Object.keys(destinations)).toHaveLength(1);
      expect(Object.values(destinations)[0].Properties).toEqual({ Name: expect.stringMatching(/^[\w-]{1,60}$/), DestinationResourceArn: { 'Fn::GetAtt': [logBucket, 'Arn'] } });
      const deliveries = template.findResources('AWS::Logs::Delivery');
      expect(Object.keys(deliveries)).toHaveLength(1);
      const [deliveryId, delivery] = Object.entries(deliveries)[0];
      expect(delivery.Properties).toEqual({ DeliverySourceName: source.Name, DeliveryDestinationArn: { 'Fn::GetAtt': [Object.keys(destinations)[0], 'Arn'] } });
      expect(delivery.DependsOn).toEqual(expect.arrayContaining([Object.keys(sources)[0], Object.keys(template.findResources('AWS::S3::BucketPolicy', { Properties: { Bucket: { Ref: logBucket } } }))[0]]));
      expect(stack.resolve(pattern.accessLogDelivery!.logicalId)).toBe(deliveryId);
      // In a stack of us-east-1 no template rule is needed.
      expect(Object.keys(template.toJSON().Rules ?? {}).filter((id) => id.startsWith('CdnAccessLogsRegion'))).toEqual([]);
    });

    test('in an environment-agnostic stack, a template rule refuses any region but us-east-1 at deploy time', () => {
      const stack = testStack(testApp(), 'Agnostic', { envAgnostic: true });
      const { template } = cdn({}, stack);
      const rules = Object.entries(template.toJSON().Rules).filter(([id]) => id.startsWith('CdnAccessLogsRegion')).map(([, rule]) => rule);
      expect(rules).toEqual([{
        Assertions: [{
          Assert: { 'Fn::Equals': [{ Ref: 'AWS::Region' }, 'us-east-1'] },
          AssertDescription: 'SecureS3Cdn Agnostic/Cdn: CloudFront access logs (standard logging v2) can be set up only in us-east-1; deploy this stack there, or set accessLogging: false.',
        }],
      }]);
      template.resourceCountIs('AWS::Logs::Delivery', 1);
    });

    test('fails in a stack of another region, naming the region and both fixes; accessLogging: false serves there without access logs', () => {
      const europe = testStack(testApp(), 'Europe', { env: { account: '111111111111', region: 'eu-west-1' } });
      expect(() => new SecureS3Cdn(europe, 'Cdn')).toThrow("SecureS3Cdn 'Europe/Cdn': accessLogging (on by default) needs the stack in us-east-1, and stack 'Europe' is in eu-west-1: "
        + 'CloudWatch Logs accepts CloudFront delivery sources (standard logging v2) only in us-east-1. '
        + "Deploy this stack to us-east-1 (env: { region: 'us-east-1' }), or set accessLogging: false to serve without access logs.");
      const other = testStack(testApp(), 'Other', { env: { account: '111111111111', region: 'eu-south-1' } });
      const { template } = cdn({ accessLogging: false }, other);
      template.resourceCountIs('AWS::Logs::DeliverySource', 0);
      template.resourceCountIs('AWS::Logs::Delivery', 0);
      template.hasResourceProperties('AWS::CloudFront::Distribution', { DistributionConfig: Match.objectLike({ Logging: Match.absent() }) });
    });

    test('exposes the bucket, the distribution and its domain name; no upload function', () => {
      const { stack, cdn: pattern, template } = cdn();
      expect(stack.resolve(pattern.domainName)).toEqual({ 'Fn::GetAtt': [Object.keys(template.findResources('AWS::CloudFront::Distribution'))[0], 'DomainName'] });
      expect(pattern.bucket).toBeInstanceOf(s3.Bucket);
      expect(pattern.distribution).toBeInstanceOf(cloudfront.Distribution);
      expect(pattern.originAccess).toBe(CdnOriginAccess.CONTROL);
      expect(pattern.uploadFunction).toBeUndefined();
      expect(pattern.uploadUrl).toBeUndefined();
      template.resourceCountIs('AWS::Lambda::Function', 0);
    });

    test('exposes what it creates with its concrete type: a behavior added to the distribution and an upload function variable reach the template', () => {
      const stack = testStack();
      const pattern = new SecureS3Cdn(stack, 'Cdn', { uploads: {} });
      pattern.distribution.addBehavior('/api/*', new origins.HttpOrigin('api.example.com'), {
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.HTTPS_ONLY,
        cachePolicy: cloudfront.CachePolicy.CACHING_DISABLED,
      });
      pattern.uploadFunction!.addEnvironment('EXTRA', 'yes');
      const template = Template.fromStack(stack);
      template.hasResourceProperties('AWS::CloudFront::Distribution', {
        DistributionConfig: Match.objectLike({ CacheBehaviors: [Match.objectLike({ PathPattern: '/api/*', ViewerProtocolPolicy: 'https-only' })] }),
      });
      template.hasResourceProperties('AWS::Lambda::Function', { Environment: { Variables: Match.objectLike({ EXTRA: 'yes', KEY_PREFIX: 'uploads/' }) } });
      expect(pattern.uploadSigner?.function).toBe(pattern.uploadFunction);
      expect(pattern.uploadSigner?.functionUrl).toBe(pattern.uploadFunctionUrl);
    });
  });

  describe('origin access identity', () => {
    test('the bucket policy lets only that identity read; no origin access control', () => {
      const { template } = cdn({ originAccess: CdnOriginAccess.IDENTITY });
      const oai = Object.keys(template.findResources('AWS::CloudFront::CloudFrontOriginAccessIdentity'));
      expect(oai).toHaveLength(1);
      template.resourceCountIs('AWS::CloudFront::OriginAccessControl', 0);
      template.hasResourceProperties('AWS::S3::BucketPolicy', {
        PolicyDocument: {
          Statement: Match.arrayWith([{
            Effect: 'Allow',
            Action: 's3:GetObject',
            Principal: { CanonicalUser: { 'Fn::GetAtt': [oai[0], 'S3CanonicalUserId'] } },
            Resource: Match.anyValue(),
          }]),
        },
      });
      const content = bucketLogicalId(template, 'content');
      const statements = Object.values(template.findResources('AWS::S3::BucketPolicy', { Properties: { Bucket: { Ref: content } } }))
        .flatMap((p: any) => p.Properties.PolicyDocument.Statement).filter((s: any) => s.Effect === 'Allow');
      expect(statements).toHaveLength(1);
    });

    test('warns GuardedPatterns-CdnOaiLegacy, acknowledgeable on the pattern', () => {
      const stack = testStack();
      new SecureS3Cdn(stack, 'Cdn', { originAccess: CdnOriginAccess.IDENTITY });
      Annotations.fromStack(stack).hasWarning('/TestStack/Cdn/Distribution/Resource', Match.stringLikeRegexp(
        "Distribution 'TestStack/Cdn/Distribution': origin .* reads S3 through an origin access identity, which is legacy.*GuardedPatterns-CdnOaiLegacy"));

      const acknowledged = testStack(testApp(), 'Acknowledged');
      const quiet = new SecureS3Cdn(acknowledged, 'Cdn', { originAccess: CdnOriginAccess.IDENTITY });
      Validations.of(quiet).acknowledge({ id: 'GuardedPatterns-CdnOaiLegacy', reason: 'The bucket is read by an OAI during a migration.' });
      expect(Annotations.fromStack(acknowledged).findWarning('*', Match.stringLikeRegexp('GuardedPatterns-'))).toEqual([]);
    });

    test('defaults raise no warning or error of the library', () => {
      const stack = testStack();
      new SecureS3Cdn(stack, 'Cdn', { uploads: {} });
      expect(Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('GuardedPatterns-'))).toEqual([]);
      expect(Annotations.fromStack(stack).findError('*', Match.anyValue())).toEqual([]);
    });

    test('fails when combined with encryptionKey, naming both props', () => {
      const stack = testStack();
      const key = new kms.Key(stack, 'Key');
      expect(() => new SecureS3Cdn(stack, 'Cdn', { originAccess: CdnOriginAccess.IDENTITY, encryptionKey: key })).toThrow(
        "SecureS3Cdn 'TestStack/Cdn': originAccess IDENTITY cannot be used with encryptionKey: an origin access identity cannot decrypt SSE-KMS objects. "
        + 'Use originAccess: CdnOriginAccess.CONTROL (the default), or drop encryptionKey for S3-managed encryption. (GuardedPatterns-CdnOaiWithKms)');
    });
  });

  describe('encryptionKey', () => {
    test('SSE-KMS with a bucket key, and a key policy that lets CloudFront distributions of this account decrypt', () => {
      const stack = testStack();
      const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
      const { template } = cdn({ encryptionKey: key }, stack);
      template.hasResourceProperties('AWS::S3::Bucket', {
        BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: { 'Fn::GetAtt': ['Key961B73FD', 'Arn'] } }, BucketKeyEnabled: true }] },
      });
      template.hasResourceProperties('AWS::KMS::Key', {
        KeyPolicy: {
          Statement: Match.arrayWith([{
            Effect: 'Allow',
            Action: 'kms:Decrypt',
            Principal: { Service: 'cloudfront.amazonaws.com' },
            Resource: '*',
            Condition: { ArnLike: { 'AWS:SourceArn': { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':cloudfront::', { Ref: 'AWS::AccountId' }, ':distribution/*']] } } },
          }]),
        },
      });
    });
  });

  describe('custom domain', () => {
    test('aliases, the certificate with TLSv1.2_2021 and SNI, and alias A and AAAA records', () => {
      const stack = testStack();
      const { zone, certificate } = domain(stack, ['cdn.example.com', 'img.example.com']);
      const { cdn: pattern, template } = cdn({ domainNames: ['cdn.example.com', 'img.example.com'], certificate, hostedZone: zone }, stack);
      template.hasResourceProperties('AWS::CloudFront::Distribution', {
        DistributionConfig: Match.objectLike({
          Aliases: ['cdn.example.com', 'img.example.com'],
          ViewerCertificate: { AcmCertificateArn: { Ref: 'Certificate4E7ABB08' }, MinimumProtocolVersion: 'TLSv1.2_2021', SslSupportMethod: 'sni-only' },
        }),
      });
      template.resourceCountIs('AWS::Route53::RecordSet', 4);
      for (const type of ['A', 'AAAA']) {
        template.hasResourceProperties('AWS::Route53::RecordSet', { Name: 'img.example.com.', Type: type, AliasTarget: Match.objectLike({ HostedZoneId: Match.anyValue() }) });
      }
      expect(pattern.domainName).toBe('cdn.example.com');
    });

    test('minimumProtocolVersion can be raised', () => {
      const stack = testStack();
      const { certificate } = domain(stack);
      const { template } = cdn({ domainNames: ['cdn.example.com'], certificate, minimumProtocolVersion: cloudfront.SecurityPolicyProtocol.TLS_V1_2_2025 }, stack);
      template.hasResourceProperties('AWS::CloudFront::Distribution', { DistributionConfig: Match.objectLike({ ViewerCertificate: Match.objectLike({ MinimumProtocolVersion: 'TLSv1.2_2025' }) }) });
    });

    test('a wildcard certificate covers one label', () => {
      const stack = testStack();
      const { certificate } = domain(stack, ['cdn.example.com'], ['*.example.com']);
      expect(() => cdn({ domainNames: ['cdn.example.com'], certificate }, stack)).not.toThrow();
    });

    test('fails when the certificate does not cover an alias', () => {
      const stack = testStack();
      const { certificate } = domain(stack, ['a.cdn.example.com'], ['*.example.com']);
      expect(() => new SecureS3Cdn(stack, 'Cdn', { domainNames: ['a.cdn.example.com'], certificate })).toThrow(
        "SecureS3Cdn 'TestStack/Cdn': certificate (*.example.com) does not cover domainNames a.cdn.example.com. "
        + "Add them to the certificate's subjectAlternativeNames (a wildcard covers one label), or remove them from domainNames. (GuardedPatterns-CdnCertificateAliases)");
    });

    test('fails when the certificate ARN is in another region', () => {
      const stack = testStack();
      const certificate = acm.Certificate.fromCertificateArn(stack, 'Imported', 'arn:aws:acm:eu-west-1:111111111111:certificate/abc');
      expect(() => new SecureS3Cdn(stack, 'Cdn', { domainNames: ['cdn.example.com'], certificate })).toThrow(
        "SecureS3Cdn 'TestStack/Cdn': certificate: the viewer certificate arn:aws:acm:eu-west-1:111111111111:certificate/abc is in eu-west-1; CloudFront accepts only certificates in us-east-1.");
    });

    test('fails when the certificate is created in a stack of another region (aws-cdk-lib misses it)', () => {
      const stack = testStack(testApp(), 'Europe', { env: { account: TEST_ENV.account, region: 'eu-west-1' } });
      const certificate = new acm.Certificate(stack, 'Certificate', { domainName: 'cdn.example.com' });
      expect(() => new SecureS3Cdn(stack, 'Cdn', { domainNames: ['cdn.example.com'], certificate })).toThrow(
        "SecureS3Cdn 'Europe/Cdn': certificate: the viewer certificate 'Europe/Certificate' is in eu-west-1 (the region of stack 'Europe'); CloudFront accepts only certificates in us-east-1.");
    });

    test('fails with every wrong prop in one error: a certificate in another region that does not cover the names, and an old TLS policy', () => {
      // GIVEN
      const stack = testStack(testApp(), 'Europe', { env: { account: TEST_ENV.account, region: 'eu-west-1' } });
      const certificate = new acm.Certificate(stack, 'Certificate', { domainName: 'www.example.com' });

      // WHEN
      let error: Error | undefined;
      try {
        new SecureS3Cdn(stack, 'Cdn', { accessLogging: false, domainNames: ['cdn.example.com'], certificate, minimumProtocolVersion: cloudfront.SecurityPolicyProtocol.TLS_V1_2_2019 });
      } catch (e) {
        error = e as Error;
      }

      // THEN: one error lists the three, each with its prop and fix; its stack trace starts at this file.
      expect(error?.message.split('\n')).toEqual([
        '3 props are wrong:',
        expect.stringMatching(/^- SecureS3Cdn 'Europe\/Cdn': certificate: the viewer certificate 'Europe\/Certificate' is in eu-west-1 .*\(GuardedPatterns-CdnCertificateRegion\)$/),
        expect.stringMatching(/^- SecureS3Cdn 'Europe\/Cdn': certificate \(www.example.com\) does not cover domainNames cdn.example.com\. .*\(GuardedPatterns-CdnCertificateAliases\)$/),
        expect.stringMatching(/^- SecureS3Cdn 'Europe\/Cdn': minimumProtocolVersion: minimum protocol TLSv1.2_2019 .*\(GuardedPatterns-CdnMinimumTls\)$/),
      ]);
      expect(error?.stack?.split('\n').find((line) => /^\s+at /.test(line))).toContain(__filename);
    });

    test('fails when the minimum protocol is below TLSv1.2_2021', () => {
      const stack = testStack();
      const { certificate } = domain(stack);
      expect(() => new SecureS3Cdn(stack, 'Cdn', { domainNames: ['cdn.example.com'], certificate, minimumProtocolVersion: cloudfront.SecurityPolicyProtocol.TLS_V1_2_2019 })).toThrow(
        "SecureS3Cdn 'TestStack/Cdn': minimumProtocolVersion: minimum protocol TLSv1.2_2019 lets viewers connect with protocols or ciphers older than TLS 1.2 with current ciphers. "
        + 'Use TLSv1.2_2021, TLSv1.2_2025, TLSv1.3_2025 (SecurityPolicyProtocol.TLS_V1_2_2021 or newer). (GuardedPatterns-CdnMinimumTls)');
    });

    test.each([
      ['domainNames without a certificate', () => ({ domainNames: ['cdn.example.com'] }), 'domainNames (cdn.example.com) need a certificate covering them; pass certificate (an ACM certificate in us-east-1).'],
      ['a name that is not a host name', () => ({ domainNames: ['CDN.example.com'] }), "domainNames entry 'CDN.example.com' is not a lower-case host name"],
      ['defaultRootObject with a leading slash', () => ({ defaultRootObject: '/index.html' }), "defaultRootObject ('/index.html') must name an object without a leading slash, such as 'index.html'."],
    ])('fails when given %s', (_name, props, message) => {
      expect(() => new SecureS3Cdn(testStack(), 'Cdn', props())).toThrow(`SecureS3Cdn 'TestStack/Cdn': ${message}`);
    });

    test('fails when given a certificate without domainNames, or a zone that does not hold the names', () => {
      const stack = testStack();
      const { zone, certificate } = domain(stack);
      expect(() => new SecureS3Cdn(stack, 'A', { certificate })).toThrow("SecureS3Cdn 'TestStack/A': certificate is given without domainNames");
      expect(() => new SecureS3Cdn(stack, 'B', { hostedZone: zone })).toThrow("SecureS3Cdn 'TestStack/B': hostedZone is given without domainNames");
      const other = new route53.PublicHostedZone(stack, 'Other', { zoneName: 'example.org' });
      expect(() => new SecureS3Cdn(stack, 'C', { domainNames: ['cdn.example.com'], certificate, hostedZone: other }))
        .toThrow("SecureS3Cdn 'TestStack/C': domainNames cdn.example.com are not in hostedZone example.org; use names under example.org or another zone.");
    });
  });

  describe('distribution options', () => {
    test('defaultRootObject, web ACL, geo restriction and price class reach the distribution', () => {
      const { template } = cdn({
        defaultRootObject: 'index.html',
        webAclId: 'arn:aws:wafv2:us-east-1:111111111111:global/webacl/cdn/abc',
        geoRestriction: cloudfront.GeoRestriction.allowlist('DE', 'FR'),
        priceClass: cloudfront.PriceClass.PRICE_CLASS_ALL,
      });
      template.hasResourceProperties('AWS::CloudFront::Distribution', {
        DistributionConfig: Match.objectLike({
          DefaultRootObject: 'index.html',
          WebACLId: 'arn:aws:wafv2:us-east-1:111111111111:global/webacl/cdn/abc',
          Restrictions: { GeoRestriction: { RestrictionType: 'whitelist', Locations: ['DE', 'FR'] } },
          PriceClass: 'PriceClass_All',
        }),
      });
    });

    test('logBucket, logExpiration, noncurrentVersionExpiration and removalPolicy', () => {
      const stack = testStack();
      const logs = new s3.Bucket(stack, 'Logs', { enforceSSL: true });
      const { template } = cdn({ logBucket: logs, noncurrentVersionExpiration: Duration.days(7), removalPolicy: RemovalPolicy.DESTROY }, stack);
      template.resourceCountIs('AWS::S3::Bucket', 2);
      template.hasResourceProperties('AWS::Logs::DeliveryDestination', { DestinationResourceArn: { 'Fn::GetAtt': ['Logs6819BB44', 'Arn'] } });
      template.hasResourceProperties('AWS::S3::BucketPolicy', {
        Bucket: { Ref: 'Logs6819BB44' },
        PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Sid: 'S3ServerAccessLogsPolicy' }), Match.objectLike({ Sid: 'AWSLogDeliveryWrite' })]) },
      });
      template.hasResource('AWS::S3::Bucket', {
        Properties: Match.objectLike({
          LifecycleConfiguration: { Rules: [Match.objectLike({ NoncurrentVersionExpiration: { NoncurrentDays: 7 } })] },
        }),
        DeletionPolicy: 'Delete',
      });
      const other = testStack(testApp(), 'Other');
      cdn({ logExpiration: Duration.days(90) }, other).template.hasResourceProperties('AWS::S3::Bucket', {
        LifecycleConfiguration: { Rules: [Match.objectLike({ ExpirationInDays: 90 })] },
      });
    });

    test('logRetention keeps the upload function\'s logs (one year by default)', () => {
      const retention = (props: SecureS3CdnProps) => Object.values(cdn(props).template.findResources('AWS::Logs::LogGroup'))
        .map((g: any) => g.Properties.RetentionInDays);
      expect(retention({ uploads: {} })).toEqual([365]);
      expect(retention({ uploads: {}, logRetention: RetentionDays.ONE_WEEK })).toEqual([7]);
    });

    test.each([
      ['logExpiration with logBucket', (stack: Stack) => ({ logBucket: new s3.Bucket(stack, 'Logs'), logExpiration: Duration.days(30) }),
        'logExpiration applies only to the log bucket the pattern creates; with logBucket, set its lifecycle on that bucket and leave logExpiration unset.'],
      ['a logExpiration in hours', () => ({ logExpiration: Duration.hours(36) }), 'logExpiration (1 day 12 hours) must be a whole number of days, at least 1; use Duration.days(n).'],
      ['logRetention without uploads', () => ({ logRetention: RetentionDays.ONE_WEEK }),
        'logRetention applies only to the upload function\'s log group; set uploads, or leave logRetention unset.'],
      ['a noncurrentVersionExpiration under a day', () => ({ noncurrentVersionExpiration: Duration.hours(1) }),
        'noncurrentVersionExpiration (1 hour) must be a whole number of days, at least 1; use Duration.days(n).'],
    ])('fails when given %s', (_name, props, message) => {
      const stack = testStack();
      expect(() => new SecureS3Cdn(stack, 'Cdn', props(stack))).toThrow(`SecureS3Cdn 'TestStack/Cdn': ${message}`);
    });

    test('a logBucket with ACLs disabled (no ownership controls, the S3 default) receives both deliveries and passes synth', () => {
      const stack = testStack();
      const logs = s3.Bucket.fromCfnBucket(new s3.CfnBucket(stack, 'Logs'));
      new SecureS3Cdn(stack, 'Cdn', { logBucket: logs });
      const template = Template.fromStack(stack);
      template.hasResourceProperties('AWS::Logs::DeliveryDestination', { DestinationResourceArn: { 'Fn::GetAtt': ['Logs', 'Arn'] } });
      template.hasResourceProperties('AWS::S3::Bucket', { LoggingConfiguration: { DestinationBucketName: { Ref: 'Logs' }, LogFilePrefix: 's3-access/' } });
    });
  });

  describe('uploads', () => {
    test('off by default; {} turns on a Node.js function behind an IAM-authenticated URL with the default rules', () => {
      const stack = testStack();
      const { cdn: pattern, template } = cdn({ uploads: {} }, stack);
      template.hasResourceProperties('AWS::Lambda::Function', {
        Runtime: 'nodejs24.x',
        Environment: {
          Variables: {
            BUCKET_NAME: { Ref: bucketLogicalId(template, 'content') },
            KEY_PREFIX: 'uploads/',
            KEY_NAMING: 'generated',
            MAX_BYTES: String(10 * 1024 * 1024),
            CONTENT_TYPES: 'image/jpeg,image/png,image/gif,image/webp',
            EXPIRES_SECONDS: '300',
          },
        },
      });
      template.hasResourceProperties('AWS::Lambda::Url', { AuthType: 'AWS_IAM', Cors: Match.absent() });
      const url = Object.keys(template.findResources('AWS::Lambda::Url'));
      expect(url).toHaveLength(1);
      expect(stack.resolve(pattern.uploadUrl)).toEqual({ 'Fn::GetAtt': [url[0], 'FunctionUrl'] });
      expect(stack.resolve(pattern.uploadFunction!.functionArn)).toEqual({ 'Fn::GetAtt': [Object.keys(template.findResources('AWS::Lambda::Function'))[0], 'Arn'] });
    });

    test('the signing role may only put objects under the prefix, through a managed policy', () => {
      const { template } = cdn({ uploads: { keyPrefix: 'incoming/' } });
      const bucket = bucketLogicalId(template, 'content');
      template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
        PolicyDocument: {
          Statement: [
            Match.objectLike({ Action: ['logs:CreateLogStream', 'logs:PutLogEvents'] }),
            { Effect: 'Allow', Action: 's3:PutObject', Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [bucket, 'Arn'] }, '/incoming/*']] } },
          ],
        },
      });
      template.resourceCountIs('AWS::IAM::Policy', 0);
    });

    test('with a key, the signing role may generate data keys', () => {
      const stack = testStack();
      const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
      cdn({ encryptionKey: key, uploads: {} }, stack).template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
        PolicyDocument: { Statement: Match.arrayWith([{ Effect: 'Allow', Action: ['kms:GenerateDataKey', 'kms:Decrypt'], Resource: { 'Fn::GetAtt': ['Key961B73FD', 'Arn'] } }]) },
      });
    });

    test('an origin listed twice is allowed once, on the URL and the bucket (CloudFormation refuses a repeated origin)', () => {
      const { template } = cdn({ uploads: { allowedOrigins: ['https://app.example.com', '*', 'https://app.example.com'] } });
      template.hasResourceProperties('AWS::Lambda::Url', { Cors: Match.objectLike({ AllowOrigins: ['https://app.example.com', '*'] }) });
      template.hasResourceProperties('AWS::S3::Bucket', {
        CorsConfiguration: { CorsRules: [Match.objectLike({ AllowedOrigins: ['https://app.example.com', '*'] })] },
      });
    });

    test('overrides: prefix, size, types, expiry, auth and CORS on the URL and the bucket', () => {
      const { template } = cdn({
        uploads: {
          keyPrefix: 'media/',
          keyNaming: CdnUploadKeyNaming.CLIENT,
          maxSize: Size.gibibytes(1),
          allowedContentTypes: ['video/*'],
          expiresIn: Duration.minutes(15),
          authType: lambda.FunctionUrlAuthType.NONE,
          allowedOrigins: ['https://app.example.com'],
        },
      });
      template.hasResourceProperties('AWS::Lambda::Function', {
        Environment: { Variables: Match.objectLike({ KEY_PREFIX: 'media/', KEY_NAMING: 'client', MAX_BYTES: String(1024 ** 3), CONTENT_TYPES: 'video/*', EXPIRES_SECONDS: '900' }) },
      });
      template.hasResourceProperties('AWS::Lambda::Url', {
        AuthType: 'NONE',
        Cors: Match.objectLike({ AllowOrigins: ['https://app.example.com'], AllowMethods: ['POST'] }),
      });
      template.hasResourceProperties('AWS::S3::Bucket', {
        CorsConfiguration: { CorsRules: [Match.objectLike({ AllowedMethods: ['POST'], AllowedOrigins: ['https://app.example.com'] })] },
      });
    });

    test.each([
      ['an empty keyPrefix', { keyPrefix: '' }, "uploads.keyPrefix ('') must be a literal, non-empty S3 key prefix"],
      ['a keyPrefix with a wildcard', { keyPrefix: 'up*/' }, "uploads.keyPrefix ('up*/') must be a literal, non-empty S3 key prefix"],
      ['a keyPrefix with a parenthesis', { keyPrefix: 'a(' }, "uploads.keyPrefix ('a(') must be a literal, non-empty S3 key prefix of S3's safe characters"],
      ['a keyPrefix with a brace', { keyPrefix: '{' }, "uploads.keyPrefix ('{') must be a literal, non-empty S3 key prefix of S3's safe characters"],
      ['maxSize above 5 GiB', { maxSize: Size.gibibytes(6) }, 'uploads.maxSize (6442450944 bytes) must be a whole number of bytes from 1 to 5 GiB'],
      ['a maxSize that is not whole bytes', { maxSize: Size.kibibytes(0.0005) }, 'uploads.maxSize (0.512 bytes) must be a whole number of bytes from 1 to 5 GiB'],
      ['a fractional expiry', { expiresIn: Duration.millis(1500) }, 'uploads.expiresIn (1.5 seconds) must be a whole number of seconds from 1 to 3600'],
      ['no content types', { allowedContentTypes: [] }, 'uploads.allowedContentTypes is empty'],
      ['a malformed content type', { allowedContentTypes: ['images'] }, "uploads.allowedContentTypes has 'images', not a lower-case type/subtype"],
      ['a long expiry', { expiresIn: Duration.hours(2) }, 'uploads.expiresIn (7200 seconds) must be a whole number of seconds from 1 to 3600'],
      ['an origin with a path', { allowedOrigins: ['https://app.example.com/x'] }, "uploads.allowedOrigins has 'https://app.example.com/x'"],
      ['a key naming that is not a CdnUploadKeyNaming', { keyNaming: 'RANDOM' as CdnUploadKeyNaming }, 'uploads.keyNaming (RANDOM) is not a CdnUploadKeyNaming; use CdnUploadKeyNaming.GENERATED (the default) or CLIENT.'],
    ])('fails when given %s', (_name, uploads, message) => {
      expect(() => new SecureS3Cdn(testStack(), 'Cdn', { uploads })).toThrow(`SecureS3Cdn 'TestStack/Cdn': ${message}`);
    });

    test('grantUpload lets a grantee put objects under the upload prefix, or another one', () => {
      const stack = testStack();
      const pattern = new SecureS3Cdn(stack, 'Cdn');
      const server = new iam.Role(stack, 'Server', { assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com') });
      pattern.grantUpload(server);
      pattern.grantUpload(server, 'avatars/');
      const template = Template.fromStack(stack);
      const bucket = bucketLogicalId(template, 'content');
      const statements = Object.values(template.findResources('AWS::IAM::Policy')).flatMap((p: any) => p.Properties.PolicyDocument.Statement);
      expect(statements.map((s: any) => s.Resource)).toEqual([
        { 'Fn::Join': ['', [{ 'Fn::GetAtt': [bucket, 'Arn'] }, '/uploads/*']] },
        { 'Fn::Join': ['', [{ 'Fn::GetAtt': [bucket, 'Arn'] }, '/avatars/*']] },
      ]);
      for (const statement of statements) {
        expect([statement.Action].flat().every((a: string) => a.startsWith('s3:PutObject') || a === 's3:Abort*')).toBe(true);
      }
    });

    test('fails when grantUpload gets a wildcard prefix, or grantSignUpload has no function', () => {
      const stack = testStack();
      const pattern = new SecureS3Cdn(stack, 'Cdn');
      const server = new iam.Role(stack, 'Server', { assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com') });
      expect(() => pattern.grantUpload(server, '*')).toThrow("SecureS3Cdn 'TestStack/Cdn': grantUpload keyPrefix ('*') must be a plain prefix of S3's safe characters (letters, digits, ! - _ . ' and /) without '*' or a leading '/', such as 'uploads/'.");
      expect(() => pattern.grantSignUpload(server)).toThrow("SecureS3Cdn 'TestStack/Cdn': grantSignUpload needs the upload function; set uploads (uploads: {} for the defaults).");
    });

    test('grantSignUpload lets a grantee call the IAM-authenticated URL', () => {
      const stack = testStack();
      const pattern = new SecureS3Cdn(stack, 'Cdn', { uploads: {} });
      const client = new iam.Role(stack, 'Client', { assumedBy: new iam.AccountRootPrincipal() });
      pattern.grantSignUpload(client);
      Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
        PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: 'lambda:InvokeFunctionUrl', Condition: { StringEquals: { 'lambda:FunctionUrlAuthType': 'AWS_IAM' } } })]) },
      });
    });
  });

  test('works in an environment-agnostic stack', () => {
    const stack = new Stack(new App({ context: { '@aws-cdk/core:validateAgainstDefaultRules': true, '@aws-cdk/core:strictCfnValidateErrors': true } }), 'Agnostic');
    new SecureS3Cdn(stack, 'Cdn', { uploads: {} });
    expect(() => Template.fromStack(stack)).not.toThrow();
  });
});
