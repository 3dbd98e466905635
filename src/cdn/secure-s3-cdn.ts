import {
  Aws,
  CfnRule,
  Duration,
  Fn,
  Names,
  RemovalPolicy,
  Stack,
  Token,
  Validations,
  aws_certificatemanager as acm,
  aws_cloudfront as cloudfront,
  aws_cloudfront_origins as origins,
  aws_iam as iam,
  aws_kms as kms,
  aws_lambda as lambda,
  aws_logs as logs,
  aws_route53 as route53,
  aws_s3 as s3,
} from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { CdnUploadOptions } from './upload-options';
import { DEFAULT_KEY_PREFIX, SAFE_KEY_PREFIX, resolveUploadSettings } from './upload-settings';
import { UploadSigner } from './upload-signer';
import { PATTERN_CHECKS } from '../checks/catalogue';
import { CdnMinimumTls, MODERN_SECURITY_POLICIES, minimumTlsMessage } from '../checks/cloudfront/cdn-minimum-tls';
import { CdnOaiWithKms } from '../checks/cloudfront/cdn-oai-with-kms';
import { embedChecks, throwFinding } from '../checks/embed';
import { addAliasRecords, checkViewerCertificate, checkWebAclId } from '../private/cloudfront-viewer';
import { GuardedPatternsError, PropErrors } from '../private/errors';
import { acknowledgeAll, complianceRuleIds } from '../private/nag';
import { Removal } from '../private/removal';

/**
 * How CloudFront reads the private bucket.
 */
export enum CdnOriginAccess {
  /**
   * Origin access control (OAC): AWS's current recommendation. The bucket policy lets only this
   * distribution read (`AWS:SourceArn`); works with SSE-KMS and in every region.
   */
  CONTROL = 'CONTROL',
  /**
   * Origin access identity (OAI): legacy. No SSE-KMS, and not available in regions launched after
   * December 2022. Warns with `GuardedPatterns-CdnOaiLegacy`.
   */
  IDENTITY = 'IDENTITY',
}

/**
 * Properties of a SecureS3Cdn.
 */
export interface SecureS3CdnProps {
  /**
   * How CloudFront reads the bucket.
   *
   * @default CdnOriginAccess.CONTROL
   * @see https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/private-content-restricting-access-to-s3.html
   */
  readonly originAccess?: CdnOriginAccess;

  /**
   * A customer managed KMS key for the bucket (SSE-KMS, with an S3 Bucket Key to cut KMS
   * requests). Only with origin access control: the pattern lets CloudFront use the key.
   *
   * @default - S3-managed encryption (SSE-S3)
   */
  readonly encryptionKey?: kms.IKey;

  /**
   * Your own domain names for the distribution; needs `certificate`.
   *
   * @default - only the distribution's *.cloudfront.net name
   */
  readonly domainNames?: string[];

  /**
   * The certificate for `domainNames`: in us-east-1, covering every name.
   *
   * @default - the default *.cloudfront.net certificate
   */
  readonly certificate?: acm.ICertificate;

  /**
   * A hosted zone in which to create alias A and AAAA records for each of `domainNames`.
   *
   * @default - no DNS records
   */
  readonly hostedZone?: route53.IHostedZone;

  /**
   * The minimum TLS security policy with a custom certificate; TLSv1.2_2021 or newer.
   *
   * @default cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021
   */
  readonly minimumProtocolVersion?: cloudfront.SecurityPolicyProtocol;

  /**
   * The object served for requests to the root (`/`), for a static site.
   *
   * @default - none: the root returns 403
   */
  readonly defaultRootObject?: string;

  /**
   * The ARN of an AWS WAF web ACL (scope CLOUDFRONT, in us-east-1) to attach.
   *
   * @default - no web ACL
   */
  readonly webAclId?: string;

  /**
   * Countries to allow or deny.
   *
   * @default - served everywhere
   */
  readonly geoRestriction?: cloudfront.GeoRestriction;

