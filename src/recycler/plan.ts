/**
 * Decides, per ECS service, whether a change calls for a new deployment. Pure functions, bundled
 * into the handler.
 */
import { Change, ValueReference, parseValueFrom, referenceMatches } from './references';
import { ContainerReferences, valueFromsOf } from '../private/template/container-secrets';

/** One of a service's deployments, as DescribeServices reports it. */
export interface DeploymentState {
  readonly id?: string;
  /** PRIMARY (the most recent), ACTIVE (being replaced) or INACTIVE. */
  readonly status?: string;
  /** IN_PROGRESS, COMPLETED or FAILED (rolling-update services only). */
  readonly rolloutState?: string;
  readonly createdAt?: Date;
}

/** What the handler knows of a service from DescribeServices. */
export interface ServiceState {
  readonly serviceArn: string;
  readonly clusterArn: string;
  readonly taskDefinition: string;
  readonly status?: string;
  readonly deploymentController?: string;
  readonly deployments: readonly DeploymentState[];
}

/**
 * What happens to one service: a new deployment; nothing, with the reason (its tasks already read
 * the new value, or never will); or a failure, when the recycler cannot bring it to the new value.
 */
export type Decision =
  | { readonly action: 'recycle'; readonly reason?: string }
  | { readonly action: 'skip'; readonly reason: string }
  | { readonly action: 'fail'; readonly reason: string };

/**
 * The first instant that is certainly after the change: EventBridge's `time` has whole seconds, so
 * the change may have happened up to a second later than it says.
 */
export function certainlyAfter(time: string | undefined): Date | undefined {
  const at = time === undefined ? NaN : Date.parse(time);
  return Number.isNaN(at) ? undefined : new Date(Math.floor(at / 1000) * 1000 + 1000);
}

/** The references of a task definition's containers. */
export function referencesOf(containers: readonly ContainerReferences[]): ValueReference[] {
  return valueFromsOf(containers).map(parseValueFrom).filter((r): r is ValueReference => r !== undefined);
}

/**
 * The decision for one service whose task definition holds `references`; `undefined` when none
 * of them reads the changed value (the service is not concerned).
 */
export function decide(
  service: ServiceState, references: readonly ValueReference[], change: Change, region: string, account: string,
): Decision | undefined {
  const matching = references.filter((r) => referenceMatches(r, change, region, account));
  if (matching.length === 0) {
    return undefined;
  }
  const refreshing = matching.filter((r) => r.pinned === undefined);
  if (refreshing.length === 0) {
    return { action: 'skip', reason: `its task definition pins ${matching.map((r) => r.pinned).join(', ')}: a new deployment would read the same value` };
  }
  if (service.status !== undefined && service.status !== 'ACTIVE') {
    return { action: 'skip', reason: `the service is ${service.status}` };
  }
  const controller = service.deploymentController ?? 'ECS';
  if (controller !== 'ECS') {
    // Its running tasks keep the old value: a failure, so that the event reaches the dead-letter queue and its alarm.
    return { action: 'fail', reason: `the ${controller} deployment controller does not take forced deployments, so its tasks keep the old value; start a deployment with it` };
  }
  // A deployment that started after the change starts every task anew, each reading the new value.
  const primary = service.deployments.find((d) => d.status === 'PRIMARY');
  const after = certainlyAfter(change.time);
  if (primary?.createdAt && after && primary.createdAt.getTime() >= after.getTime() && primary.rolloutState !== 'FAILED') {
    return {
      action: 'skip',
      reason: `deployment ${primary.id ?? '(no id)'} started at ${primary.createdAt.toISOString()}, after the change (${change.time}): its tasks read the new value`,
    };
  }
  // UpdateService with forceNewDeployment replaces a deployment in progress (it becomes ACTIVE and its tasks are replaced).
  const inProgress = service.deployments.some((d) => d.rolloutState === 'IN_PROGRESS') || service.deployments.length > 1;
  return inProgress ? { action: 'recycle', reason: 'supersedes the deployment in progress, which started before the change' } : { action: 'recycle' };
}

/** Splits `items` into batches of at most `size`. */
export function batches<T>(items: readonly T[], size: number): T[][] {
  const result: T[][] = [];
  for (let i = 0; i < items.length; i += size) {
    result.push(items.slice(i, i + size));
  }
  return result;
}

/**
 * The delay before retry number `attempt` (0 for the first retry): "full jitter", a random time
 * up to an exponentially growing cap, so that throttled callers spread out.
 * @see https://aws.amazon.com/blogs/architecture/exponential-backoff-and-jitter/
 */
export function backoffMs(attempt: number, random: number, baseMs = 100, capMs = 5_000): number {
  return Math.floor(random * Math.min(capMs, baseMs * 2 ** attempt));
}
