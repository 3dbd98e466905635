import { Stack, aws_s3 as s3 } from 'aws-cdk-lib';
import { ResourceIndex, literalString, resolved } from '../../private/resource-index';
import { distributionsServing } from '../../private/template/distribution';
import { asList, logicalIdOf } from '../../private/template/json';
import { resourceWithLogicalId } from '../../private/template/refs';
import { defineCheck } from '../check';
import { CheckLevel } from '../check-info';
import { pathOf } from '../embed';

/** The actions that read an object's content, in a bucket with or without versioning. */
const READ_ACTIONS = ['s3:GetObject', 's3:GetObjectVersion'];
const PUBLIC_ACCESS_FLAGS = ['blockPublicAcls', 'blockPublicPolicy', 'ignorePublicAcls', 'restrictPublicBuckets'];
/** Canned ACLs that let others read: anyone, or any AWS account's authenticated user. */
const READABLE_ACLS = ['PublicRead', 'PublicReadWrite', 'AuthenticatedRead'];
/** The condition operators under which an `aws:SourceArn` value restricts the request to that value. */
const PINNING_OPERATORS = ['stringequals', 'stringequalsignorecase', 'stringlike', 'arnequals', 'arnlike'];
/** A distribution's ARN with nothing left open: partition, account and distribution id all literal. */
const DISTRIBUTION_ARN = /^arn:aws(-[a-z]+)*:cloudfront::\d{12}:distribution\/[A-Za-z0-9]+$/;

/** Whether an IAM action pattern (`*` and `?` wildcards, any case) matches an action. */
function actionMatches(pattern: unknown, action: string): boolean {
  if (typeof pattern !== 'string') {
    return false;
  }
  const regex = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${regex}$`, 'i').test(action);
}

/** Whether an Allow statement's actions (or everything outside its NotAction) include reading objects. */
export function grantsRead(statement: any): boolean {
  if (statement?.NotAction !== undefined) {
    const excluded = asList(statement.NotAction);
    return READ_ACTIONS.some((action) => !excluded.some((pattern) => actionMatches(pattern, action)));
  }
  return asList(statement?.Action).some((pattern) => READ_ACTIONS.some((action) => actionMatches(pattern, action)));
}

/**
 * Whether a resolved `aws:SourceArn` value names exactly one distribution: a literal ARN without
 * wildcards, or an expression that references a distribution of the app (in this stack, or
 * exported by another) and has no wildcard in its literal parts.
 */
export function pinsDistribution(value: unknown, stack: Stack, index: ResourceIndex): boolean {
  if (typeof value === 'string') {
    return DISTRIBUTION_ARN.test(value);
  }
  const literals: string[] = [];
  let references = false;
  const walk = (node: unknown): void => {
    if (typeof node === 'string') {
      literals.push(node);
    } else if (Array.isArray(node)) {
      node.forEach(walk);
    } else if (typeof node === 'object' && node !== null) {
      const record = node as Record<string, unknown>;
      const target = logicalIdOf(record);
      if (target !== undefined) {
        references ||= resourceWithLogicalId(stack, target, 'AWS::CloudFront::Distribution', index) !== undefined;
        return;
      }
      if (record['Fn::ImportValue'] !== undefined) {
        references = true;
        return;
      }
      Object.values(record).forEach(walk);
    }
  };
  walk(value);
  return references && !literals.some((l) => l.includes('*') || l.includes('?'));
}

function pinnedToDistribution(statement: any, stack: Stack, index: ResourceIndex): boolean {
  const condition = statement?.Condition;
  if (typeof condition !== 'object' || condition === null) {
    return false;
  }
  return Object.entries(condition).some(([operator, clause]) => PINNING_OPERATORS.includes(operator.toLowerCase())
    && typeof clause === 'object' && clause !== null
    && Object.entries(clause).some(([key, values]) => key.toLowerCase() === 'aws:sourcearn'
      && asList(values).length > 0 && asList(values).every((v) => pinsDistribution(v, stack, index))));
}

function hasSourceArnCondition(statement: any): boolean {
  const condition = statement?.Condition;
  return typeof condition === 'object' && condition !== null && Object.values(condition).some((clause) => typeof clause === 'object' && clause !== null
    && Object.keys(clause).some((key) => key.toLowerCase() === 'aws:sourcearn'));
}

/** Who besides the serving distribution a bucket policy statement lets read objects; `undefined` when no one. */
export function unscopedReader(statement: any, stack: Stack, index: ResourceIndex): string | undefined {
  if (statement?.Effect !== 'Allow' || !grantsRead(statement) || pinnedToDistribution(statement, stack, index)) {
    return undefined;
  }
  const loose = hasSourceArnCondition(statement) ? 'with an AWS:SourceArn condition that does not name one distribution' : 'without an AWS:SourceArn condition';
  const principal = statement.Principal;
  const aws = typeof principal === 'object' && principal !== null ? asList(principal.AWS) : [];
  if (principal === '*' || aws.includes('*')) {
    return hasSourceArnCondition(statement) ? `anyone (Principal *, ${loose})` : 'anyone (Principal *)';
  }
  const services = typeof principal === 'object' && principal !== null ? asList(principal.Service) : [];
  if (services.includes('cloudfront.amazonaws.com')) {
    return `every CloudFront distribution, in any account (cloudfront.amazonaws.com ${loose})`;
  }
  return undefined;
}

/**
 * A bucket behind CloudFront that others can read directly.
 */
export const CdnBucketExposed = defineCheck({
  suffix: 'CdnBucketExposed',
  level: CheckLevel.ERROR,
  title: 'An S3 bucket behind CloudFront that can be read other than through its distribution: public access not blocked, a public or authenticated-read ACL, or a bucket policy that lets anyone or every distribution read objects (s3:GetObject or s3:GetObjectVersion, wildcards included) without an AWS:SourceArn condition naming one distribution.',
  reason: 'Files meant to be served through CloudFront (with its TLS, headers, WAF and logs) can then be fetched from S3 directly, or through someone else\'s distribution.',
  source: 'https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/private-content-restricting-access-to-s3.html',
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
    if (acl !== undefined && READABLE_ACLS.includes(acl)) {
      messages.push(`${subject}: the bucket ACL is ${acl}. Remove accessControl and keep ACLs disabled (objectOwnership BUCKET_OWNER_ENFORCED).`);
    }
    for (const policy of index.referencing<s3.CfnBucketPolicy>('AWS::S3::BucketPolicy', bucket, 'bucket')) {
      const document = resolved(policy, policy.policyDocument) as any;
      for (const statement of asList(document?.Statement)) {
        const reader = unscopedReader(statement, Stack.of(policy), index);
        if (reader) {
          messages.push(`${subject}: bucket policy '${pathOf(policy)}' lets ${reader} read objects. `
            + 'Grant s3:GetObject only to cloudfront.amazonaws.com with an AWS:SourceArn condition naming the distribution (origin access control).');
        }
      }
    }
    return messages;
  },
});
