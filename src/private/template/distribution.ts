import { Token, aws_certificatemanager as acm, aws_cloudfront as cloudfront, aws_s3 as s3 } from 'aws-cdk-lib';
import { ResourceIndex, literalString, resolved } from '../resource-index';
import { resourceAt } from './refs';

/**
 * What the CDN checks read from a CloudFront distribution, from its L1 resource. Shared by the
 * checks; not a check itself. `distributionConfig` is a nested structure that may hold tokens at
 * any level (aws-cdk-lib's Distribution makes the origins and behaviors lazy), so it is resolved
 * as a whole, and references in it are traced back to the resources they name.
 */

/** One cache behavior: `default` or its path pattern, and how it treats HTTP viewers. */
export interface Behavior {
  readonly name: string;
  readonly viewerProtocolPolicy: unknown;
  readonly cachePolicyId: unknown;
  readonly originRequestPolicyId: unknown;
  readonly forwardedValues: unknown;
}

/** The distribution's configuration as CloudFormation will see it (property names in camelCase). */
export function configOf(distribution: cloudfront.CfnDistribution): Record<string, any> {
  const config = resolved(distribution, distribution.distributionConfig);
  return typeof config === 'object' && config !== null ? config as Record<string, any> : {};
}

/** The default behavior and the others, in order. */
export function behaviorsOf(config: Record<string, any>): Behavior[] {
  const read = (b: any, name: string): Behavior => ({
    name,
    viewerProtocolPolicy: b?.viewerProtocolPolicy,
    cachePolicyId: b?.cachePolicyId,
    originRequestPolicyId: b?.originRequestPolicyId,
    forwardedValues: b?.forwardedValues,
  });
  const others = Array.isArray(config.cacheBehaviors) ? config.cacheBehaviors : [];
  return [
    ...(config.defaultCacheBehavior ? [read(config.defaultCacheBehavior, 'default')] : []),
    ...others.map((b: any) => read(b, typeof b?.pathPattern === 'string' ? `'${b.pathPattern}'` : 'a path pattern')),
  ];
}

/** A value of the unresolved configuration, walking plain objects only (a token stops the walk). */
export function rawField(distribution: cloudfront.CfnDistribution, ...path: string[]): unknown {
  let value: unknown = distribution.distributionConfig;
  for (const key of path) {
    if (typeof value !== 'object' || value === null || Token.isUnresolved(value)) {
      return undefined;
    }
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

/** An origin, with the bucket it reads from when it is an S3 bucket of the app. */
export interface Origin {
  readonly id: string;
  readonly bucket?: s3.CfnBucket;
  /** Whether it reads through an origin access identity (legacy). */
  readonly usesOai: boolean;
}

/** The distribution's origins. */
export function originsOf(distribution: cloudfront.CfnDistribution, index: ResourceIndex): Origin[] {
  const config = configOf(distribution);
  const origins = Array.isArray(config.origins) ? config.origins : [];
  return origins.map((o: any) => {
    const oai = o?.s3OriginConfig?.originAccessIdentity;
    return {
      id: typeof o?.id === 'string' ? o.id : '?',
      bucket: resourceAt<s3.CfnBucket>(distribution, o?.domainName, 'AWS::S3::Bucket', index),
      usesOai: oai !== undefined && oai !== '',
    };
  });
}

/** The viewer certificate a distribution names: a literal ARN, or a certificate of the app. */
export interface ViewerCertificate {
  readonly arn?: string;
  readonly certificate?: acm.CfnCertificate;
}

/** The distribution's viewer certificate; `undefined` where it names no ACM certificate. */
export function viewerCertificateOf(distribution: cloudfront.CfnDistribution, index: ResourceIndex): ViewerCertificate | undefined {
  const value = configOf(distribution).viewerCertificate?.acmCertificateArn;
  if (value === undefined) {
    return undefined;
  }
  return {
    arn: literalString(distribution, value),
    certificate: resourceAt<acm.CfnCertificate>(distribution, value, 'AWS::CertificateManager::Certificate', index,
      rawField(distribution, 'viewerCertificate', 'acmCertificateArn')),
  };
}

/** The server-side encryption algorithm a bucket applies by default, when the template says. */
export function bucketSseAlgorithm(bucket: s3.CfnBucket): string | undefined {
  const encryption = resolved(bucket, bucket.bucketEncryption) as any;
  const rules = Array.isArray(encryption?.serverSideEncryptionConfiguration) ? encryption.serverSideEncryptionConfiguration : [];
  const algorithm = rules[0]?.serverSideEncryptionByDefault?.sseAlgorithm;
  return typeof algorithm === 'string' ? algorithm : undefined;
}

/** The distributions that use a bucket as an origin. */
export function distributionsServing(bucket: s3.CfnBucket, index: ResourceIndex): cloudfront.CfnDistribution[] {
  return (index.ofType('AWS::CloudFront::Distribution') as cloudfront.CfnDistribution[])
    .filter((d) => d instanceof cloudfront.CfnDistribution && originsOf(d, index).some((o) => o.bucket === bucket));
}
