import { Duration, Stack, aws_ecs as ecs, aws_logs as logs } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as fc from 'fast-check';
import { SecretRotationRecycler } from '../../src';
import { Outcomes, Verdict, expectReached, holdToModel, propertyParameters } from '../props/settings';
import { testApp, testStack } from '../util';
import { cluster, parameter, secret, service } from './fixtures';

/**
 * How a service's container reads a value: from Secrets Manager (whole, by JSON key, pinned to a
 * stage or a version), from Parameter Store (an ssm.StringParameter, or a raw L1 naming it), a
 * raw L1 with a full secret ARN, or nothing.
 */
type Reference = 'full' | 'json-key' | 'pinned-stage' | 'pinned-version' | 'parameter' | 'none' | 'raw-secret-arn' | 'raw-parameter-name';
const reference = fc.constantFrom<Reference>('full', 'json-key', 'pinned-stage', 'pinned-version', 'parameter', 'none', 'raw-secret-arn', 'raw-parameter-name');
const RAW_VALUE_FROM: Partial<Record<Reference, string>> = {
  'raw-secret-arn': 'arn:aws:secretsmanager:us-east-1:111111111111:secret:prod/raw-AbCdEf:key::',
  // In the same region ECS takes a parameter by name.
  'raw-parameter-name': 'app/cache-url',
};

interface Choice {
  readonly references: Reference[];
  readonly concurrency: number | undefined;
  readonly clusters: 'none' | 'given' | 'far';
  readonly addServices: boolean;
  readonly cloudTrailEvents: boolean;
  readonly givenSecrets: boolean;
  readonly givenParameters: boolean;
  /** stalenessGracePeriod in minutes. */
  readonly graceMinutes: number | undefined;
}

function model(c: Choice) {
  const verdict = new Verdict();
  const concurrency = c.concurrency ?? 1;
  verdict.refuse(!Number.isInteger(concurrency) || concurrency < 1, 'reservedConcurrentExecutions');
  // The function calls ECS in its own region.
  verdict.refuse(c.clusters === 'far', 'clusters');
  // From one 5-minute pass to the one day CloudWatch evaluates 5-minute periods over.
  verdict.refuse(c.graceMinutes !== undefined && (c.graceMinutes < 5 || c.graceMinutes > 1440), 'stalenessGracePeriod');
  const services = c.references.filter((r) => !r.startsWith('raw-'));
  const watchesCluster = c.clusters === 'given' || (c.addServices && services.length > 0);
  verdict.refuse(c.clusters !== 'far' && !watchesCluster, 'watches no cluster');
  // A stage or version pin never moves; anything else can change and restart the tasks.
  const refreshable = ['full', 'json-key', 'parameter', 'raw-secret-arn', 'raw-parameter-name'];
  verdict.refuse(c.clusters !== 'far' && watchesCluster && !c.givenSecrets && !c.givenParameters && !c.references.some((r) => refreshable.includes(r)),
    'watches no secret');
  return verdict.expected;
}

const VALID: Choice = { references: ['full'], concurrency: undefined, clusters: 'none', addServices: true, cloudTrailEvents: false, givenSecrets: false, givenParameters: false, graceMinutes: undefined };
/** Run on every seed: one thing changed from valid props, for each branch that matters. */
const EXAMPLES: Choice[] = [
  VALID,
  { ...VALID, references: ['parameter', 'pinned-stage'], cloudTrailEvents: true },
  { ...VALID, references: ['raw-parameter-name'], clusters: 'given', addServices: false },
  { ...VALID, references: ['raw-secret-arn'], clusters: 'given', givenParameters: true },
  { ...VALID, references: ['pinned-version', 'pinned-stage'] },
  { ...VALID, references: ['none'], clusters: 'given' },
  { ...VALID, addServices: false },
  { ...VALID, concurrency: 0 },
  { ...VALID, concurrency: 1.5 },
  { ...VALID, clusters: 'far' },
  { ...VALID, graceMinutes: 0 },
  { ...VALID, graceMinutes: 1441 },
  { ...VALID, graceMinutes: 7 },
];

