/**
 * The metrics SecretRotationRecycler's handler emits once per change in CloudWatch Embedded Metric
 * Format, and that the construct's `metricXxx()` methods read: one place for both spellings.
 */

/** The CloudWatch namespace of the handler's metrics (the handler reads it from METRICS_NAMESPACE). */
export const RECYCLER_METRICS_NAMESPACE = 'GuardedPatterns/SecretRotationRecycler';

/** The one dimension of every metric: the function's name. */
export const RECYCLER_METRICS_DIMENSION = 'FunctionName';

/** The metric names, by the outcome they count. */
export const RECYCLER_METRIC_NAMES = {
  /** Services redeployed (forced new deployment). */
  recycled: 'Recycled',
  /** Services that read the changed value and were left alone, each with a reason in its log line. */
  skipped: 'Skipped',
  /** Services that could not be redeployed; the change goes to the dead-letter queue. */
  failed: 'Failed',
} as const;

/**
 * The staleness pass's metric: running tasks that started before the current version of a secret
 * or parameter they read. Published per secret (with RECYCLER_SECRET_DIMENSION), per parameter
 * (with RECYCLER_PARAMETER_DIMENSION) and, when the pass measured every watched value, as one
 * total per pass (FunctionName only), which the alarm reads.
 */
export const RECYCLER_STALE_TASKS_METRIC = 'StaleTasks';

/** The second dimension of the per-secret staleness metric: the secret's ARN as the recycler watches it. */
export const RECYCLER_SECRET_DIMENSION = 'SecretId';

/** The second dimension of the per-parameter staleness metric: the parameter's name or ARN as the recycler watches it. */
export const RECYCLER_PARAMETER_DIMENSION = 'ParameterName';
