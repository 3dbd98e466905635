import { asList } from './json';

/**
 * The secrets and parameters an ECS container definition reads, and what a `valueFrom` names.
 * Pure functions over container definitions as ECS returns them, as CloudFormation holds them or
 * as aws-cdk-lib renders them (tokens in place, where a token never contains a colon, so
 * splitting on colons keeps each token whole). Kept free of aws-cdk-lib and the AWS SDK: the
 * recycler's handler bundle imports it.
 */

/** The part of a container definition that holds references, as ECS and CloudFormation spell it. */
export interface ContainerReferences {
  readonly name?: unknown;
  readonly secrets?: unknown;
  readonly logConfiguration?: { readonly secretOptions?: unknown };
}

/** A secret or parameter that ECS injects into a container when its task starts. */
export interface ContainerSecret {
  /** The container's name (`?` where it has none). */
  readonly container: string;
  /** The environment variable or log option it fills. */
  readonly name: string;
  /** Where it is read from, as the container definition holds it (a string, or resolved JSON). */
  readonly valueFrom: unknown;
}

/**
 * Every secret a container reads: `secrets` and the log driver's `secretOptions`, which ECS reads
 * the same way at task start (and a rotation must reach them both).
 */
export function secretsOf(container: ContainerReferences): ContainerSecret[] {
  const name = typeof container.name === 'string' ? container.name : '?';
  return [...asList(container.secrets), ...asList(container.logConfiguration?.secretOptions)]
    .map((s: any) => ({ container: name, name: String(s?.name), valueFrom: s?.valueFrom }));
}

/** Every `valueFrom` string of a task definition's containers, in order. */
export function valueFromsOf(containers: readonly ContainerReferences[]): string[] {
  return containers.flatMap(secretsOf).map((s) => s.valueFrom).filter((v): v is string => typeof v === 'string');
}

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
    return {
      kind: 'secret',
      id: secretId(valueFrom),
      jsonKey: jsonKey || undefined,
      pinned: pinnedVersion(stage, versionId),
    };
  }
  const resource = fields.slice(5).join(':');
  if (service === 'ssm' && resource.startsWith('parameter/')) {
    return { kind: 'parameter', id: parameterId(resource.substring('parameter/'.length)), region, account };
  }
  return undefined;
}

/**
 * How a secret reference's version stage and version ID pin it, for messages; `undefined` when it
 * follows AWSCURRENT, the only reference a rotation reaches.
 */
export function pinnedVersion(stage: string | undefined, versionId: string | undefined): string | undefined {
  if (versionId) {
    return `version ID ${versionId}`;
  }
  return stage && stage !== CURRENT_STAGE ? `version stage ${stage}` : undefined;
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
 * The part of a Secrets Manager reference after the secret ARN, `[jsonKey, versionStage,
 * versionId]`: ECS reads `arn:…:secret:name:json-key:version-stage:version-id`.
 */
export function secretSuffix(valueFrom: unknown): string[] {
  if (typeof valueFrom === 'string') {
    return valueFrom.split(':').slice(7);
  }
  const join = (valueFrom as any)?.['Fn::Join'];
  if (Array.isArray(join) && join[0] === '' && Array.isArray(join[1])) {
    const last = join[1][join[1].length - 1];
    if (typeof last === 'string' && last.startsWith(':') && join[1].length > 1) {
      return last.split(':').slice(1);
    }
  }
  return [];
}

/**
 * What identifies a secret in a resolved reference or policy resource: the ARN without the
 * JSON key, stage and version, so that a policy statement and the reference it serves compare equal.
 */
export function secretKey(value: unknown): string {
  if (typeof value === 'string') {
    return value.startsWith('arn:') ? secretId(value) : value;
  }
  const join = (value as any)?.['Fn::Join'];
  if (secretSuffix(value).length > 0 && Array.isArray(join)) {
    const parts = join[1].slice(0, -1);
    return JSON.stringify(parts.length === 1 ? parts[0] : { 'Fn::Join': ['', parts] });
  }
  return JSON.stringify(value);
}
