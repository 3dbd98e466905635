import { aws_applicationautoscaling as appscaling } from 'aws-cdk-lib';
import { scaledEcsService } from './ecs-scaling';
import { resolved } from '../../private/resource-index';
import { asList } from '../../private/template/json';
import { mentions, resourcesNamedIn } from '../../private/template/refs';
import { defineCheck } from '../check';
import { CheckLevel } from '../check-info';
import { pathOf } from '../embed';

/**
 * An ECS service scaled on requests per target of a target group the service is not in.
 */
export const EcsScalingRequestCountWithoutLoadBalancer = defineCheck({
  suffix: 'EcsScalingRequestCountWithoutLoadBalancer',
  level: CheckLevel.ERROR,
  title: 'An ECS service scaled on requests per target of a target group the service is not registered in.',
  reason: 'ALBRequestCountPerTarget counts the requests of the target group that the policy\'s ResourceLabel names. When the service\'s tasks are not targets of that group (or the service has no load balancer), the metric says nothing of their load: the service never scales out for its own traffic, or scales on another service\'s.',
  source: 'https://docs.aws.amazon.com/autoscaling/application/APIReference/API_PredefinedMetricSpecification.html',
  appliesTo: [appscaling.CfnScalingPolicy],
  inspect(policy, index) {
    const configuration = resolved(policy, policy.targetTrackingScalingPolicyConfiguration) as any;
    const metric = configuration?.predefinedMetricSpecification ?? configuration?.PredefinedMetricSpecification;
    if ((metric?.predefinedMetricType ?? metric?.PredefinedMetricType) !== 'ALBRequestCountPerTarget') {
      return [];
    }
    const service = scaledEcsService(policy, index);
    if (!service) {
      return [];
    }
    const subject = `Scaling policy '${pathOf(policy)}'`;
    if (asList(resolved(service, service.loadBalancers)).length === 0) {
      return [`${subject} scales service '${pathOf(service)}' on ALBRequestCountPerTarget, but the service has no load balancer, so the metric never counts its requests. `
        + 'Register the service in the target group (service.attachToApplicationTargetGroup) or scale on CPU or memory.'];
    }
    const label = metric?.resourceLabel ?? metric?.ResourceLabel;
    const groups = resourcesNamedIn(policy, label, 'AWS::ElasticLoadBalancingV2::TargetGroup', index);
    if (groups.length === 0 || groups.some((group) => mentions(service, service.loadBalancers, group))) {
      return [];
    }
    return [`${subject} scales service '${pathOf(service)}' on the requests of target group '${groups.map(pathOf).join(', ')}', which the service's tasks are not registered in. `
      + 'Name a target group of the service in the ResourceLabel (scaleOnRequestCount with the service\'s own target group).'];
  },
});
