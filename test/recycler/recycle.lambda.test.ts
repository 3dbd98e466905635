import { ECSClient, ListServicesCommand } from '@aws-sdk/client-ecs';
import { labelUpdated, parameterChange, putSecretValue, rotationSucceeded, updateSecret, failedPutSecretValue } from './events';
import {
  ACCOUNT, FakeEcs, FakeService, OTHER_SECRET_ARN, PARAMETER_ARN, PARAMETER_NAME, REGION, SECRET_ARN,
  clusterArn, container, fakeEcs, fleet, handlerContext, prng, serviceArn,
} from './fake-ecs';
import { withEnvironment } from './handler-env';
import { SecretRotationRecycler } from '../../src';
import { ChangeEvent } from '../../src/recycler/change-event';
import { RecycleConfig, configFromEnvironment, handler, recycle } from '../../src/recycler/recycle.lambda';
import { testStack } from '../util';

const CLUSTERS = ['web', 'workers'];

/** The services that read the secret or the parameter; the other 190-odd read something else. */
const READERS: FakeService[] = [
  { name: 'api', cluster: 'web', containers: [container(SECRET_ARN)] },
  { name: 'reports', cluster: 'workers', containers: [container(`${SECRET_ARN}:password::`)] },
  // The secret in the log router's options, by a partial ARN (no six-character suffix).
  {
    name: 'ingest',
    cluster: 'workers',
    containers: [{
      name: 'app',
      image: 'nginx',
      logConfiguration: { logDriver: 'splunk', secretOptions: [{ name: 'splunk-token', valueFrom: SECRET_ARN.replace(/-AbCdEf$/, '') + ':token::' }] },
    }],
  },
  { name: 'flags-by-name', cluster: 'web', containers: [container(PARAMETER_NAME)] },
  { name: 'flags-by-arn', cluster: 'workers', containers: [container('/unrelated'), container(PARAMETER_ARN)] },
];
const SECRET_READERS = ['api', 'ingest', 'reports'];
const PARAMETER_READERS = ['flags-by-arn', 'flags-by-name'];

function config(overrides: Partial<RecycleConfig> = {}): RecycleConfig & { lines: any[] } {
  return {
    ecs: new ECSClient({ region: REGION }),
    clusters: CLUSTERS.map(clusterArn),
    dryRun: false,
    ...handlerContext(),
    ...overrides,
  };
}

/** The most ECS calls a change may cost: ListServices pages, DescribeServices batches, distinct task definitions, matches. */
function callBudget(services: FakeService[], matches: number): number {
  const perCluster = CLUSTERS.map((c) => services.filter((s) => s.cluster === c).length);
  const pages = perCluster.reduce((sum, n) => sum + Math.max(1, Math.ceil(n / 100)), 0);
  const batches = perCluster.reduce((sum, n) => sum + Math.ceil(n / 10), 0);
  const taskDefinitions = new Set(services.map((s) => s.taskDefinitionOf ?? s.name)).size;
  return pages + batches + taskDefinitions + matches;
}

const totalCalls = (ecs: FakeEcs) => Object.values(ecs.calls).reduce((a, b) => a + b, 0);

