/**
 * SecretRotationRecycler's handler: on a secret or parameter change, forces a new deployment of
 * exactly the ECS services (in the watched clusters) whose task definitions read the changed value;
 * on its schedule, counts the running tasks that started before the current version of a watched
 * secret or parameter they read (the staleness pass).
 *
 * Environment: CLUSTERS (JSON list of cluster ARNs or names), ACCOUNT_ID (their account), DRY_RUN
 * ('true' to log the plan only), METRICS_NAMESPACE, WATCHED_SECRETS (JSON list of the watched
 * secrets' ARNs, complete or partial) and WATCHED_PARAMETERS (JSON list of the watched parameters'
 * names or ARNs, none pinned to a version), for the staleness pass.
 */
import {
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  DescribeTasksCommand,
  ECSClient,
  ListServicesCommand,
  ListTasksCommand,
  Service,
  Task,
  UpdateServiceCommand,
} from '@aws-sdk/client-ecs';
import { ListSecretVersionIdsCommand, SecretVersionsListEntry, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { GetParametersCommand, GetParametersCommandOutput, SSMClient } from '@aws-sdk/client-ssm';
import { ChangeEvent, parseChangeEvent } from './change-event';
import {
  RECYCLER_METRICS_DIMENSION, RECYCLER_METRICS_NAMESPACE, RECYCLER_METRIC_NAMES, RECYCLER_PARAMETER_DIMENSION, RECYCLER_SECRET_DIMENSION,
  RECYCLER_STALE_TASKS_METRIC,
} from './metrics';
import { Decision, ServiceState, backoffMs, batches, decide, referencesOf } from './plan';
import { Change, ValueReference } from './references';
import { currentVersionCreated, isScheduledEvent, isStale, readsParameter, readsSecret, returnedParameter, serviceOfTask } from './staleness';
import { ContainerReferences } from '../private/template/container-secrets';

/** DescribeServices takes at most 10 services per call. */
const DESCRIBE_BATCH = 10;
/** ListServices and ListTasks return at most 100 per page. */
const LIST_PAGE = 100;
/** DescribeTasks takes at most 100 tasks per call. */
const DESCRIBE_TASKS_BATCH = 100;
/** GetParameters takes at most 10 names per call. */
const GET_PARAMETERS_BATCH = 10;
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

/** What both passes need: ECS, the clusters to look in, and how to wait and log. */
export interface RecyclerContext {
  readonly ecs: ECSClient;
  readonly clusters: string[];
  readonly region: string;
  /** The account of the clusters: parameters referenced by name live there. */
  readonly account: string;
  readonly metricsNamespace: string;
  /** Waits between retries; tests pass one that returns at once. */
  readonly sleep?: (ms: number) => Promise<void>;
  readonly random?: () => number;
  readonly log?: (line: string) => void;
}

/** What the handler needs besides the event. */
export interface RecycleConfig extends RecyclerContext {
  readonly dryRun: boolean;
}

/** What the staleness pass needs. */
export interface StalenessConfig extends RecyclerContext {
  readonly secretsManager: SecretsManagerClient;
  readonly ssm: SSMClient;
  /** The watched secrets' ARNs, complete or partial. */
  readonly secrets: string[];
  /** The watched parameters' names or ARNs, none pinned to a version. */
  readonly parameters: string[];
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

/** How both passes call AWS (retrying with jittered backoff) and log (one JSON object a line). */
interface Io {
  readonly call: <T>(what: string, send: () => Promise<T>) => Promise<T>;
  readonly write: (entry: Record<string, unknown>) => void;
}

function io(config: RecyclerContext): Io {
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
  return { call, write };
}

/** A service or cluster an outcome is about. */
type Subject = { serviceArn?: string; clusterArn: string; taskDefinition?: string };

/** What listing a cluster's services found besides ACTIVE services: failures, and services being deleted. */
type ListingReport = (result: 'failed' | 'inactive', subject: Subject, extra: Record<string, unknown>) => void;

/**
 * The ACTIVE services of one cluster (ListServices by pages of 100, DescribeServices by 10), and
 * how many it listed; `undefined` when the cluster could not be listed (reported as failed).
 */
async function activeServices(
  cluster: string, { call, write }: Io, ecs: ECSClient, report: ListingReport, context: Record<string, unknown> = {},
): Promise<{ listed: number; services: ServiceState[] } | undefined> {
  const serviceArns: string[] = [];
  try {
    let nextToken: string | undefined;
    do {
      const page = await call('ListServices', () => ecs.send(new ListServicesCommand({ cluster, nextToken, maxResults: LIST_PAGE })));
      serviceArns.push(...(page.serviceArns ?? []));
      nextToken = page.nextToken;
    } while (nextToken);
  } catch (error) {
    report('failed', { clusterArn: cluster }, { error: `listing the cluster's services failed: ${message(error)}` });
    return undefined;
  }

  const described = await mapLimit(batches(serviceArns, DESCRIBE_BATCH), CONCURRENCY, async (batch) => {
    try {
      const result = await call('DescribeServices', () => ecs.send(new DescribeServicesCommand({ cluster, services: batch })));
      for (const failure of result.failures ?? []) {
        if (failure.reason === 'MISSING') {
          // Deleted since ListServices: no task of it is left to read the value.
          write({ level: 'info', message: 'service not found', serviceArn: failure.arn, clusterArn: cluster, ...context });
        } else {
          report('failed', { serviceArn: failure.arn, clusterArn: cluster }, { error: `DescribeServices: ${failure.reason} ${failure.detail ?? ''}`.trim() });
        }
      }
      return result.services ?? [];
    } catch (error) {
      for (const serviceArn of batch) {
        report('failed', { serviceArn, clusterArn: cluster }, { error: `DescribeServices failed: ${message(error)}` });
      }
      return [] as Service[];
    }
  });

  const services: ServiceState[] = [];
  for (const s of described.flat()) {
    if (s.status !== 'ACTIVE') {
      // DRAINING or INACTIVE: being deleted; ECS starts no task for it (UpdateService would fail).
      report('inactive', { serviceArn: s.serviceArn, clusterArn: s.clusterArn ?? cluster, taskDefinition: s.taskDefinition }, { status: s.status ?? '(none)' });
    } else if (!s.serviceArn || !s.taskDefinition) {
      report('failed', { serviceArn: s.serviceArn, clusterArn: s.clusterArn ?? cluster }, { error: 'DescribeServices returned an ACTIVE service without its ARN or task definition' });
    } else {
      services.push({
        serviceArn: s.serviceArn,
        clusterArn: s.clusterArn ?? cluster,
        taskDefinition: s.taskDefinition,
        status: s.status,
        deploymentController: s.deploymentController?.type,
        deployments: (s.deployments ?? []).map((d) => ({ id: d.id, status: d.status, rolloutState: d.rolloutState, createdAt: d.createdAt })),
      });
    }
  }
  return { listed: serviceArns.length, services };
}

/** Reads each distinct task definition once (DescribeTaskDefinition), counting the reads. */
function taskDefinitionReader({ call }: Io, ecs: ECSClient, counts: { taskDefinitionsRead: number }): (arn: string) => Promise<ValueReference[]> {
  const taskDefinitions = new Map<string, Promise<ValueReference[]>>();
  return (arn: string) => {
    let pending = taskDefinitions.get(arn);
    if (!pending) {
      counts.taskDefinitionsRead++;
      pending = call('DescribeTaskDefinition', () => ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: arn })))
        .then((r) => referencesOf((r.taskDefinition?.containerDefinitions ?? []) as ContainerReferences[]));
      taskDefinitions.set(arn, pending);
    }
    return pending;
  };
}

