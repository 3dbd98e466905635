import { Token, aws_ecs as ecs, aws_elasticloadbalancingv2 as elbv2 } from 'aws-cdk-lib';
import { FargateAutoScalingOptions } from './auto-scaling';
import { GuardedPatternsError, PropErrors } from '../private/errors';

/** Collects what is wrong with `autoScaling` into `errors`; returns the minimum capacity. */
export function checkAutoScaling(errors: PropErrors, subject: string, options: FargateAutoScalingOptions, desiredCount: number): number {
  const { maxCapacity, targetCpuUtilizationPercent: cpu, targetRequestsPerTarget: requests } = options;
  const minCapacity = options.minCapacity ?? desiredCount;
  const known = (value: number | undefined): value is number => value !== undefined && !Token.isUnresolved(value);
  errors.check(() => {
    if (known(options.minCapacity) && (!Number.isInteger(options.minCapacity) || options.minCapacity < 0)) {
      throw new GuardedPatternsError(`${subject}: autoScaling.minCapacity (${options.minCapacity}) must be a whole number of at least 0; use 2 or more so that the service survives the loss of an AZ.`);
    }
  });
  errors.check(() => {
    if (known(maxCapacity) && (!Number.isInteger(maxCapacity) || maxCapacity < 1)) {
      throw new GuardedPatternsError(`${subject}: autoScaling.maxCapacity (${maxCapacity}) must be a whole number of at least 1.`);
    }
  });
  errors.check(() => {
    if (known(maxCapacity) && known(minCapacity) && maxCapacity < minCapacity) {
      const min = options.minCapacity === undefined ? `minCapacity (${minCapacity}, desiredCount by default)` : `minCapacity (${minCapacity})`;
      throw new GuardedPatternsError(`${subject}: autoScaling.maxCapacity (${maxCapacity}) is below ${min}; make maxCapacity at least ${minCapacity}, or lower the minimum.`);
    }
  });
  errors.check(() => {
    if (cpu === undefined && requests === undefined) {
      throw new GuardedPatternsError(`${subject}: autoScaling gives nothing to scale on; set targetCpuUtilizationPercent (such as 60), targetRequestsPerTarget, or both.`);
    }
  });
  errors.check(() => {
    if (known(cpu) && !(cpu > 0 && cpu <= 100)) {
      throw new GuardedPatternsError(`${subject}: autoScaling.targetCpuUtilizationPercent (${cpu}) must be above 0 and at most 100, such as 60.`);
    }
  });
  errors.check(() => {
    if (known(requests) && !(requests > 0)) {
      throw new GuardedPatternsError(`${subject}: autoScaling.targetRequestsPerTarget (${requests}) must be above 0, such as 1000.`);
    }
  });
  return minCapacity;
}

/** Scales the service as `options` say; `minCapacity` is the one `checkAutoScaling` returned. */
export function addAutoScaling(service: ecs.FargateService, targetGroup: elbv2.ApplicationTargetGroup,
  options: FargateAutoScalingOptions, minCapacity: number): ecs.ScalableTaskCount {
  const scaling = service.autoScaleTaskCount({ minCapacity, maxCapacity: options.maxCapacity });
  if (options.targetCpuUtilizationPercent !== undefined) {
    scaling.scaleOnCpuUtilization('CpuScaling', { targetUtilizationPercent: options.targetCpuUtilizationPercent });
  }
  if (options.targetRequestsPerTarget !== undefined) {
    scaling.scaleOnRequestCount('RequestCountScaling', { requestsPerTarget: options.targetRequestsPerTarget, targetGroup });
  }
  return scaling;
}
