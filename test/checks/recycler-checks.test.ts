import { Stack, Validations, aws_ecs as ecs } from 'aws-cdk-lib';
import { GuardedPatternsChecks } from '../../src';
import { cluster, secret, service } from '../recycler/fixtures';
import { findings, testStack } from '../util';

/** The pack's findings of one rule over a stack, as `path: message`. */
function ruleHits(stack: Stack, rule: string): string[] {
  return findings(new GuardedPatternsChecks(), stack).filter((f) => f.rule === `GuardedPatterns-${rule}`).map((f) => `${f.path}: ${f.message}`);
}

const SECRET_ARN = 'arn:aws:secretsmanager:us-east-1:111111111111:secret:prod/db-AbCdEf';

/** A raw L1 task definition injecting `valueFrom`. */
function rawTaskDefinition(stack: Stack, id: string, valueFrom: string, where: 'secrets' | 'log' = 'secrets'): ecs.CfnTaskDefinition {
  return new ecs.CfnTaskDefinition(stack, id, {
    requiresCompatibilities: ['FARGATE'],
    networkMode: 'awsvpc',
    cpu: '256',
    memory: '512',
    executionRoleArn: 'arn:aws:iam::111111111111:role/execution',
    containerDefinitions: [{
      name: 'app',
      image: 'nginx',
      secrets: where === 'secrets' ? [{ name: 'DB', valueFrom }] : undefined,
      logConfiguration: where === 'log' ? { logDriver: 'splunk', secretOptions: [{ name: 'splunk-token', valueFrom }] } : undefined,
    }],
  });
}

describe('GuardedPatternsChecks: ECS secret checks on plain aws-cdk-lib and raw resources', () => {
  describe('EcsSecretVersionPinned', () => {
    test('a plain FargateTaskDefinition pinned to a version stage or ID', () => {
      const stack = testStack();
      const db = secret(stack);
      const web = cluster(stack);
      service(stack, 'Stage', web, { secrets: { DB: ecs.Secret.fromSecretsManagerVersion(db, { versionStage: 'AWSPREVIOUS' }, 'password') } });
      service(stack, 'Version', web, { secrets: { DB: ecs.Secret.fromSecretsManagerVersion(db, { versionId: 'v-42' }) } });
      expect(ruleHits(stack, 'EcsSecretVersionPinned')).toEqual([
        "TestStack/StageTask/Resource: Task definition 'TestStack/StageTask' injects a secret pinned to version stage AWSPREVIOUS, which never refreshes: "
        + 'rotations do not reach the tasks, even after a new deployment. Drop the version stage and ID (ecs.Secret.fromSecretsManager(secret, field)), or acknowledge this check if the pin is deliberate.',
        "TestStack/VersionTask/Resource: Task definition 'TestStack/VersionTask' injects a secret pinned to version ID v-42, which never refreshes: "
        + 'rotations do not reach the tasks, even after a new deployment. Drop the version stage and ID (ecs.Secret.fromSecretsManager(secret, field)), or acknowledge this check if the pin is deliberate.',
      ]);
    });

    test('a raw L1 task definition with a literal pinned ARN, in secrets or in log secretOptions', () => {
      const stack = testStack();
      rawTaskDefinition(stack, 'Raw', `${SECRET_ARN}:password:AWSPENDING:`);
      rawTaskDefinition(stack, 'Log', `${SECRET_ARN}:::v-7`, 'log');
      const hits = ruleHits(stack, 'EcsSecretVersionPinned');
      expect(hits).toHaveLength(2);
      expect(hits[0]).toMatch(/^TestStack\/Raw: .*pinned to version stage AWSPENDING/);
      expect(hits[1]).toMatch(/^TestStack\/Log: .*pinned to version ID v-7/);
    });

    test('AWSCURRENT, a JSON key alone, or a parameter are not pinned', () => {
      const stack = testStack();
      const db = secret(stack);
      service(stack, 'Current', cluster(stack), {
        secrets: {
          A: ecs.Secret.fromSecretsManager(db, 'password'),
          B: ecs.Secret.fromSecretsManagerVersion(db, { versionStage: 'AWSCURRENT' }),
        },
      });
      rawTaskDefinition(stack, 'Raw', `${SECRET_ARN}:password::`);
      rawTaskDefinition(stack, 'Parameter', '/prod/feature-flags');
      expect(ruleHits(stack, 'EcsSecretVersionPinned')).toEqual([]);
    });

    test('acknowledged by ID on the task definition', () => {
      const stack = testStack();
      const raw = rawTaskDefinition(stack, 'Raw', `${SECRET_ARN}::AWSPREVIOUS:`);
      Validations.of(raw).acknowledge({ id: 'GuardedPatterns-EcsSecretVersionPinned', reason: 'Rollback window: the previous password on purpose' });
      expect(ruleHits(stack, 'EcsSecretVersionPinned')).toEqual([]);
    });
  });

  describe('EcsCodeDeployWithSecrets', () => {
    test('a plain FargateService deployed by CodeDeploy whose task definition injects a secret', () => {
      const stack = testStack();
      const db = secret(stack);
      service(stack, 'BlueGreen', cluster(stack), { secrets: { DB: ecs.Secret.fromSecretsManager(db) }, deploymentController: ecs.DeploymentControllerType.CODE_DEPLOY });
      expect(ruleHits(stack, 'EcsCodeDeployWithSecrets')).toEqual([
        "TestStack/BlueGreen/Service: Service 'TestStack/BlueGreen/Service' is deployed by CodeDeploy and its task definition injects 1 secret(s) or parameter(s): "
        + 'a forced deployment cannot refresh them after a rotation. Start a CodeDeploy deployment after each rotation (or use the ECS deployment controller), or acknowledge this check.',
      ]);
    });

    test('a raw L1 service deployed by CodeDeploy with a raw task definition', () => {
      const stack = testStack();
      const task = rawTaskDefinition(stack, 'Task', SECRET_ARN);
      new ecs.CfnService(stack, 'Service', { cluster: 'web', taskDefinition: task.ref, deploymentController: { type: 'CODE_DEPLOY' } });
      expect(ruleHits(stack, 'EcsCodeDeployWithSecrets')).toHaveLength(1);
    });

    test('not for the ECS controller, nor for CodeDeploy without secrets', () => {
      const stack = testStack();
      const db = secret(stack);
      const web = cluster(stack);
      service(stack, 'Rolling', web, { secrets: { DB: ecs.Secret.fromSecretsManager(db) } });
      service(stack, 'Plain', web, { deploymentController: ecs.DeploymentControllerType.CODE_DEPLOY });
      expect(ruleHits(stack, 'EcsCodeDeployWithSecrets')).toEqual([]);
    });
  });
});
