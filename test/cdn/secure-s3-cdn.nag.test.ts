import { RemovalPolicy, Stack, Validations, aws_certificatemanager as acm, aws_kms as kms, aws_route53 as route53 } from 'aws-cdk-lib';
import { CdnOriginAccess, SecureS3Cdn, SecureS3CdnProps } from '../../src';
import { acknowledgedRules, acknowledgements, complianceFindings, testStack } from '../util';

/**
 * What a user of the pattern decides, acknowledged here with the reason a reviewer would accept.
 * The pattern acknowledges only what its design makes inherent (see the last test).
 */
function acknowledgeUserChoices(cdn: SecureS3Cdn, encrypted: boolean) {
  const packs = ['NIST.800.53.R5', 'HIPAA.Security', 'PCI.DSS.321'];
  Validations.of(cdn.distribution).acknowledge(
    { id: 'AwsSolutions-CFR1', reason: 'The files are public content meant for every country; geoRestriction is available where a licence requires it.' },
    { id: 'AwsSolutions-CFR2', reason: 'Static files behind origin access control; a web ACL (webAclId) costs $5/month plus rules and is added where the threat model needs it.' },
  );
  Validations.of(cdn.bucket).acknowledge(...packs.map((pack) => ({
    id: `${pack}-S3BucketReplicationEnabled`,
    reason: 'Versioning keeps every overwritten or deleted file for the noncurrent-version period; cross-region replication needs a second bucket in another region, which is the user\'s choice.',
  })));
  if (!encrypted) {
    Validations.of(cdn.bucket).acknowledge(...packs.map((pack) => ({
      id: `${pack}-S3DefaultEncryptionKMS`,
      reason: 'S3-managed encryption (SSE-S3) encrypts every object; a customer managed key (encryptionKey) is for regimes that require key control, and is tested separately.',
    })));
  }
  Validations.of(cdn.logBucket).acknowledge(...packs.map((pack) => ({
    id: `${pack}-S3BucketReplicationEnabled`,
    reason: 'Access logs are kept in one region for a year; replicating them is the user\'s choice.',
  })));
  if (cdn.uploadFunction) {
    Validations.of(cdn.uploadFunction).acknowledge(...['NIST.800.53.R5', 'HIPAA.Security'].map((pack) => ({
      id: `${pack}-LambdaConcurrency`,
      reason: 'Reserved concurrency takes capacity from the account\'s pool; the user sets it (uploadFunction is exposed) once the expected upload rate is known.',
    })));
    Validations.of(cdn).acknowledge(...packs.map((pack) => ({
      id: `${pack}-CloudWatchLogGroupEncrypted`,
      reason: 'CloudWatch Logs encrypts every log group at rest; the signing function logs keys and content types only, no secrets.',
    })));
  }
}

function certificateFor(stack: Stack, names: string[]) {
  const zone = new route53.PublicHostedZone(stack, 'Zone', { zoneName: 'example.com' });
  const certificate = new acm.Certificate(stack, 'Certificate', { domainName: names[0], validation: acm.CertificateValidation.fromDns(zone) });
  return { zone, certificate };
}

const variants: Array<[string, (stack: Stack) => SecureS3CdnProps, boolean]> = [
  ['defaults', () => ({}), false],
  ['a customer managed key', (stack) => ({ encryptionKey: new kms.Key(stack, 'Key', { enableKeyRotation: true }) }), true],
  ['a custom domain with alias records', (stack) => {
    const { zone, certificate } = certificateFor(stack, ['cdn.example.com']);
    return { domainNames: ['cdn.example.com'], certificate, hostedZone: zone };
  }, false],
  ['uploads with the defaults', () => ({ uploads: {} }), false],
  ['a trial that cdk destroy removes, with uploads', () => ({ uploads: {}, removalPolicy: RemovalPolicy.DESTROY }), false],
  ['uploads for browsers, with a key', (stack) => ({
    encryptionKey: new kms.Key(stack, 'Key', { enableKeyRotation: true }),
    uploads: { allowedOrigins: ['https://app.example.com'] },
  }), true],
];

