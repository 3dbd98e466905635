/**
 * SecretRotationRecycler's handler: on a secret or parameter change, forces a new deployment of
 * exactly the ECS services (in the watched clusters) whose task definitions read the changed value.
 *
 * Environment: CLUSTERS (JSON list of cluster ARNs or names), ACCOUNT_ID (their account), DRY_RUN
 * ('true' to log the plan only), METRICS_NAMESPACE.
 */
import {
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  ECSClient,
  ListServicesCommand,
  Service,
  UpdateServiceCommand,
} from '@aws-sdk/client-ecs';
import { ChangeEvent, parseChangeEvent } from './change-event';
import { RECYCLER_METRICS_DIMENSION, RECYCLER_METRICS_NAMESPACE, RECYCLER_METRIC_NAMES } from './metrics';
import { Decision, ServiceState, backoffMs, batches, decide, referencesOf } from './plan';
import { Change, ValueReference } from './references';
import { ContainerReferences } from '../private/template/container-secrets';

/** DescribeServices takes at most 10 services per call. */
const DESCRIBE_BATCH = 10;
/** ListServices returns at most 100 per page. */
const LIST_PAGE = 100;
/** How many ECS calls run at once. */
const CONCURRENCY = 4;
/** Attempts per ECS call when ECS throttles. */
const MAX_ATTEMPTS = 8;

/** How one service ended ('inactive': DRAINING or INACTIVE, being deleted, left alone). */
export type Outcome = 'recycled' | 'planned' | 'skipped' | 'failed' | 'inactive';

/** What the invocation did. */
export interface RecycleSummary {
  readonly change?: Change;
  readonly ignored?: string;
  readonly dryRun: boolean;
  readonly servicesScanned: number;
  readonly taskDefinitionsRead: number;
  readonly recycled: number;
  readonly planned: number;
  readonly skipped: number;
  readonly failed: number;
  readonly inactive: number;
}

/** What the handler needs besides the event. */
export interface RecycleConfig {
  readonly ecs: ECSClient;
  readonly clusters: string[];
  readonly dryRun: boolean;
  readonly region: string;
  /** The account of the clusters: parameters referenced by name live there. */
  readonly account: string;
  readonly metricsNamespace: string;
  /** Waits between retries; tests pass one that returns at once. */
  readonly sleep?: (ms: number) => Promise<void>;
  readonly random?: () => number;
  readonly log?: (line: string) => void;
}

/** Throttling, server errors and dropped connections: worth another attempt after a wait. */
function isRetryable(error: any): boolean {
  return ['ThrottlingException', 'TooManyRequestsException', 'TimeoutError'].includes(error?.name)
    || ['ECONNRESET', 'ETIMEDOUT', 'EPIPE'].includes(error?.code)
    || error?.$retryable !== undefined
    || (error?.$metadata?.httpStatusCode ?? 0) >= 500;
}

/** Runs `items` through `fn`, at most `limit` at a time, keeping the order. */
async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

