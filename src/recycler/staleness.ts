/**
 * The staleness pass: per watched secret, how many running tasks of the services that read it
 * started before its current version. Pure functions, bundled into the handler.
 */
import { CURRENT_STAGE, ValueReference, sameSecret } from './references';

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

/** The service a task belongs to (its group), or undefined for a standalone task. */
export function serviceOfTask(task: TaskState): string | undefined {
  return task.group?.startsWith(SERVICE_GROUP) ? task.group.substring(SERVICE_GROUP.length) : undefined;
}

/**
 * A task is stale when it started before the value's current version: ECS read the value when
 * the task started. A task that has not started yet reads the current value when it does.
 */
export function isStale(task: TaskState, versionCreated: Date): boolean {
  return task.startedAt !== undefined && task.startedAt.getTime() < versionCreated.getTime();
}
