import { aws_applicationautoscaling as appscaling } from 'aws-cdk-lib';
import { capacityOf, scalesEcsService } from './ecs-scaling';
import { defineCheck } from '../check';
import { CheckLevel } from '../check-info';
import { pathOf } from '../embed';

/**
 * An ECS service that auto scaling may scale in to fewer than two tasks.
 */
export const EcsScalingMinimumBelowTwo = defineCheck({
  suffix: 'EcsScalingMinimumBelowTwo',
  level: CheckLevel.WARNING,
  title: 'An ECS service that auto scaling may scale in to fewer than two tasks.',
  reason: 'Application Auto Scaling scales in to the scalable target\'s MinCapacity when demand is low: a minimum of 1 leaves one task in one AZ, down whenever that task is replaced or its AZ fails, however many tasks the service was deployed with.',
  source: 'https://docs.aws.amazon.com/autoscaling/application/APIReference/API_RegisterScalableTarget.html',
  appliesTo: [appscaling.CfnScalableTarget],
  inspect(target) {
    const { min } = capacityOf(target);
    return scalesEcsService(target) && min !== undefined && min < 2
      ? [`Scalable target '${pathOf(target)}': MinCapacity is ${min}, so auto scaling may leave the service with ${min === 0 ? 'no task' : 'a single task'}, `
        + 'which does not survive the loss of its AZ or its own replacement. Use a minimum of 2 or more, or acknowledge this check for a service that may pause.']
      : [];
  },
});
