import { defineCheck } from '../check';
import { CheckLevel } from '../check-info';

/**
 * The message for a recycler key whose policy the pattern cannot change: `logsPrincipal` is
 * CloudWatch Logs' regional service principal, `logsActions` what it needs on the key.
 */
export function recyclerKeyPolicyMessage(subject: string, logsPrincipal: string, logsActions: readonly string[]): string {
  return `${subject}: encryptionKey is imported, so its key policy cannot be changed here. Let ${logsPrincipal} (${logsActions.join(', ')}) `
    + 'and events.amazonaws.com (kms:Decrypt, kms:GenerateDataKey) use it, or creating the log group and writing to the dead-letter queue fail; then acknowledge this check.';
}

/**
 * A SecretRotationRecycler given a key from outside the app, whose key policy it cannot extend.
 */
export const RecyclerKeyPolicy = defineCheck({
  suffix: 'RecyclerKeyPolicy',
  level: CheckLevel.WARNING,
  title: 'A SecretRotationRecycler whose encryption key is imported, so the pattern cannot let CloudWatch Logs and EventBridge use it.',
  reason: 'The key encrypts the function\'s log group and the dead-letter queue. CloudWatch Logs creates an encrypted log group only if the key policy allows the regional logs service principal, '
    + 'and EventBridge can send a failed event to an encrypted queue only if the key policy lets events.amazonaws.com decrypt and generate data keys: without them the deployment fails, '
    + 'or events that should wait in the dead-letter queue are lost. For a key of the app the pattern adds both statements; an imported key\'s policy must be changed by its owner.',
  source: 'https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-dlq.html',
  // Only the pattern knows it was given a key it cannot change.
});
