/**
 * The bundled handler (assets/recycler/recycle.lambda) and the real AWS SDK against AWS
 * implementations the project did not write:
 * - moto's server on loopback (test/aws/moto.ts): ECS accepts the calls the handler makes, a
 *   forced deployment becomes a new PRIMARY deployment with a later createdAt, and exactly the
 *   services that read the changed value get one. The secret and the parameter are created in
 *   moto's Secrets Manager and Parameter Store (through boto3), so their ARNs are as those
 *   services form them, not as the project thinks they are. moto's EventBridge delivers the
 *   events given to the handler through the rule SecretRotationRecycler synthesizes;
 * - IAM's authorization data (test/aws/iam.ts): every call the handler made, as moto recorded it,
 *   is allowed by the policies SecretRotationRecycler synthesizes for the function's role.
 *
 * What moto cannot do (throttling, partial failures, a deployment in progress kept ACTIVE) stays
 * with the aws-sdk-client-mock tests (test/recycler/fake-ecs.ts).
 */
import { CreateClusterCommand, CreateServiceCommand, DescribeServicesCommand, ECSClient, RegisterTaskDefinitionCommand, Secret } from '@aws-sdk/client-ecs';
import { aws_ecs as ecs, aws_secretsmanager as secretsmanager, aws_ssm as ssm } from 'aws-cdk-lib';
import { deployedRecycler } from './deployed-recycler';
import { labelUpdated, parameterChange } from './events';
import { SecretRotationRecycler } from '../../src';
import { runBundle } from '../assets/bundle';
import { decide, expectAllAllowed, logicalIdOf, resolveValue, statementOf, templateOf, unusedStatements } from '../aws/iam';
import { MOTO_ACCOUNT, MOTO_REGION, MotoServer, SETUP_CREDENTIALS } from '../aws/moto';
import { testApp, testStack } from '../util';

/** The recycler's calls sign with this key, set-up calls with SETUP_CREDENTIALS. */
const RECYCLER_KEY = 'AKIARECYCLER';
const PARAMETER = '/prod/flags';
const WATCHED = ['web', 'workers'];
const clusterArn = (name: string) => `arn:aws:ecs:${MOTO_REGION}:${MOTO_ACCOUNT}:cluster/${name}`;

/** The secrets and parameters, as moto's Secrets Manager and Parameter Store name them. */
interface Values {
  readonly secret: string;
  /** A secret whose name starts like the watched one: `prod/db-replica`. */
  readonly replica: string;
  readonly parameter: string;
}

/** The fleet: which containers each service runs, by cluster; `batch` is not watched. */
function fleet(v: Values): Record<string, Record<string, { secrets?: Secret[]; logSecrets?: Secret[] }>> {
  const secret = (valueFrom: string) => [{ name: 'VALUE', valueFrom }];
  return {
    web: {
      'api': { secrets: secret(v.secret) },
      'reports': { secrets: secret(`${v.secret}:password::`) },
      'flags-by-name': { secrets: secret(PARAMETER) },
      'replica': { secrets: secret(v.replica) },
      'pinned': { secrets: secret(`${v.secret}:password:AWSPREVIOUS:`) },
    },
    workers: {
      'ingest': { logSecrets: [{ name: 'splunk-token', valueFrom: `${v.secret}:token::` }] },
      'flags-by-arn': { secrets: secret(v.parameter) },
      // The same name in another region: another parameter.
      'flags-elsewhere': { secrets: secret(v.parameter.replace(`:${MOTO_REGION}:`, ':eu-west-1:')) },
      'plain': {},
    },
    batch: {
      'batch-api': { secrets: secret(v.secret) },
    },
  };
}
const SECRET_READERS = ['api', 'ingest', 'reports'];
const PARAMETER_READERS = ['flags-by-arn', 'flags-by-name'];

/**
 * The recycler's function as deployed from a stack that watches the clusters by their literal
 * ARNs, so that its policies are concrete; and its rule's event pattern.
 */
