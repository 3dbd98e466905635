import { aws_ecs as ecs } from 'aws-cdk-lib';
import { defineCheck, ruleOver } from '../check';
import { CheckLevel } from '../check-info';
import { roleStatements, taskRoleSubject } from './task-definition';
import { secretKey } from '../../private/template/container-secrets';
import { containersOf } from '../../private/template/ecs';

/** What ECS calls with the execution role to pull an image from ECR. */
const IMAGE_PULL = ['ecr:GetAuthorizationToken', 'ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchCheckLayerAvailability'];

/** What ECS calls with the execution role to inject a secret. */
const SECRET_READ = ['secretsmanager:GetSecretValue', 'ssm:GetParameters', 'ssm:GetParameter'];

/** Whether an IAM action pattern (with `*` and `?`) covers an action. */
function covers(pattern: string, action: string): boolean {
  const regex = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`, 'i');
  return regex.test(action);
}

/**
 * Image pull or secret injection permissions on the task role, where they belong to the execution role.
 */
export const FargateTaskRoleSecrets = defineCheck({
  suffix: 'FargateTaskRoleSecrets',
  level: CheckLevel.WARNING,
  title: 'An ECS task role that may pull images from ECR, or read the secrets the task definition injects.',
  reason: 'ECS pulls images and injects secrets with the execution role, before the application starts. The same permissions on the task role give the running application, and anyone who takes it over, access it never needs: to every image in the registry, or to secret values that are already in its environment.',
  source: 'https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_execution_IAM_role.html',
  appliesTo: [ecs.CfnTaskDefinition],
  inspect: ruleOver(taskRoleSubject, ({ role, subject }, index, task) => {
    const injected = new Map<string, string>();
    for (const secret of containersOf(task).flatMap((c) => c.secrets)) {
      injected.set(secretKey(secret.valueFrom), `${secret.container}/${secret.name}`);
    }
    const pulls = new Set<string>();
    const reads = new Set<string>();
    const pullPolicies = new Set<string>();
    const readPolicies = new Set<string>();
    for (const statement of roleStatements(role, index).filter((s) => !s.notAction)) {
      for (const action of IMAGE_PULL.filter((a) => statement.actions.some((p) => covers(p, a)))) {
        pulls.add(action);
        pullPolicies.add(statement.policy);
      }
      if (!SECRET_READ.some((a) => statement.actions.some((p) => covers(p, a)))) {
        continue;
      }
      for (const name of statement.resources.map((r) => injected.get(secretKey(r))).filter((n): n is string => n !== undefined)) {
        reads.add(name);
        readPolicies.add(statement.policy);
      }
    }
    const messages: string[] = [];
    if (pulls.size > 0) {
      messages.push(`${subject}: ${[...pullPolicies].join(', ')} allows ${IMAGE_PULL.filter((a) => pulls.has(a)).join(', ')}. ECS pulls the image with the execution role: `
        + 'grant the pull there (repository.grantPull(taskDefinition.obtainExecutionRole())) and remove it from the task role.');
    }
    if (reads.size > 0) {
      messages.push(`${subject}: ${[...readPolicies].join(', ')} lets the application read the secrets that ECS injects (${[...reads].join(', ')}). `
        + 'ECS reads them with the execution role; remove the grant from the task role, or acknowledge this check if the application also reads them itself.');
    }
    return messages;
  }),
});
