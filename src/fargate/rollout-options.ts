import { Duration } from 'aws-cdk-lib';

/**
 * Options of a canary rollout. The names and defaults are ECS's own (`CanaryConfiguration` and
 * `BakeTimeInMinutes` of the service's deployment configuration).
 */
export interface FargateCanaryOptions {
  /**
   * The percentage of production traffic the new revision gets during the canary phase: a
   * multiple of 0.1 from 0.1 to 100.
   *
   * @default 5
   * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-ecs-service-canaryconfiguration.html
   */
  readonly percent?: number;

  /**
   * How long the canary phase lasts before the rest of the traffic shifts: whole minutes, 0 to 1440.
   *
   * @default Duration.minutes(10)
   */
  readonly canaryBakeTime?: Duration;

  /**
   * How long both revisions keep running once all traffic has shifted, so that a deployment alarm
   * can still roll back to the old one: whole minutes. CloudFormation refuses a canary whose
   * `bakeTime` and `canaryBakeTime` add up to more than 33 hours. Keep it at least the service's
   * health-check grace period (`GuardedPatterns-EcsBakeTimeBelowGracePeriod`).
   *
   * @default Duration.minutes(10): longer than the default deployment alarms take to go into ALARM
   * (2 of 3 one-minute periods); ECS's own default, 36 hours, would run both revisions that long
   */
  readonly bakeTime?: Duration;
}

/**
 * Options of a linear rollout. The names and defaults are ECS's own (`LinearConfiguration` and
 * `BakeTimeInMinutes` of the service's deployment configuration).
 */
export interface FargateLinearOptions {
  /**
   * The percentage of production traffic shifted to the new revision at each step: a multiple of
   * 0.1 from 3 to 100.
   *
   * @default 10
   * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-ecs-service-linearconfiguration.html
   */
  readonly stepPercent?: number;

  /**
   * How long ECS waits after each step before the next: whole minutes, 0 to 1440.
   *
   * @default Duration.minutes(6)
   */
  readonly stepBakeTime?: Duration;

  /**
   * How long both revisions keep running once all traffic has shifted, so that a deployment alarm
   * can still roll back to the old one: whole minutes. CloudFormation refuses a linear rollout
   * whose `bakeTime` and step bake times add up to more than 33 hours. Keep it at least the
   * service's health-check grace period (`GuardedPatterns-EcsBakeTimeBelowGracePeriod`).
   *
   * @default Duration.minutes(10): longer than the default deployment alarms take to go into ALARM
   * (2 of 3 one-minute periods); ECS's own default, 36 hours, would run both revisions that long
   */
  readonly bakeTime?: Duration;
}
