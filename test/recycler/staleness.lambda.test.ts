/**
 * The staleness pass's logic with aws-sdk-client-mock, for what moto cannot show
 * (test/recycler/staleness.moto.test.ts proves the ECS, Secrets Manager and Parameter Store
 * contract): ListTasks pages, DescribeTasks batches of 100 over hundreds of tasks, GetParameters
 * batches of 10, failed reads (no metric, a failed invocation), a parameter deleted since synth
 * (InvalidParameters), tasks that stopped between the two calls, a secret watched by its partial
 * ARN, and parameters read by name, by ARN and pinned to a version.
 */
import {
  DescribeServicesCommand, DescribeTaskDefinitionCommand, DescribeTasksCommand, ECSClient, ListServicesCommand, ListTasksCommand, Task,
} from '@aws-sdk/client-ecs';
import { ListSecretVersionIdsCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { GetParametersCommand, SSMClient } from '@aws-sdk/client-ssm';
import { AwsStub, mockClient } from 'aws-sdk-client-mock';
import { ACCOUNT, PARAMETER_ARN, PARAMETER_NAME, REGION, SECRET_ARN, clusterArn, container, handlerContext, serviceArn } from './fake-ecs';
import { withEnvironment } from './handler-env';
import { StalenessConfig, handler, measureStaleness } from '../../src/recycler/recycle.lambda';
import { parseValueFrom } from '../../src/recycler/references';
import { currentVersionCreated, isScheduledEvent, isStale, readsParameter, readsSecret, returnedParameter, serviceOfTask } from '../../src/recycler/staleness';

const ROTATED = new Date('2026-12-01T06:00:00Z');
const BEFORE = new Date('2026-12-01T05:00:00Z');
const AFTER = new Date('2026-12-01T06:00:01Z');
/** The secret as a recycler that imported it by name watches it: without the six-character suffix. */
const PARTIAL = SECRET_ARN.replace(/-AbCdEf$/, '');
const SCHEDULED = { 'source': 'aws.events', 'detail-type': 'Scheduled Event', 'detail': {} };

const taskArn = (i: number) => `arn:aws:ecs:${REGION}:${ACCOUNT}:task/web/${i.toString(16).padStart(32, '0')}`;

/** `web` runs `api` (reads the secret: `stale` tasks started before the rotation, `fresh` after) and `plain`. */
function account(stale: number, fresh: number) {
  const ecs = mockClient(ECSClient);
  const sm = mockClient(SecretsManagerClient);
  const tasks: Task[] = [
    ...Array.from({ length: stale }, (): Task => ({ group: 'service:api', startedAt: BEFORE })),
    ...Array.from({ length: fresh }, (): Task => ({ group: 'service:api', startedAt: AFTER })),
    { group: 'service:plain', startedAt: BEFORE },
    // Not started yet: it reads the current value when it starts.
    { group: 'service:api' },
  ].map((t, i) => ({ ...t, taskArn: taskArn(i) }));
  ecs.on(ListServicesCommand).resolves({ serviceArns: [serviceArn('web', 'api'), serviceArn('web', 'plain')] });
  ecs.on(DescribeServicesCommand).callsFake((input) => ({
    services: input.services.map((arn: string) => ({ serviceArn: arn, clusterArn: clusterArn('web'), status: 'ACTIVE', taskDefinition: `${arn.split('/').pop()}:1`, deployments: [] })),
  }));
  ecs.on(DescribeTaskDefinitionCommand).callsFake((input) => ({
    taskDefinition: { containerDefinitions: [input.taskDefinition.startsWith('api') ? container(`${SECRET_ARN}:password::`) : container()] },
  }));
  // Pages of 100, as ECS returns them.
  ecs.on(ListTasksCommand).callsFake((input) => {
    const from = Number(input.nextToken ?? 0);
    const next = from + 100 < tasks.length ? String(from + 100) : undefined;
    return { taskArns: tasks.slice(from, from + 100).map((t) => t.taskArn!), nextToken: next };
  });
  ecs.on(DescribeTasksCommand).callsFake((input) => ({ tasks: tasks.filter((t) => input.tasks.includes(t.taskArn)), failures: [] }));
  sm.on(ListSecretVersionIdsCommand).resolves({
    Versions: [
      { VersionId: 'old', VersionStages: ['AWSPREVIOUS'], CreatedDate: BEFORE },
      { VersionId: 'new', VersionStages: ['AWSCURRENT'], CreatedDate: ROTATED },
    ],
  });
  return { ecs, sm, tasks };
}

function config(overrides: Partial<StalenessConfig> = {}): StalenessConfig & { lines: any[] } {
  return {
    ecs: new ECSClient({ region: REGION }),
    secretsManager: new SecretsManagerClient({ region: REGION }),
    ssm: new SSMClient({ region: REGION }),
    clusters: [clusterArn('web')],
    secrets: [PARTIAL],
    parameters: [],
    ...handlerContext(),
    ...overrides,
  };
}

const callsOf = (stub: AwsStub<any, any, any>, command: any) => stub.commandCalls(command).map((c) => c.args[0].input);

/** The handler's environment for a staleness pass over the cluster `web`, with the watched values given. */
function passEnvironment(watched: Record<string, string>) {
  return withEnvironment({ CLUSTERS: JSON.stringify([clusterArn('web')]), AWS_REGION: REGION, ACCOUNT_ID: ACCOUNT, ...watched });
}

describe('the staleness pass', () => {
  let stubs: ReturnType<typeof account>;
  afterEach(() => {
    stubs?.ecs.restore();
    stubs?.sm.restore();
  });

  test('GIVEN 250 tasks of a reader, 150 started before the rotation WHEN the pass runs THEN 150 are stale, read in 3 ListTasks pages and 3 DescribeTasks batches of at most 100', async () => {
    // GIVEN
    stubs = account(150, 100);
    const run = config();

    // WHEN
    const summary = await measureStaleness(run);

    // THEN
    expect(summary).toMatchObject({
      secrets: [{ secret: PARTIAL, services: 1, tasks: 251, staleTasks: 150, versionCreated: ROTATED.toISOString() }], staleTasks: 150, failed: 0,
    });
    expect(callsOf(stubs.ecs, ListTasksCommand)).toHaveLength(3);
    const batches = callsOf(stubs.ecs, DescribeTasksCommand).map((input) => input.tasks.length);
    expect(batches).toEqual([100, 100, 52]);
    expect(callsOf(stubs.sm, ListSecretVersionIdsCommand)).toEqual([{ SecretId: PARTIAL }]);
    expect(run.lines.filter((l) => l._aws).map((l) => l.StaleTasks)).toEqual([150, 150]);
  });

  test('GIVEN no service of the cluster reads a watched secret WHEN the pass runs THEN its tasks are not listed, and 0 is published', async () => {
    stubs = account(3, 0);
    const run = config({ secrets: ['arn:aws:secretsmanager:us-east-1:111111111111:secret:other-Qw12Er'] });
    const summary = await measureStaleness(run);
    expect(summary).toMatchObject({ secrets: [{ services: 0, tasks: 0, staleTasks: 0 }], staleTasks: 0, failed: 0 });
    expect(callsOf(stubs.ecs, ListTasksCommand)).toHaveLength(0);
    expect(run.lines.filter((l) => l._aws).map((l) => l.StaleTasks)).toEqual([0, 0]);
  });

  test('GIVEN a task that stopped between ListTasks and DescribeTasks (MISSING) WHEN the pass runs THEN it is not counted, and the pass succeeds', async () => {
    stubs = account(2, 0);
    stubs.ecs.on(DescribeTasksCommand).callsFake((input) => ({
      tasks: stubs.tasks.filter((t) => input.tasks.includes(t.taskArn) && t.taskArn !== taskArn(0)),
      failures: [{ arn: taskArn(0), reason: 'MISSING' }],
    }));
    const summary = await measureStaleness(config());
    expect(summary).toMatchObject({ staleTasks: 1, failed: 0 });
  });

  test.each([
    ['DescribeTasks is denied', (s: ReturnType<typeof account>) => s.ecs.on(DescribeTasksCommand).rejects(Object.assign(new Error('denied'), { name: 'AccessDeniedException' }))],
    ['ListTasks is denied', (s: ReturnType<typeof account>) => s.ecs.on(ListTasksCommand).rejects(Object.assign(new Error('denied'), { name: 'AccessDeniedException' }))],
    ['the secret has no AWSCURRENT version', (s: ReturnType<typeof account>) => s.sm.on(ListSecretVersionIdsCommand).resolves({ Versions: [{ VersionId: 'v', VersionStages: ['AWSPENDING'], CreatedDate: ROTATED }] })],
    ['DescribeTasks fails a task for another reason', (s: ReturnType<typeof account>) => s.ecs.on(DescribeTasksCommand).resolves({ tasks: [], failures: [{ arn: taskArn(0), reason: 'INTERNAL' }] })],
  ])('GIVEN %s WHEN the handler runs the pass THEN no metric is published and the invocation fails', async (_, breakIt) => {
    // GIVEN
    stubs = account(2, 1);
    breakIt(stubs);
    const env = passEnvironment({ WATCHED_SECRETS: JSON.stringify([PARTIAL]) });
    try {
      // WHEN / THEN
      await expect(handler(SCHEDULED)).rejects.toThrow(/the staleness pass could not read 1 thing\(s\) and published no metric/);
      const lines = env.lines();
      expect(lines.filter((l) => l._aws)).toEqual([]);
      expect(lines.filter((l) => l.outcome === 'failed')).toHaveLength(1);
    } finally {
      env.restore();
    }
  });

  test('GIVEN the schedule\'s event WHEN the handler runs THEN it measures, and redeploys nothing', async () => {
    stubs = account(1, 0);
    const env = passEnvironment({ WATCHED_SECRETS: JSON.stringify([SECRET_ARN]) });
    try {
      await expect(handler(SCHEDULED)).resolves.toMatchObject({ staleTasks: 1 });
      expect(stubs.ecs.calls().map((c) => c.args[0].constructor.name)).not.toContain('UpdateServiceCommand');
    } finally {
      env.restore();
    }
  });

  test.each([
    ['WATCHED_SECRETS', '{"a":1}', 'WATCHED_SECRETS ("{\\"a\\":1}") is not a JSON list of secret ARNs'],
    ['WATCHED_PARAMETERS', '["/a", 3]', 'WATCHED_PARAMETERS ("[\\"/a\\", 3]") is not a JSON list of parameter names or ARNs'],
  ])('fails with the variable named when %s is not a JSON list of what it holds', async (variable, value, error) => {
    const env = passEnvironment({ [variable]: value });
    try {
      await expect(handler(SCHEDULED)).rejects.toThrow(error);
    } finally {
      env.restore();
    }
  });
});

/** Another parameter of the account, and one deleted since the recycler was deployed. */
const OTHER_PARAMETER = '/prod/limits';
const GONE_PARAMETER = '/prod/gone';

/**
 * `web` runs `flags` (reads PARAMETER_NAME by name: 2 tasks started before its last modification,
 * 1 after), `flags-by-arn` (by ARN: 1 before), `flags-pinned` (`:3`, version 3: 1 before), `api`
 * (reads the secret: 1 before its rotation) and `plain` (1 before). Parameter Store holds
 * PARAMETER_NAME, OTHER_PARAMETER and `/p/<n>`, all modified at ROTATED; any other is invalid.
 */
function parameterAccount() {
  const ecs = mockClient(ECSClient);
  const sm = mockClient(SecretsManagerClient);
  const ssm = mockClient(SSMClient);
  const reads: Record<string, string[]> = {
    'flags': [PARAMETER_NAME],
    'flags-by-arn': [PARAMETER_ARN],
    'flags-pinned': [`${PARAMETER_NAME}:3`],
    'api': [SECRET_ARN],
    'plain': [],
  };
  const tasks: Task[] = [
    { group: 'service:flags', startedAt: BEFORE },
    { group: 'service:flags', startedAt: BEFORE },
    { group: 'service:flags', startedAt: AFTER },
    { group: 'service:flags-by-arn', startedAt: BEFORE },
    { group: 'service:flags-pinned', startedAt: BEFORE },
    { group: 'service:api', startedAt: BEFORE },
    { group: 'service:plain', startedAt: BEFORE },
  ].map((t, i) => ({ ...t, taskArn: taskArn(i) }));
  ecs.on(ListServicesCommand).resolves({ serviceArns: Object.keys(reads).map((name) => serviceArn('web', name)) });
  ecs.on(DescribeServicesCommand).callsFake((input) => ({
    services: input.services.map((arn: string) => ({ serviceArn: arn, clusterArn: clusterArn('web'), status: 'ACTIVE', taskDefinition: `${arn.split('/').pop()}:1`, deployments: [] })),
  }));
  ecs.on(DescribeTaskDefinitionCommand).callsFake((input) => ({ taskDefinition: { containerDefinitions: [container(...reads[input.taskDefinition.split(':')[0]])] } }));
  ecs.on(ListTasksCommand).resolves({ taskArns: tasks.map((t) => t.taskArn!) });
  ecs.on(DescribeTasksCommand).callsFake((input) => ({ tasks: tasks.filter((t) => input.tasks.includes(t.taskArn)), failures: [] }));
  sm.on(ListSecretVersionIdsCommand).resolves({ Versions: [{ VersionId: 'new', VersionStages: ['AWSCURRENT'], CreatedDate: ROTATED }] });
  // As Parameter Store answers: the parameters it found (by name or ARN), and the names it did not.
  const exists = (name: string) => [PARAMETER_NAME, PARAMETER_ARN, OTHER_PARAMETER].includes(name) || /^\/p\/\d+$/.test(name);
  ssm.on(GetParametersCommand).callsFake((input) => ({
    Parameters: input.Names.filter(exists).map((name: string) => {
      const plain = name === PARAMETER_ARN ? PARAMETER_NAME : name;
      return { Name: plain, ARN: `arn:aws:ssm:${REGION}:${ACCOUNT}:parameter${plain}`, Type: 'String', Value: 'on', Version: 4, LastModifiedDate: ROTATED };
    }),
    InvalidParameters: input.Names.filter((name: string) => !exists(name)),
  }));
  return { ecs, sm, ssm };
}

describe('the staleness pass over parameters', () => {
  let stubs: ReturnType<typeof parameterAccount>;
  afterEach(() => {
    stubs?.ecs.restore();
    stubs?.sm.restore();
    stubs?.ssm.restore();
  });

  test('GIVEN a recycler that watches only a parameter WHEN the pass runs THEN the tasks of its readers by name and by ARN that started before its last modification are stale, not the pinned reader\'s, and StaleTasks is published per parameter and in total', async () => {
    // GIVEN
    stubs = parameterAccount();
    const run = config({ secrets: [], parameters: [PARAMETER_NAME] });

    // WHEN
    const summary = await measureStaleness(run);

    // THEN
    expect(summary).toMatchObject({
      secrets: [],
      parameters: [{ parameter: PARAMETER_NAME, lastModified: ROTATED.toISOString(), services: 2, tasks: 4, staleTasks: 3 }],
      staleTasks: 3,
      failed: 0,
    });
    // The dates only: no decryption asked for.
    expect(callsOf(stubs.ssm, GetParametersCommand)).toEqual([{ Names: [PARAMETER_NAME] }]);
    expect(callsOf(stubs.sm, ListSecretVersionIdsCommand)).toEqual([]);
    const metricLines = run.lines.filter((l) => l._aws);
    expect(metricLines.map((l) => [l._aws.CloudWatchMetrics[0].Dimensions, l.ParameterName, l.StaleTasks])).toEqual([
      [[['FunctionName', 'ParameterName']], PARAMETER_NAME, 3],
      [[['FunctionName']], undefined, 3],
    ]);
    // The log carries no value.
    expect(JSON.stringify(run.lines)).not.toContain('"Value"');
  });

  test('GIVEN a watched secret and a watched parameter WHEN the pass runs THEN each is published, and the total that the alarm reads adds them up', async () => {
    stubs = parameterAccount();
    const run = config({ secrets: [SECRET_ARN], parameters: [PARAMETER_ARN] });
    const summary = await measureStaleness(run);
    expect(summary).toMatchObject({
      secrets: [{ secret: SECRET_ARN, services: 1, tasks: 1, staleTasks: 1 }],
      parameters: [{ parameter: PARAMETER_ARN, services: 2, tasks: 4, staleTasks: 3 }],
      staleTasks: 4,
      failed: 0,
    });
    expect(run.lines.filter((l) => l._aws).map((l) => [l.SecretId, l.ParameterName, l.StaleTasks])).toEqual([
      [SECRET_ARN, undefined, 1],
      [undefined, PARAMETER_ARN, 3],
      [undefined, undefined, 4],
    ]);
  });

  test('GIVEN 23 watched parameters WHEN the pass runs THEN GetParameters is called with at most 10 names each, 3 times, every name once', async () => {
    stubs = parameterAccount();
    const names = [PARAMETER_NAME, ...Array.from({ length: 22 }, (_, i) => `/p/${i}`)];
    const summary = await measureStaleness(config({ secrets: [], parameters: names }));
    const calls = callsOf(stubs.ssm, GetParametersCommand);
    expect(calls.map((input) => input.Names.length)).toEqual([10, 10, 3]);
    expect(calls.flatMap((input) => input.Names)).toEqual(names);
    expect(calls.every((input) => input.WithDecryption === undefined)).toBe(true);
    expect(summary.parameters.map((p) => p.parameter)).toEqual(names);
    expect(summary).toMatchObject({ staleTasks: 3, failed: 0 });
  });

  test.each([
    ['GetParameters is denied', (s: ReturnType<typeof parameterAccount>) => s.ssm.on(GetParametersCommand).rejects(Object.assign(new Error('denied'), { name: 'AccessDeniedException' })), /GetParameters failed: AccessDeniedException: denied/],
    ['the parameter comes back without a LastModifiedDate', (s: ReturnType<typeof parameterAccount>) => s.ssm.on(GetParametersCommand).resolves({ Parameters: [{ Name: PARAMETER_NAME, Value: 'on' }], InvalidParameters: [] }), /without a LastModifiedDate/],
  ])('GIVEN %s WHEN the handler runs the pass THEN no metric is published and the invocation fails', async (_, breakIt, error) => {
    // GIVEN
    stubs = parameterAccount();
    breakIt(stubs);
    const env = passEnvironment({ WATCHED_PARAMETERS: JSON.stringify([PARAMETER_NAME]) });
    try {
      // WHEN / THEN
      await expect(handler(SCHEDULED)).rejects.toThrow(/the staleness pass could not read 1 thing\(s\) and published no metric/);
      const lines = env.lines();
      expect(lines.filter((l) => l._aws)).toEqual([]);
      expect(lines.filter((l) => l.outcome === 'failed')).toEqual([expect.objectContaining({ parameter: PARAMETER_NAME, error: expect.stringMatching(error) })]);
    } finally {
      env.restore();
    }
  });

  test('GIVEN a watched parameter deleted since the recycler was deployed (InvalidParameters) WHEN the handler runs the pass THEN it is an error naming it, no metric is published for the others, and the invocation fails', async () => {
    stubs = parameterAccount();
    const env = passEnvironment({ WATCHED_PARAMETERS: JSON.stringify([PARAMETER_NAME, GONE_PARAMETER, OTHER_PARAMETER]) });
    try {
      await expect(handler(SCHEDULED)).rejects.toThrow(/the staleness pass could not read 1 thing\(s\) and published no metric/);
      const lines = env.lines();
      expect(lines.filter((l) => l._aws)).toEqual([]);
      expect(lines.filter((l) => l.outcome === 'failed')).toEqual([expect.objectContaining({
        parameter: GONE_PARAMETER, error: expect.stringContaining('GetParameters lists it in InvalidParameters: it does not exist'),
      })]);
      expect(callsOf(stubs.ssm, GetParametersCommand)).toEqual([{ Names: [PARAMETER_NAME, GONE_PARAMETER, OTHER_PARAMETER] }]);
    } finally {
      env.restore();
    }
  });

  test('GIVEN the schedule\'s event and only a parameter watched WHEN the handler runs THEN it measures it', async () => {
    stubs = parameterAccount();
    const env = passEnvironment({ WATCHED_PARAMETERS: JSON.stringify([PARAMETER_NAME]) });
    try {
      await expect(handler(SCHEDULED)).resolves.toMatchObject({ parameters: [{ parameter: PARAMETER_NAME, staleTasks: 3 }], staleTasks: 3 });
      expect(env.lines().filter((l) => l._aws).map((l) => l.StaleTasks)).toEqual([3, 3]);
    } finally {
      env.restore();
    }
  });
});

describe('staleness helpers', () => {
  test('a task is stale when it started before the version; one that has not started is not', () => {
    expect(isStale({ startedAt: BEFORE }, ROTATED)).toBe(true);
    expect(isStale({ startedAt: ROTATED }, ROTATED)).toBe(false);
    expect(isStale({ startedAt: AFTER }, ROTATED)).toBe(false);
    expect(isStale({}, ROTATED)).toBe(false);
  });

  test('a task belongs to the service of its group; a standalone task (family:) to none', () => {
    expect(serviceOfTask({ group: 'service:api' })).toBe('api');
    expect(serviceOfTask({ group: 'family:api' })).toBeUndefined();
    expect(serviceOfTask({})).toBeUndefined();
  });

  test('the current version is the one staged AWSCURRENT', () => {
    expect(currentVersionCreated([{ VersionStages: ['AWSPREVIOUS'], CreatedDate: BEFORE }, { VersionStages: ['AWSCURRENT', 'blue'], CreatedDate: ROTATED }])).toEqual(ROTATED);
    expect(currentVersionCreated([{ VersionStages: ['AWSPENDING'], CreatedDate: ROTATED }])).toBeUndefined();
  });

  test('a reference reads a watched secret by complete or partial ARN, JSON key or not; not a pinned one, nor a secret whose name starts alike', () => {
    const ref = (valueFrom: string) => parseValueFrom(valueFrom)!;
    expect(readsSecret(ref(SECRET_ARN), PARTIAL)).toBe(true);
    expect(readsSecret(ref(`${PARTIAL}:password::`), SECRET_ARN)).toBe(true);
    expect(readsSecret(ref(`${SECRET_ARN}:password::`), SECRET_ARN)).toBe(true);
    expect(readsSecret(ref(`${SECRET_ARN}:password:AWSPREVIOUS:`), SECRET_ARN)).toBe(false);
    expect(readsSecret(ref(`${PARTIAL}-replica-Qw12Er`), PARTIAL)).toBe(false);
    expect(readsSecret(ref('/prod/flags'), PARTIAL)).toBe(false);
  });

  test('a reference reads a watched parameter by name (with or without its leading slash) or by ARN in the task\'s Region and account; not pinned to a version or label, nor another Region\'s', () => {
    const reads = (valueFrom: string, watched: string) => readsParameter(parseValueFrom(valueFrom)!, watched, REGION, ACCOUNT);
    expect(reads(PARAMETER_NAME, PARAMETER_NAME)).toBe(true);
    expect(reads(PARAMETER_ARN, PARAMETER_NAME)).toBe(true);
    expect(reads(PARAMETER_NAME, PARAMETER_ARN)).toBe(true);
    expect(reads('prod/feature-flags', PARAMETER_NAME)).toBe(true);
    expect(reads(`${PARAMETER_NAME}:3`, PARAMETER_NAME)).toBe(false);
    expect(reads(`${PARAMETER_ARN}:prod`, PARAMETER_ARN)).toBe(false);
    expect(reads(PARAMETER_ARN.replace(REGION, 'eu-west-1'), PARAMETER_NAME)).toBe(false);
    expect(reads(PARAMETER_ARN.replace(ACCOUNT, '222222222222'), PARAMETER_NAME)).toBe(false);
    expect(reads('/prod/feature-flags-v2', PARAMETER_NAME)).toBe(false);
    expect(reads(SECRET_ARN, PARAMETER_NAME)).toBe(false);
  });

  test('the parameter GetParameters returned for a name or an ARN asked for', () => {
    const returned = [
      { Name: '/prod/limits', ARN: `arn:aws:ssm:${REGION}:${ACCOUNT}:parameter/prod/limits` },
      { Name: PARAMETER_NAME, ARN: PARAMETER_ARN, LastModifiedDate: ROTATED },
    ];
    expect(returnedParameter(PARAMETER_NAME, returned, REGION, ACCOUNT)).toBe(returned[1]);
    expect(returnedParameter(PARAMETER_ARN, returned, REGION, ACCOUNT)).toBe(returned[1]);
    expect(returnedParameter('/prod/gone', returned, REGION, ACCOUNT)).toBeUndefined();
  });

  test('only the schedule\'s event is a pass', () => {
    expect(isScheduledEvent(SCHEDULED)).toBe(true);
    expect(isScheduledEvent({ 'source': 'aws.secretsmanager', 'detail-type': 'Secret Label Updated' })).toBe(false);
  });
});
