import { Stack, aws_ec2 as ec2, aws_ecs as ecs, aws_secretsmanager as secretsmanager, aws_ssm as ssm } from 'aws-cdk-lib';

/** A cluster in its own VPC (no NAT: the tests never deploy). */
export function cluster(stack: Stack, id = 'Cluster'): ecs.Cluster {
  const vpc = new ec2.Vpc(stack, `${id}Vpc`, { maxAzs: 2, natGateways: 0, subnetConfiguration: [{ name: 'Private', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
  return new ecs.Cluster(stack, id, { vpc, containerInsightsV2: ecs.ContainerInsights.ENABLED });
}

export interface ServiceOptions {
  readonly secrets?: Record<string, ecs.Secret>;
  readonly logSecrets?: Record<string, ecs.Secret>;
  readonly deploymentController?: ecs.DeploymentControllerType;
}

/** A plain aws-cdk-lib FargateService whose container injects `secrets`. */
export function service(stack: Stack, id: string, inCluster: ecs.ICluster, options: ServiceOptions = {}): ecs.FargateService {
  const taskDefinition = new ecs.FargateTaskDefinition(stack, `${id}Task`);
  taskDefinition.addContainer('App', {
    image: ecs.ContainerImage.fromRegistry('public.ecr.aws/nginx/nginx:latest'),
    secrets: options.secrets,
    logging: options.logSecrets
      ? ecs.LogDrivers.splunk({ url: 'https://splunk.example.com', secretToken: Object.values(options.logSecrets)[0] })
      : undefined,
  });
  return new ecs.FargateService(stack, id, {
    cluster: inCluster,
    taskDefinition,
    deploymentController: options.deploymentController ? { type: options.deploymentController } : undefined,
    // A circuit breaker needs the ECS deployment controller.
    circuitBreaker: options.deploymentController ? undefined : { rollback: true },
    minHealthyPercent: 100,
  });
}

export function secret(stack: Stack, id = 'Db'): secretsmanager.Secret {
  return new secretsmanager.Secret(stack, id);
}

export function parameter(stack: Stack, id = 'Param', name = '/app/feature'): ssm.StringParameter {
  return new ssm.StringParameter(stack, id, { parameterName: name, stringValue: 'on' });
}

/** A raw L1 task definition whose container injects each `valueFrom`, run by a raw L1 service in `inCluster`. */
export function rawService(stack: Stack, id: string, inCluster: ecs.Cluster, valueFroms: string[]): ecs.CfnService {
  const task = new ecs.CfnTaskDefinition(stack, `${id}Task`, {
    requiresCompatibilities: ['FARGATE'],
    networkMode: 'awsvpc',
    cpu: '256',
    memory: '512',
    executionRoleArn: 'arn:aws:iam::111111111111:role/execution',
    containerDefinitions: [{ name: 'app', image: 'nginx', secrets: valueFroms.map((valueFrom, i) => ({ name: `S${i}`, valueFrom })) }],
  });
  return new ecs.CfnService(stack, id, {
    cluster: inCluster.clusterName,
    taskDefinition: task.ref,
    launchType: 'FARGATE',
    networkConfiguration: { awsvpcConfiguration: { subnets: inCluster.vpc.isolatedSubnets.map((s) => s.subnetId) } },
  });
}
