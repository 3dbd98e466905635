import { aws_ecs as ecs } from 'aws-cdk-lib';
import { fargateNetworkOf } from '../../private/template/ecs';
import { defaultRoutes, isInternetGatewayRoute } from '../../private/template/routes';
import { defineCheck, ruleOver } from '../check';
import { CheckLevel } from '../check-info';
import { pathOf } from '../embed';

/**
 * Fargate tasks with a public IP address, or in public subnets.
 */
export const FargatePublicTasks = defineCheck({
  suffix: 'FargatePublicTasks',
  level: CheckLevel.WARNING,
  patternLevel: CheckLevel.ERROR,
  title: 'An ECS service on Fargate whose tasks get a public IP address or run in a public subnet.',
  reason: 'A task with a public IP is reachable from the internet on every port its security group opens, bypassing the load balancer; without one, a task in a public subnet cannot reach ECR, CloudWatch Logs or anything else and fails to start. Tasks belong in private subnets behind the load balancer.',
  source: 'https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-task-networking.html',
  appliesTo: [ecs.CfnService],
  inspect: ruleOver(fargateNetworkOf, (network, index, service) => {
    const messages: string[] = [];
    if (network.assignPublicIp) {
      messages.push(`Service '${pathOf(service)}' gives its tasks public IP addresses (AssignPublicIp ENABLED). Turn it off (assignPublicIp: false) and reach them through a load balancer.`);
    }
    const publicSubnets = network.subnets.filter((s) => (defaultRoutes(s, index) ?? []).some(isInternetGatewayRoute)).map(pathOf);
    if (publicSubnets.length > 0) {
      messages.push(`Service '${pathOf(service)}' runs tasks in public subnets (${publicSubnets.join(', ')}), whose default route is an internet gateway. `
        + 'Place them in private subnets (vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS }).');
    }
    return messages;
  }),
});
