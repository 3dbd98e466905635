/**
 * Decides, per ECS service, whether a change calls for a new deployment. Pure functions, bundled
 * into the handler.
 */
import { Change, ValueReference, parseValueFrom, referenceMatches, valueFromsOf, ContainerReferences } from './references';

/** What the handler knows of a service from DescribeServices. */
export interface ServiceState {
  readonly serviceArn: string;
  readonly clusterArn: string;
  readonly taskDefinition: string;
  readonly status?: string;
  readonly deploymentController?: string;
  readonly deployments: ReadonlyArray<{ readonly status?: string; readonly rolloutState?: string }>;
}

/** What happens to one service. */
export type Decision =
  | { readonly action: 'recycle' }
  | { readonly action: 'skip'; readonly reason: string };

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
    return { action: 'skip', reason: `the ${controller} deployment controller does not take forced deployments; start a deployment with it` };
  }
  if (service.deployments.length > 1 || service.deployments.some((d) => d.rolloutState === 'IN_PROGRESS')) {
    return { action: 'skip', reason: 'a deployment is already in progress' };
  }
  return { action: 'recycle' };
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
