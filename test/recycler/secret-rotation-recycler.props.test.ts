import { Stack, aws_ecs as ecs, aws_logs as logs } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as fc from 'fast-check';
import { SecretRotationRecycler } from '../../src';
import { testApp, testStack } from '../util';
import { cluster, secret, service } from './fixtures';

/** A clear error names the recycler and its path, and what to change. */
const CLEAR_ERROR = /SecretRotationRecycler 'TestStack\/Recycler'(: reservedConcurrentExecutions| watches no|: clusters: cluster)/;

/** How a service's container reads the secret. */
const reference = fc.constantFrom('full', 'json-key', 'pinned-stage', 'pinned-version', 'none', 'raw-literal', 'raw-garbage');

describe('SecretRotationRecycler with random props', () => {
  test('either synthesizes a template CloudFormation accepts, or fails with a clear error', () => {
    const outcomes = { synthesized: 0, refused: 0 };
    fc.assert(fc.property(
      fc.array(reference, { minLength: 0, maxLength: 3 }),
      fc.oneof(
        { arbitrary: fc.constant(undefined), weight: 3 },
        { arbitrary: fc.oneof(fc.integer({ min: -2, max: 5 }), fc.double({ min: 0, max: 3, noNaN: true })), weight: 1 },
      ),
      fc.constantFrom('none', 'given', 'far'),
      fc.boolean(),
      fc.boolean(),
      fc.boolean(),
      fc.string({ maxLength: 30 }),
      (references, concurrency, clusters, addServices, cloudTrailEvents, givenSecrets, garbage) => {
        const app = testApp();
        const stack = testStack(app);
        const web = cluster(stack);
        const db = secret(stack);
        const services = references.map((kind, i) => {
          if (kind === 'raw-literal' || kind === 'raw-garbage') {
            const valueFrom = kind === 'raw-literal' ? 'arn:aws:secretsmanager:us-east-1:111111111111:secret:prod/raw-AbCdEf:key::' : garbage;
            const task = new ecs.CfnTaskDefinition(stack, `Raw${i}`, {
              requiresCompatibilities: ['FARGATE'],
              networkMode: 'awsvpc',
              cpu: '256',
              memory: '512',
              executionRoleArn: 'arn:aws:iam::111111111111:role/execution',
              containerDefinitions: [{ name: 'app', image: 'nginx', secrets: valueFrom ? [{ name: 'S', valueFrom }] : undefined }],
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
            'full': ecs.Secret.fromSecretsManager(db),
            'json-key': ecs.Secret.fromSecretsManager(db, 'password'),
            'pinned-stage': ecs.Secret.fromSecretsManagerVersion(db, { versionStage: 'AWSPREVIOUS' }),
            'pinned-version': ecs.Secret.fromSecretsManagerVersion(db, { versionId: 'v-1' }),
            'none': undefined,
          }[kind];
          return service(stack, `Svc${i}`, web, { secrets: value ? { S: value } : undefined });
        }).filter((s): s is ecs.FargateService => s !== undefined);
        // Only when asked: an empty stack is not a valid template.
        const farCluster = () => ecs.Cluster.fromClusterArn(new Stack(app, 'Far', { env: { account: '111111111111', region: 'eu-west-1' } }), 'Cluster', 'arn:aws:ecs:eu-west-1:111111111111:cluster/far');
        let recycler: SecretRotationRecycler;
        try {
          recycler = new SecretRotationRecycler(stack, 'Recycler', {
            clusters: clusters === 'given' ? [web] : clusters === 'far' ? [farCluster()] : undefined,
            reservedConcurrentExecutions: concurrency,
            cloudTrailEvents,
            secrets: givenSecrets ? [db] : undefined,
            logRetention: logs.RetentionDays.ONE_MONTH,
          });
          if (addServices) {
            services.forEach((s) => recycler.addService(s));
          }
        } catch (e) {
          expect((e as Error).name).toBe('GuardedPatternsError');
          expect((e as Error).message).toMatch(CLEAR_ERROR);
          outcomes.refused++;
          return;
        }
        let template: Template;
        try {
          // Strict CloudFormation validation runs here: it throws on a template CloudFormation would reject.
          template = Template.fromStack(stack);
        } catch (e) {
          expect((e as Error).message).toMatch(CLEAR_ERROR);
          outcomes.refused++;
          return;
        }
        const pattern = JSON.stringify(Object.values(template.findResources('AWS::Events::Rule'))[0].Properties.EventPattern);
        expect(pattern).toMatch(/Secret Label Updated|Parameter Store Change/);
        outcomes.synthesized++;
      },
    ), { numRuns: 40 });
    // Both paths were exercised: the generators are not all-bad or all-good.
    expect(outcomes.synthesized).toBeGreaterThan(0);
    expect(outcomes.refused).toBeGreaterThan(0);
  });
});