function message(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/**
 * Recycles the services that read the changed value. Never throws for one service's failure:
 * every outcome is logged, and the summary counts them.
 */
export async function recycle(event: ChangeEvent, config: RecycleConfig): Promise<RecycleSummary> {
  const sleep = config.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const random = config.random ?? Math.random;
  const log = config.log ?? ((line: string) => console.log(line));
  const write = (entry: Record<string, unknown>) => log(JSON.stringify(entry));

  const call = async <T>(what: string, send: () => Promise<T>): Promise<T> => {
    for (let attempt = 0; ; attempt++) {
      try {
        return await send();
      } catch (error) {
        if (!isRetryable(error) || attempt + 1 >= MAX_ATTEMPTS) {
          throw error;
        }
        const delay = backoffMs(attempt, random());
        write({ level: 'debug', message: 'retrying', call: what, attempt: attempt + 1, delayMs: delay, error: message(error) });
        await sleep(delay);
      }
    }
  };

  const counts = { recycled: 0, planned: 0, skipped: 0, failed: 0, inactive: 0, servicesScanned: 0, taskDefinitionsRead: 0 };
  const parsed = parseChangeEvent(event);
  const finish = (change: Change | undefined, ignored?: string): RecycleSummary => {
    const summary: RecycleSummary = { change, ignored, dryRun: config.dryRun, ...counts };
    write({
      level: counts.failed > 0 ? 'error' : 'info',
      message: 'summary',
      ...summary,
      // CloudWatch Embedded Metric Format: CloudWatch Logs turns these fields into metrics.
      _aws: {
        Timestamp: Date.now(),
        CloudWatchMetrics: [{
          Namespace: config.metricsNamespace,
          Dimensions: [[RECYCLER_METRICS_DIMENSION]],
          Metrics: Object.values(RECYCLER_METRIC_NAMES).map((name) => ({ Name: name, Unit: 'Count' })),
        }],
      },
      [RECYCLER_METRICS_DIMENSION]: process.env.AWS_LAMBDA_FUNCTION_NAME ?? 'local',
      [RECYCLER_METRIC_NAMES.recycled]: counts.recycled,
      [RECYCLER_METRIC_NAMES.skipped]: counts.skipped,
      [RECYCLER_METRIC_NAMES.failed]: counts.failed,
    });
    return summary;
  };
  if ('ignored' in parsed) {
    return finish(undefined, parsed.ignored);
  }
  const change = parsed.change;

  type Subject = { serviceArn?: string; clusterArn: string; taskDefinition?: string };
  const outcome = (result: Outcome, service: Subject, extra: Record<string, unknown>) => {
    counts[result]++;
    const { serviceArn, clusterArn, taskDefinition } = service;
    write({ level: result === 'failed' ? 'error' : 'info', message: `service ${result}`, outcome: result, serviceArn, clusterArn, taskDefinition, change, dryRun: config.dryRun, ...extra });
  };

  const taskDefinitions = new Map<string, Promise<ValueReference[]>>();
  const referencesFor = (arn: string) => {
    let pending = taskDefinitions.get(arn);
    if (!pending) {
      counts.taskDefinitionsRead++;
      pending = call('DescribeTaskDefinition', () => config.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: arn })))
        .then((r) => referencesOf((r.taskDefinition?.containerDefinitions ?? []) as ContainerReferences[]));
      taskDefinitions.set(arn, pending);
    }
    return pending;
  };

  for (const cluster of config.clusters) {
    const serviceArns: string[] = [];
    try {
      let nextToken: string | undefined;
      do {
        const page = await call('ListServices', () => config.ecs.send(new ListServicesCommand({ cluster, nextToken, maxResults: LIST_PAGE })));
        serviceArns.push(...(page.serviceArns ?? []));
        nextToken = page.nextToken;
      } while (nextToken);
    } catch (error) {
      // Services of this cluster may read the value: the invocation fails so that the event is kept.
      outcome('failed', { clusterArn: cluster }, { error: `listing the cluster's services failed: ${message(error)}` });
      continue;
    }
    counts.servicesScanned += serviceArns.length;

    const described = await mapLimit(batches(serviceArns, DESCRIBE_BATCH), CONCURRENCY, async (batch) => {
      try {
        const result = await call('DescribeServices', () => config.ecs.send(new DescribeServicesCommand({ cluster, services: batch })));
        for (const failure of result.failures ?? []) {
          if (failure.reason === 'MISSING') {
            // Deleted since ListServices: no task of it is left to read the value.
            write({ level: 'info', message: 'service not found', serviceArn: failure.arn, clusterArn: cluster, change });
          } else {
            outcome('failed', { serviceArn: failure.arn, clusterArn: cluster }, { error: `DescribeServices: ${failure.reason} ${failure.detail ?? ''}`.trim() });
          }
        }
        return result.services ?? [];
      } catch (error) {
        for (const serviceArn of batch) {
          outcome('failed', { serviceArn, clusterArn: cluster }, { error: `DescribeServices failed: ${message(error)}` });
        }
        return [] as Service[];
      }
    });

    const states: ServiceState[] = [];
    for (const s of described.flat()) {
      if (s.status !== 'ACTIVE') {
        // DRAINING or INACTIVE: being deleted; ECS starts no task for it (UpdateService would fail).
        outcome('inactive', { serviceArn: s.serviceArn, clusterArn: s.clusterArn ?? cluster, taskDefinition: s.taskDefinition }, { status: s.status ?? '(none)' });
      } else if (!s.serviceArn || !s.taskDefinition) {
        outcome('failed', { serviceArn: s.serviceArn, clusterArn: s.clusterArn ?? cluster }, { error: 'DescribeServices returned an ACTIVE service without its ARN or task definition' });
      } else {
        states.push({
          serviceArn: s.serviceArn,
          clusterArn: s.clusterArn ?? cluster,
          taskDefinition: s.taskDefinition,
          status: s.status,
          deploymentController: s.deploymentController?.type,
          deployments: (s.deployments ?? []).map((d) => ({ id: d.id, status: d.status, rolloutState: d.rolloutState, createdAt: d.createdAt })),
        });
      }
    }

    await mapLimit(states, CONCURRENCY, async (service) => {
      let decision: Decision | undefined;
      try {
        decision = decide(service, await referencesFor(service.taskDefinition), change, config.region, config.account);
      } catch (error) {
        outcome('failed', service, { error: `DescribeTaskDefinition failed: ${message(error)}` });
        return;
      }
      if (decision === undefined) {
        return;
      }
      if (decision.action === 'skip') {
        outcome('skipped', service, { reason: decision.reason });
        return;
      }
      if (decision.action === 'fail') {
        outcome('failed', service, { error: decision.reason });
        return;
      }
      const why = decision.reason === undefined ? {} : { reason: decision.reason };
      if (config.dryRun) {
        outcome('planned', service, { reason: ['dry run: no deployment started', decision.reason].filter(Boolean).join('; ') });
        return;
      }
      try {
        await call('UpdateService', () => config.ecs.send(new UpdateServiceCommand({
          cluster: service.clusterArn,
          service: service.serviceArn,
          forceNewDeployment: true,
        })));
        outcome('recycled', service, why);
      } catch (error) {
        outcome('failed', service, { error: `UpdateService failed: ${message(error)}` });
      }
    });
  }
  return finish(change);
}