function synthesize(v: Values) {
  const stack = testStack(testApp(), 'Recycler', { env: { account: MOTO_ACCOUNT, region: MOTO_REGION } });
  new SecretRotationRecycler(stack, 'Recycler', {
    clusters: WATCHED.map((name) => ecs.Cluster.fromClusterArn(stack, name, clusterArn(name))),
    secrets: [secretsmanager.Secret.fromSecretCompleteArn(stack, 'Db', v.secret)],
    parameters: [ssm.StringParameter.fromStringParameterName(stack, 'Flags', PARAMETER)],
  });
  const template = templateOf(stack);
  const recycler = deployedRecycler(template);
  // The rule that matches changes (the other is the staleness pass's schedule).
  const rule = logicalIdOf(template, 'AWS::Events::Rule', (p) => p.EventPattern !== undefined);
  return { ...recycler, eventPattern: resolveValue(template, template.Resources[rule].Properties.EventPattern, recycler.physical) };
}

/** Now, in whole seconds, as EventBridge writes an event's time. */
const now = () => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');

/** Waits for the next whole second, so that what happens next is certainly after a change stamped `now()`. */
const nextSecond = () => new Promise((r) => setTimeout(r, 1_050 - (Date.now() % 1_000)));

describe('the recycler bundle against moto', () => {
  let moto: MotoServer;
  let client: ECSClient;
  let values: Values;
  let recycler: ReturnType<typeof synthesize>;

  beforeAll(async () => {
    moto = await MotoServer.start();
    client = new ECSClient({ region: MOTO_REGION, endpoint: moto.endpoint, credentials: SETUP_CREDENTIALS });
    const [secret, replica, , parameter] = moto.boto3([
      { service: 'secretsmanager', operation: 'create_secret', params: { Name: 'prod/db', SecretString: '{"password":"one","token":"t"}' } },
      { service: 'secretsmanager', operation: 'create_secret', params: { Name: 'prod/db-replica', SecretString: 'r' } },
      { service: 'ssm', operation: 'put_parameter', params: { Name: PARAMETER, Value: 'on', Type: 'String' } },
      { service: 'ssm', operation: 'get_parameter', params: { Name: PARAMETER } },
    ]);
    values = { secret: secret.ARN, replica: replica.ARN, parameter: parameter.Parameter.ARN };
    for (const [cluster, services] of Object.entries(fleet(values))) {
      await client.send(new CreateClusterCommand({ clusterName: cluster }));
      for (const [name, { secrets, logSecrets }] of Object.entries(services)) {
        const logConfiguration = logSecrets ? { logDriver: 'splunk' as const, options: { 'splunk-url': 'https://splunk.example.com' }, secretOptions: logSecrets } : undefined;
        await client.send(new RegisterTaskDefinitionCommand({ family: name, containerDefinitions: [{ name: 'app', image: 'nginx', memory: 128, secrets, logConfiguration }] }));
        await client.send(new CreateServiceCommand({ cluster, serviceName: name, taskDefinition: name, desiredCount: 1 }));
      }
    }
    recycler = synthesize(values);
  }, 300_000);

  afterAll(async () => {
    client?.destroy();
    await moto?.stop();
  });

  /** Each service's PRIMARY deployment, by service name, read through DescribeServices. */
  async function primaries(): Promise<Record<string, { id: string; createdAt: Date }>> {
    const result: Record<string, { id: string; createdAt: Date }> = {};
    for (const [cluster, services] of Object.entries(fleet(values))) {
      const { services: described } = await client.send(new DescribeServicesCommand({ cluster, services: Object.keys(services) }));
      for (const service of described ?? []) {
        const primary = service.deployments!.find((d) => d.status === 'PRIMARY')!;
        result[service.serviceName!] = { id: primary.id!, createdAt: primary.createdAt! };
      }
    }
    return result;
  }

  /** The services whose PRIMARY deployment changed between two readings; the others must be untouched. */
  function redeployed(before: Awaited<ReturnType<typeof primaries>>, after: Awaited<ReturnType<typeof primaries>>): string[] {
    expect(Object.keys(after).sort()).toEqual(Object.keys(before).sort());
    const changed = Object.keys(after).filter((name) => after[name].id !== before[name].id).sort();
    for (const name of Object.keys(after)) {
      if (changed.includes(name)) {
        expect(after[name].createdAt.getTime()).toBeGreaterThan(before[name].createdAt.getTime());
      } else {
        expect(after[name]).toEqual(before[name]);
      }
    }
    return changed;
  }

  /** Runs the bundle as the synthesized function, signing as the recycler's role. */
  function invoke(event: object) {
    const run = runBundle('recycler/recycle.lambda', { event }, { ...moto.env(RECYCLER_KEY), ...recycler.environment, AWS_LAMBDA_FUNCTION_NAME: 'recycler' });
    expect(run.error).toBeUndefined();
    return run;
  }

  const secretChanged = (time: string) => ({ ...labelUpdated(values.secret), time, account: MOTO_ACCOUNT });
  const parameterChanged = (time: string) => ({ ...parameterChange('Update', PARAMETER), resources: [values.parameter], time, account: MOTO_ACCOUNT });

  test('moto names the secrets and the parameter as the handler expects: a secret ARN ends in a hyphen and six characters, a parameter ARN drops the leading slash', () => {
    expect(values.secret).toMatch(new RegExp(`^arn:aws:secretsmanager:${MOTO_REGION}:${MOTO_ACCOUNT}:secret:prod/db-[A-Za-z0-9]{6}$`));
    expect(values.replica).toMatch(/:secret:prod\/db-replica-[A-Za-z0-9]{6}$/);
    expect(values.parameter).toBe(`arn:aws:ssm:${MOTO_REGION}:${MOTO_ACCOUNT}:parameter/prod/flags`);
    // The function watches exactly the clusters moto created under those ARNs.
    expect(JSON.parse(recycler.environment.CLUSTERS)).toEqual(WATCHED.map(clusterArn));
  });

  test('the rule SecretRotationRecycler synthesizes delivers the events the handler is given here, and not the moves of other labels or secrets (moto\'s EventBridge)', () => {
    // GIVEN: the rule, with a queue as its target. (moto's TestEventPattern is a stub: PutEvents runs its matcher.)
    const time = now();
    const cases: Array<[string, any, boolean]> = [
      ['the secret\'s AWSCURRENT moved', secretChanged(time), true],
      ['the parameter updated', parameterChanged(time), true],
      ['a custom label moved', { ...secretChanged(time), detail: { ...secretChanged(time).detail, labelUpdated: 'blue' } }, false],
      ['the replica\'s AWSCURRENT moved', { ...secretChanged(time), resources: [values.replica] }, false],
      ['the parameter deleted', { ...parameterChanged(time), detail: { ...parameterChanged(time).detail, operation: 'Delete' } }, false],
    ];
    const queue = 'recycler-rule-target';

    // WHEN: each event is put on the default bus, and the queue read after it.
    const results = moto.boto3([
      { service: 'sqs', operation: 'create_queue', params: { QueueName: queue } },
      { service: 'events', operation: 'put_rule', params: { Name: 'recycler', EventPattern: JSON.stringify(recycler.eventPattern) } },
      { service: 'events', operation: 'put_targets', params: { Rule: 'recycler', Targets: [{ Id: 'queue', Arn: `arn:aws:sqs:${MOTO_REGION}:${MOTO_ACCOUNT}:${queue}` }] } },
      ...cases.flatMap(([, event]) => [
        { service: 'events', operation: 'put_events', params: { Entries: [{ Source: event.source, DetailType: event['detail-type'], Resources: event.resources, Detail: JSON.stringify(event.detail) }] } },
        { service: 'sqs', operation: 'receive_message', params: { QueueUrl: `${moto.endpoint}/${MOTO_ACCOUNT}/${queue}`, MaxNumberOfMessages: 10 } },
      ]),
    ]);

    // THEN
    const delivered = cases.map((_, i) => (results[4 + 2 * i].Messages ?? []).map((m: any) => JSON.parse(m.Body)));
    const byCase = (value: (i: number) => boolean) => Object.fromEntries(cases.map(([name], i) => [name, value(i)]));
    expect(byCase((i) => delivered[i].length === 1)).toEqual(byCase((i) => cases[i][2]));
    expect(delivered[0][0]).toMatchObject({ 'detail-type': 'Secret Label Updated', 'resources': [values.secret] });
  });

  test('GIVEN a Secret Label Updated event WHEN the handler runs THEN exactly the secret\'s readers in the watched clusters get a new PRIMARY deployment; the same event again leaves them alone', async () => {
    // GIVEN: the change is stamped now; every deployment started before it.
    const before = await primaries();
    const time = now();
    await nextSecond();

    // WHEN
    const first = invoke(secretChanged(time));

    // THEN: the full ARN, the ARN with a JSON key and the log router's secret option are read; a
    // pinned stage, a secret whose name starts alike and an unwatched cluster are not.
    expect(first.result).toMatchObject({ recycled: 3, skipped: 1, failed: 0, servicesScanned: 9, taskDefinitionsRead: 9 });
    expect(first.logs.find((l) => l.outcome === 'skipped')).toMatchObject({ serviceArn: expect.stringMatching(/service\/web\/pinned$/), reason: expect.stringMatching(/pins version stage AWSPREVIOUS/) });
    expect(first.logs.filter((l) => l.outcome === 'recycled').map((l) => l.serviceArn.split('/').pop()).sort()).toEqual(SECRET_READERS);
    expect(first.logs[first.logs.length - 1]).toMatchObject({ message: 'summary', Recycled: 3, Skipped: 1, Failed: 0, FunctionName: 'recycler', change: { kind: 'secret', id: values.secret, time } });
    const after = await primaries();
    expect(redeployed(before, after)).toEqual(SECRET_READERS);
    for (const name of SECRET_READERS) {
      expect(after[name].createdAt.getTime()).toBeGreaterThanOrEqual(Date.parse(time) + 1_000);
    }

    // WHEN the same change arrives again (a retry, or a second event for it)
    const again = invoke(secretChanged(time));

    // THEN the deployments that started after the change are left to finish.
    expect(again.result).toMatchObject({ recycled: 0, skipped: 4, failed: 0 });
    expect(again.logs.filter((l) => l.outcome === 'skipped' && /after the change .*: its tasks read the new value/.test(l.reason))).toHaveLength(3);
    expect(redeployed(after, await primaries())).toEqual([]);
  });

  test('GIVEN a Parameter Store Change event WHEN the handler runs THEN exactly the services that read the parameter by name or by ARN in its region get a new PRIMARY deployment', async () => {
    // GIVEN
    const before = await primaries();
    const time = now();
    await nextSecond();

    // WHEN
    const run = invoke(parameterChanged(time));

    // THEN
    expect(run.result).toMatchObject({ recycled: 2, skipped: 0, failed: 0, servicesScanned: 9, change: { kind: 'parameter', id: PARAMETER } });
    expect(redeployed(before, await primaries())).toEqual(PARAMETER_READERS);
  });

  test('every call the handler makes for a change is an ECS call that the role SecretRotationRecycler synthesizes allows; its only unused statements serve the Lambda service and the staleness pass', async () => {
    // GIVEN
    moto.clearCalls();
    const time = now();
    await nextSecond();

    // WHEN: both kinds of change, each redeploying services in both watched clusters.
    invoke(secretChanged(time));
    invoke(parameterChanged(time));

    // THEN
    const calls = moto.calls(RECYCLER_KEY);
    expect([...new Set(calls.map((c) => c.action))].sort()).toEqual(['ecs:DescribeServices', 'ecs:DescribeTaskDefinition', 'ecs:ListServices', 'ecs:UpdateService']);
    expect(calls.filter((c) => c.operation === 'UpdateService').map((c) => c.params.service.split('/').pop()).sort()).toEqual([...SECRET_READERS, ...PARAMETER_READERS].sort());
    const decisions = await decide(calls, recycler.policies);
    expectAllAllowed(decisions);
    // The log group's statement is used by the Lambda runtime (it writes the function's logs), the
    // queue's by the Lambda service (it sends a failed event to the dead-letter queue with the
    // function's role): neither is a call the handler makes. The staleness pass's statements are
    // used by its schedule's invocations (staleness.moto.test.ts), not by a change.
    const unused = unusedStatements(recycler.policies, decisions);
    expect(unused.map((id) => statementOf(recycler.policies, id).Action)).toEqual([
      ['logs:CreateLogStream', 'logs:PutLogEvents'],
      'sqs:SendMessage',
      'secretsmanager:ListSecretVersionIds',
      'ssm:GetParameters',
      'ecs:ListTasks',
      'ecs:DescribeTasks',
      'ecs:ListTasks',
      'ecs:DescribeTasks',
    ]);
  });
});
