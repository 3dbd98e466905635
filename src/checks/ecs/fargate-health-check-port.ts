import { aws_ecs as ecs, aws_elasticloadbalancingv2 as elbv2 } from 'aws-cdk-lib';
import { literalString, resolved } from '../../private/resource-index';
import { awsVpcOf } from '../../private/template/ecs';
import { asList } from '../../private/template/json';
import { resourcesNamedIn } from '../../private/template/refs';
import { admits, ingressRules } from '../../private/template/security-group-rules';
import { defineCheck, ruleOver } from '../check';
import { CheckLevel } from '../check-info';
import { pathOf } from '../embed';

/**
 * A target group whose health checks the tasks' security groups do not let in.
 */
export const FargateHealthCheckPort = defineCheck({
  suffix: 'FargateHealthCheckPort',
  level: CheckLevel.ERROR,
  title: 'An ECS service behind a load balancer whose security groups do not admit the target group\'s health check port.',
  reason: 'The load balancer health-checks each task on the health check port. When the tasks\' security groups drop it, every task is marked unhealthy and replaced, and the deployment never becomes stable.',
  source: 'https://docs.aws.amazon.com/elasticloadbalancing/latest/application/target-group-health-checks.html',
  appliesTo: [ecs.CfnService],
  inspect: ruleOver(awsVpcOf, (network, index, service) => {
    if (network.securityGroups.length === 0) {
      return [];
    }
    const rules = network.securityGroups.flatMap((sg) => ingressRules(sg, index));
    const messages: string[] = [];
    for (const mapping of asList(resolved(service, service.loadBalancers))) {
      const group = resourcesNamedIn<elbv2.CfnTargetGroup>(service, (mapping as any)?.targetGroupArn, 'AWS::ElasticLoadBalancingV2::TargetGroup', index)[0];
      const containerPort = (mapping as any)?.containerPort;
      if (!group || typeof containerPort !== 'number') {
        continue;
      }
      const configured = literalString(group, group.healthCheckPort);
      const port = configured === undefined || configured === 'traffic-port' ? containerPort : Number(configured);
      if (Number.isInteger(port) && !rules.some((r) => admits(r, 'tcp', port))) {
        messages.push(`Service '${pathOf(service)}': target group '${pathOf(group)}' health-checks port ${port}, which no security group of the tasks (${network.securityGroups.map(pathOf).join(', ')}) admits; `
          + `every task would fail its health check. Allow it from the load balancer (service.connections.allowFrom(loadBalancer, ec2.Port.tcp(${port}))).`);
      }
    }
    return messages;
  }),
});
