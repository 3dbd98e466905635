/**
 * Every way the handler can fail ends in a FAILED invocation (a thrown error, which Lambda retries
 * and then dead-letters) with a JSON log line saying why; never in a silent success.
 */
import { DescribeServicesCommand, DescribeTaskDefinitionCommand } from '@aws-sdk/client-ecs';
import { labelUpdated } from './events';
import { ACCOUNT, FakeEcs, FakeService, REGION, SECRET_ARN, clusterArn, container, fakeEcs, fleet, serviceArn } from './fake-ecs';
import { withEnvironment } from './handler-env';
import { handler } from '../../src/recycler/recycle.lambda';

const CLUSTERS = ['web', 'workers'];
const READERS: FakeService[] = [
  { name: 'api', cluster: 'web', containers: [container(SECRET_ARN)] },
  { name: 'reports', cluster: 'workers', containers: [container(`${SECRET_ARN}:password::`)] },
];
const ENVIRONMENT = { CLUSTERS: JSON.stringify(CLUSTERS.map(clusterArn)), AWS_REGION: REGION, ACCOUNT_ID: ACCOUNT };
const totalCalls = (ecs: FakeEcs) => Object.values(ecs.calls).reduce((a, b) => a + b, 0);

describe('recycle handler failures', () => {
  let ecs: FakeEcs;
  let env: ReturnType<typeof withEnvironment> | undefined;
  afterEach(() => {
    ecs?.restore();
    env?.restore();
    env = undefined;
  });

  /** Runs the Lambda entry point with `variables` as its environment; returns what it threw (or undefined) and its log lines. */
  async function invoke(variables: Record<string, string> = ENVIRONMENT): Promise<{ error?: Error; lines: any[] }> {
    env = withEnvironment(variables);
    try {
      await handler(labelUpdated());
      return { lines: env.lines() };
    } catch (error) {
      return { error: error as Error, lines: env.lines() };
    }
  }

  const failedLines = (lines: any[]) => lines.filter((l) => l.outcome === 'failed');
  const summaryOf = (lines: any[]) => lines.find((l) => l.message === 'summary');

  test('GIVEN DescribeServices reports a failure other than MISSING WHEN the secret changes THEN the invocation fails and names the service', async () => {
    // GIVEN
    ecs = fakeEcs(fleet(CLUSTERS, 10, READERS));
    ecs.mock.on(DescribeServicesCommand, { cluster: clusterArn('web') }).resolves({
      services: [],
      failures: [{ arn: serviceArn('web', 'api'), reason: 'INTERNAL_ERROR', detail: 'try again' }],
    });
    // WHEN
    const { error, lines } = await invoke();
    // THEN
    expect(error?.message).toBe(`1 service(s) could not be recycled after Secret Label Updated of ${SECRET_ARN}; see the log lines with outcome "failed".`);
    expect(failedLines(lines)).toEqual([expect.objectContaining({ level: 'error', serviceArn: serviceArn('web', 'api'), error: 'DescribeServices: INTERNAL_ERROR try again' })]);
    expect(ecs.redeployed).toEqual(['reports']);
  });

  test('GIVEN DescribeServices reports a service MISSING (deleted since it was listed) WHEN the secret changes THEN the invocation succeeds and logs it', async () => {
    // GIVEN
    ecs = fakeEcs(fleet(CLUSTERS, 10, READERS));
    ecs.mock.on(DescribeServicesCommand, { cluster: clusterArn('web') }).resolves({ services: [], failures: [{ arn: serviceArn('web', 'api'), reason: 'MISSING' }] });
    // WHEN
    const { error, lines } = await invoke();
    // THEN
    expect(error).toBeUndefined();
    expect(lines).toContainEqual(expect.objectContaining({ level: 'info', message: 'service not found', serviceArn: serviceArn('web', 'api') }));
    expect(summaryOf(lines)).toMatchObject({ Failed: 0, Recycled: 1 });
  });

  test('GIVEN DescribeServices fails WHEN the secret changes THEN the invocation fails and names every service of the batch', async () => {
    // GIVEN
    ecs = fakeEcs(fleet(CLUSTERS, 10, READERS));
    ecs.mock.on(DescribeServicesCommand, { cluster: clusterArn('workers') })
      .rejects(Object.assign(new Error('User is not authorized to perform: ecs:DescribeServices'), { name: 'AccessDeniedException', $metadata: { httpStatusCode: 400 } }));
    // WHEN
    const { error, lines } = await invoke();
    // THEN
    expect(error?.message).toMatch(/^5 service\(s\) could not be recycled after Secret Label Updated/);
    expect(failedLines(lines)).toHaveLength(5);
    expect(failedLines(lines)[0]).toMatchObject({ clusterArn: clusterArn('workers'), error: 'DescribeServices failed: AccessDeniedException: User is not authorized to perform: ecs:DescribeServices' });
    expect(ecs.redeployed).toEqual(['api']);
  });

  test('GIVEN DescribeTaskDefinition fails WHEN the secret changes THEN the invocation fails and names the service', async () => {
    // GIVEN
    ecs = fakeEcs(fleet(CLUSTERS, 10, READERS));
    ecs.mock.on(DescribeTaskDefinitionCommand, { taskDefinition: `arn:aws:ecs:${REGION}:${ACCOUNT}:task-definition/reports:3` })
      .rejects(Object.assign(new Error('Unable to describe task definition.'), { name: 'ClientException', $metadata: { httpStatusCode: 400 } }));
    // WHEN
    const { error, lines } = await invoke();
    // THEN
    expect(error?.message).toMatch(/^1 service\(s\) could not be recycled/);
    expect(failedLines(lines)).toEqual([expect.objectContaining({
      serviceArn: serviceArn('workers', 'reports'),
      error: 'DescribeTaskDefinition failed: ClientException: Unable to describe task definition.',
    })]);
    expect(ecs.redeployed).toEqual(['api']);
  });

  test('GIVEN ECS throttles every call WHEN the retries run out THEN the invocation fails after 8 attempts per call', async () => {
    // GIVEN
    ecs = fakeEcs(fleet(CLUSTERS, 10, READERS), { throttleRate: 1 });
    // WHEN
    const started = Date.now();
    const { error, lines } = await invoke();
    // THEN: one failure per cluster, each after 7 jittered waits (at most 0.1+0.2+...+5 s).
    expect(error?.message).toMatch(/^2 service\(s\) could not be recycled/);
    expect(failedLines(lines).map((l) => [l.clusterArn, l.error])).toEqual(CLUSTERS.map((c) => [clusterArn(c), "listing the cluster's services failed: ThrottlingException: Rate exceeded"]));
    expect(lines.filter((l) => l.message === 'retrying')).toHaveLength(2 * 7);
    expect(ecs.throttled).toBe(2 * 8);
    expect(totalCalls(ecs)).toBe(0);
    expect(Date.now() - started).toBeLessThan(2 * 12_000);
  });

  test.each<[string, Record<string, string>, RegExp]>([
    ['CLUSTERS unset', { AWS_REGION: REGION, ACCOUNT_ID: ACCOUNT }, /CLUSTERS is not set/],
    ['CLUSTERS not JSON', { ...ENVIRONMENT, CLUSTERS: 'web,workers' }, /CLUSTERS \("web,workers"\) is not a JSON list of one or more cluster ARNs or names/],
    ['CLUSTERS an empty list', { ...ENVIRONMENT, CLUSTERS: '[]' }, /CLUSTERS \("\[\]"\) is not a JSON list/],
    ['CLUSTERS a list of numbers', { ...ENVIRONMENT, CLUSTERS: '[1]' }, /CLUSTERS \("\[1\]"\) is not a JSON list/],
    ['CLUSTERS an object', { ...ENVIRONMENT, CLUSTERS: '{"web":true}' }, /is not a JSON list/],
    ['AWS_REGION unset', { CLUSTERS: ENVIRONMENT.CLUSTERS, ACCOUNT_ID: ACCOUNT }, /AWS_REGION is not set/],
    ['ACCOUNT_ID unset', { CLUSTERS: ENVIRONMENT.CLUSTERS, AWS_REGION: REGION }, /ACCOUNT_ID is not set/],
  ])('GIVEN %s WHEN the handler runs THEN the invocation fails before any ECS call, naming the variable', async (_name, variables, reason) => {
    // GIVEN
    ecs = fakeEcs(fleet(CLUSTERS, 10, READERS));
    // WHEN
    const { error, lines } = await invoke(variables);
    // THEN
    expect(error?.message).toMatch(/^SecretRotationRecycler handler: /);
    expect(error?.message).toMatch(reason);
    expect(lines).toEqual([{ level: 'error', message: 'misconfigured', error: expect.stringMatching(reason) }]);
    expect(totalCalls(ecs) + ecs.throttled).toBe(0);
  });

  test('GIVEN services that are not ACTIVE WHEN the secret changes THEN they are reported in the log and the invocation succeeds', async () => {
    // GIVEN
    ecs = fakeEcs(fleet(CLUSTERS, 10, [...READERS, { name: 'old', cluster: 'web', containers: [container(SECRET_ARN)], status: 'DRAINING' }, { name: 'gone', cluster: 'workers', containers: [], status: 'INACTIVE' }]));
    // WHEN
    const { error, lines } = await invoke();
    // THEN
    expect(error).toBeUndefined();
    expect(lines.filter((l) => l.outcome === 'inactive').map((l) => [l.serviceArn, l.status, l.level]).sort()).toEqual([
      [serviceArn('web', 'old'), 'DRAINING', 'info'],
      [serviceArn('workers', 'gone'), 'INACTIVE', 'info'],
    ]);
    expect(summaryOf(lines)).toMatchObject({ inactive: 2, failed: 0, recycled: 2 });
    expect(ecs.redeployed).toEqual(['api', 'reports']);
  });
});
