import { aws_ecs as ecs } from 'aws-cdk-lib';
import { ResourceIndex } from '../../private/resource-index';
import { SecretStore, containersOf, fargateNetworkOf, secretStore, taskDefinitionOf } from '../../private/template/ecs';
import { endpointServicesFor } from '../../private/template/endpoints';
import { flatText } from '../../private/template/json';
import { defaultRoutes, isInternetGatewayRoute } from '../../private/template/routes';
import { defineCheck, ruleOver } from '../check';
import { CheckLevel } from '../check-info';
import { pathOf } from '../embed';

/** The VPC endpoints a Fargate task definition needs when its subnets have no route to the internet. */
export function neededEndpoints(task: ecs.CfnTaskDefinition, index: ResourceIndex): { services: string[]; externalImages: string[] } {
  const services = new Set<string>();
  const externalImages: string[] = [];
  for (const container of containersOf(task)) {
    const image = flatText(container.image);
    if (/\.dkr\.ecr\./.test(image)) {
      ['ecr.api', 'ecr.dkr', 's3'].forEach((s) => services.add(s));
    } else if (typeof container.image === 'string') {
      externalImages.push(container.image);
    }
    if (container.logDriver === 'awslogs') {
      services.add('logs');
    }
    for (const secret of container.secrets) {
      services.add(secretStore(task, secret, index) === SecretStore.SECRETS_MANAGER ? 'secretsmanager' : 'ssm');
    }
  }
  return { services: [...services], externalImages };
}

/**
 * Fargate tasks in subnets that reach neither the internet nor the endpoints the tasks need.
 */
export const FargateNoEgress = defineCheck({
  suffix: 'FargateNoEgress',
  level: CheckLevel.ERROR,
  title: 'An ECS service on Fargate in private subnets with neither a route to the internet nor the VPC endpoints its tasks need.',
  reason: 'Fargate pulls the image, sends awslogs output and reads injected secrets over the task\'s own network. In a subnet with no NAT and without endpoints for ECR (ecr.api, ecr.dkr and the S3 gateway), CloudWatch Logs and Secrets Manager or SSM, tasks fail to start and the deployment hangs until the circuit breaker gives up.',
  source: 'https://docs.aws.amazon.com/AmazonECR/latest/userguide/vpc-endpoints.html',
  appliesTo: [ecs.CfnService],
  inspect: ruleOver(fargateNetworkOf, (network, index, service) => {
    const task = taskDefinitionOf(service, index);
    if (!task) {
      return [];
    }
    const { services, externalImages } = neededEndpoints(task, index);
    const messages: string[] = [];
    for (const subnet of network.subnets) {
      const routes = defaultRoutes(subnet, index);
      if (!routes || routes.some((r) => !isInternetGatewayRoute(r) || network.assignPublicIp)) {
        continue;
      }
      if (externalImages.length > 0) {
        messages.push(`Service '${pathOf(service)}': subnet '${pathOf(subnet)}' has no route to the internet, so its tasks cannot pull ${externalImages.join(', ')} from a registry outside the VPC. `
          + 'Give the subnet a NAT gateway, or copy the image to ECR (ecs.ContainerImage.fromAsset or fromEcrRepository) and add its endpoints.');
        continue;
      }
      const reachable = endpointServicesFor(subnet, index);
      const missing = services.filter((s) => !reachable.has(s));
      if (missing.length > 0) {
        messages.push(`Service '${pathOf(service)}': subnet '${pathOf(subnet)}' has no route to the internet and no VPC endpoint for ${missing.join(', ')}; `
          + 'its tasks could not pull their image, send their logs or read their secrets. Add the endpoints (vpc.addInterfaceEndpoint, and vpc.addGatewayEndpoint for s3 on the subnet\'s route table) or a NAT gateway.');
      }
    }
    return messages;
  }),
});
