import { aws_ecs as ecs } from 'aws-cdk-lib';
import { defineCheck } from '../check';
import { CheckLevel } from '../check-info';
import { pathOf } from '../embed';
import { SecretStore, containersOf, secretStore, secretSuffix } from './task-definition';

/**
 * A secret injected at a pinned version stage or version ID.
 */
export const FargateSecretPinned = defineCheck({
  suffix: 'FargateSecretPinned',
  level: CheckLevel.WARNING,
  title: 'A Secrets Manager secret injected into a container at a pinned version stage or version ID.',
  reason: 'ECS resolves a pinned version on every task start, so after a rotation new tasks keep getting the old value, which stops working once the rotation retires it. Without a version, ECS reads AWSCURRENT.',
  source: 'https://docs.aws.amazon.com/AmazonECS/latest/developerguide/secrets-envvar-secrets-manager.html',
  patterns: ['SecureFargateService'],
  appliesTo: [ecs.CfnTaskDefinition],
  inspect(task, index) {
    const messages: string[] = [];
    for (const secret of containersOf(task).flatMap((c) => c.secrets)) {
      if (secretStore(task, secret, index) !== SecretStore.SECRETS_MANAGER) {
        continue;
      }
      const [, stage = '', id = ''] = secretSuffix(secret.valueFrom);
      const pinned = [stage && stage !== 'AWSCURRENT' ? `version stage ${stage}` : '', id ? `version ID ${id}` : ''].filter((p) => p);
      if (pinned.length > 0) {
        messages.push(`Task definition '${pathOf(task)}': container ${secret.container} reads secret ${secret.name} at ${pinned.join(' and ')}, `
          + 'which never changes on rotation. Leave the version out (ecs.Secret.fromSecretsManager(secret, field)) to follow AWSCURRENT, or acknowledge this check if the pin is deliberate.');
      }
    }
    return messages;
  },
});