describe('recycle handler', () => {
  let ecs: FakeEcs;
  afterEach(() => ecs?.restore());

  describe.each<[string, ChangeEvent, string[]]>([
    ['Secret Label Updated (AWSCURRENT)', labelUpdated(), SECRET_READERS],
    ['CloudTrail PutSecretValue with no stages (AWSCURRENT by default)', putSecretValue(), SECRET_READERS],
    ['CloudTrail PutSecretValue to AWSCURRENT, response field spelled aRN', putSecretValue(['AWSCURRENT'], 'aRN'), SECRET_READERS],
    ['CloudTrail UpdateSecret', updateSecret(), SECRET_READERS],
    ['CloudTrail RotationSucceeded', rotationSucceeded(), SECRET_READERS],
    ['Parameter Store Change (Update)', parameterChange('Update'), PARAMETER_READERS],
    ['Parameter Store Change (Create)', parameterChange('Create'), PARAMETER_READERS],
  ])('on %s', (_name, event, readers) => {
    test('GIVEN 200 services in 2 clusters WHEN the value changes THEN exactly its readers are redeployed, within the call budget', async () => {
      // GIVEN
      const services = fleet(CLUSTERS, 200, READERS);
      ecs = fakeEcs(services);
      const run = config();
      // WHEN
      const summary = await recycle(event, run);
      // THEN
      expect(ecs.redeployed).toEqual(readers);
      expect(summary).toMatchObject({ recycled: readers.length, failed: 0, skipped: 0, servicesScanned: 200 });
      expect(totalCalls(ecs)).toBeLessThanOrEqual(callBudget(services, readers.length));
      expect(ecs.calls).toEqual({ ListServices: 2, DescribeServices: 20, DescribeTaskDefinition: 200, UpdateService: readers.length });
      expect(Math.max(...ecs.describeBatches)).toBe(10);
    });
  });

  test('GIVEN task definitions shared between services WHEN the secret changes THEN each is described once', async () => {
    // GIVEN: 150 services, the last 100 sharing the api's task definition; one cluster pages twice.
    const services = fleet(CLUSTERS, 150, READERS).map((s, i) => (i >= 50 ? { ...s, cluster: 'web', taskDefinitionOf: 'api' } : s));
    ecs = fakeEcs(services);
    // WHEN
    const summary = await recycle(labelUpdated(), config());
    // THEN
    const web = services.filter((s) => s.cluster === 'web').length;
    expect(ecs.calls.ListServices).toBe(Math.ceil(web / 100) + 1);
    expect(ecs.calls.DescribeTaskDefinition).toBe(50);
    // api, reports and ingest, and the 100 services running the api's task definition.
    expect(summary.recycled).toBe(3 + 100);
    expect(totalCalls(ecs)).toBeLessThanOrEqual(callBudget(services, summary.recycled));
  });

  test('GIVEN ECS throttles 30% of calls WHEN the secret changes THEN all readers are still redeployed, after jittered waits', async () => {
    // GIVEN
    ecs = fakeEcs(fleet(CLUSTERS, 200, READERS), { throttleRate: 0.3, seed: 7 });
    const waits: number[] = [];
    const run = config({ sleep: async (ms) => { waits.push(ms); }, random: prng(3) });
    // WHEN
    const summary = await recycle(labelUpdated(), run);
    // THEN
    expect(ecs.redeployed).toEqual(SECRET_READERS);
    expect(summary.failed).toBe(0);
    expect(ecs.throttled).toBeGreaterThan(50);
    expect(waits).toHaveLength(ecs.throttled);
    expect(new Set(waits).size).toBeGreaterThan(10);
    expect(Math.max(...waits)).toBeLessThanOrEqual(5_000);
    // Successful calls stay within the budget; only retries come on top.
    expect(totalCalls(ecs)).toBeLessThanOrEqual(callBudget(fleet(CLUSTERS, 200, READERS), 3));
  });

  test('GIVEN one reader cannot be updated WHEN the secret changes THEN the others are redeployed and the invocation fails', async () => {
    // GIVEN
    ecs = fakeEcs(fleet(CLUSTERS, 200, READERS), { failUpdates: ['reports'] });
    process.env.CLUSTERS = JSON.stringify(CLUSTERS.map(clusterArn));
    process.env.AWS_REGION = REGION;
    process.env.ACCOUNT_ID = ACCOUNT;
    const log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
    try {
      // WHEN
      const invocation = handler(labelUpdated());
      // THEN
      await expect(invocation).rejects.toThrow(`1 service(s) could not be recycled after Secret Label Updated of ${SECRET_ARN}`);
      expect(ecs.redeployed).toEqual(['api', 'ingest']);
      const lines = log.mock.calls.map(([line]) => JSON.parse(line));
      expect(lines.find((l) => l.outcome === 'failed')).toMatchObject({
        serviceArn: serviceArn('workers', 'reports'),
        error: expect.stringContaining('ServiceNotActiveException'),
      });
      expect(lines.find((l) => l.message === 'summary')).toMatchObject({ Recycled: 2, Failed: 1, level: 'error' });
    } finally {
      log.mockRestore();
      delete process.env.CLUSTERS;
      delete process.env.ACCOUNT_ID;
    }
  });

  test.each<[string, ChangeEvent, RegExp]>([
    ['an AWSPENDING write (rotation createSecret)', putSecretValue(['AWSPENDING']), /wrote version stage AWSPENDING, not AWSCURRENT/],
    ['AWSPENDING moved by Secret Label Updated', labelUpdated(SECRET_ARN, 'AWSPENDING'), /label AWSPENDING updated/],
    ['a failed PutSecretValue', failedPutSecretValue(), /failed \(AccessDenied\)/],
    ['a deleted parameter', parameterChange('Delete'), /parameter Delete/],
    ['a labelled parameter version', parameterChange('LabelParameterVersion'), /parameter LabelParameterVersion/],
  ])('GIVEN %s WHEN the handler runs THEN nothing is redeployed and ECS is not called', async (_name, event, reason) => {
    // GIVEN
    ecs = fakeEcs(fleet(CLUSTERS, 50, READERS));
    const run = config();
    // WHEN
    const summary = await recycle(event, run);
    // THEN
    expect(summary.ignored).toMatch(reason);
    expect(totalCalls(ecs)).toBe(0);
    expect(run.lines).toEqual([expect.objectContaining({ message: 'summary', Recycled: 0, Failed: 0 })]);
  });

  test('GIVEN services that cannot or need not be redeployed WHEN the secret changes THEN each is skipped, failed or reported with the reason', async () => {
    // GIVEN: the change happened at 08:00:00Z (labelUpdated's time).
    ecs = fakeEcs(fleet(CLUSTERS, 40, [
      ...READERS,
      { name: 'blue-green', cluster: 'web', containers: [container(SECRET_ARN)], controller: 'CODE_DEPLOY' },
      { name: 'deployed-after', cluster: 'web', containers: [container(SECRET_ARN)], deployments: 2, deployedAt: '2026-11-21T08:00:05Z' },
      { name: 'pinned', cluster: 'web', containers: [container(`${SECRET_ARN}:password:AWSPREVIOUS:`)] },
      { name: 'pinned-id', cluster: 'web', containers: [container(`${SECRET_ARN}:::6c1b5e3a-0000-4000-8000-000000000000`)] },
      { name: 'replica', cluster: 'web', containers: [container(OTHER_SECRET_ARN)] },
      { name: 'draining', cluster: 'workers', containers: [container(SECRET_ARN)], status: 'DRAINING' },
    ]));
    const run = config();
    // WHEN
    const summary = await recycle(labelUpdated(), run);
    // THEN
    expect(ecs.redeployed).toEqual(SECRET_READERS);
    const byName = (outcome: string, field: string) => Object.fromEntries(run.lines.filter((l) => l.outcome === outcome).map((l) => [l.serviceArn.split('/').pop(), l[field]]));
    expect(byName('skipped', 'reason')).toEqual({
      'deployed-after': 'deployment ecs-svc/deployed-after-0 started at 2026-11-21T08:00:05.000Z, after the change (2026-11-21T08:00:00Z): its tasks read the new value',
      'pinned': expect.stringMatching(/pins version stage AWSPREVIOUS/),
      'pinned-id': expect.stringMatching(/pins version ID 6c1b5e3a/),
    });
    expect(byName('failed', 'error')).toEqual({
      'blue-green': expect.stringMatching(/CODE_DEPLOY deployment controller does not take forced deployments, so its tasks keep the old value/),
    });
    expect(byName('inactive', 'status')).toEqual({ draining: 'DRAINING' });
    expect(run.lines.find((l) => l.outcome === 'inactive')).toMatchObject({ level: 'info', message: 'service inactive' });
    expect(summary).toMatchObject({ recycled: 3, skipped: 3, failed: 1, inactive: 1 });
  });

  describe('a service with a deployment in progress', () => {
    const deploying = (deployedAt: string): FakeService => ({ name: 'deploying', cluster: 'web', containers: [container(SECRET_ARN)], deployments: 2, deployedAt });

    test.each([
      ['started before the change', '2026-11-21T07:59:30Z'],
      ['started in the same second as the change (it may be before it)', '2026-11-21T08:00:00.900Z'],
    ])('GIVEN a deployment %s WHEN the secret changes THEN a new deployment supersedes it', async (_name, deployedAt) => {
      // GIVEN
      ecs = fakeEcs(fleet(CLUSTERS, 20, [...READERS, deploying(deployedAt)]));
      const run = config();
      // WHEN
      const summary = await recycle(labelUpdated(), run);
      // THEN
      expect(ecs.redeployed).toEqual([...SECRET_READERS, 'deploying'].sort());
      expect(run.lines.find((l) => l.serviceArn === serviceArn('web', 'deploying'))).toMatchObject({
        outcome: 'recycled',
        reason: 'supersedes the deployment in progress, which started before the change',
      });
      expect(summary).toMatchObject({ recycled: 4, skipped: 0, failed: 0 });
    });

    test('GIVEN a deployment that started after the change WHEN the secret changes THEN it is left to finish', async () => {
      // GIVEN
      ecs = fakeEcs(fleet(CLUSTERS, 20, [...READERS, deploying('2026-11-21T08:00:01Z')]));
      // WHEN
      const summary = await recycle(labelUpdated(), config());
      // THEN
      expect(ecs.redeployed).toEqual(SECRET_READERS);
      expect(summary).toMatchObject({ recycled: 3, skipped: 1, failed: 0 });
    });

    test('GIVEN a CODE_DEPLOY service that reads the secret WHEN the handler runs THEN the invocation fails, so that the event is retried and dead-lettered', async () => {
      // GIVEN
      ecs = fakeEcs(fleet(CLUSTERS, 20, [...READERS, { name: 'blue-green', cluster: 'web', containers: [container(SECRET_ARN)], controller: 'CODE_DEPLOY' }]));
      const env = withEnvironment({ CLUSTERS: JSON.stringify(CLUSTERS.map(clusterArn)), AWS_REGION: REGION, ACCOUNT_ID: ACCOUNT });
      try {
        // WHEN / THEN
        await expect(handler(labelUpdated())).rejects.toThrow(`1 service(s) could not be recycled after Secret Label Updated of ${SECRET_ARN}`);
        expect(ecs.redeployed).toEqual(SECRET_READERS);
        expect(env.lines().find((l) => l.outcome === 'failed')).toMatchObject({ level: 'error', serviceArn: serviceArn('web', 'blue-green') });
      } finally {
        env.restore();
      }
    });
  });

  test('GIVEN dryRun WHEN the secret changes THEN the plan is logged and nothing is redeployed', async () => {
    // GIVEN
    ecs = fakeEcs(fleet(CLUSTERS, 60, READERS));
    const run = config({ dryRun: true });
    // WHEN
    const summary = await recycle(labelUpdated(), run);
    // THEN
    expect(ecs.calls.UpdateService).toBe(0);
    expect(summary).toMatchObject({ planned: 3, recycled: 0, dryRun: true });
    expect(run.lines.filter((l) => l.outcome === 'planned').map((l) => l.serviceArn).sort()).toEqual(
      [serviceArn('web', 'api'), serviceArn('workers', 'ingest'), serviceArn('workers', 'reports')]);
  });

  test('GIVEN a run WHEN it ends THEN one JSON line per outcome and a summary in Embedded Metric Format', async () => {
    // GIVEN
    ecs = fakeEcs(fleet(CLUSTERS, 30, READERS));
    const run = config();
    // WHEN
    await recycle(labelUpdated(), run);
    // THEN
    const outcomes = run.lines.filter((l) => l.outcome);
    expect(outcomes.map((l) => [l.outcome, l.serviceArn.split('/').pop()]).sort()).toEqual([['recycled', 'api'], ['recycled', 'ingest'], ['recycled', 'reports']]);
    expect(outcomes[0]).toMatchObject({ level: 'info', clusterArn: expect.stringMatching(/^arn:aws:ecs:/), taskDefinition: expect.any(String), change: { kind: 'secret', id: SECRET_ARN } });
    const summary = run.lines[run.lines.length - 1];
    expect(summary).toMatchObject({
      message: 'summary',
      Recycled: 3,
      Skipped: 0,
      Failed: 0,
      _aws: {
        Timestamp: expect.any(Number),
        CloudWatchMetrics: [{
          Namespace: 'Test/Recycler',
          Dimensions: [['FunctionName']],
          Metrics: [{ Name: 'Recycled', Unit: 'Count' }, { Name: 'Skipped', Unit: 'Count' }, { Name: 'Failed', Unit: 'Count' }],
        }],
      },
    });
    expect(summary.FunctionName).toEqual(expect.any(String));
  });

  test.each([
    ['metricRecycled', (r: SecretRotationRecycler) => r.metricRecycled(), 3],
    ['metricSkipped', (r: SecretRotationRecycler) => r.metricSkipped(), 0],
    ['metricFailed', (r: SecretRotationRecycler) => r.metricFailed(), 0],
  ])('GIVEN the metric of SecretRotationRecycler.%s WHEN a run ends THEN the handler emits it by that name, namespace and dimension', async (_method, metricOf, count) => {
    // GIVEN
    const metric = metricOf(new SecretRotationRecycler(testStack(), 'Recycler'));
    ecs = fakeEcs(fleet(CLUSTERS, 30, READERS));
    const run = config({ metricsNamespace: metric.namespace });
    // WHEN
    await recycle(labelUpdated(), run);
    // THEN
    const summary = run.lines[run.lines.length - 1];
    const [directive] = summary._aws.CloudWatchMetrics;
    expect(directive.Namespace).toBe(metric.namespace);
    expect(directive.Metrics).toContainEqual({ Name: metric.metricName, Unit: 'Count' });
    expect(directive.Dimensions).toEqual([Object.keys(metric.dimensions ?? {})]);
    expect(summary[metric.metricName]).toBe(count);
    for (const dimension of Object.keys(metric.dimensions ?? {})) {
      expect(summary[dimension]).toEqual(expect.any(String));
    }
  });

  test('GIVEN no METRICS_NAMESPACE WHEN the handler reads its environment THEN it emits into the namespace the construct\'s metrics read', () => {
    const metric = new SecretRotationRecycler(testStack(), 'Recycler').metricFailed();
    const settings = configFromEnvironment({ CLUSTERS: JSON.stringify([clusterArn('web')]), AWS_REGION: REGION, ACCOUNT_ID: ACCOUNT });
    expect(settings.metricsNamespace).toBe(metric.namespace);
  });

  test('GIVEN a cluster that cannot be listed WHEN the secret changes THEN the other cluster is still handled and the run fails', async () => {
    // GIVEN
    ecs = fakeEcs(fleet(CLUSTERS, 40, READERS));
    ecs.mock.on(ListServicesCommand, { cluster: clusterArn('web') }).rejects(Object.assign(new Error('Cluster not found.'), { name: 'ClusterNotFoundException' }));
    // WHEN
    const summary = await recycle(labelUpdated(), config());
    // THEN
    expect(summary.failed).toBe(1);
    expect(ecs.redeployed).toEqual(['ingest', 'reports']);
  });

  test('GIVEN dropped connections and a server error WHEN the secret changes THEN the calls are retried; an access error is not', async () => {
    // GIVEN
    ecs = fakeEcs(fleet(CLUSTERS, 20, READERS));
    const dropped = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    const server = Object.assign(new Error('Server error'), { name: 'ServerException', $metadata: { httpStatusCode: 500 } });
    const denied = Object.assign(new Error('not authorized'), { name: 'AccessDeniedException', $metadata: { httpStatusCode: 400 } });
    ecs.mock.on(ListServicesCommand, { cluster: clusterArn('web') }).rejectsOnce(dropped).rejectsOnce(server).callsFake(() => ({ serviceArns: [serviceArn('web', 'api')] }));
    ecs.mock.on(ListServicesCommand, { cluster: clusterArn('workers') }).rejects(denied);
    const waits: number[] = [];
    // WHEN
    const summary = await recycle(labelUpdated(), config({ sleep: async (ms) => { waits.push(ms); } }));
    // THEN
    expect(waits).toHaveLength(2);
    expect(ecs.redeployed).toEqual(['api']);
    expect(summary.failed).toBe(1);
  });

  test('GIVEN a parameter of another account WHEN it changes THEN services reading a same-named local parameter are not redeployed', async () => {
    // GIVEN
    ecs = fakeEcs(fleet(CLUSTERS, 20, READERS));
    // WHEN
    const summary = await recycle({ ...parameterChange('Update'), account: '222222222222' }, config());
    // THEN
    expect(summary).toMatchObject({ recycled: 0, change: { kind: 'parameter', account: '222222222222' } });
  });
});
