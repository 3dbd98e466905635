/**
 * The recycler's staleness pass: the bundled handler (assets/recycler/recycle.lambda), given the
 * schedule's event, with the real AWS SDK against moto's server on loopback (test/aws/moto.ts), the
 * emulator of test/recycler/recycle.moto.test.ts. The secrets are created and rotated in moto's
 * Secrets Manager (its ListSecretVersionIds gives the AWSCURRENT version's CreatedDate); the
 * parameters are put and overwritten in moto's Parameter Store (its GetParameters gives each
 * LastModifiedDate, which moto records when the version is written, to the millisecond); the tasks
 * are moto's, listed with ListTasks and read with DescribeTasks; every call is checked against the
 * policies SecretRotationRecycler synthesizes (test/aws/iam.ts).
 *
 * What moto 5.2.1 cannot do, and what stands in for it:
 * - its services start no tasks (CreateService records a desired count only): RunTask with
 *   `group: service:<name>`, the group ECS gives a service's tasks, stands in for them;
 * - its tasks have no createdAt or startedAt: test/aws/moto-task-started-at.py, loaded into moto's
 *   process, stamps each task with the moment moto created it;
 * - its ListSecretVersionIds answers every version's CreatedDate with the time of the call (and
 *   ARN with the secret's name): test/aws/moto-secret-version-dates.py reports the CreatedDate moto
 *   recorded when the version was written, in whole seconds as moto keeps it, so the test waits for
 *   the next second around the rotation;
 * - its GetParameters reports a parameter named by ARN as invalid (its GetParameter resolves one):
 *   test/aws/moto-ssm-parameters-by-arn.py hands the ARNs to moto's own lookup;
 * - its ListTasks ignores `serviceName` and `maxResults` (one page, every task of the cluster): the
 *   handler filters by neither (it lists a cluster's tasks once and attributes them by group), and
 *   the call bound below counts the pages AWS would return.
 * Throttling and failed reads stay with the aws-sdk-client-mock tests (staleness.lambda.test.ts).
 */
import { CreateClusterCommand, CreateServiceCommand, ECSClient, RegisterTaskDefinitionCommand, RunTaskCommand } from '@aws-sdk/client-ecs';
import { aws_ecs as ecs, aws_secretsmanager as secretsmanager, aws_ssm as ssm } from 'aws-cdk-lib';
import { deployedRecycler } from './deployed-recycler';
import { SecretRotationRecycler } from '../../src';
import { runBundle } from '../assets/bundle';
import { decide, expectAllAllowed, templateOf } from '../aws/iam';
import {
  MOTO_ACCOUNT, MOTO_REGION, MotoServer, SECRET_VERSION_DATES_STAND_IN, SETUP_CREDENTIALS, SSM_PARAMETERS_BY_ARN_STAND_IN, TASK_STARTED_AT_STAND_IN,
} from '../aws/moto';
import { testApp, testStack } from '../util';

/** The recycler's calls sign with this key, set-up calls with SETUP_CREDENTIALS. */
const RECYCLER_KEY = 'AKIASTALENESS';
const clusterArn = (name: string) => `arn:aws:ecs:${MOTO_REGION}:${MOTO_ACCOUNT}:cluster/${name}`;
/** Services of the watched cluster that read nothing watched, so that listing them takes pages and batches. */
const FILLERS = 22;
/** Tasks of one filler service, so that describing the cluster's tasks takes two calls. */
const FILLER_TASKS = 110;

/** The schedule's event, as EventBridge sends it. */
const SCHEDULED = {
  'version': '0',
  'id': '53dc4d37-cffa-4f76-80c9-8b7d4a4d2eaa',
  'detail-type': 'Scheduled Event',
  'source': 'aws.events',
  'account': MOTO_ACCOUNT,
  'time': '2026-12-01T06:00:00Z',
  'region': MOTO_REGION,
  'resources': [`arn:aws:events:${MOTO_REGION}:${MOTO_ACCOUNT}:rule/staleness`],
  'detail': {},
};

