/**
 * The staleness pass: per watched secret or parameter, how many running tasks of the services that
 * read it started before its current value was written. Pure functions, bundled into the handler.
 */
import { CURRENT_STAGE, ValueReference, parseValueFrom, referenceMatches, sameSecret } from './references';

/** The source and detail type of the events an EventBridge schedule sends. */
export const SCHEDULE_SOURCE = 'aws.events';
export const SCHEDULED_EVENT = 'Scheduled Event';

/** Whether the event is the staleness schedule's, not a change. */
export function isScheduledEvent(event: { readonly 'source'?: string; readonly 'detail-type'?: string }): boolean {
  return event.source === SCHEDULE_SOURCE && event['detail-type'] === SCHEDULED_EVENT;
}

/** ECS names the task group of a service's tasks `service:<service name>`. */
const SERVICE_GROUP = 'service:';

/** One version of a secret, as ListSecretVersionIds reports it. */
export interface SecretVersion {
  readonly VersionStages?: string[];
  readonly CreatedDate?: Date;
}

/** One task, as DescribeTasks reports it. */
export interface TaskState {
  readonly group?: string;
  readonly startedAt?: Date;
}

/** When the secret's current value was written: its AWSCURRENT version's creation date. */
export function currentVersionCreated(versions: readonly SecretVersion[]): Date | undefined {
  return versions.find((v) => (v.VersionStages ?? []).includes(CURRENT_STAGE))?.CreatedDate;
}

/**
 * Whether a reference reads a watched secret that the recycler may know by a partial ARN (a
 * secret imported by name), or by its complete one.
 */
export function readsSecret(reference: ValueReference, watched: string): boolean {
  return reference.kind === 'secret' && reference.pinned === undefined
    && (sameSecret(reference.id, watched) || sameSecret(watched, reference.id));
}

/** One parameter, as GetParameters reports it. */
export interface ParameterState {
  readonly Name?: string;
  readonly ARN?: string;
  readonly LastModifiedDate?: Date;
}

/**
 * Whether a reference, made by a task in `region` and `account`, reads a watched parameter (its
 * name or ARN, as the recycler watches it). A reference with a version or label selector
 * (`name:3`, `name:label`) names another value and never matches: a pinned value never refreshes.
 */
export function readsParameter(reference: ValueReference, watched: string, region: string, account: string): boolean {
  const parsed = parseValueFrom(watched);
  return parsed?.kind === 'parameter' && reference.pinned === undefined
    && referenceMatches(reference, { kind: 'parameter', id: parsed.id, region: parsed.region, account: parsed.account, event: 'staleness pass' }, region, account);
}

/**
 * The parameter GetParameters returned for a requested name or ARN: SSM answers with the
 * parameter's name (a leading slash or not) and its ARN, whichever the request gave.
 */
export function returnedParameter<T extends ParameterState>(
  requested: string, returned: readonly T[], region: string, account: string,
): T | undefined {
  return returned.find((p) => {
    const reference = parseValueFrom(p.ARN ?? p.Name ?? '');
    return reference !== undefined && readsParameter(reference, requested, region, account);
  });
}

/** The service a task belongs to (its group), or undefined for a standalone task. */
export function serviceOfTask(task: TaskState): string | undefined {
  return task.group?.startsWith(SERVICE_GROUP) ? task.group.substring(SERVICE_GROUP.length) : undefined;
}

/**
 * A task is stale when it started before the value's current version (a secret's AWSCURRENT
 * version's creation, a parameter's last modification): ECS read the value when the task started.
 * A task that has not started yet reads the current value when it does.
 */
export function isStale(task: TaskState, versionCreated: Date): boolean {
  return task.startedAt !== undefined && task.startedAt.getTime() < versionCreated.getTime();
}