  /**
   * Which edge locations serve the content.
   *
   * @default cloudfront.PriceClass.PRICE_CLASS_100 (North America and Europe, the cheapest)
   */
  readonly priceClass?: cloudfront.PriceClass;

  /**
   * Whether CloudFront delivers access logs (standard logging v2, through CloudWatch Logs
   * `AWS::Logs::DeliverySource`, `DeliveryDestination` and `Delivery`) to the log bucket.
   * CloudWatch Logs accepts CloudFront delivery sources only in us-east-1: with logging on, the
   * stack must be in us-east-1 (an environment-agnostic stack gets a template rule that refuses
   * any other region at deploy time). Turn it off to deploy the pattern elsewhere without
   * access logs.
   *
   * @default true
   * @see https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/standard-logging.html
   */
  readonly accessLogging?: boolean;

  /**
   * The bucket for CloudFront access logs and the content bucket's server access logs. ACLs may
   * stay disabled: both deliveries write through the bucket policy, to which the pattern adds
   * their statements (for a bucket of the app; an imported bucket's policy must allow them).
   *
   * @default - a new bucket with ACLs disabled, logs kept for `logExpiration`
   */
  readonly logBucket?: s3.IBucket;

  /**
   * How long the new log bucket keeps logs (its lifecycle rule's expiration), in whole days.
   *
   * @default Duration.days(365)
   */
  readonly logExpiration?: Duration;

  /**
   * How long the upload function's logs are kept (with `uploads`).
   *
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly logRetention?: logs.RetentionDays;

  /**
   * How long replaced and deleted versions of files are kept.
   *
   * @default Duration.days(30)
   */
  readonly noncurrentVersionExpiration?: Duration;

  /**
   * What happens to what the pattern would keep after the stack is deleted: the content bucket,
   * the log bucket it creates and the upload signer's log group. With `RemovalPolicy.DESTROY`,
   * `cdk destroy` removes them all: the buckets are emptied first (`autoDeleteObjects`, a custom
   * resource with its own function), every file and log in them with it.
   *
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;

  /**
   * Uploads through presigned POSTs handed out by a function URL; `{}` turns them on with the
   * defaults.
   *
   * @default - no upload function (grantUpload still works)
   */
  readonly uploads?: CdnUploadOptions;
}

/** CloudWatch Logs takes CloudFront delivery sources in this region only. */
const LOG_DELIVERY_REGION = 'us-east-1';

const HOST_NAME = /^(\*\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,62}$/;

/** Lifecycle rules count in whole days. */
function checkWholeDays(subject: string, prop: string, duration: Duration): void {
  const days = duration.toDays({ integral: false });
  if (!Number.isInteger(days) || days < 1) {
    throw new GuardedPatternsError(`${subject}: ${prop} (${duration.toHumanString()}) must be a whole number of days, at least 1; use Duration.days(n).`);
  }
}

/**
 * Files in a private S3 bucket served only through CloudFront, over TLS, optionally on your own
 * domain, with uploads the application controls through presigned POSTs.
 *
 * @example
 * const cdn = new SecureS3Cdn(this, 'Cdn');
 * // https://${cdn.domainName}/path/to/file serves s3://bucket/path/to/file
 */
export class SecureS3Cdn extends Construct {
  /** The private bucket holding the files. */
  public readonly bucket: s3.Bucket;

  /** The distribution serving them. */
  public readonly distribution: cloudfront.Distribution;

  /** The name to serve files from: the first of `domainNames`, or the distribution's *.cloudfront.net name. */
  public readonly domainName: string;

  /** The bucket receiving CloudFront access logs and the content bucket's access logs. */
  public readonly logBucket: s3.IBucket;

  /** The delivery of CloudFront access logs to the log bucket (standard logging v2), when logging is on. */
  public readonly accessLogDelivery?: logs.CfnDelivery;

  /** How CloudFront reads the bucket. */
  public readonly originAccess: CdnOriginAccess;

