import { aws_ecs as ecs } from 'aws-cdk-lib';
import { pinnedReferences } from './references-of';
import { defineCheck } from '../check';
import { CheckLevel } from '../check-info';
import { pathOf } from '../embed';

/**
 * A task definition that injects a pinned version of a secret.
 */
export const EcsSecretVersionPinned = defineCheck({
  suffix: 'EcsSecretVersionPinned',
  level: CheckLevel.WARNING,
  title: 'A task definition that injects a Secrets Manager secret pinned to a version stage or version ID other than AWSCURRENT.',
  reason: 'A valueFrom ending in :json-key:version-stage:version-id with a stage other than AWSCURRENT, or a version ID, reads that version forever: rotation never reaches the tasks, and a redeployment reads the same old value. A version pinned by ID is removed by Secrets Manager once it has no stage and enough newer versions exist; tasks then fail to start.',
  source: 'https://docs.aws.amazon.com/AmazonECS/latest/developerguide/secrets-envvar-secrets-manager.html',
  appliesTo: [ecs.CfnTaskDefinition],
  inspect(taskDefinition) {
    return pinnedReferences(taskDefinition).map((p) => `Task definition '${pathOf(taskDefinition)}' injects a secret pinned to ${p.pinned}, which never refreshes: `
      + 'rotations do not reach the tasks, even after a new deployment. Drop the version stage and ID (ecs.Secret.fromSecretsManager(secret, field)), or acknowledge this check if the pin is deliberate.');
  },
});
