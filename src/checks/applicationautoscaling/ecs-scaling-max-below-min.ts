import { aws_applicationautoscaling as appscaling } from 'aws-cdk-lib';
import { capacityOf, scalesEcsService } from './ecs-scaling';
import { defineCheck } from '../check';
import { CheckLevel } from '../check-info';
import { pathOf } from '../embed';

/**
 * An ECS service's scalable target whose maximum capacity is below its minimum.
 */
export const EcsScalingMaxBelowMin = defineCheck({
  suffix: 'EcsScalingMaxBelowMin',
  level: CheckLevel.ERROR,
  title: 'An ECS service\'s scalable target whose maximum capacity is below its minimum.',
  reason: 'RegisterScalableTarget keeps the current capacity within [MinCapacity, MaxCapacity] and no scaling policy scales outside it: a maximum below the minimum is a range no capacity is in. The API reference does not say what the service does with one; at best it is refused at deploy time, after the rest of the stack was built.',
  source: 'https://docs.aws.amazon.com/autoscaling/application/APIReference/API_RegisterScalableTarget.html',
  appliesTo: [appscaling.CfnScalableTarget],
  inspect(target) {
    const { min, max } = capacityOf(target);
    return scalesEcsService(target) && min !== undefined && max !== undefined && max < min
      ? [`Scalable target '${pathOf(target)}': MaxCapacity (${max}) is below MinCapacity (${min}), a range no task count is in. Make MaxCapacity at least ${min}.`]
      : [];
  },
});
