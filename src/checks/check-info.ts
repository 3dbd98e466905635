/**
 * How serious a finding is.
 */
export enum CheckLevel {
  /** Stops synth: CloudFormation would reject the template, or the deployment would not work. */
  ERROR = 'ERROR',
  /** Legal but risky: acknowledge it by ID where the choice is deliberate. */
  WARNING = 'WARNING',
  /** Worth knowing; reported, never fatal in the patterns. */
  INFO = 'INFO',
}

/**
 * One check of the catalogue: what it catches, how serious it is and why it exists.
 */
export interface CheckInfo {
  /**
   * Stable ID, used to acknowledge a finding: `Validations.of(scope).acknowledge({ id, reason })`.
   */
  readonly id: string;
  /**
   * The level when `GuardedPatternsChecks` reports it over any app.
   */
  readonly level: CheckLevel;
  /**
   * The level when a pattern embeds it.
   */
  readonly patternLevel: CheckLevel;
  /**
   * What the check catches, in one sentence.
   */
  readonly title: string;
  /**
   * Why it matters: the failure AWS would otherwise show only in production.
   */
  readonly reason: string;
  /**
   * Where the fact behind the check is documented.
   */
  readonly source: string;
  /**
   * The patterns that embed the check.
   */
  readonly patterns: string[];
  /**
   * The CloudFormation resource types that `GuardedPatternsChecks` inspects; empty where the
   * check needs what a pattern was asked for, which the template no longer shows.
   */
  readonly resourceTypes: string[];
  /**
   * Rules of other tools that report the same finding over any app: aws-cdk-lib's built-in
   * CloudFormation validation (always on), or cdk-nag's AwsSolutions pack (which the README
   * registers beside this one). `GuardedPatternsChecks` leaves such a finding to them, so that
   * it is reported once; the patterns that embed the check still report it.
   * @default - no other tool reports it
   */
  readonly alsoReportedBy?: string[];
}
