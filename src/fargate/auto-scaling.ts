/**
 * How Application Auto Scaling scales the service's task count: target tracking on CPU, on
 * requests per task, or both (the service scales out when either asks for it). For anything else
 * (memory, schedules, step scaling), call `service.autoScaleTaskCount()` yourself instead.
 *
 * @see https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-auto-scaling.html
 */
export interface FargateAutoScalingOptions {
  /**
   * The fewest tasks to scale in to. Below 2, one task may be all that is left, in one AZ
   * (a warning, `GuardedPatterns-EcsScalingMinimumBelowTwo`).
   *
   * @default - desiredCount
   */
  readonly minCapacity?: number;

  /** The most tasks to scale out to; at least `minCapacity`. */
  readonly maxCapacity: number;

  /**
   * The average CPU utilization of the tasks to keep, in percent (above 0, at most 100).
   *
   * @default - no scaling on CPU
   */
  readonly targetCpuUtilizationPercent?: number;

  /**
   * The requests each task should serve, to keep (`ALBRequestCountPerTarget` of the service's
   * target group).
   *
   * @default - no scaling on requests
   */
  readonly targetRequestsPerTarget?: number;
}
