/**
 * Synth-time reading of the app for SecretRotationRecycler: which services run in its clusters,
 * and how large its rule's event pattern will be. What their task definitions read is the
 * template kernel's (src/private/template/).
 */
import { CfnResource, Stack, aws_ecs as ecs, aws_secretsmanager as secretsmanager, aws_ssm as ssm } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { ResourceIndex, literalString, referencedResource } from '../private/resource-index';
import { templateLogicalId } from '../private/template/refs';

/** Whether a service's `cluster` property names this cluster. */
export function inCluster(service: ecs.CfnService, cluster: ecs.ICluster): boolean {
  const value = service.cluster;
  if (value === undefined) {
    return false;
  }
  const target = referencedResource(value);
  if (target !== undefined) {
    return target === cluster.node.defaultChild;
  }
  return value === cluster.clusterName || value === cluster.clusterArn;
}

/** The services of the app that run in one of `clusters`. */
export function servicesIn(index: ResourceIndex, clusters: readonly ecs.ICluster[]): ecs.CfnService[] {
  return (index.ofType(ecs.CfnService.CFN_RESOURCE_TYPE_NAME) as ecs.CfnService[])
    .filter((s) => s instanceof ecs.CfnService && clusters.some((c) => inCluster(s, c)));
}

/** The L1 service under an aws-cdk-lib service construct. */
export function cfnServiceOf(service: IConstruct): ecs.CfnService | undefined {
  const child = service.node.defaultChild;
  return child instanceof ecs.CfnService ? child : undefined;
}

/** Lengths of pseudo parameters at their longest common values. */
const PSEUDO_LENGTHS: Record<string, number> = {
  'AWS::Partition': 'aws-us-gov'.length,
  'AWS::Region': 'ap-southeast-5'.length,
  'AWS::AccountId': 12,
  'AWS::URLSuffix': 'amazonaws.com'.length,
};
/** A CloudFormation-generated secret name: the logical ID and a random suffix. */
const GENERATED_NAME_LENGTH = 40;
/** An intrinsic we cannot size (an import, an attribute): about an ARN. */
const UNKNOWN_LENGTH = 100;

/**
 * The length of a resolved value once CloudFormation has substituted every intrinsic, estimated
 * on the long side: the size EventBridge will see.
 */
export function estimatedLength(resolved: unknown, stack: Stack): number {
  const byLogicalId = new Map<string, CfnResource>();
  for (const construct of stack.node.findAll()) {
    if (CfnResource.isCfnResource(construct) && Stack.of(construct) === stack) {
      byLogicalId.set(templateLogicalId(construct), construct);
    }
  }
  const refLength = (id: string): number => {
    if (id in PSEUDO_LENGTHS) {
      return PSEUDO_LENGTHS[id];
    }
    const target = byLogicalId.get(id);
    if (target instanceof secretsmanager.CfnSecret) {
      const name = literalString(target, target.name)?.length ?? GENERATED_NAME_LENGTH;
      return `arn:aws-us-gov:secretsmanager:ap-southeast-5:123456789012:secret:${'x'.repeat(name)}-AbCdEf`.length;
    }
    if (target instanceof ssm.CfnParameter) {
      return literalString(target, target.name)?.length ?? GENERATED_NAME_LENGTH;
    }
    return UNKNOWN_LENGTH;
  };
  const substitute = (value: unknown): unknown => {
    if (Array.isArray(value)) {
      return value.map(substitute);
    }
    if (value === null || typeof value !== 'object') {
      return value;
    }
    const node = value as Record<string, any>;
    const keys = Object.keys(node);
    if (keys.length === 1 && keys[0] === 'Ref') {
      return 'x'.repeat(refLength(node.Ref));
    }
    if (keys.length === 1 && keys[0] === 'Fn::Join') {
      const [delimiter, parts] = node['Fn::Join'];
      return (parts as unknown[]).map((p) => {
        const s = substitute(p);
        return typeof s === 'string' ? s : 'x'.repeat(UNKNOWN_LENGTH);
      }).join(delimiter);
    }
    if (keys.length === 1 && keys[0].startsWith('Fn::')) {
      return 'x'.repeat(UNKNOWN_LENGTH);
    }
    return Object.fromEntries(keys.map((k) => [k, substitute(node[k])]));
  };
  return JSON.stringify(substitute(resolved)).length;
}