  /** The upload signer, when uploads are on. */
  public readonly uploadSigner?: UploadSigner;

  /** The upload-signing function, when uploads are on. */
  public readonly uploadFunction?: lambda.Function;

  /** The upload-signing function URL, when uploads are on. */
  public readonly uploadFunctionUrl?: lambda.FunctionUrl;

  /** The URL to POST upload requests to, when uploads are on. */
  public readonly uploadUrl?: string;

  /** The prefix uploads go under, and the default of `grantUpload`. */
  public readonly uploadKeyPrefix: string;

  constructor(scope: Construct, id: string, props: SecureS3CdnProps = {}) {
    super(scope, id);
    const subject = `SecureS3Cdn '${this.node.path}'`;
    this.originAccess = props.originAccess ?? CdnOriginAccess.CONTROL;
    const errors = new PropErrors();
    const removal = Removal.of(errors, subject, props.removalPolicy);
    errors.check(() => {
      if (!Object.values(CdnOriginAccess).includes(this.originAccess)) {
        throw new GuardedPatternsError(`${subject}: originAccess (${String(this.originAccess)}) is not a CdnOriginAccess; use CdnOriginAccess.CONTROL.`);
      }
    });
    errors.check(() => {
      if (this.originAccess === CdnOriginAccess.IDENTITY && props.encryptionKey) {
        throwFinding(CdnOaiWithKms, `${subject}: originAccess IDENTITY cannot be used with encryptionKey: an origin access identity cannot decrypt SSE-KMS objects. `
          + 'Use originAccess: CdnOriginAccess.CONTROL (the default), or drop encryptionKey for S3-managed encryption.');
      }
    });
    const domainNames = props.domainNames ?? [];
    this.checkDomain(errors, subject, props, domainNames);
    const minimumProtocolVersion = props.minimumProtocolVersion ?? cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021;
    errors.check(() => {
      if (!Token.isUnresolved(minimumProtocolVersion) && !MODERN_SECURITY_POLICIES.includes(minimumProtocolVersion)) {
        throwFinding(CdnMinimumTls, minimumTlsMessage(`${subject}: minimumProtocolVersion`, minimumProtocolVersion));
      }
    });
    errors.check(() => {
      if (props.defaultRootObject !== undefined && !Token.isUnresolved(props.defaultRootObject)
        && (props.defaultRootObject === '' || props.defaultRootObject.startsWith('/'))) {
        throw new GuardedPatternsError(`${subject}: defaultRootObject ('${props.defaultRootObject}') must name an object without a leading slash, such as 'index.html'.`);
      }
    });
    checkWebAclId(errors, subject, 'webAclId', props.webAclId);
    const uploads = props.uploads ? resolveUploadSettings(errors, subject, props.uploads, 'uploads.') : undefined;
    this.uploadKeyPrefix = uploads?.keyPrefix ?? DEFAULT_KEY_PREFIX;
    errors.check(() => {
      if (props.logBucket && props.logExpiration) {
        throw new GuardedPatternsError(`${subject}: logExpiration applies only to the log bucket the pattern creates; with logBucket, set its lifecycle on that bucket and leave logExpiration unset.`);
      }
    });
    const logExpiration = props.logExpiration ?? Duration.days(365);
    errors.check(() => checkWholeDays(subject, 'logExpiration', logExpiration));
    errors.check(() => {
      if (!props.uploads && props.logRetention !== undefined) {
        throw new GuardedPatternsError(`${subject}: logRetention applies only to the upload function's log group; set uploads, or leave logRetention unset.`);
      }
    });
    const accessLogging = props.accessLogging ?? true;
    const region = Stack.of(this).region;
    errors.check(() => {
      if (accessLogging && !Token.isUnresolved(region) && region !== LOG_DELIVERY_REGION) {
        throw new GuardedPatternsError(`${subject}: accessLogging (on by default) needs the stack in ${LOG_DELIVERY_REGION}, and stack '${Stack.of(this).stackName}' is in ${region}: `
          + `CloudWatch Logs accepts CloudFront delivery sources (standard logging v2) only in ${LOG_DELIVERY_REGION}. `
          + `Deploy this stack to ${LOG_DELIVERY_REGION} (env: { region: '${LOG_DELIVERY_REGION}' }), or set accessLogging: false to serve without access logs.`);
      }
    });
    const noncurrentVersionExpiration = props.noncurrentVersionExpiration ?? Duration.days(30);
    errors.check(() => checkWholeDays(subject, 'noncurrentVersionExpiration', noncurrentVersionExpiration));
    errors.throwIfAny();

    this.logBucket = props.logBucket ?? this.createLogBucket(logExpiration, removal);

    const bucket = new s3.Bucket(this, 'Bucket', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      versioned: true,
      encryption: props.encryptionKey ? s3.BucketEncryption.KMS : s3.BucketEncryption.S3_MANAGED,
      encryptionKey: props.encryptionKey,
      bucketKeyEnabled: props.encryptionKey ? true : undefined,
      lifecycleRules: [{
        noncurrentVersionExpiration,
        abortIncompleteMultipartUploadAfter: Duration.days(7),
      }],
      ...removal.bucket,
    });
    this.bucket = bucket;
    this.logServerAccess(bucket);

