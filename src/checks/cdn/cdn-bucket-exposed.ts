import { aws_s3 as s3 } from 'aws-cdk-lib';
import { literalString, resolved } from '../../private/resource-index';
import { defineCheck } from '../check';
import { CheckLevel } from '../check-info';
import { pathOf } from '../embed';
import { distributionsServing } from './distribution';

const READ_ACTIONS = new Set(['s3:getobject', 's3:getobject*', 's3:get*', 's3:*', '*']);
const PUBLIC_ACCESS_FLAGS = ['blockPublicAcls', 'blockPublicPolicy', 'ignorePublicAcls', 'restrictPublicBuckets'];

function asList(value: unknown): unknown[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

function hasSourceArnCondition(statement: any): boolean {
  const condition = statement?.Condition;
  if (typeof condition !== 'object' || condition === null) {
    return false;
  }
  return Object.values(condition).some((clause) => typeof clause === 'object' && clause !== null
    && Object.keys(clause).some((key) => key.toLowerCase() === 'aws:sourcearn'));
}

/** Who besides the serving distribution a bucket policy statement lets read objects; `undefined` when no one. */
export function unscopedReader(statement: any): string | undefined {
  if (statement?.Effect !== 'Allow' || !asList(statement.Action).some((a) => typeof a === 'string' && READ_ACTIONS.has(a.toLowerCase()))) {
    return undefined;
  }
  const principal = statement.Principal;
  const aws = typeof principal === 'object' && principal !== null ? asList(principal.AWS) : [];
  if ((principal === '*' || aws.includes('*')) && !hasSourceArnCondition(statement)) {
    return 'anyone (Principal *)';
  }
  const services = typeof principal === 'object' && principal !== null ? asList(principal.Service) : [];
  if (services.includes('cloudfront.amazonaws.com') && !hasSourceArnCondition(statement)) {
    return 'every CloudFront distribution, in any account (cloudfront.amazonaws.com without an AWS:SourceArn condition)';
  }
  return undefined;
}

/**
 * A bucket behind CloudFront that others can read directly.
 */
export const CdnBucketExposed = defineCheck({
  suffix: 'CdnBucketExposed',
  level: CheckLevel.ERROR,
  title: 'An S3 bucket behind CloudFront that can be read other than through its distribution: public access not blocked, a public ACL, or a bucket policy open to anyone or to every distribution.',
  reason: 'Files meant to be served through CloudFront (with its TLS, headers, WAF and logs) can then be fetched from S3 directly, or through someone else\'s distribution.',
  source: 'https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/private-content-restricting-access-to-s3.html',
  patterns: ['SecureS3Cdn'],
  appliesTo: [s3.CfnBucket],
  inspect(bucket, index) {
    const distributions = distributionsServing(bucket, index);
    if (distributions.length === 0) {
      return [];
    }
    const subject = `Bucket '${pathOf(bucket)}' (origin of '${distributions.map((d) => pathOf(d)).join("', '")}')`;
    const messages: string[] = [];
    const block = resolved(bucket, bucket.publicAccessBlockConfiguration) as Record<string, unknown> | undefined;
    const open = PUBLIC_ACCESS_FLAGS.filter((flag) => block !== undefined && block[flag] === false);
    if (open.length > 0) {
      messages.push(`${subject}: public access is not blocked (${open.join(', ')} false). Use blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL.`);
    }
    const acl = literalString(bucket, bucket.accessControl);
    if (acl !== undefined && acl.startsWith('Public')) {
      messages.push(`${subject}: the bucket ACL is ${acl}. Remove accessControl and keep ACLs disabled (objectOwnership BUCKET_OWNER_ENFORCED).`);
    }
    for (const policy of index.referencing<s3.CfnBucketPolicy>('AWS::S3::BucketPolicy', bucket, 'bucket')) {
      const document = resolved(policy, policy.policyDocument) as any;
      for (const statement of asList(document?.Statement)) {
        const reader = unscopedReader(statement);
        if (reader) {
          messages.push(`${subject}: bucket policy '${pathOf(policy)}' lets ${reader} read objects. `
            + 'Grant s3:GetObject only to cloudfront.amazonaws.com with an AWS:SourceArn condition naming the distribution (origin access control).');
        }
      }
    }
    return messages;
  },
});
