/**
 * Whether a change event names what a task definition's `valueFrom` reads. Pure functions: the
 * handler uses them on the strings ECS returns, the construct on the strings it synthesizes.
 * Parsing a `valueFrom` is the template kernel's (src/private/template/container-secrets.ts),
 * re-exported here with the rest of what the handler matches with.
 *
 * Kept free of aws-cdk-lib and the AWS SDK: the handler bundle imports it.
 */
import { ReferenceKind, ValueReference, parameterId, secretId } from '../private/template/container-secrets';

export { CURRENT_STAGE, parseValueFrom } from '../private/template/container-secrets';
export type { ReferenceKind, ValueReference } from '../private/template/container-secrets';

/** Secrets Manager appends a hyphen and six characters to every secret name in its ARN. */
const SECRET_SUFFIX_LENGTH = 7;

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
