import { defineCheck } from '../check';
import { CheckLevel } from '../check-info';

/** EventBridge's default quota on the size of an event pattern, in characters (adjustable). */
export const EVENT_PATTERN_QUOTA = 2048;

/** The message for a recycler whose event pattern would exceed the quota. */
export function eventPatternSizeMessage(subject: string, estimate: number, secrets: number, parameters: number): string {
  return `${subject}: the rule's event pattern lists ${secrets} secret(s) and ${parameters} parameter(s) and will be about ${estimate} characters once deployed; `
    + `EventBridge accepts ${EVENT_PATTERN_QUOTA} by default and rejects the rule at deploy time. Split the services over several recyclers (clusters), `
    + 'leave cloudTrailEvents off (it repeats every secret three more times), or acknowledge this check after raising the "Event pattern size" quota.';
}

/**
 * A recycler whose rule would list more ARNs and names than an event pattern holds.
 */
export const RecyclerEventPatternSize = defineCheck({
  suffix: 'RecyclerEventPatternSize',
  level: CheckLevel.WARNING,
  title: 'A SecretRotationRecycler whose event pattern would exceed EventBridge\'s default 2,048-character quota.',
  reason: 'CloudFormation accepts any pattern, and EventBridge rejects a pattern over the quota when the stack deploys. The recycler lists every watched ARN and name, so many secrets (or the CloudTrail events, which repeat them) reach the limit.',
  source: 'https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-quota.html',
  // The template holds tokens whose length only the pattern can estimate.
});