describe('SecretRotationRecycler with random props', () => {
  test('builds a template exactly when the model accepts the props, and otherwise names what is wrong', () => {
    const outcomes: Outcomes = { synthesized: 0, refused: 0 };
    fc.assert(fc.property(
      fc.record<Choice>({
        references: fc.array(reference, { maxLength: 3 }),
        concurrency: fc.oneof(
          { arbitrary: fc.constant(undefined), weight: 3 },
          { arbitrary: fc.oneof(fc.integer({ min: -2, max: 5 }), fc.double({ min: 0, max: 3, noNaN: true })), weight: 1 },
        ),
        clusters: fc.constantFrom<Choice['clusters']>('none', 'given', 'given', 'far'),
        addServices: fc.boolean(),
        cloudTrailEvents: fc.boolean(),
        givenSecrets: fc.boolean(),
        givenParameters: fc.boolean(),
        graceMinutes: fc.oneof(
          { arbitrary: fc.constant(undefined), weight: 3 },
          { arbitrary: fc.integer({ min: 0, max: 2_000 }), weight: 1 },
        ),
      }),
      (c) => {
        const expected = model(c);
        const app = testApp();
        const stack = testStack(app);
        const web = cluster(stack);
        const db = secret(stack);
        const flags = parameter(stack);
        const services = c.references.map((kind, i) => {
          const raw = RAW_VALUE_FROM[kind];
          if (raw !== undefined) {
            const task = new ecs.CfnTaskDefinition(stack, `Raw${i}`, {
              requiresCompatibilities: ['FARGATE'],
              networkMode: 'awsvpc',
              cpu: '256',
              memory: '512',
              executionRoleArn: 'arn:aws:iam::111111111111:role/execution',
              containerDefinitions: [{ name: 'app', image: 'nginx', secrets: [{ name: 'S', valueFrom: raw }] }],
            });
            new ecs.CfnService(stack, `RawService${i}`, {
              cluster: web.clusterName,
              taskDefinition: task.ref,
              launchType: 'FARGATE',
              networkConfiguration: { awsvpcConfiguration: { subnets: web.vpc.isolatedSubnets.map((s) => s.subnetId) } },
            });
            return undefined;
          }
          const value = {
            'full': () => ecs.Secret.fromSecretsManager(db),
            'json-key': () => ecs.Secret.fromSecretsManager(db, 'password'),
            'pinned-stage': () => ecs.Secret.fromSecretsManagerVersion(db, { versionStage: 'AWSPREVIOUS' }),
            'pinned-version': () => ecs.Secret.fromSecretsManagerVersion(db, { versionId: 'v-1' }),
            'parameter': () => ecs.Secret.fromSsmParameter(flags),
            'none': () => undefined,
          }[kind as 'full']();
          return service(stack, `Svc${i}`, web, { secrets: value ? { S: value } : undefined });
        }).filter((s): s is ecs.FargateService => s !== undefined);
        const farCluster = () => ecs.Cluster.fromClusterArn(new Stack(app, 'Far', { env: { account: '111111111111', region: 'eu-west-1' } }), 'Cluster', 'arn:aws:ecs:eu-west-1:111111111111:cluster/far');
        const built = holdToModel(expected, "SecretRotationRecycler 'TestStack/Recycler'", () => {
          const recycler = new SecretRotationRecycler(stack, 'Recycler', {
            clusters: c.clusters === 'given' ? [web] : c.clusters === 'far' ? [farCluster()] : undefined,
            reservedConcurrentExecutions: c.concurrency,
            cloudTrailEvents: c.cloudTrailEvents,
            secrets: c.givenSecrets ? [db] : undefined,
            parameters: c.givenParameters ? [flags] : undefined,
            logRetention: logs.RetentionDays.ONE_MONTH,
            stalenessGracePeriod: c.graceMinutes === undefined ? undefined : Duration.minutes(c.graceMinutes),
          });
          if (c.addServices) {
            services.forEach((s) => recycler.addService(s));
          }
          // The watch list is known once the tree is complete: validation fails synth here.
          return Template.fromStack(stack);
        }, outcomes);
        if (!built) {
          return;
        }
        // The change rule: the staleness schedule is the recycler's other rule, with no event pattern.
        const pattern = JSON.stringify(Object.values(built.findResources('AWS::Events::Rule', { Properties: { EventPattern: Match.anyValue() } }))[0].Properties.EventPattern);
        const watchesParameter = c.givenParameters || c.references.some((r) => r === 'parameter' || r === 'raw-parameter-name');
        const watchesSecret = c.givenSecrets || c.references.some((r) => r === 'full' || r === 'json-key' || r === 'raw-secret-arn');
        expect(pattern.includes('Parameter Store Change')).toBe(watchesParameter);
        expect(pattern.includes('Secret Label Updated')).toBe(watchesSecret);
        // The staleness alarm waits the grace period, in whole 5-minute passes.
        const periods = Math.ceil((c.graceMinutes ?? 30) / 5);
        const alarm = Object.values(built.findResources('AWS::CloudWatch::Alarm', { Properties: { MetricName: 'StaleTasks' } }))[0];
        expect([alarm.Properties.EvaluationPeriods, alarm.Properties.DatapointsToAlarm]).toEqual([periods, periods]);
      },
    ), propertyParameters<[Choice]>('SecretRotationRecycler', 20, EXAMPLES.map((e) => [e])));
    expect(outcomes.synthesized).toBeGreaterThan(0);
    expect(outcomes.refused).toBeGreaterThan(0);
    expectReached(outcomes, ['reservedConcurrentExecutions', 'clusters', 'watches no cluster', 'watches no secret', 'stalenessGracePeriod']);
  });
});