/** CloudWatch Embedded Metric Format: CloudWatch Logs turns these fields of a log line into metrics. */
function embeddedMetrics(namespace: string, dimensions: string[][], names: readonly string[]): Record<string, unknown> {
  return {
    _aws: {
      Timestamp: Date.now(),
      CloudWatchMetrics: [{ Namespace: namespace, Dimensions: dimensions, Metrics: names.map((name) => ({ Name: name, Unit: 'Count' })) }],
    },
    [RECYCLER_METRICS_DIMENSION]: process.env.AWS_LAMBDA_FUNCTION_NAME ?? 'local',
  };
}

/**
 * Recycles the services that read the changed value. Never throws for one service's failure:
 * every outcome is logged, and the summary counts them.
 */
export async function recycle(event: ChangeEvent, config: RecycleConfig): Promise<RecycleSummary> {
  const calls = io(config);
  const { call, write } = calls;

  const counts = { recycled: 0, planned: 0, skipped: 0, failed: 0, inactive: 0, servicesScanned: 0, taskDefinitionsRead: 0 };
  const parsed = parseChangeEvent(event);
  const finish = (change: Change | undefined, ignored?: string): RecycleSummary => {
    const summary: RecycleSummary = { change, ignored, dryRun: config.dryRun, ...counts };
    write({
      level: counts.failed > 0 ? 'error' : 'info',
      message: 'summary',
      ...summary,
      ...embeddedMetrics(config.metricsNamespace, [[RECYCLER_METRICS_DIMENSION]], Object.values(RECYCLER_METRIC_NAMES)),
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

  const outcome = (result: Outcome, service: Subject, extra: Record<string, unknown>) => {
    counts[result]++;
    const { serviceArn, clusterArn, taskDefinition } = service;
    write({ level: result === 'failed' ? 'error' : 'info', message: `service ${result}`, outcome: result, serviceArn, clusterArn, taskDefinition, change, dryRun: config.dryRun, ...extra });
  };
  const referencesFor = taskDefinitionReader(calls, config.ecs, counts);

  for (const cluster of config.clusters) {
    // Services of a cluster that cannot be listed may read the value: the invocation fails so that the event is kept.
    const listing = await activeServices(cluster, calls, config.ecs, outcome, { change });
    if (!listing) {
      continue;
    }
    counts.servicesScanned += listing.listed;

    await mapLimit(listing.services, CONCURRENCY, async (service) => {
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

/** What the staleness pass found for one watched secret. */
export interface SecretStaleness {
  /** The secret's ARN as the recycler watches it. */
  readonly secret: string;
  /** When its AWSCURRENT version was created (ISO 8601). */
  readonly versionCreated: string;
  /** ACTIVE services of the watched clusters whose task definitions read it (not pinned). */
  readonly services: number;
  /** Their running tasks. */
  readonly tasks: number;
  /** Those that started before the current version: they hold the old value. */
  readonly staleTasks: number;
}

/** What the staleness pass found for one watched parameter. */
export interface ParameterStaleness {
  /** The parameter's name or ARN as the recycler watches it. */
  readonly parameter: string;
  /** When it was last modified, which created its current version (ISO 8601). */
  readonly lastModified: string;
  /** ACTIVE services of the watched clusters whose task definitions read it (not pinned). */
  readonly services: number;
  /** Their running tasks. */
  readonly tasks: number;
  /** Those that started before its last modification: they hold the old value. */
  readonly staleTasks: number;
}

/** What one staleness pass did. */
export interface StalenessSummary {
  readonly secrets: SecretStaleness[];
  readonly parameters: ParameterStaleness[];
  /** Stale tasks over every watched value: a task that holds two old values counts twice. */
  readonly staleTasks: number;
  readonly servicesScanned: number;
  readonly taskDefinitionsRead: number;
  readonly tasksDescribed: number;
  /** Reads that failed: the counts are then incomplete, and no metric is published. */
  readonly failed: number;
}

/** A watched value the pass measures, and what it has counted for it so far. */
interface Measured {
  readonly kind: 'secret' | 'parameter';
  /** The secret's ARN or the parameter's name or ARN, as the recycler watches it. */
  readonly id: string;
  /** When its current value was written. */
  readonly since: Date;
  services: number;
  tasks: number;
  staleTasks: number;
}

/**
 * The staleness pass: per watched secret or parameter, how many running tasks of the services
 * that read it started before its current value was written (a secret's AWSCURRENT version's
 * CreatedDate, a parameter's LastModifiedDate). It lists services as `recycle` does, then each
 * cluster's running tasks once (ListTasks, DescribeTasks by 100) when one of its services reads a
 * watched value, and attributes each task to its service by its group. The counts are published
 * as metrics only when every read succeeded: a read that fails is an error, never "nothing stale".
 */
export async function measureStaleness(config: StalenessConfig): Promise<StalenessSummary> {
  const calls = io(config);
  const { call, write } = calls;
  const counts = { servicesScanned: 0, taskDefinitionsRead: 0, tasksDescribed: 0, failed: 0 };
  const fail = (entry: Record<string, unknown>) => {
    counts.failed++;
    write({ level: 'error', message: 'staleness not measured', outcome: 'failed', ...entry });
  };
  const referencesFor = taskDefinitionReader(calls, config.ecs, counts);

  const created = new Map<string, Date>();
  const modified = new Map<string, Date>();
  await mapLimit(config.secrets, CONCURRENCY, async (secret) => {
    try {
      const versions: SecretVersionsListEntry[] = [];
      let nextToken: string | undefined;
      do {
        const page = await call('ListSecretVersionIds', () => config.secretsManager.send(new ListSecretVersionIdsCommand({ SecretId: secret, NextToken: nextToken })));
        versions.push(...(page.Versions ?? []));
        nextToken = page.NextToken || undefined;
      } while (nextToken);
      const at = currentVersionCreated(versions);
      if (at) {
        created.set(secret, at);
      } else {
        fail({ secret, error: 'ListSecretVersionIds returned no AWSCURRENT version with a CreatedDate' });
      }
    } catch (error) {
      fail({ secret, error: `ListSecretVersionIds failed: ${message(error)}` });
    }
  });
  // GetParameters also returns the values; the pass reads only the dates, asks for no decryption and logs neither.
  await mapLimit(batches(config.parameters, GET_PARAMETERS_BATCH), CONCURRENCY, async (batch) => {
    let result: GetParametersCommandOutput;
    try {
      result = await call('GetParameters', () => config.ssm.send(new GetParametersCommand({ Names: batch })));
    } catch (error) {
      batch.forEach((parameter) => fail({ parameter, error: `GetParameters failed: ${message(error)}` }));
      return;
    }
    const invalid = new Set(result.InvalidParameters ?? []);
    for (const parameter of batch) {
      const at = returnedParameter(parameter, result.Parameters ?? [], config.region, config.account)?.LastModifiedDate;
      if (invalid.has(parameter)) {
        fail({ parameter, error: 'GetParameters lists it in InvalidParameters: it does not exist (deleted since the recycler was deployed?); recreate it, or redeploy the recycler' });
      } else if (at) {
        modified.set(parameter, at);
      } else {
        fail({ parameter, error: 'GetParameters returned it without a LastModifiedDate, or not at all' });
      }
    }
  });
  const measured: Measured[] = [
    ...config.secrets.filter((id) => created.has(id)).map((id) => ({ kind: 'secret' as const, id, since: created.get(id)! })),
    ...config.parameters.filter((id) => modified.has(id)).map((id) => ({ kind: 'parameter' as const, id, since: modified.get(id)! })),
  ].map((m): Measured => ({ ...m, services: 0, tasks: 0, staleTasks: 0 }));
  const reads = (m: Measured, references: ValueReference[]) => references.some((r) => (m.kind === 'secret'
    ? readsSecret(r, m.id)
    : readsParameter(r, m.id, config.region, config.account)));

  for (const cluster of config.clusters) {
    const listing = await activeServices(cluster, calls, config.ecs, (result, subject, extra) => {
      if (result === 'failed') {
        fail({ ...subject, ...extra });
      }
    });
    if (!listing) {
      continue;
    }
    counts.servicesScanned += listing.listed;
    // Service names are unique in a cluster: the values each service of this one reads, by name.
    const readers = new Map<string, Measured[]>();
    await mapLimit(listing.services, CONCURRENCY, async (service) => {
      try {
        const references = await referencesFor(service.taskDefinition);
        const read = measured.filter((m) => reads(m, references));
        if (read.length > 0) {
          readers.set(service.serviceArn.split('/').pop()!, read);
        }
      } catch (error) {
        fail({ serviceArn: service.serviceArn, clusterArn: service.clusterArn, error: `DescribeTaskDefinition failed: ${message(error)}` });
      }
    });
    if (readers.size === 0) {
      continue;
    }
    for (const read of readers.values()) {
      read.forEach((m) => m.services++);
    }

    const taskArns: string[] = [];
    try {
      let nextToken: string | undefined;
      do {
        const page = await call('ListTasks', () => config.ecs.send(new ListTasksCommand({ cluster, nextToken, maxResults: LIST_PAGE })));
        taskArns.push(...(page.taskArns ?? []));
        nextToken = page.nextToken;
      } while (nextToken);
    } catch (error) {
      fail({ clusterArn: cluster, error: `listing the cluster's tasks failed: ${message(error)}` });
      continue;
    }
    const described = await mapLimit(batches(taskArns, DESCRIBE_TASKS_BATCH), CONCURRENCY, async (batch) => {
      try {
        const result = await call('DescribeTasks', () => config.ecs.send(new DescribeTasksCommand({ cluster, tasks: batch })));
        for (const failure of result.failures ?? []) {
          // MISSING: stopped and gone since ListTasks, so it holds no value any more.
          if (failure.reason !== 'MISSING') {
            fail({ taskArn: failure.arn, clusterArn: cluster, error: `DescribeTasks: ${failure.reason} ${failure.detail ?? ''}`.trim() });
          }
        }
        return result.tasks ?? [];
      } catch (error) {
        fail({ clusterArn: cluster, tasks: batch.length, error: `DescribeTasks failed: ${message(error)}` });
        return [] as Task[];
      }
    });
    for (const task of described.flat()) {
      counts.tasksDescribed++;
      const service = serviceOfTask(task);
      for (const counted of (service === undefined ? undefined : readers.get(service)) ?? []) {
        counted.tasks++;
        if (isStale(task, counted.since)) {
          counted.staleTasks++;
        }
      }
    }
  }

  const complete = counts.failed === 0;
  const counted = (m: Measured) => ({ services: m.services, tasks: m.tasks, staleTasks: m.staleTasks });
  const secrets: SecretStaleness[] = measured.filter((m) => m.kind === 'secret')
    .map((m) => ({ secret: m.id, versionCreated: m.since.toISOString(), ...counted(m) }));
  const parameters: ParameterStaleness[] = measured.filter((m) => m.kind === 'parameter')
    .map((m) => ({ parameter: m.id, lastModified: m.since.toISOString(), ...counted(m) }));
  const perValue = (staleness: SecretStaleness | ParameterStaleness, dimension: string, id: string) => write({
    level: staleness.staleTasks > 0 ? 'warn' : 'info',
    message: 'staleness',
    ...staleness,
    ...(complete ? {
      ...embeddedMetrics(config.metricsNamespace, [[RECYCLER_METRICS_DIMENSION, dimension]], [RECYCLER_STALE_TASKS_METRIC]),
      [dimension]: id,
      [RECYCLER_STALE_TASKS_METRIC]: staleness.staleTasks,
    } : {}),
  });
  secrets.forEach((s) => perValue(s, RECYCLER_SECRET_DIMENSION, s.secret));
  parameters.forEach((p) => perValue(p, RECYCLER_PARAMETER_DIMENSION, p.parameter));
  const summary: StalenessSummary = { secrets, parameters, staleTasks: measured.reduce((n, m) => n + m.staleTasks, 0), ...counts };
  write({
    level: complete ? 'info' : 'error',
    message: 'staleness summary',
    ...summary,
    secrets: secrets.length,
    parameters: parameters.length,
    ...(complete ? {
      ...embeddedMetrics(config.metricsNamespace, [[RECYCLER_METRICS_DIMENSION]], [RECYCLER_STALE_TASKS_METRIC]),
      [RECYCLER_STALE_TASKS_METRIC]: summary.staleTasks,
    } : {}),
  });
  return summary;
}

let client: ECSClient | undefined;
let secretsClient: SecretsManagerClient | undefined;
let ssmClient: SSMClient | undefined;

/** An optional variable holding a JSON list of non-empty strings; `[]` when unset. */
function stringList(env: NodeJS.ProcessEnv, variable: string, what: string, problems: string[]): string[] {
  const value = env[variable];
  if (value === undefined) {
    return [];
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch (error) {
    parsed = undefined;
  }
  if (!Array.isArray(parsed) || !parsed.every((s) => typeof s === 'string' && s.length > 0)) {
    problems.push(`${variable} (${JSON.stringify(value)}) is not a JSON list of ${what}`);
    return [];
  }
  return parsed;
}

/** The handler's settings, read from its environment; a clear error names what is wrong. */
export function configFromEnvironment(env: NodeJS.ProcessEnv):
Pick<RecycleConfig, 'clusters' | 'dryRun' | 'region' | 'account' | 'metricsNamespace'> & Pick<StalenessConfig, 'secrets' | 'parameters'> {
  const problems: string[] = [];
  const secrets = stringList(env, 'WATCHED_SECRETS', 'secret ARNs', problems);
  const parameters = stringList(env, 'WATCHED_PARAMETERS', 'parameter names or ARNs', problems);
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
    secrets,
    parameters,
  };
}

/**
 * The Lambda entry point: a change event recycles, the schedule's event runs the staleness pass.
 * Fails the invocation when the function is misconfigured, any service failed, or the pass could
 * not read everything, so that Lambda retries the event and then keeps it in the dead-letter queue.
 */
export async function handler(event: ChangeEvent): Promise<RecycleSummary | StalenessSummary> {
  let settings: ReturnType<typeof configFromEnvironment>;
  try {
    settings = configFromEnvironment(process.env);
  } catch (error) {
    console.log(JSON.stringify({ level: 'error', message: 'misconfigured', error: message(error) }));
    throw error;
  }
  // Retries are ours (recycle() backs off with jitter), so that each call is counted once.
  client ??= new ECSClient({ maxAttempts: 1 });
  if (isScheduledEvent(event)) {
    secretsClient ??= new SecretsManagerClient({ maxAttempts: 1 });
    ssmClient ??= new SSMClient({ maxAttempts: 1 });
    const pass = await measureStaleness({ ecs: client, secretsManager: secretsClient, ssm: ssmClient, ...settings });
    if (pass.failed > 0) {
      throw new Error(`the staleness pass could not read ${pass.failed} thing(s) and published no metric; see the log lines with outcome "failed".`);
    }
    return pass;
  }
  const summary = await recycle(event, { ecs: client, ...settings });
  if (summary.failed > 0) {
    throw new Error(`${summary.failed} service(s) could not be recycled after ${summary.change?.event} of ${summary.change?.id}; see the log lines with outcome "failed".`);
  }
  return summary;
}
