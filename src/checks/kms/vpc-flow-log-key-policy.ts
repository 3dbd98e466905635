import { defineCheck } from '../check';
import { CheckLevel } from '../check-info';

/**
 * The message for a flow log key whose policy the pattern cannot change: `principal` is CloudWatch
 * Logs' regional service principal, `actions` what it needs on the key.
 */
export function flowLogKeyPolicyMessage(subject: string, principal: string, actions: readonly string[]): string {
  return `${subject}: flowLogEncryptionKey is imported, so its key policy cannot be changed here. `
    + `Let the service principal ${principal} use it (${actions.join(', ')}) for the log groups of this account and region, or creating the flow log group fails; `
    + 'then acknowledge this check.';
}

/**
 * A PrivateSubnetVpc given a flow log key from outside the app, whose key policy it cannot extend.
 */
export const VpcFlowLogKeyPolicy = defineCheck({
  suffix: 'VpcFlowLogKeyPolicy',
  level: CheckLevel.WARNING,
  title: 'A PrivateSubnetVpc whose flow log key is imported, so the pattern cannot let CloudWatch Logs use it.',
  reason: 'CloudWatch Logs encrypts a log group with a customer managed key only if the key policy allows the regional logs service principal; otherwise creating the log group fails at deploy time. '
    + 'For a key of the app the pattern adds that statement; an imported key\'s policy is outside the app and must be changed by its owner.',
  source: 'https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html',
  // Only the pattern knows it was given a key it cannot change.
});
