import { defineCheck } from '../check';
import { CheckLevel } from '../check-info';

/** The message for a pattern asking for more AZs than an environment-agnostic stack offers. */
export function envAgnosticAzsMessage(subject: string, requested: number, available: number): string {
  return `${subject}: maxAzs is ${requested}, but the stack is environment-agnostic and CDK sees only ${available} availability zones there, so only ${available} are used. `
    + 'Give the stack an env (account and region) with the zones in cdk.context.json, or set maxAzs to 2 to make the choice explicit.';
}

/**
 * An environment-agnostic stack asking for more than two AZs.
 */
export const VpcEnvAgnosticAzs = defineCheck({
  suffix: 'VpcEnvAgnosticAzs',
  level: CheckLevel.WARNING,
  title: 'A VPC in an environment-agnostic stack asking for more availability zones than the 2 CDK can see there.',
  reason: 'An environment-agnostic stack resolves availability zones at deploy time and CDK uses only 2 of them, so a VPC asked to span 3 AZs silently spans 2.',
  source: 'https://docs.aws.amazon.com/cdk/v2/guide/environments.html',
  // The template shows the 2 zones used, not the 3 asked for: only the pattern knows.
});
