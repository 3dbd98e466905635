/**
 * Synth-time reading of the app: which services run in a cluster, which secrets and parameters
 * their task definitions read. Shared by SecretRotationRecycler and its checks.
 */
import { CfnResource, Reference, Stack, Token, Tokenization, aws_ecs as ecs, aws_secretsmanager as secretsmanager, aws_ssm as ssm } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { ContainerReferences, ValueReference, parseValueFrom, valueFromsOf } from './references';
import { ResourceIndex, literalString, referencedResource } from '../private/resource-index';

/** What the recycler's rule matches for one reference. */
export interface WatchedValue {
  readonly kind: 'secret' | 'parameter';
  /**
   * Secrets: EventBridge matchers for the ARN (an exact ARN, or `{ prefix }` for a partial ARN).
   * Parameters: the names an event may carry.
   */
  readonly matchers: Array<string | { prefix: string }>;
  /** A version stage or ID that never refreshes. */
  readonly pinned?: string;
  /** How the reference is written, for messages. */
  readonly text: string;
}

/** A complete secret ARN ends in a hyphen and six characters that Secrets Manager adds. */
const FULL_SECRET_NAME = /-[A-Za-z0-9]{6}$/;

/** The L1 resource a token string refers to, when it is exactly one reference. */
function referenceTarget(value: string): CfnResource | undefined {
  const fragments = Tokenization.reverseString(value);
  const token = fragments.firstToken;
  if (fragments.length !== 1 || !token) {
    return undefined;
  }
  if (token instanceof Reference && CfnResource.isCfnResource(token.target)) {
    return token.target;
  }
  return referencedResource(value);
}

/** A literal secret name in an ARN may be partial: match the complete ARNs that start with it. */
function secretMatcher(arn: string, name: string): string | { prefix: string } {
  return Token.isUnresolved(name) || !FULL_SECRET_NAME.test(name) ? { prefix: `${arn}-` } : arn;
}

/**
 * What one `valueFrom` (literal, or a string with tokens as aws-cdk-lib builds it) refers to.
 * `undefined` when it is known only at deploy time in a form that cannot be read (an import, a
 * template parameter holding a parameter name).
 */
export function watchedValue(valueFrom: string): WatchedValue | undefined {
  const [, , service, , , resource] = valueFrom.split(':');
  if (valueFrom.startsWith('arn:') && service === 'ssm' && resource?.startsWith('parameter')) {
    // Parsed here rather than by parseValueFrom: aws-cdk-lib writes `parameter${name}` for a name token.
    return { kind: 'parameter', matchers: parameterNames(valueFrom), text: valueFrom };
  }
  if (!Token.isUnresolved(valueFrom) || valueFrom.startsWith('arn:')) {
    const parsed: ValueReference | undefined = parseValueFrom(valueFrom);
    if (!parsed) {
      return undefined;
    }
    if (parsed.kind === 'secret') {
      const name = parsed.id.split(':')[6];
      return { kind: 'secret', matchers: [secretMatcher(parsed.id, name)], pinned: parsed.pinned, text: valueFrom };
    }
    return { kind: 'parameter', matchers: parameterNames(valueFrom), text: valueFrom };
  }
  const [head, ...suffix] = valueFrom.split(':');
  if (Tokenization.reverseString(head).firstToken === undefined) {
    // Text first, and not an ARN: a parameter name with a token in it, such as `/app/${stage}/db`.
    return { kind: 'parameter', matchers: [valueFrom], text: valueFrom };
  }
  // A token first: `${secret.secretArn}` with an optional `:json-key:stage:version` suffix.
  const target = referenceTarget(head);
  if (target instanceof ssm.CfnParameter && suffix.length === 0) {
    return { kind: 'parameter', matchers: [head], text: valueFrom };
  }
  if (target !== undefined && !(target instanceof secretsmanager.CfnSecret)) {
    return undefined;
  }
  const [, stage, versionId] = suffix;
  const pinned = versionId ? `version ID ${versionId}` : stage && stage !== 'AWSCURRENT' ? `version stage ${stage}` : undefined;
  return { kind: 'secret', matchers: [head], pinned, text: valueFrom };
}

/** The names a Parameter Store event carries for a parameter referenced by `valueFrom`. */
function parameterNames(valueFrom: string): string[] {
  if (!valueFrom.startsWith('arn:')) {
    return [valueFrom];
  }
  const rest = valueFrom.split(':').slice(5).join(':').substring('parameter'.length);
  const name = rest.startsWith('/') ? rest.substring(1) : rest;
  if (Token.isUnresolved(name)) {
    // aws-cdk-lib writes `parameter${name}` for a name token that starts with a slash,
    // `parameter/${name}` for a simple one, and `parameter/app/${token}/db` for a name built with one.
    const fragments = Tokenization.reverseString(name);
    const wholeToken = fragments.length === 1 && fragments.firstToken !== undefined;
    return !rest.startsWith('/') || wholeToken ? [name] : [`/${name}`];
  }
  // The ARN drops the leading slash: `parameter/app/db` is `/app/db`; `parameter/db` is `db` or `/db`.
  return name.includes('/') ? [`/${name}`] : [name, `/${name}`];
}

/** The `valueFrom` strings of a task definition, with tokens left in place. */
export function valueFromsOfTaskDefinition(taskDefinition: ecs.CfnTaskDefinition): string[] {
  const scope = taskDefinition.node.scope;
  if (Token.isUnresolved(taskDefinition.containerDefinitions) && scope instanceof ecs.TaskDefinition) {
    // aws-cdk-lib renders its containers lazily; read them from the constructs.
    const containers = scope.node.children.filter((c): c is ecs.ContainerDefinition => c instanceof ecs.ContainerDefinition);
    return valueFromsOf(containers.map((c) => c.renderContainerDefinition() as ContainerReferences));
  }
  const containers = taskDefinition.containerDefinitions;
  // A raw L1 task definition holds its containers as written, tokens in place.
  return Array.isArray(containers) ? valueFromsOf(containers as ContainerReferences[]) : [];
}

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

/**
 * The task definition a service runs, when it is defined in the app: by reference, or by family
 * (aws-cdk-lib names the family for a CODE_DEPLOY service, whose task sets CodeDeploy manages).
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
      byLogicalId.set(stack.resolve(construct.logicalId), construct);
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