/** Waits for the next whole second: moto's CreatedDate drops the fraction. */
const nextSecond = () => new Promise((r) => setTimeout(r, 1_050 - (Date.now() % 1_000)));

/**
 * The most ECS, Secrets Manager and Parameter Store calls a pass may make: per watched cluster of
 * S services and M running tasks, ListServices and ListTasks by pages of 100, DescribeServices by
 * 10, DescribeTasks by 100; one DescribeTaskDefinition per distinct task definition (D); one
 * ListSecretVersionIds per watched secret (W) with fewer than 100 versions; GetParameters by 10
 * watched parameters (P).
 */
function callBound(clusters: Array<{ services: number; tasks: number }>, taskDefinitions: number, secrets: number, parameters = 0): number {
  const pages = (n: number, size: number) => Math.max(1, Math.ceil(n / size));
  const perCluster = ({ services, tasks }: { services: number; tasks: number }) =>
    pages(services, 100) + Math.ceil(services / 10) + pages(tasks, 100) + Math.ceil(tasks / 100);
  return clusters.reduce((sum, cluster) => sum + perCluster(cluster), 0) + taskDefinitions + secrets + Math.ceil(parameters / 10);
}

/** How many calls of each IAM action a pass made. */
function countByAction(calls: ReadonlyArray<{ action: string }>): Record<string, number> {
  const byAction: Record<string, number> = {};
  calls.forEach((c) => byAction[c.action] = (byAction[c.action] ?? 0) + 1);
  return byAction;
}

