import { aws_ecs as ecs } from 'aws-cdk-lib';
import { literalString, resolved } from '../../private/resource-index';
import { asList } from '../../private/template/json';
import { defineCheck, ruleOver } from '../check';
import { CheckLevel } from '../check-info';
import { pathOf } from '../embed';

/** The deployment strategies in which ECS shifts traffic between a primary and an alternate target. */
const TRAFFIC_SHIFTING = ['CANARY', 'LINEAR', 'BLUE_GREEN'];

/**
 * The traffic-shifting strategy of a service that shifts traffic through its load balancer: not
 * through Service Connect, which needs no alternate target group.
 */
function shiftingStrategyOf(service: ecs.CfnService): string | undefined {
  const strategy = literalString(service, (resolved(service, service.deploymentConfiguration) as any)?.strategy);
  const serviceConnect = resolved(service, service.serviceConnectConfiguration) as any;
  return strategy !== undefined && TRAFFIC_SHIFTING.includes(strategy) && serviceConnect?.enabled !== true ? strategy : undefined;
}

/**
 * An ECS service whose canary, linear or blue/green strategy has no alternate target to shift
 * traffic to.
 */
export const EcsRolloutWithoutAlternateTarget = defineCheck({
  suffix: 'EcsRolloutWithoutAlternateTarget',
  level: CheckLevel.ERROR,
  title: 'An ECS service with a canary, linear or blue/green deployment strategy but no load balancer target with an alternate target group (nor Service Connect) to shift traffic by.',
  reason: 'ECS\'s canary, linear and blue/green deployments move production traffic from the old revision\'s target group to the new one\'s by the weights of a listener rule '
    + '(or through Service Connect): a service with no load balancer target, or with one that names no alternate target group, production listener rule and role, has nothing to shift, '
    + 'and the deployment fails instead of rolling out.',
  source: 'https://docs.aws.amazon.com/AmazonECS/latest/developerguide/canary-deployment-implementation.html',
  appliesTo: [ecs.CfnService],
  inspect: ruleOver(shiftingStrategyOf, (strategy, _index, service) => {
    const targets = asList(resolved(service, service.loadBalancers)).filter((lb: any) => lb?.targetGroupArn !== undefined);
    if (targets.length === 0) {
      return [`Service '${pathOf(service)}': its deployment strategy is ${strategy}, which shifts traffic between target groups, but it has no load balancer target. `
        + 'Attach it to a target group with an alternate target group (service.loadBalancerTarget({ alternateTarget })), or use the ROLLING strategy.'];
    }
    const shifting = targets.filter((lb: any) =>
      lb.advancedConfiguration?.alternateTargetGroupArn !== undefined && lb.advancedConfiguration?.roleArn !== undefined);
    return shifting.length > 0 ? [] : [
      `Service '${pathOf(service)}': its deployment strategy is ${strategy}, which shifts traffic between target groups, but no load balancer target names an alternate target group and role (AdvancedConfiguration). `
      + 'Give its target one (service.loadBalancerTarget({ alternateTarget: new ecs.AlternateTarget(...) })), or use the ROLLING strategy.',
    ];
  }),
});