describe('SecureS3Cdn under AwsSolutions, NIST 800-53 rev 5, HIPAA, PCI DSS and GuardedPatterns', () => {
  test.each(variants)('%s: no unacknowledged findings', (_name, props, encrypted) => {
    const stack = testStack();
    const cdn = new SecureS3Cdn(stack, 'Cdn', props(stack));
    acknowledgeUserChoices(cdn, encrypted);
    expect(complianceFindings(stack)).toEqual([]);
  });

  test('an origin access identity, acknowledged as legacy', () => {
    const stack = testStack();
    const cdn = new SecureS3Cdn(stack, 'Cdn', { originAccess: CdnOriginAccess.IDENTITY });
    acknowledgeUserChoices(cdn, false);
    const reason = 'The bucket is still read through an origin access identity while existing distributions migrate to origin access control.';
    Validations.of(cdn).acknowledge({ id: 'GuardedPatterns-CdnOaiLegacy', reason }, { id: 'AwsSolutions-CFR7', reason });
    expect(complianceFindings(stack)).toEqual([]);
  });

  test('without the user\'s acknowledgements, the packs report what is left to the user, and nothing the pattern could fix', () => {
    const stack = testStack();
    new SecureS3Cdn(stack, 'Cdn', { uploads: {} });
    const rules = new Set(complianceFindings(stack).map((f) => f.split(' at ')[0]));
    expect([...rules].sort()).toEqual([
      'AwsSolutions-CFR1', 'AwsSolutions-CFR2',
      'HIPAA.Security-CloudWatchLogGroupEncrypted', 'HIPAA.Security-LambdaConcurrency', 'HIPAA.Security-S3BucketReplicationEnabled', 'HIPAA.Security-S3DefaultEncryptionKMS',
      'NIST.800.53.R5-CloudWatchLogGroupEncrypted', 'NIST.800.53.R5-LambdaConcurrency', 'NIST.800.53.R5-S3BucketReplicationEnabled', 'NIST.800.53.R5-S3DefaultEncryptionKMS',
      'PCI.DSS.321-CloudWatchLogGroupEncrypted', 'PCI.DSS.321-S3BucketReplicationEnabled', 'PCI.DSS.321-S3DefaultEncryptionKMS',
    ]);
  });

  test('every acknowledgement inside the pattern carries a reason', () => {
    const stack = testStack();
    new SecureS3Cdn(stack, 'Cdn', { uploads: {} });
    const acks = acknowledgements(stack);
    expect(acks.map((a) => a.id).sort()).toEqual([
      'AwsSolutions-CFR3',
      'AwsSolutions-CFR4',
      'AwsSolutions-IAM5[Resource::<CdnBucket0DC12795.Arn>/uploads/*]',
      'AwsSolutions-S1',
      'HIPAA.Security-LambdaDLQ', 'HIPAA.Security-LambdaInsideVPC', 'HIPAA.Security-S3BucketLoggingEnabled', 'HIPAA.Security-S3DefaultEncryptionKMS',
      'NIST.800.53.R5-LambdaDLQ', 'NIST.800.53.R5-LambdaInsideVPC', 'NIST.800.53.R5-S3BucketLoggingEnabled', 'NIST.800.53.R5-S3DefaultEncryptionKMS',
      'PCI.DSS.321-LambdaInsideVPC', 'PCI.DSS.321-S3BucketLoggingEnabled', 'PCI.DSS.321-S3DefaultEncryptionKMS',
    ]);
    for (const ack of acks) {
      expect([ack.id, ack.reason.length > 40]).toEqual([ack.id, true]);
    }
  });

  test('with a custom certificate, the default-certificate acknowledgement is not made', () => {
    const stack = testStack();
    const { certificate } = certificateFor(stack, ['cdn.example.com']);
    new SecureS3Cdn(stack, 'Cdn', { domainNames: ['cdn.example.com'], certificate });
    expect(acknowledgements(stack).map((a) => a.id)).not.toContain('AwsSolutions-CFR4');
  });
});

/**
 * The exact rules the pattern acknowledges on its own, where the test acknowledges nothing: a new
 * acknowledgement inside the pattern fails here until someone has read its reason. aws-cdk-lib's
 * own acknowledgements of its CloudFormation validation findings (`CloudFormation-Validate::...`)
 * come with the resources the pattern creates, and are listed too.
 */