let client: ECSClient | undefined;

/** The handler's settings, read from its environment; a clear error names what is wrong. */
export function configFromEnvironment(env: NodeJS.ProcessEnv): Pick<RecycleConfig, 'clusters' | 'dryRun' | 'region' | 'account' | 'metricsNamespace'> {
  const problems: string[] = [];
  let clusters: string[] = [];
  if (env.CLUSTERS === undefined || env.CLUSTERS.trim() === '') {
    problems.push('CLUSTERS is not set (a JSON list of the watched clusters\' ARNs)');
  } else {
    let parsed: unknown;
    try {
      parsed = JSON.parse(env.CLUSTERS);
    } catch (error) {
      parsed = undefined;
    }
    if (!Array.isArray(parsed) || parsed.length === 0 || !parsed.every((c) => typeof c === 'string' && c.length > 0)) {
      problems.push(`CLUSTERS (${JSON.stringify(env.CLUSTERS)}) is not a JSON list of one or more cluster ARNs or names`);
    } else {
      clusters = parsed;
    }
  }
  if (!env.AWS_REGION) {
    problems.push('AWS_REGION is not set (Lambda sets it; outside Lambda, set it to the clusters\' region)');
  }
  if (!env.ACCOUNT_ID) {
    problems.push('ACCOUNT_ID is not set (the clusters\' account, where parameters referenced by name live)');
  }
  if (problems.length > 0) {
    throw new Error(`SecretRotationRecycler handler: ${problems.join('; ')}. The construct sets these variables: redeploy it rather than editing the function.`);
  }
  return {
    clusters,
    dryRun: env.DRY_RUN === 'true',
    region: env.AWS_REGION!,
    account: env.ACCOUNT_ID!,
    metricsNamespace: env.METRICS_NAMESPACE || RECYCLER_METRICS_NAMESPACE,
  };
}

/**
 * The Lambda entry point. Fails the invocation when the function is misconfigured or any service
 * failed, so that Lambda retries the event and then keeps it in the dead-letter queue.
 */
export async function handler(event: ChangeEvent): Promise<RecycleSummary> {
  let settings: ReturnType<typeof configFromEnvironment>;
  try {
    settings = configFromEnvironment(process.env);
  } catch (error) {
    console.log(JSON.stringify({ level: 'error', message: 'misconfigured', error: message(error) }));
    throw error;
  }
  // Retries are ours (recycle() backs off with jitter), so that each call is counted once.
  client ??= new ECSClient({ maxAttempts: 1 });
  const summary = await recycle(event, { ecs: client, ...settings });
  if (summary.failed > 0) {
    throw new Error(`${summary.failed} service(s) could not be recycled after ${summary.change?.event} of ${summary.change?.id}; see the log lines with outcome "failed".`);
  }
  return summary;
}
