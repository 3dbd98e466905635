import { aws_ecs as ecs } from 'aws-cdk-lib';
import { literalString, resolved } from '../../private/resource-index';
import { defineCheck, ruleOver } from '../check';
import { CheckLevel } from '../check-info';
import { pathOf } from '../embed';

/** The deployment strategies with a bake time: how long the old revision stays after the last traffic shift. */
const BAKING = ['CANARY', 'LINEAR', 'BLUE_GREEN'];

/**
 * The bake time and health-check grace period of a service whose strategy bakes, where the
 * template gives both literally. Without a bake time ECS keeps the old revision for 36 hours.
 */
function bakeOf(service: ecs.CfnService): { bakeMinutes: number; graceSeconds: number } | undefined {
  const configuration = resolved(service, service.deploymentConfiguration) as any;
  const strategy = literalString(service, configuration?.strategy);
  const bakeMinutes = configuration?.bakeTimeInMinutes;
  const graceSeconds = resolved(service, service.healthCheckGracePeriodSeconds);
  return strategy !== undefined && BAKING.includes(strategy) && typeof bakeMinutes === 'number' && typeof graceSeconds === 'number'
    ? { bakeMinutes, graceSeconds } : undefined;
}

function message(subject: string, bakeMinutes: number, graceSeconds: number): string {
  return `${subject}: the bake time (${bakeMinutes} minutes) is shorter than the health-check grace period (${graceSeconds} seconds). `
    + 'ECS ignores the load balancer\'s health checks of a new task during the grace period, so the deployment can finish, and the old revision be stopped, '
    + 'before an unhealthy new task is noticed. Make the bake time at least the grace period.';
}

/**
 * An ECS service whose canary, linear or blue/green bake time is shorter than its health-check
 * grace period.
 */
export const EcsBakeTimeBelowGracePeriod = defineCheck({
  suffix: 'EcsBakeTimeBelowGracePeriod',
  level: CheckLevel.WARNING,
  title: 'An ECS service whose canary, linear or blue/green bake time is shorter than its health-check grace period.',
  reason: 'After the last traffic shift ECS keeps the old revision for the bake time, ready to roll back to it; during the health-check grace period it ignores the load balancer\'s '
    + 'health checks of new tasks. A bake time shorter than the grace period lets the deployment finish, and the old revision go, before an unhealthy new task counts.',
  source: 'https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-ecs-service-deploymentconfiguration.html',
  appliesTo: [ecs.CfnService],
  inspect: ruleOver(bakeOf, ({ bakeMinutes, graceSeconds }, _index, service) =>
    (bakeMinutes * 60 >= graceSeconds ? [] : [message(`Service '${pathOf(service)}'`, bakeMinutes, graceSeconds)])),
});