    const origin = this.originAccess === CdnOriginAccess.IDENTITY
      ? origins.S3BucketOrigin.withOriginAccessIdentity(bucket)
      : origins.S3BucketOrigin.withOriginAccessControl(bucket);
    const distribution = new cloudfront.Distribution(this, 'Distribution', {
      defaultBehavior: {
        origin,
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        allowedMethods: cloudfront.AllowedMethods.ALLOW_GET_HEAD,
        // No origin request policy: CloudFront sends Range to S3 on its own, and the managed
        // cache policy keys on the path only, so byte-range requests are cached and served.
        cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: cloudfront.ResponseHeadersPolicy.SECURITY_HEADERS,
        compress: true,
      },
      domainNames: domainNames.length > 0 ? domainNames : undefined,
      certificate: props.certificate,
      minimumProtocolVersion: props.certificate ? minimumProtocolVersion : undefined,
      sslSupportMethod: props.certificate ? cloudfront.SSLMethod.SNI : undefined,
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      enableIpv6: true,
      priceClass: props.priceClass ?? cloudfront.PriceClass.PRICE_CLASS_100,
      geoRestriction: props.geoRestriction,
      webAclId: props.webAclId,
      defaultRootObject: props.defaultRootObject,
    });
    this.distribution = distribution;
    if (accessLogging) {
      this.accessLogDelivery = this.deliverAccessLogs(distribution);
    }
    if (!props.logBucket) {
      // Logs reach the log bucket until the distribution and the delivery are gone.
      removal.emptyAfter(this.logBucket, distribution, ...(this.accessLogDelivery ? [this.accessLogDelivery] : []));
    }
    if (!props.certificate) {
      Validations.of(distribution).acknowledge({
        id: 'AwsSolutions-CFR4',
        reason: 'Without domainNames the distribution serves its *.cloudfront.net name with the default CloudFront certificate, whose security policy AWS fixes (TLSv1) and no one can raise; with a certificate the pattern requires TLSv1.2_2021 or newer.',
      });
    }
    this.domainName = domainNames[0] ?? distribution.distributionDomainName;

    if (props.hostedZone) {
      addAliasRecords(this, props.hostedZone, domainNames, distribution);
    }

    if (props.uploads) {
      // With allowedOrigins, the signer adds the bucket's CORS rule for browser POSTs.
      this.uploadSigner = new UploadSigner(this, 'UploadSigner', {
        ...props.uploads,
        bucket,
        logRetention: props.logRetention,
        removalPolicy: props.removalPolicy,
      });
      this.uploadFunction = this.uploadSigner.function;
      this.uploadFunctionUrl = this.uploadSigner.functionUrl;
      this.uploadUrl = this.uploadSigner.url;
    }