describe('the staleness pass of the recycler bundle against moto', () => {
  let moto: MotoServer;
  let client: ECSClient;
  let db: string;
  let other: string;
  let recycler: ReturnType<typeof deployedRecycler>;
  /** Watches the `config` cluster's parameters only, and both its parameters and the secret. */
  let parameterOnly: ReturnType<typeof deployedRecycler>;
  let both: ReturnType<typeof deployedRecycler>;
  let flagsArn: string;
  let limitsArn: string;

  beforeAll(async () => {
    moto = await MotoServer.start({ standIns: [TASK_STARTED_AT_STAND_IN, SECRET_VERSION_DATES_STAND_IN, SSM_PARAMETERS_BY_ARN_STAND_IN] });
    client = new ECSClient({ region: MOTO_REGION, endpoint: moto.endpoint, credentials: SETUP_CREDENTIALS });
    const [created, otherCreated] = moto.boto3([
      { service: 'secretsmanager', operation: 'create_secret', params: { Name: 'prod/db', SecretString: 'one' } },
      { service: 'secretsmanager', operation: 'create_secret', params: { Name: 'prod/other', SecretString: 'x' } },
    ]);
    db = created.ARN;
    other = otherCreated.ARN;
    moto.boto3([
      { service: 'ssm', operation: 'put_parameter', params: { Name: '/app/flags', Value: 'one', Type: 'String' } },
      { service: 'ssm', operation: 'put_parameter', params: { Name: '/app/limits', Value: '10', Type: 'String' } },
    ]);
    flagsArn = `arn:aws:ssm:${MOTO_REGION}:${MOTO_ACCOUNT}:parameter/app/flags`;
    limitsArn = `arn:aws:ssm:${MOTO_REGION}:${MOTO_ACCOUNT}:parameter/app/limits`;

    const services: Record<string, Record<string, string | undefined>> = {
      // web is watched: api reads the watched secret; other reads a secret the recycler does not watch.
      web: { api: db, other, plain: undefined, ...Object.fromEntries(Array.from({ length: FILLERS }, (_, i) => [`filler-${i}`, undefined])) },
      // batch is not watched, though its service reads the watched secret.
      batch: { 'batch-api': db },
      // config is watched by the parameter recyclers: readers of /app/flags by name, by ARN and
      // pinned to version 1, a reader of /app/limits (never overwritten), and one of the secret.
      config: { 'flags': '/app/flags', 'flags-arn': flagsArn, 'flags-pinned': '/app/flags:1', 'limits': '/app/limits', 'config-db': db },
    };
    const registered = new Set<string>();
    for (const [cluster, byName] of Object.entries(services)) {
      await client.send(new CreateClusterCommand({ clusterName: cluster }));
      for (const [name, reads] of Object.entries(byName)) {
        // The fillers share one task definition.
        const family = name.startsWith('filler-') ? 'filler' : name;
        if (!registered.has(family)) {
          registered.add(family);
          await client.send(new RegisterTaskDefinitionCommand({
            family, containerDefinitions: [{ name: 'app', image: 'nginx', memory: 128, secrets: reads ? [{ name: 'VALUE', valueFrom: reads }] : undefined }],
          }));
        }
        await client.send(new CreateServiceCommand({ cluster, serviceName: name, taskDefinition: family, desiredCount: 1 }));
      }
    }
    const run = (cluster: string, taskDefinition: string, group: string, count: number) =>
      client.send(new RunTaskCommand({ cluster, taskDefinition, group, count, launchType: 'FARGATE', startedBy: 'ecs-svc/1' }));

    // GIVEN: tasks that started before the rotation...
    await run('web', 'api', 'service:api', 2);
    await run('web', 'other', 'service:other', 1);
    await run('web', 'plain', 'service:plain', 1);
    await run('web', 'filler', 'service:filler-0', FILLER_TASKS);
    // ...a standalone task that reads the secret (not a service's: the recycler never redeploys it)...
    await run('web', 'api', 'family:api', 1);
    await run('batch', 'batch-api', 'service:batch-api', 1);
    await run('config', 'flags', 'service:flags', 2);
    await run('config', 'flags-arn', 'service:flags-arn', 1);
    await run('config', 'flags-pinned', 'service:flags-pinned', 1);
    await run('config', 'limits', 'service:limits', 1);
    await run('config', 'config-db', 'service:config-db', 1);
    // ...the rotation of both secrets and the overwrite of /app/flags...
    await nextSecond();
    moto.boto3([
      { service: 'secretsmanager', operation: 'put_secret_value', params: { SecretId: db, SecretString: 'two' } },
      { service: 'secretsmanager', operation: 'put_secret_value', params: { SecretId: other, SecretString: 'y' } },
      { service: 'ssm', operation: 'put_parameter', params: { Name: '/app/flags', Value: 'two', Type: 'String', Overwrite: true } },
    ]);
    await nextSecond();
    // ...and tasks of api and flags that started after it.
    await run('web', 'api', 'service:api', 1);
    await run('config', 'flags', 'service:flags', 1);

    const stack = testStack(testApp(), 'Recycler', { env: { account: MOTO_ACCOUNT, region: MOTO_REGION } });
    new SecretRotationRecycler(stack, 'Recycler', {
      clusters: [ecs.Cluster.fromClusterArn(stack, 'Web', clusterArn('web'))],
      secrets: [secretsmanager.Secret.fromSecretCompleteArn(stack, 'Db', db)],
    });
    recycler = deployedRecycler(templateOf(stack));

    const parameterRecycler = (id: string, watchSecret: boolean) => {
      const s = testStack(testApp(), id, { env: { account: MOTO_ACCOUNT, region: MOTO_REGION } });
      new SecretRotationRecycler(s, 'Recycler', {
        clusters: [ecs.Cluster.fromClusterArn(s, 'Config', clusterArn('config'))],
        secrets: watchSecret ? [secretsmanager.Secret.fromSecretCompleteArn(s, 'Db', db)] : undefined,
        parameters: ['/app/flags', '/app/limits'].map((name, i) => ssm.StringParameter.fromStringParameterName(s, `Parameter${i}`, name)),
      });
      return deployedRecycler(templateOf(s));
    };
    parameterOnly = parameterRecycler('ParameterRecycler', false);
    both = parameterRecycler('BothRecycler', true);
  }, 300_000);

  afterAll(async () => {
    client?.destroy();
    await moto?.stop();
  });

  /** Runs the bundle as the synthesized function, given the schedule's event, signing as the recycler's role. */
  function pass(deployed: ReturnType<typeof deployedRecycler> = recycler) {
    moto.clearCalls();
    const run = runBundle('recycler/recycle.lambda', { event: SCHEDULED }, { ...moto.env(RECYCLER_KEY), ...deployed.environment, AWS_LAMBDA_FUNCTION_NAME: 'recycler' });
    expect(run.error).toBeUndefined();
    return { ...run, calls: moto.calls(RECYCLER_KEY) };
  }

  test('the function is told the watched secret and the watched cluster', () => {
    expect(JSON.parse(recycler.environment.WATCHED_SECRETS)).toEqual([db]);
    expect(JSON.parse(recycler.environment.CLUSTERS)).toEqual([clusterArn('web')]);
  });

  test('GIVEN tasks started before and after a rotation WHEN the pass runs THEN only the watched service\'s tasks that started before it count as stale', () => {
    // WHEN
    const run = pass();

    // THEN: api's two older tasks are stale, its newer one is not; the standalone task, the tasks of
    // services that read nothing or an unwatched secret, and the unwatched cluster's do not count.
    expect(run.result).toMatchObject({
      secrets: [{ secret: db, services: 1, tasks: 3, staleTasks: 2, versionCreated: expect.stringMatching(/Z$/) }],
      staleTasks: 2,
      failed: 0,
      servicesScanned: FILLERS + 3,
      tasksDescribed: 2 + 1 + 1 + FILLER_TASKS + 1 + 1,
    });
  });

  test('the counts are published as CloudWatch embedded metrics: per secret, and one total per pass that the alarm reads', () => {
    // WHEN
    const { logs } = pass();

    // THEN
    const metricLines = logs.filter((l) => l._aws !== undefined);
    expect(metricLines).toEqual([
      expect.objectContaining({
        message: 'staleness',
        _aws: { Timestamp: expect.any(Number), CloudWatchMetrics: [{ Namespace: 'GuardedPatterns/SecretRotationRecycler', Dimensions: [['FunctionName', 'SecretId']], Metrics: [{ Name: 'StaleTasks', Unit: 'Count' }] }] },
        FunctionName: 'recycler',
        SecretId: db,
        StaleTasks: 2,
      }),
      expect.objectContaining({
        message: 'staleness summary',
        _aws: { Timestamp: expect.any(Number), CloudWatchMetrics: [{ Namespace: 'GuardedPatterns/SecretRotationRecycler', Dimensions: [['FunctionName']], Metrics: [{ Name: 'StaleTasks', Unit: 'Count' }] }] },
        FunctionName: 'recycler',
        StaleTasks: 2,
      }),
    ]);
  });

  test('every call of the pass is allowed by the role SecretRotationRecycler synthesizes, and their number is within the bound', async () => {
    // WHEN
    const { calls } = pass();

    // THEN
    const byAction = countByAction(calls);
    // 25 services: one ListServices page, 3 DescribeServices batches; 116 tasks: one ListTasks page
    // (moto does not page), 2 DescribeTasks batches; 4 distinct task definitions; 1 secret.
    expect(byAction).toEqual({
      'ecs:ListServices': 1,
      'ecs:DescribeServices': 3,
      'ecs:DescribeTaskDefinition': 4,
      'ecs:ListTasks': 1,
      'ecs:DescribeTasks': 2,
      'secretsmanager:ListSecretVersionIds': 1,
    });
    expect(calls.length).toBeLessThanOrEqual(callBound([{ services: FILLERS + 3, tasks: 2 + 1 + 1 + FILLER_TASKS + 1 + 1 }], 4, 1));
    expect(calls.filter((c) => c.operation === 'DescribeTasks').every((c) => c.params.tasks.length <= 100)).toBe(true);
    expectAllAllowed(await decide(calls, recycler.policies));
  });

  test('the parameter recyclers\' functions are told the watched parameters by ARN, and no secret unless one is watched', () => {
    expect(JSON.parse(parameterOnly.environment.WATCHED_PARAMETERS)).toEqual([flagsArn, limitsArn]);
    expect(JSON.parse(parameterOnly.environment.WATCHED_SECRETS)).toEqual([]);
    expect(JSON.parse(both.environment.WATCHED_SECRETS)).toEqual([db]);
    // The recycler that watches only a secret is told no parameter.
    expect(JSON.parse(recycler.environment.WATCHED_PARAMETERS)).toEqual([]);
  });

  test('GIVEN a recycler that watches only parameters, and a parameter overwritten WHEN the pass runs THEN the tasks of its readers (by name and by ARN) that started before the overwrite are stale, not the pinned reader\'s, and StaleTasks is published per parameter and in total', () => {
    // WHEN
    const { result, logs } = pass(parameterOnly);

    // THEN: flags' two older tasks and flags-arn's task are stale, flags' newer one is not; the
    // reader pinned to version 1 never refreshes, so it does not count; limits was not overwritten.
    expect(result).toMatchObject({
      secrets: [],
      parameters: [
        { parameter: flagsArn, services: 2, tasks: 4, staleTasks: 3, lastModified: expect.stringMatching(/Z$/) },
        { parameter: limitsArn, services: 1, tasks: 1, staleTasks: 0 },
      ],
      staleTasks: 3,
      failed: 0,
    });
    const metricLines = logs.filter((l) => l._aws !== undefined);
    const dimensions = (names: string[]) => ({ Timestamp: expect.any(Number), CloudWatchMetrics: [{ Namespace: 'GuardedPatterns/SecretRotationRecycler', Dimensions: [names], Metrics: [{ Name: 'StaleTasks', Unit: 'Count' }] }] });
    expect(metricLines).toEqual([
      expect.objectContaining({ message: 'staleness', _aws: dimensions(['FunctionName', 'ParameterName']), FunctionName: 'recycler', ParameterName: flagsArn, StaleTasks: 3 }),
      expect.objectContaining({ message: 'staleness', _aws: dimensions(['FunctionName', 'ParameterName']), FunctionName: 'recycler', ParameterName: limitsArn, StaleTasks: 0 }),
      expect.objectContaining({ message: 'staleness summary', _aws: dimensions(['FunctionName']), FunctionName: 'recycler', StaleTasks: 3 }),
    ]);
    // The values GetParameters returned are in no log line.
    expect(JSON.stringify(logs)).not.toMatch(/"(one|two|10)"/);
  });

  test('GIVEN a recycler that watches a secret and parameters WHEN the pass runs THEN the total that the alarm reads adds the stale readers of both', () => {
    const { result } = pass(both);
    expect(result).toMatchObject({
      secrets: [{ secret: db, services: 1, tasks: 1, staleTasks: 1 }],
      parameters: [{ parameter: flagsArn, staleTasks: 3 }, { parameter: limitsArn, staleTasks: 0 }],
      staleTasks: 4,
      failed: 0,
    });
  });

  test('every call of the parameter recyclers\' passes is allowed by the role each synthesizes, GetParameters is asked for no decryption, and their number is within the bound', async () => {
    for (const [deployed, secrets] of [[parameterOnly, 0], [both, 1]] as const) {
      // WHEN
      const { calls } = pass(deployed);

      // THEN
      // 5 services: one ListServices page, one DescribeServices batch; 7 tasks: one ListTasks page,
      // one DescribeTasks batch; 5 task definitions; 2 parameters: one GetParameters call.
      expect(countByAction(calls)).toEqual({
        'ecs:ListServices': 1,
        'ecs:DescribeServices': 1,
        'ecs:DescribeTaskDefinition': 5,
        'ecs:ListTasks': 1,
        'ecs:DescribeTasks': 1,
        'ssm:GetParameters': 1,
        ...(secrets > 0 ? { 'secretsmanager:ListSecretVersionIds': 1 } : {}),
      });
      expect(calls.length).toBeLessThanOrEqual(callBound([{ services: 5, tasks: 7 }], 5, secrets, 2));
      expect(calls.filter((c) => c.operation === 'GetParameters').map((c) => c.params)).toEqual([{ Names: [flagsArn, limitsArn] }]);
      expectAllAllowed(await decide(calls, deployed.policies));
    }
  });
});
