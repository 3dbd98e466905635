import { aws_applicationautoscaling as appscaling, aws_ecs as ecs } from 'aws-cdk-lib';
import { ResourceIndex, literalString, referencedResource, resolved } from '../../private/resource-index';
import { resourcesNamedIn } from '../../private/template/refs';

/**
 * What Application Auto Scaling scales of an ECS service. Shared by the scaling checks; not a
 * check itself.
 */

/** The scalable dimension of an ECS service's task count. */
export const ECS_DESIRED_COUNT = 'ecs:service:DesiredCount';

/** Whether a scalable target scales an ECS service's task count. */
export function scalesEcsService(target: appscaling.CfnScalableTarget): boolean {
  return literalString(target, target.scalableDimension) === ECS_DESIRED_COUNT;
}

/** The minimum and maximum capacity of a scalable target, where the template says them. */
export function capacityOf(target: appscaling.CfnScalableTarget): { min?: number; max?: number } {
  const number = (value: unknown) => (typeof value === 'number' ? value : undefined);
  return { min: number(resolved(target, target.minCapacity)), max: number(resolved(target, target.maxCapacity)) };
}

/**
 * The ECS service in the app whose task count a scaling policy scales: through its scalable
 * target (`ScalingTargetId`) or its own `ResourceId` and `ScalableDimension`. `undefined` where the
 * template does not say, or names a service outside the app (a literal `service/cluster/name`).
 */
export function scaledEcsService(policy: appscaling.CfnScalingPolicy, index: ResourceIndex): ecs.CfnService | undefined {
  const target = referencedResource(policy.scalingTargetId);
  const [owner, resourceId, dimension] = target instanceof appscaling.CfnScalableTarget
    ? [target, target.resourceId, target.scalableDimension]
    : [policy, policy.resourceId, policy.scalableDimension];
  if (literalString(owner, dimension) !== ECS_DESIRED_COUNT) {
    return undefined;
  }
  const services = resourcesNamedIn<ecs.CfnService>(owner, resolved(owner, resourceId), 'AWS::ECS::Service', index);
  return services.length === 1 ? services[0] : undefined;
}
