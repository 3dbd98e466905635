/**
 * What a task definition's `secrets[].valueFrom` (or a log configuration's `secretOptions[].valueFrom`)
 * points at, and how a change event names the same thing. Pure functions: the handler uses them on
 * the strings ECS returns, the construct on the strings it synthesizes (where a token never
 * contains a colon, so splitting on colons keeps each token whole).
 *
 * Kept free of aws-cdk-lib and the AWS SDK: the handler bundle imports it.
 */

/** The kind of value a reference reads. */
export type ReferenceKind = 'secret' | 'parameter';

/** A parsed `valueFrom`. */
export interface ValueReference {
  readonly kind: ReferenceKind;
  /**
   * Secrets: the first seven fields of the ARN (`arn:partition:secretsmanager:region:account:secret:name`),
   * which name the secret whatever JSON key, stage or version follow.
   * Parameters: the name without its leading slash.
   */
  readonly id: string;
  /** The JSON key a secret reference reads, if any. */
  readonly jsonKey?: string;
  /** A version stage or version ID that is not the current one: the reference never refreshes. */
  readonly pinned?: string;
  /** Parameters referenced by ARN: the region and account in the ARN. */
  readonly region?: string;
  readonly account?: string;
}

/** The version stage Secrets Manager moves to a new value when it becomes current. */
export const CURRENT_STAGE = 'AWSCURRENT';

/** Secrets Manager appends a hyphen and six characters to every secret name in its ARN. */
const SECRET_SUFFIX_LENGTH = 7;

/**
 * Parses a `valueFrom`: a Secrets Manager ARN with an optional `:json-key:version-stage:version-id`
 * suffix, an SSM parameter ARN, or (in the task's own region) an SSM parameter name.
 * `undefined` for what is neither (an empty string, an ARN of another service).
 */
export function parseValueFrom(valueFrom: string): ValueReference | undefined {
  if (valueFrom.length === 0) {
    return undefined;
  }
  if (!valueFrom.startsWith('arn:')) {
    return { kind: 'parameter', id: parameterId(valueFrom) };
  }
  const fields = valueFrom.split(':');
  const [, , service, region, account, resourceType] = fields;
  if (service === 'secretsmanager' && resourceType === 'secret' && fields.length >= 7) {
    const [jsonKey, stage, versionId] = fields.slice(7);
    const pinnedStage = stage && stage !== CURRENT_STAGE ? `version stage ${stage}` : undefined;
    const pinnedVersion = versionId ? `version ID ${versionId}` : undefined;
    return {
      kind: 'secret',
      id: fields.slice(0, 7).join(':'),
      jsonKey: jsonKey || undefined,
      pinned: pinnedVersion ?? pinnedStage,
    };
  }
  const resource = fields.slice(5).join(':');
  if (service === 'ssm' && resource.startsWith('parameter/')) {
    return { kind: 'parameter', id: parameterId(resource.substring('parameter/'.length)), region, account };
  }
  return undefined;
}

/**
 * How parameters are compared: by name without the leading slash, because a parameter ARN drops
 * it (`/app/db` is `parameter/app/db`) while names and events keep it.
 */
export function parameterId(name: string): string {
  return name.replace(/^\/+/, '');
}

/** The first seven fields of a secret ARN; the whole string when it has fewer. */
export function secretId(arn: string): string {
  return arn.split(':').slice(0, 7).join(':');
}

/**
 * Whether a reference's secret ARN names the changed secret. A reference may use a partial ARN
 * (without the six-character suffix); the change always carries the complete one.
 */
export function sameSecret(referenceId: string, changedArn: string): boolean {
  const changed = secretId(changedArn);
  return referenceId === changed
    || (changed.length === referenceId.length + SECRET_SUFFIX_LENGTH && changed.startsWith(`${referenceId}-`));
}

/** A change to a secret or a parameter, as the handler acts on it. */
export interface Change {
  readonly kind: ReferenceKind;
  /** The secret's ARN, or the parameter's name. */
  readonly id: string;
  /** Where the parameter lives (parameters only). */
  readonly region?: string;
  readonly account?: string;
  /** The event that reported it, for the logs. */
  readonly event: string;
  /** When it changed: the event's `time` (ISO 8601, whole seconds). */
  readonly time?: string;
}

/** Whether a reference, made by a task in `region` and `account`, reads the changed value. */
export function referenceMatches(reference: ValueReference, change: Change, region: string, account: string): boolean {
  if (reference.kind !== change.kind) {
    return false;
  }
  if (reference.kind === 'secret') {
    return sameSecret(reference.id, change.id);
  }
  const changeRegion = change.region ?? region;
  const changeAccount = change.account ?? account;
  return reference.id === parameterId(change.id)
    && (reference.region ?? region) === changeRegion
    && (reference.account ?? account) === changeAccount;
}

/** The part of a container definition that holds references, as ECS and CloudFormation spell it. */
export interface ContainerReferences {
  readonly secrets?: Array<{ readonly valueFrom?: string }>;
  readonly logConfiguration?: { readonly secretOptions?: Array<{ readonly valueFrom?: string }> };
}

/** Every `valueFrom` of a task definition's containers: secrets and log secret options. */
export function valueFromsOf(containers: readonly ContainerReferences[]): string[] {
  return containers.flatMap((c) => [
    ...(c.secrets ?? []).map((s) => s.valueFrom),
    ...(c.logConfiguration?.secretOptions ?? []).map((s) => s.valueFrom),
  ]).filter((v): v is string => typeof v === 'string');
}
