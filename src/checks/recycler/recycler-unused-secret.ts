import { defineCheck } from '../check';
import { CheckLevel } from '../check-info';

/** The message for a watched secret or parameter that no task definition in the watched clusters reads. */
export function unusedSecretMessage(subject: string, what: string, prop: string): string {
  return `${subject}: ${prop} lists ${what}, but no task definition of a service in the watched clusters reads it, so its changes redeploy nothing. `
    + `Remove it from ${prop}, or add the service that reads it (addService) or its cluster (clusters).`;
}

/**
 * A secret or parameter a SecretRotationRecycler watches that no task definition in its clusters reads.
 */
export const RecyclerUnusedSecret = defineCheck({
  suffix: 'RecyclerUnusedSecret',
  level: CheckLevel.WARNING,
  title: 'A secret or parameter that a SecretRotationRecycler watches but no task definition in its clusters reads.',
  reason: 'ECS reads secrets only when a task starts, so the recycler exists to restart the tasks that read a changed value. A watched value that no task reads is usually a typo or a service left out: the tasks that do read the secret keep the old value after rotation.',
  source: 'https://docs.aws.amazon.com/AmazonECS/latest/developerguide/secrets-envvar-secrets-manager.html',
  patterns: ['SecretRotationRecycler'],
  // Only the pattern knows which secrets it was asked to watch.
});
