import { Duration, RemovalPolicy, Size, Stack, Validations, aws_iam as iam, aws_kms as kms, aws_s3 as s3 } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { UploadSigner, UploadSignerProps } from '../../src';
import { complianceFindings, testStack } from '../util';

function signer(props: Partial<UploadSignerProps> = {}, stack: Stack = testStack()) {
  const bucket = props.bucket ?? s3.Bucket.fromBucketName(stack, 'Bucket', 'uploads-bucket');
  const construct = new UploadSigner(stack, 'Signer', { ...props, bucket });
  return { stack, signer: construct, get template() { return Template.fromStack(stack); } };
}

/** What the user decides about a signer, as in SecureS3Cdn's nag test. */
function acknowledgeUserChoices(construct: UploadSigner) {
  Validations.of(construct).acknowledge(
    ...['NIST.800.53.R5', 'HIPAA.Security'].map((pack) => ({
      id: `${pack}-LambdaConcurrency`,
      reason: 'Reserved concurrency takes capacity from the account\'s pool; the user sets it on signer.function once the expected upload rate is known.',
    })),
    ...['NIST.800.53.R5', 'HIPAA.Security', 'PCI.DSS.321'].map((pack) => ({
      id: `${pack}-CloudWatchLogGroupEncrypted`,
      reason: 'CloudWatch Logs encrypts every log group at rest; the signing function logs keys and content types only, no secrets.',
    })),
  );
}

describe('UploadSigner', () => {
  test('on an imported bucket: a function URL with IAM auth, a role that may only put objects under the prefix, logs kept a year', () => {
    const { stack, signer: construct, template } = signer();
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ BUCKET_NAME: 'uploads-bucket', KEY_PREFIX: 'uploads/', KEY_NAMING: 'generated' }) },
    });
    template.hasResourceProperties('AWS::Lambda::Url', { AuthType: 'AWS_IAM', Cors: Match.absent() });
    template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: {
        Statement: [
          Match.objectLike({ Action: ['logs:CreateLogStream', 'logs:PutLogEvents'] }),
          { Effect: 'Allow', Action: 's3:PutObject', Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':s3:::uploads-bucket/uploads/*']] } },
        ],
      },
    });
    template.hasResource('AWS::Logs::LogGroup', { Properties: { RetentionInDays: 365 }, DeletionPolicy: 'Retain' });
    template.resourceCountIs('AWS::S3::Bucket', 0);
    expect(stack.resolve(construct.url)).toEqual({ 'Fn::GetAtt': [Object.keys(template.findResources('AWS::Lambda::Url'))[0], 'FunctionUrl'] });
    expect(construct.keyPrefix).toBe('uploads/');
  });

  test('with allowedOrigins, a bucket of the app gets the CORS rule for browser POSTs', () => {
    const stack = testStack();
    const bucket = new s3.Bucket(stack, 'Bucket');
    signer({ bucket, allowedOrigins: ['https://app.example.com'] }, stack).template.hasResourceProperties('AWS::S3::Bucket', {
      CorsConfiguration: { CorsRules: [{ AllowedMethods: ['POST'], AllowedOrigins: ['https://app.example.com'], AllowedHeaders: ['*'], MaxAge: 3000 }] },
    });
  });

  test('with an SSE-KMS bucket, the role may generate data keys with its key', () => {
    const stack = testStack();
    const bucket = new s3.Bucket(stack, 'Bucket', { encryptionKey: new kms.Key(stack, 'Key') });
    signer({ bucket }, stack).template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([{ Effect: 'Allow', Action: ['kms:GenerateDataKey', 'kms:Decrypt'], Resource: { 'Fn::GetAtt': ['Key961B73FD', 'Arn'] } }]) },
    });
  });

  test('options, logRetention and removalPolicy', () => {
    const { template } = signer({
      keyPrefix: 'in/', maxSize: Size.mebibytes(1), expiresIn: Duration.minutes(1), logRetention: 7, removalPolicy: RemovalPolicy.DESTROY,
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ KEY_PREFIX: 'in/', MAX_BYTES: String(1024 ** 2), EXPIRES_SECONDS: '60' }) },
    });
    template.hasResource('AWS::Logs::LogGroup', { Properties: { RetentionInDays: 7 }, DeletionPolicy: 'Delete' });
  });

  test('grantSignUpload lets a grantee call the URL', () => {
    const stack = testStack();
    const { signer: construct } = signer({}, stack);
    construct.grantSignUpload(new iam.Role(stack, 'Client', { assumedBy: new iam.AccountRootPrincipal() }));
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: 'lambda:InvokeFunctionUrl', Condition: { StringEquals: { 'lambda:FunctionUrlAuthType': 'AWS_IAM' } } })]) },
    });
  });

  test('fails with every wrong prop in one error, named without the uploads. of SecureS3Cdn', () => {
    const stack = testStack();
    const bucket = s3.Bucket.fromBucketName(stack, 'Bucket', 'uploads-bucket');
    expect(() => new UploadSigner(stack, 'Signer', { bucket, keyPrefix: '/x', allowedContentTypes: [], removalPolicy: RemovalPolicy.SNAPSHOT }))
      .toThrow(/^3 props are wrong:\n- UploadSigner 'TestStack\/Signer': removalPolicy is SNAPSHOT.*\n- UploadSigner 'TestStack\/Signer': keyPrefix \('\/x'\) must be .*\n- UploadSigner 'TestStack\/Signer': allowedContentTypes is empty/);
  });

  test('no unacknowledged findings of the packs; the wildcard under the prefix of an imported bucket is acknowledged', () => {
    const stack = testStack();
    const construct = new UploadSigner(stack, 'Signer', { bucket: s3.Bucket.fromBucketName(stack, 'Bucket', 'uploads-bucket') });
    acknowledgeUserChoices(construct);
    expect(complianceFindings(stack)).toEqual([]);
  });
});
