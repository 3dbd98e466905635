/**
 * What a `valueFrom` with tokens in it (as aws-cdk-lib renders container definitions) reads: the
 * token-aware side of container-secrets.ts, which parses literal strings. SecretRotationRecycler
 * builds its event rule from it; the checks read whether a reference is pinned.
 */
import { CfnResource, Reference, Token, Tokenization, aws_rds as rds, aws_secretsmanager as secretsmanager, aws_ssm as ssm } from 'aws-cdk-lib';
import { ValueReference, parseValueFrom, pinnedVersion } from './container-secrets';
import { referencedResource } from '../resource-index';

/** What one `valueFrom` reads, as a rule that watches it for changes matches it. */
export interface WatchedValue {
  readonly kind: 'secret' | 'parameter';
  /**
   * Secrets: EventBridge matchers for the ARN (an exact ARN, or `{ prefix }` for a partial ARN).
   * Parameters: the names an event may carry.
   */
  readonly matchers: Array<string | { prefix: string }>;
  /** A version stage or ID that never refreshes. */
  readonly pinned?: string;
  /** How the reference is written, for messages. */
  readonly text: string;
}

/** A complete secret ARN ends in a hyphen and six characters that Secrets Manager adds. */
const FULL_SECRET_NAME = /-[A-Za-z0-9]{6}$/;

/** The L1 resource a token string refers to, when it is exactly one reference. */
function referenceTarget(value: string): CfnResource | undefined {
  const fragments = Tokenization.reverseString(value);
  const token = fragments.firstToken;
  if (fragments.length !== 1 || !token) {
    return undefined;
  }
  if (token instanceof Reference && CfnResource.isCfnResource(token.target)) {
    return token.target;
  }
  return referencedResource(value);
}

/**
 * Whether a token string is exactly the complete ARN of the secret RDS keeps a master password in
 * (`manageMasterUserPassword`): the `MasterUserSecret.SecretArn` attribute of a cluster or instance.
 */
function isManagedMasterUserSecret(value: string): boolean {
  const fragments = Tokenization.reverseString(value);
  const token = fragments.firstToken;
  return fragments.length === 1 && token instanceof Reference && token.displayName === 'MasterUserSecret.SecretArn'
    && (token.target instanceof rds.CfnDBCluster || token.target instanceof rds.CfnDBInstance);
}

/** A literal secret name in an ARN may be partial: match the complete ARNs that start with it. */
function secretMatcher(arn: string, name: string): string | { prefix: string } {
  return Token.isUnresolved(name) || !FULL_SECRET_NAME.test(name) ? { prefix: `${arn}-` } : arn;
}

/**
 * What one `valueFrom` (literal, or a string with tokens as aws-cdk-lib builds it) refers to.
 * `undefined` when it is known only at deploy time in a form that cannot be read (an import, a
 * template parameter holding a parameter name).
 */
export function watchedValue(valueFrom: string): WatchedValue | undefined {
  const [, , service, , , resource] = valueFrom.split(':');
  if (valueFrom.startsWith('arn:') && service === 'ssm' && resource?.startsWith('parameter')) {
    // Parsed here rather than by parseValueFrom: aws-cdk-lib writes `parameter${name}` for a name token.
    return { kind: 'parameter', matchers: parameterNames(valueFrom), text: valueFrom };
  }
  if (!Token.isUnresolved(valueFrom) || valueFrom.startsWith('arn:')) {
    const parsed: ValueReference | undefined = parseValueFrom(valueFrom);
    if (!parsed) {
      return undefined;
    }
    if (parsed.kind === 'secret') {
      const name = parsed.id.split(':')[6];
      return { kind: 'secret', matchers: [secretMatcher(parsed.id, name)], pinned: parsed.pinned, text: valueFrom };
    }
    return { kind: 'parameter', matchers: parameterNames(valueFrom), text: valueFrom };
  }
  const [head, ...suffix] = valueFrom.split(':');
  if (Tokenization.reverseString(head).firstToken === undefined) {
    // Text first, and not an ARN: a parameter name with a token in it, such as `/app/${stage}/db`.
    return { kind: 'parameter', matchers: [valueFrom], text: valueFrom };
  }
  // A token first: `${secret.secretArn}` with an optional `:json-key:stage:version` suffix.
  const target = referenceTarget(head);
  if (target instanceof ssm.CfnParameter && suffix.length === 0) {
    return { kind: 'parameter', matchers: [head], text: valueFrom };
  }
  if (target !== undefined && !(target instanceof secretsmanager.CfnSecret) && !isManagedMasterUserSecret(head)) {
    return undefined;
  }
  const [, stage, versionId] = suffix;
  return { kind: 'secret', matchers: [head], pinned: pinnedVersion(stage, versionId), text: valueFrom };
}

/** The names a Parameter Store event carries for a parameter referenced by `valueFrom`. */
function parameterNames(valueFrom: string): string[] {
  if (!valueFrom.startsWith('arn:')) {
    return [valueFrom];
  }
  const rest = valueFrom.split(':').slice(5).join(':').substring('parameter'.length);
  const name = rest.startsWith('/') ? rest.substring(1) : rest;
  if (Token.isUnresolved(name)) {
    // aws-cdk-lib writes `parameter${name}` for a name token that starts with a slash,
    // `parameter/${name}` for a simple one, and `parameter/app/${token}/db` for a name built with one.
    const fragments = Tokenization.reverseString(name);
    const wholeToken = fragments.length === 1 && fragments.firstToken !== undefined;
    return !rest.startsWith('/') || wholeToken ? [name] : [`/${name}`];
  }
  // The ARN drops the leading slash: `parameter/app/db` is `/app/db`; `parameter/db` is `db` or `/db`.
  return name.includes('/') ? [`/${name}`] : [name, `/${name}`];
}