describe('SecureS3Cdn acknowledges exactly', () => {
  test.each<[string, (stack: Stack) => SecureS3CdnProps, string[]]>([
    ['defaults', () => ({}), [
      'AwsSolutions-CFR3 at TestStack/Cdn/Distribution',
      'AwsSolutions-CFR4 at TestStack/Cdn/Distribution',
      'AwsSolutions-S1 at TestStack/Cdn/LogBucket',
      'HIPAA.Security-S3BucketLoggingEnabled at TestStack/Cdn/LogBucket',
      'HIPAA.Security-S3DefaultEncryptionKMS at TestStack/Cdn/LogBucket',
      'NIST.800.53.R5-S3BucketLoggingEnabled at TestStack/Cdn/LogBucket',
      'NIST.800.53.R5-S3DefaultEncryptionKMS at TestStack/Cdn/LogBucket',
      'PCI.DSS.321-S3BucketLoggingEnabled at TestStack/Cdn/LogBucket',
      'PCI.DSS.321-S3DefaultEncryptionKMS at TestStack/Cdn/LogBucket',
    ]],
    ['uploads, a customer managed key and a web ACL', (stack) => ({
      uploads: {},
      encryptionKey: new kms.Key(stack, 'Key', { enableKeyRotation: true }),
      webAclId: 'arn:aws:wafv2:us-east-1:111111111111:global/webacl/cdn/11111111-2222-3333-4444-555555555555',
    }), [
      'AwsSolutions-CFR3 at TestStack/Cdn/Distribution',
      'AwsSolutions-CFR4 at TestStack/Cdn/Distribution',
      'AwsSolutions-IAM5[Resource::<CdnBucket0DC12795.Arn>/uploads/*] at TestStack/Cdn/UploadSigner/Policy',
      'AwsSolutions-S1 at TestStack/Cdn/LogBucket',
      'HIPAA.Security-LambdaDLQ at TestStack/Cdn/UploadSigner/Function',
      'HIPAA.Security-LambdaInsideVPC at TestStack/Cdn/UploadSigner/Function',
      'HIPAA.Security-S3BucketLoggingEnabled at TestStack/Cdn/LogBucket',
      'HIPAA.Security-S3DefaultEncryptionKMS at TestStack/Cdn/LogBucket',
      'NIST.800.53.R5-LambdaDLQ at TestStack/Cdn/UploadSigner/Function',
      'NIST.800.53.R5-LambdaInsideVPC at TestStack/Cdn/UploadSigner/Function',
      'NIST.800.53.R5-S3BucketLoggingEnabled at TestStack/Cdn/LogBucket',
      'NIST.800.53.R5-S3DefaultEncryptionKMS at TestStack/Cdn/LogBucket',
      'PCI.DSS.321-LambdaInsideVPC at TestStack/Cdn/UploadSigner/Function',
      'PCI.DSS.321-S3BucketLoggingEnabled at TestStack/Cdn/LogBucket',
      'PCI.DSS.321-S3DefaultEncryptionKMS at TestStack/Cdn/LogBucket',
    ]],
    ['a custom domain', (stack) => {
      const certificate = new acm.Certificate(stack, 'Certificate', { domainName: 'cdn.example.com' });
      return { domainNames: ['cdn.example.com'], certificate };
    }, [
      'AwsSolutions-CFR3 at TestStack/Cdn/Distribution',
      'AwsSolutions-S1 at TestStack/Cdn/LogBucket',
      'HIPAA.Security-S3BucketLoggingEnabled at TestStack/Cdn/LogBucket',
      'HIPAA.Security-S3DefaultEncryptionKMS at TestStack/Cdn/LogBucket',
      'NIST.800.53.R5-S3BucketLoggingEnabled at TestStack/Cdn/LogBucket',
      'NIST.800.53.R5-S3DefaultEncryptionKMS at TestStack/Cdn/LogBucket',
      'PCI.DSS.321-S3BucketLoggingEnabled at TestStack/Cdn/LogBucket',
      'PCI.DSS.321-S3DefaultEncryptionKMS at TestStack/Cdn/LogBucket',
    ]],
  ])('%s', (_name, props, expected) => {
    const stack = testStack();
    new SecureS3Cdn(stack, 'Cdn', props(stack));
    expect(acknowledgedRules(stack)).toEqual(expected);
  });
});
