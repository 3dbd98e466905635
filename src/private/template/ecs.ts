import { Stack, Token, aws_ec2 as ec2, aws_ecs as ecs } from 'aws-cdk-lib';
import { ContainerReferences, ContainerSecret, secretsOf, valueFromsOf } from './container-secrets';
import { asList, flatText } from './json';
import { referencedOfType } from './refs';
import { ResourceIndex, literalString, referencedResource, resolved } from '../resource-index';

/**
 * What an ECS service runs and how its task definition is built, read from the L1 resources.
 * Every check and pattern that asks "which task definition does this service run" asks here, so
 * that the Fargate checks and SecretRotationRecycler never disagree about it.
 */

/**
 * The task definition a service runs, when it is defined in the app: by reference, or by family,
 * since aws-cdk-lib names the family (not the ARN) for a CODE_DEPLOY service, whose task sets
 * CodeDeploy manages. A family names the latest revision, which is the one the app defines.
 */
export function taskDefinitionOf(service: ecs.CfnService, index: ResourceIndex): ecs.CfnTaskDefinition | undefined {
  const target = referencedResource(service.taskDefinition);
  if (target instanceof ecs.CfnTaskDefinition) {
    return target;
  }
  const family = literalString(service, service.taskDefinition)?.split(':')[0];
  if (family === undefined) {
    return undefined;
  }
  return (index.ofType(ecs.CfnTaskDefinition.CFN_RESOURCE_TYPE_NAME) as ecs.CfnTaskDefinition[])
    .find((t) => t instanceof ecs.CfnTaskDefinition && Stack.of(t) === Stack.of(service) && literalString(t, t.family) === family);
}

/** Whether the task definition is for Fargate: where the service does not say, its task definition decides. */
export function requiresFargate(task: ecs.CfnTaskDefinition): boolean {
  return asList(resolved(task, task.requiresCompatibilities)).includes('FARGATE');
}

/**
 * Whether the service runs on Fargate: its launch type, a Fargate capacity provider, or (with
 * neither, so that the cluster's default strategy applies) a task definition that requires it.
 */
export function runsOnFargate(service: ecs.CfnService, index: ResourceIndex): boolean {
  if (literalString(service, service.launchType) === 'FARGATE') {
    return true;
  }
  const strategy = asList(resolved(service, service.capacityProviderStrategy));
  if (strategy.some((s: any) => typeof s?.capacityProvider === 'string' && s.capacityProvider.startsWith('FARGATE'))) {
    return true;
  }
  const task = taskDefinitionOf(service, index);
  return service.launchType === undefined && strategy.length === 0 && task !== undefined && requiresFargate(task);
}

/** The awsvpc configuration of a service, as far as the app defines its parts. */
export interface AwsVpcView {
  /** The subnets that are resources of the app (imported subnet IDs are left out). */
  readonly subnets: ec2.CfnSubnet[];
  /** The security groups that are resources of the app. */
  readonly securityGroups: ec2.CfnSecurityGroup[];
  readonly assignPublicIp: boolean;
}

/**
 * Where the service's tasks run and which groups guard them; `undefined` for other network modes.
 * The configuration is a nested structure with list tokens, so its references are read resolved.
 */
export function awsVpcOf(service: ecs.CfnService, index: ResourceIndex): AwsVpcView | undefined {
  const config = (resolved(service, service.networkConfiguration) as any)?.awsvpcConfiguration;
  if (!config) {
    return undefined;
  }
  return {
    subnets: referencedOfType<ec2.CfnSubnet>(service, service.networkConfiguration, 'AWS::EC2::Subnet', index),
    securityGroups: referencedOfType<ec2.CfnSecurityGroup>(service, service.networkConfiguration, 'AWS::EC2::SecurityGroup', index),
    assignPublicIp: config.assignPublicIp === 'ENABLED',
  };
}

/** The awsvpc configuration of a service on Fargate; `undefined` for any other service. */
export function fargateNetworkOf(service: ecs.CfnService, index: ResourceIndex): AwsVpcView | undefined {
  return runsOnFargate(service, index) ? awsVpcOf(service, index) : undefined;
}

/**
 * A task definition's container definitions as written, tokens in place: references to secrets
 * stay strings whose ARNs can be split and traced to their resources. aws-cdk-lib renders its
 * containers lazily, so they are read from the container constructs.
 */
export function writtenContainers(task: ecs.CfnTaskDefinition): ContainerReferences[] {
  const scope = task.node.scope;
  if (Token.isUnresolved(task.containerDefinitions) && scope instanceof ecs.TaskDefinition) {
    return scope.node.children.filter((c): c is ecs.ContainerDefinition => c instanceof ecs.ContainerDefinition)
      .map((c) => c.renderContainerDefinition() as ContainerReferences);
  }
  const containers = task.containerDefinitions;
  return Array.isArray(containers) ? containers as ContainerReferences[] : [];
}

/** The `valueFrom` strings of a task definition's containers, tokens in place. */
export function valueFromsOfTaskDefinition(task: ecs.CfnTaskDefinition): string[] {
  return valueFromsOf(writtenContainers(task));
}

/** A container definition as CloudFormation will see it (camelCase keys, as the L1 takes them). */
export interface ContainerView {
  readonly name: string;
  readonly image: unknown;
  readonly logDriver?: string;
  /** The secrets ECS injects, `valueFrom` resolved. */
  readonly secrets: ContainerSecret[];
}

/**
 * The task definition's containers resolved, as CloudFormation will see them: for checks that
 * compare them with other resolved values (policy resources, image URIs).
 */
export function containersOf(task: ecs.CfnTaskDefinition): ContainerView[] {
  return asList(resolved(task, task.containerDefinitions)).map((raw) => {
    const c = raw as Record<string, any>;
    const name = typeof c.name === 'string' ? c.name : '?';
    return { name, image: c.image, logDriver: c.logConfiguration?.logDriver, secrets: secretsOf(c) };
  });
}

/**
 * The container definitions of a task definition for Fargate, resolved and as written (raw
 * camelCase objects); `undefined` for a task definition that does not require Fargate.
 */
export function fargateContainersOf(task: ecs.CfnTaskDefinition): any[] | undefined {
  return requiresFargate(task) ? asList(resolved(task, task.containerDefinitions)) : undefined;
}

/** Where an injected secret lives. */
export enum SecretStore {
  SECRETS_MANAGER = 'secretsmanager',
  PARAMETER_STORE = 'ssm',
}

/**
 * Which store a resolved secret reference reads from: a Secrets Manager ARN or a secret of the
 * app; anything else is a parameter (by name or ARN). Decides which endpoint the task needs.
 */
export function secretStore(task: ecs.CfnTaskDefinition, secret: ContainerSecret, index: ResourceIndex): SecretStore {
  const text = flatText(secret.valueFrom);
  if (text.includes(':secretsmanager:') || referencedOfType(task, secret.valueFrom, 'AWS::SecretsManager::Secret', index).length > 0) {
    return SecretStore.SECRETS_MANAGER;
  }
  return SecretStore.PARAMETER_STORE;
}