    embedChecks(this, PATTERN_CHECKS.SecureS3Cdn);
  }

  /**
   * Lets `grantee` put objects under `keyPrefix`, for application servers that presign uploads
   * themselves (with their own credentials). Does not allow reading or deleting.
   *
   * @param grantee who may upload
   * @param keyPrefix the prefix the keys must start with; defaults to the upload prefix (`uploads/`)
   */
  public grantUpload(grantee: iam.IGrantable, keyPrefix?: string): iam.Grant {
    const prefix = keyPrefix ?? this.uploadKeyPrefix;
    if (!Token.isUnresolved(prefix) && (!SAFE_KEY_PREFIX.test(prefix) || prefix.startsWith('/'))) {
      throw new GuardedPatternsError(`SecureS3Cdn '${this.node.path}': grantUpload keyPrefix ('${prefix}') must be a plain prefix of S3's safe characters `
        + "(letters, digits, ! - _ . ' and /) without '*' or a leading '/', such as 'uploads/'.");
    }
    return this.bucket.grantPut(grantee, `${prefix}*`);
  }

  /**
   * Lets `grantee` call the upload-signing function URL (with IAM auth, the default).
   */
  public grantSignUpload(grantee: iam.IGrantable): iam.Grant {
    if (!this.uploadSigner) {
      throw new GuardedPatternsError(`SecureS3Cdn '${this.node.path}': grantSignUpload needs the upload function; set uploads (uploads: {} for the defaults).`);
    }
    return this.uploadSigner.grantSignUpload(grantee);
  }

  private checkDomain(errors: PropErrors, subject: string, props: SecureS3CdnProps, domainNames: string[]): void {
    for (const name of domainNames) {
      errors.check(() => {
        if (!Token.isUnresolved(name) && !HOST_NAME.test(name)) {
          throw new GuardedPatternsError(`${subject}: domainNames entry '${name}' is not a lower-case host name; use a name such as 'cdn.example.com' (a leading '*.' is allowed).`);
        }
      });
    }
    errors.check(() => {
      if (domainNames.length > 0 && !props.certificate) {
        throw new GuardedPatternsError(`${subject}: domainNames (${domainNames.join(', ')}) need a certificate covering them; pass certificate (an ACM certificate in us-east-1).`);
      }
      if (props.certificate && domainNames.length === 0) {
        throw new GuardedPatternsError(`${subject}: certificate is given without domainNames; CloudFront serves a custom certificate only for its alternate domain names. Pass domainNames, or drop certificate.`);
      }
    });
    errors.check(() => {
      if (props.hostedZone && domainNames.length === 0) {
        throw new GuardedPatternsError(`${subject}: hostedZone is given without domainNames; pass the names to create alias records for.`);
      }
      if (props.hostedZone && !Token.isUnresolved(props.hostedZone.zoneName)) {
        const zone = props.hostedZone.zoneName.replace(/\.$/, '');
        const outside = domainNames.filter((n) => !Token.isUnresolved(n) && n !== zone && !n.endsWith(`.${zone}`));
        if (outside.length > 0) {
          throw new GuardedPatternsError(`${subject}: domainNames ${outside.join(', ')} are not in hostedZone ${zone}; use names under ${zone} or another zone.`);
        }
      }
    });
    if (props.certificate) {
      checkViewerCertificate(errors, subject, props.certificate, domainNames, 'domainNames');
    }
  }

  private createLogBucket(expiration: Duration, removal: Removal): s3.IBucket {
    const logBucket = new s3.Bucket(this, 'LogBucket', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      // Both deliveries write through the bucket policy: ACLs stay disabled.
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      versioned: true,
      lifecycleRules: [{ expiration, noncurrentVersionExpiration: Duration.days(1) }],
      ...removal.bucket,
    });
    const kmsReason = 'S3 server access logs can be delivered only to a bucket encrypted with SSE-S3, not SSE-KMS; this bucket receives them.';
    acknowledgeAll(logBucket, complianceRuleIds('S3DefaultEncryptionKMS'), kmsReason);
    const reason = 'This bucket is where the content bucket and the distribution write their access logs; logging it to itself would log its own log writes without end.';
    acknowledgeAll(logBucket, ['AwsSolutions-S1', ...complianceRuleIds('S3BucketLoggingEnabled')], reason);
    return logBucket;
  }

  /**
   * S3 server access logs of the content bucket, written through the log bucket's policy (never
   * an ACL grant, whatever the app's feature flags say), so the log bucket keeps ACLs disabled.
   */
  private logServerAccess(bucket: s3.Bucket): void {
    (bucket.node.defaultChild as s3.CfnBucket).loggingConfiguration = { destinationBucketName: this.logBucket.bucketName, logFilePrefix: 's3-access/' };
    this.logBucket.addToResourcePolicy(new iam.PolicyStatement({
      sid: 'S3ServerAccessLogsPolicy',
      principals: [new iam.ServicePrincipal('logging.s3.amazonaws.com')],
      actions: ['s3:PutObject'],
      resources: [this.logBucket.arnForObjects('s3-access/*')],
      conditions: { ArnLike: { 'aws:SourceArn': bucket.bucketArn }, StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } },
    }));
  }

  /**
   * CloudFront standard logging v2: a delivery source for the distribution's access logs, an S3
   * delivery destination for the log bucket, the delivery between them, and the bucket policy
   * statement that lets the log delivery service write there for this account's delivery sources.
   */
  private deliverAccessLogs(distribution: cloudfront.Distribution): logs.CfnDelivery {
    const stack = Stack.of(this);
    if (Token.isUnresolved(stack.region)) {
      new CfnRule(this, 'AccessLogsRegion', {
        assertions: [{
          assert: Fn.conditionEquals(Aws.REGION, LOG_DELIVERY_REGION),
          assertDescription: `SecureS3Cdn ${this.node.path}: CloudFront access logs (standard logging v2) can be set up only in ${LOG_DELIVERY_REGION}; `
            + 'deploy this stack there, or set accessLogging: false.',
        }],
      });
    }
    const name = Names.uniqueResourceName(this, { maxLength: 60, separator: '-' });
    const source = new logs.CfnDeliverySource(this, 'AccessLogsSource', {
      name,
      logType: 'ACCESS_LOGS',
      resourceArn: distribution.distributionArn,
    });
    const destination = new logs.CfnDeliveryDestination(this, 'AccessLogsDestination', {
      name,
      destinationResourceArn: this.logBucket.bucketArn,
    });
    const policy = this.logBucket.addToResourcePolicy(new iam.PolicyStatement({
      sid: 'AWSLogDeliveryWrite',
      principals: [new iam.ServicePrincipal('delivery.logs.amazonaws.com')],
      actions: ['s3:PutObject'],
      resources: [this.logBucket.arnForObjects('*')],
      conditions: {
        StringEquals: { 's3:x-amz-acl': 'bucket-owner-full-control', 'aws:SourceAccount': Aws.ACCOUNT_ID },
        ArnLike: { 'aws:SourceArn': `arn:${Aws.PARTITION}:logs:${LOG_DELIVERY_REGION}:${Aws.ACCOUNT_ID}:delivery-source:*` },
      },
    }));
    const delivery = new logs.CfnDelivery(this, 'AccessLogsDelivery', {
      deliverySourceName: source.name,
      deliveryDestinationArn: destination.attrArn,
    });
    delivery.node.addDependency(source);
    if (policy.policyDependable) {
      delivery.node.addDependency(policy.policyDependable);
    }
    Validations.of(distribution).acknowledge({
      id: 'AwsSolutions-CFR3',
      reason: 'Access logs are delivered through CloudFront standard logging v2 (AWS::Logs::DeliverySource, DeliveryDestination and Delivery to the log bucket), which this rule, reading only the legacy Logging property, does not see.',
    });
    return delivery;
  }
}
