import {
  Duration,
  RemovalPolicy,
  Stack,
  Validations,
  aws_iam as iam,
  aws_lambda as lambda,
  aws_logs as logs,
  aws_s3 as s3,
} from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { SignUploadFunction } from './sign-upload-function';
import { CdnUploadKeyNaming, CdnUploadOptions } from './upload-options';
import { resolveUploadSettings } from './upload-settings';
import { PropErrors } from '../private/errors';
import { ManagedPolicyRole } from '../private/managed-policy-role';
import { HIPAA_SECURITY, NIST_800_53_R5, acknowledgeAll, complianceRuleIds, flattenForAcknowledgement, iam5ResourceId } from '../private/nag';
import { Removal } from '../private/removal';

/**
 * Properties of an UploadSigner.
 */
export interface UploadSignerProps extends CdnUploadOptions {
  /**
   * The bucket the uploads go to. With `allowedOrigins`, a bucket of the app gets the CORS rule
   * that lets browsers POST from them; an imported bucket needs one of its own. With SSE-KMS
   * (`bucket.encryptionKey`), the signer may use the key.
   */
  readonly bucket: s3.IBucket;

  /**
   * How long the function's logs are kept.
   *
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly logRetention?: logs.RetentionDays;

  /**
   * What happens to the function's log group after the stack is deleted.
   *
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/** The compliance-pack rules about a Lambda function that a signing function behind a URL cannot use. */
const SIGNER_VPC_RULES = complianceRuleIds('LambdaInsideVPC');
const SIGNER_DLQ_RULES = complianceRuleIds('LambdaDLQ', [NIST_800_53_R5, HIPAA_SECURITY]);

/** The headers a browser sends to a function URL with IAM auth (SigV4). */
const SIGNED_REQUEST_HEADERS = ['content-type', 'authorization', 'x-amz-date', 'x-amz-security-token', 'x-amz-content-sha256'];

/**
 * A function URL that hands out presigned POSTs for uploads to a bucket: each pins one key under
 * `keyPrefix`, one content type and a size range, which S3 enforces. Its role may put objects under
 * the prefix and nothing else. SecureS3Cdn makes one with `uploads`; use it on its own for any
 * bucket.
 *
 * @example
 * declare const bucket: s3.IBucket;
 * const signer = new UploadSigner(this, 'Signer', { bucket, allowedContentTypes: ['image/*'] });
 * // POST {"contentType": "image/png", "size": 1234, "fileName": "cat.png"} to signer.url
 */
export class UploadSigner extends Construct {
  /** The signing function. */
  public readonly function: lambda.Function;

  /** The function URL that clients call. */
  public readonly functionUrl: lambda.FunctionUrl;

  /** The URL to POST upload requests to. */
  public readonly url: string;

  /** The function's role: what it may do is what every presigned POST it signs may do. */
  public readonly role: iam.Role;

  /** The function's log group. */
  public readonly logGroup: logs.LogGroup;

  /** The prefix every upload's key starts with. */
  public readonly keyPrefix: string;

  constructor(scope: Construct, id: string, props: UploadSignerProps) {
    super(scope, id);
    const subject = `UploadSigner '${this.node.path}'`;
    const errors = new PropErrors();
    const removal = Removal.of(errors, subject, props.removalPolicy);
    const settings = resolveUploadSettings(errors, subject, props);
    errors.throwIfAny();
    const bucket = props.bucket;
    this.keyPrefix = settings.keyPrefix;

    this.logGroup = new logs.LogGroup(this, 'LogGroup', {
      retention: props.logRetention ?? logs.RetentionDays.ONE_YEAR,
      removalPolicy: removal.policy,
    });
    const role = new ManagedPolicyRole(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Signs uploads to ${bucket.node.path} under ${settings.keyPrefix}`,
      policyId: 'Policy',
    });
    this.role = role;
    const objects = bucket.arnForObjects(`${settings.keyPrefix}*`);
    const statements = [
      new iam.PolicyStatement({ actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [this.logGroup.logGroupArn] }),
      // The presigned POST carries the role's authority: only PutObject, only under the prefix.
      new iam.PolicyStatement({ actions: ['s3:PutObject'], resources: [objects] }),
    ];
    if (bucket.encryptionKey) {
      statements.push(new iam.PolicyStatement({ actions: ['kms:GenerateDataKey', 'kms:Decrypt'], resources: [bucket.encryptionKey.keyArn] }));
    }
    const policy = role.addToManagedPolicy(...statements);
    Validations.of(policy).acknowledge({
      id: iam5ResourceId(flattenForAcknowledgement(Stack.of(this).resolve(objects))),
      reason: `The signing role may put any key under ${settings.keyPrefix}, the upload prefix; each presigned POST then pins one exact key, one content type and a size range.`,
    });

    this.function = new SignUploadFunction(this, 'Function', {
      description: `Returns presigned POSTs for uploads to ${bucket.node.path} under ${settings.keyPrefix}`,
      role: role.byArn(this, 'FunctionRole'),
      logGroup: this.logGroup,
      memorySize: 256,
      timeout: Duration.seconds(10),
      environment: {
        BUCKET_NAME: bucket.bucketName,
        KEY_PREFIX: settings.keyPrefix,
        KEY_NAMING: settings.keyNaming === CdnUploadKeyNaming.CLIENT ? 'client' : 'generated',
        MAX_BYTES: String(settings.maxBytes),
        CONTENT_TYPES: settings.contentTypes.join(','),
        EXPIRES_SECONDS: String(settings.expiresSeconds),
      },
    });
    acknowledgeAll(this.function, SIGNER_VPC_RULES, 'The function signs the POST policy locally and calls no AWS API or private resource; a VPC would only add cold-start time and NAT cost.');
    acknowledgeAll(this.function, SIGNER_DLQ_RULES, 'The function is invoked synchronously through its URL: the caller gets the error; a dead-letter queue applies only to asynchronous invocations.');

    this.functionUrl = this.function.addFunctionUrl({
      authType: settings.authType,
      cors: settings.allowedOrigins ? {
        allowedOrigins: settings.allowedOrigins,
        allowedMethods: [lambda.HttpMethod.POST],
        allowedHeaders: SIGNED_REQUEST_HEADERS,
        maxAge: Duration.minutes(50),
      } : undefined,
    });
    this.url = this.functionUrl.url;
    if (settings.allowedOrigins && bucket instanceof s3.Bucket) {
      bucket.addCorsRule({ allowedMethods: [s3.HttpMethods.POST], allowedOrigins: settings.allowedOrigins, allowedHeaders: ['*'], maxAge: 3000 });
    }
  }

  /**
   * Lets `grantee` call the function URL (with IAM auth, the default).
   */
  public grantSignUpload(grantee: iam.IGrantable): iam.Grant {
    return this.function.grantInvokeUrl(grantee);
  }
}
