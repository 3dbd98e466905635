import { defineCheck } from '../check';
import { CheckLevel } from '../check-info';

/**
 * The message for a watched secret or parameter that no task definition in the watched clusters
 * reads. `importedClusters` names the watched clusters imported into the app: their services are
 * not in it, so one of them may read the secret unseen, and adding the cluster again cannot help.
 */
export function unusedSecretMessage(subject: string, what: string, prop: string, importedClusters: string[] = []): string {
  if (importedClusters.length > 0) {
    const those = importedClusters.length === 1 ? 'that cluster' : 'one of those clusters';
    return `${subject}: ${prop} lists ${what}, but no task definition of a service defined in this app reads it. `
      + `The recycler also watches imported ${importedClusters.length === 1 ? 'cluster' : 'clusters'} ${importedClusters.join(', ')}, whose services are not in this app, `
      + 'so it cannot see whether one of them reads it. '
      + `Once you have confirmed that a service of ${those} reads it, acknowledge this finding; otherwise remove it from ${prop}.`;
  }
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
  reason: 'ECS reads secrets only when a task starts, so the recycler exists to restart the tasks that read a changed value. A watched value that no task reads is usually a typo or a service left out: the tasks that do read the secret keep the old value after rotation. '
    + 'The services of an imported cluster are not in the app: for a recycler that watches one, the finding says so and is acknowledged once a service of that cluster is known to read the value.',
  source: 'https://docs.aws.amazon.com/AmazonECS/latest/developerguide/secrets-envvar-secrets-manager.html',
  // Only the pattern knows which secrets it was asked to watch.
});
