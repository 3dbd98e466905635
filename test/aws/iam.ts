/**
 * IAM, from both sides: the calls recorded at moto (test/aws/moto.ts), each evaluated against the
 * synthesized policies of the role that made it by an IAM evaluator the project did not write
 * (@cloud-copilot/iam-simulate, over the Service Authorization Reference as data). The evaluator
 * rejects an action that does not exist, a resource ARN of a type the action does not take, and
 * drops context keys the action does not support, so a condition on such a key never matches.
 *
 * What no independent program can give: which resource ARNs and condition values a request is
 * authorized against. AWS does not publish that mapping as data; REQUESTS below writes it down per
 * operation, from the operation's parameters and the resource types the Service Authorization
 * Reference lists for it (the evaluator refuses an ARN of any other type, so a mistake here fails).
 */
import { runSimulation } from '@cloud-copilot/iam-simulate';
import { Stack } from 'aws-cdk-lib';
import { Template as Synthesized } from 'aws-cdk-lib/assertions';
import { MOTO_ACCOUNT, MOTO_REGION, RecordedCall } from './moto';

/** A template as JSON. */
export type Template = { Resources: Record<string, { Type: string; Properties?: any }> };

/** A stack's template as JSON, synthesized as the tests synthesize (with the app's validations). */
export function templateOf(stack: Stack): Template {
  return Synthesized.fromStack(stack).toJSON() as Template;
}

/** What CloudFormation would give each logical ID: its Ref and its attributes. */
export type PhysicalValues = Record<string, { ref: string; attrs?: Record<string, string> }>;

/** A request as IAM authorizes it: one resource, and the context its conditions read. */
export interface AuthorizedRequest {
  readonly action: string;
  readonly resource: string;
  readonly context: Record<string, string | string[]>;
}

/** What the tests know of the resources a request names beyond its parameters: their tags. */
export interface RequestFacts {
  /** Tags by resource ARN, read from moto after the run. */
  readonly tags?: Record<string, Record<string, string>>;
  /** Secret ARNs by name, for calls that name a secret rather than give its ARN. */
  readonly secretArns?: Record<string, string>;
  /** Stack IDs (ARNs) by stack name, for calls that name a stack rather than give its ID. */
  readonly stackArns?: Record<string, string>;
}

const arnPrefix = (service: string) => `arn:aws:${service}:${MOTO_REGION}:${MOTO_ACCOUNT}`;
const isArn = (value: string) => value.startsWith('arn:');
const ecsArn = (kind: string, name: string) => (isArn(name) ? name : `${arnPrefix('ecs')}:${kind}/${name}`);
const ec2Arn = (kind: string, id: string) => `${arnPrefix('ec2')}:${kind}/${id}`;

function clusterArn(params: any): string {
  return ecsArn('cluster', params.cluster ?? 'default');
}

function serviceArn(params: any, service: string): string {
  if (isArn(service)) {
    return service;
  }
  return `${arnPrefix('ecs')}:service/${clusterArn(params).split('/').pop()}/${service}`;
}

/** The ARN of a resource a request names by name or ARN, from the facts given by name. */
function arnOf(nameOrArn: string, byName: Record<string, string> | undefined, fact: keyof RequestFacts): string {
  if (isArn(nameOrArn)) {
    return nameOrArn;
  }
  const arn = byName?.[nameOrArn];
  if (!arn) {
    throw new Error(`no ARN known for ${nameOrArn}: give it in facts.${fact}`);
  }
  return arn;
}

const secretArn = (id: string, facts: RequestFacts) => arnOf(id, facts.secretArns, 'secretArns');

/** Per operation: the resources IAM authorizes the request against, with their context. */
type RequestOf = (params: any, facts: RequestFacts, call: RecordedCall) => Array<{ resource: string; context?: Record<string, string | string[]> }>;

const REQUESTS: Record<string, RequestOf> = {
  'ecs:ListServices': (p) => [{ resource: '*', context: { 'ecs:cluster': clusterArn(p) } }],
  'ecs:DescribeServices': (p) => (p.services as string[]).map((s) => ({ resource: serviceArn(p, s), context: { 'ecs:cluster': clusterArn(p) } })),
  'ecs:DescribeTaskDefinition': () => [{ resource: '*' }],
  'ecs:UpdateService': (p) => [{ resource: serviceArn(p, p.service), context: { 'ecs:cluster': clusterArn(p) } }],
  // A listing that names no container instance (a Fargate cluster's tasks have none) is authorized
  // on `*`, as aws-cdk-lib's own ListTasks grants are (aws-ecs instance drain hook).
  'ecs:ListTasks': (p) => [{ resource: p.containerInstance ? ecsArn('container-instance', p.containerInstance) : '*', context: { 'ecs:cluster': clusterArn(p) } }],
  'ecs:DescribeTasks': (p) => (p.tasks as string[]).map((t) => ({
    resource: isArn(t) ? t : `${arnPrefix('ecs')}:task/${clusterArn(p).split('/').pop()}/${t}`,
    context: { 'ecs:cluster': clusterArn(p) },
  })),
  // EC2 authorizes each resource a request names on its own.
  'ec2:AssociateAddress': (p) => [
    ...(p.AllocationId ? [{ resource: ec2Arn('elastic-ip', p.AllocationId), context: { 'ec2:AllocationId': p.AllocationId } }] : []),
    ...(p.InstanceId ? [{ resource: ec2Arn('instance', p.InstanceId) }] : []),
    ...(p.NetworkInterfaceId ? [{ resource: ec2Arn('network-interface', p.NetworkInterfaceId) }] : []),
  ],
  'ec2:ModifyInstanceAttribute': (p) => [{ resource: ec2Arn('instance', p.InstanceId) }],
  'ec2:ModifyNetworkInterfaceAttribute': (p) => [{ resource: ec2Arn('network-interface', p.NetworkInterfaceId) }],
  'ec2:CreateRoute': (p) => [{ resource: ec2Arn('route-table', p.RouteTableId) }],
  'ec2:ReplaceRoute': (p) => [{ resource: ec2Arn('route-table', p.RouteTableId) }],
  'ec2:AttachNetworkInterface': (p) => [
    { resource: ec2Arn('instance', p.InstanceId) },
    { resource: ec2Arn('network-interface', p.NetworkInterfaceId) },
  ],
  'secretsmanager:GetSecretValue': (p, f) => [{ resource: secretArn(p.SecretId, f) }],
  'secretsmanager:DescribeSecret': (p, f) => [{ resource: secretArn(p.SecretId, f) }],
  'secretsmanager:ListSecretVersionIds': (p, f) => [{ resource: secretArn(p.SecretId, f) }],
  'secretsmanager:PutSecretValue': (p, f) => [{ resource: secretArn(p.SecretId, f) }],
  'secretsmanager:CreateSecret': (p, f) => [{ resource: secretArn(p.Name, f) }],
  'secretsmanager:DeleteSecret': (p, f) => [{ resource: secretArn(p.SecretId, f) }],
  // Each name given, by its ARN; the ARN of a name drops its leading slash (`/app/x` is `parameter/app/x`).
  'ssm:GetParameters': (p) => (p.Names as string[]).map((name) => ({ resource: isArn(name) ? name : `${arnPrefix('ssm')}:parameter/${name.replace(/^\/+/, '')}` })),
  // IAM authorizes it on the stack's ID, which ends in the stack's unique suffix.
  'cloudformation:SignalResource': (p, f) => [{ resource: arnOf(p.StackName, f.stackArns, 'stackArns') }],
  's3:PutObject': (p, _f, call) => {
    const url = new URL(call.url);
    // Path-style (http://host/bucket) as moto serves on loopback, or virtual-hosted (bucket.host).
    const bucket = url.pathname.length > 1 ? url.pathname.split('/')[1] : url.hostname.split('.')[0];
    return [{ resource: `arn:aws:s3:::${bucket}/${p.key}` }];
  },
};

/** The requests IAM authorizes for one recorded call, with the resources' tags as context. */
export function authorizedRequests(call: RecordedCall, facts: RequestFacts = {}): AuthorizedRequest[] {
  const requestOf = REQUESTS[call.action];
  if (!requestOf) {
    throw new Error(`test/aws/iam.ts does not know how IAM authorizes ${call.action}: add it to REQUESTS`);
  }
  return requestOf(call.params, facts, call).map(({ resource, context }) => {
    const tags = Object.entries(facts.tags?.[resource] ?? {});
    const service = call.action.split(':')[0];
    return {
      action: call.action,
      resource,
      context: {
        ...Object.fromEntries(tags.flatMap(([k, v]) => [[`aws:ResourceTag/${k}`, v], [`${service}:ResourceTag/${k}`, v]])),
        ...context,
      },
    };
  });
}

const PSEUDO: Record<string, string> = {
  'AWS::Partition': 'aws',
  'AWS::Region': MOTO_REGION,
  'AWS::AccountId': MOTO_ACCOUNT,
  'AWS::URLSuffix': 'amazonaws.com',
  'AWS::NoValue': '',
};

/** A template value with its intrinsics replaced by the physical values given; fails on any other. */
export function resolveValue(template: Template, value: any, physical: PhysicalValues): any {
  if (Array.isArray(value)) {
    return value.map((v) => resolveValue(template, v, physical));
  }
  if (!value || typeof value !== 'object') {
    return value;
  }
  const keys = Object.keys(value);
  if (keys.length === 1) {
    const [fn] = keys;
    const arg = value[fn];
    switch (fn) {
      case 'Ref':
        if (arg in PSEUDO) {
          return PSEUDO[arg];
        }
        if (!physical[arg]) {
          throw new Error(`no physical value given for ${arg} (${template.Resources[arg]?.Type ?? 'not a resource'})`);
        }
        return physical[arg].ref;
      case 'Fn::GetAtt': {
        const [id, attr] = typeof arg === 'string' ? arg.split('.') : arg;
        const found = physical[id]?.attrs?.[attr];
        if (found === undefined) {
          throw new Error(`no physical value given for ${id}.${attr}`);
        }
        return found;
      }
      case 'Fn::Join': {
        const [separator, parts] = arg;
        return resolveValue(template, parts, physical).join(separator);
      }
      case 'Fn::Select': {
        const [i, list] = resolveValue(template, arg, physical);
        return list[i];
      }
      case 'Fn::Split': {
        const [separator, text] = resolveValue(template, arg, physical);
        return text.split(separator);
      }
      case 'Fn::Sub': {
        const [text, vars] = typeof arg === 'string' ? [arg, {}] : arg;
        return text.replace(/\$\{([^}!]+)\}/g, (_: string, name: string) => {
          if (name in vars) {
            return resolveValue(template, vars[name], physical);
          }
          const [id, attr] = name.split('.');
          return resolveValue(template, attr ? { 'Fn::GetAtt': [id, attr] } : { Ref: id }, physical);
        });
      }
      default:
        if (fn.startsWith('Fn::')) {
          throw new Error(`test/aws/iam.ts cannot resolve ${fn}`);
        }
    }
  }
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolveValue(template, v, physical)]));
}

/** The logical ID of the one resource of `type` in the template (that passes `filter`, if given). */
export function logicalIdOf(template: Template, type: string, filter: (properties: any) => boolean = () => true): string {
  const ids = Object.entries(template.Resources).filter(([, r]) => r.Type === type && filter(r.Properties ?? {})).map(([id]) => id);
  if (ids.length !== 1) {
    throw new Error(`expected one ${type} in the template, found ${ids.length}: ${ids.join(', ')}`);
  }
  return ids[0];
}

/** The logical ID of the role a function of the template runs with (its `Role`, a GetAtt of the role's Arn). */
export function roleOfFunction(template: Template, functionId: string): string {
  const role = template.Resources[functionId]?.Properties?.Role;
  const roleId = role?.['Fn::GetAtt']?.[0];
  if (typeof roleId !== 'string' || template.Resources[roleId]?.Type !== 'AWS::IAM::Role') {
    throw new Error(`${functionId} does not run with a role of the template: Role is ${JSON.stringify(role)}`);
  }
  return roleId;
}

/** A function of the template as it would run: its environment and its role's policies, resolved. */
export interface DeployedFunction {
  readonly environment: Record<string, string>;
  readonly policies: NamedPolicy[];
}

/** The function `functionId` with the physical values given: what its handler sees, and what its role may do. */
export function deployedFunction(template: Template, functionId: string, physical: PhysicalValues): DeployedFunction {
  return {
    environment: resolveValue(template, template.Resources[functionId].Properties.Environment?.Variables ?? {}, physical),
    policies: rolePolicies(template, roleOfFunction(template, functionId), physical),
  };
}

/** A policy document of the role, named by the template resource that holds it. */
export interface NamedPolicy {
  readonly name: string;
  readonly policy: any;
}

const refersTo = (value: any, id: string) => JSON.stringify(value ?? null).includes(JSON.stringify({ Ref: id }));

/**
 * Every policy the template gives the role, resolved: its inline policies, the AWS::IAM::Policy and
 * AWS::IAM::ManagedPolicy resources attached to it. An AWS managed policy cannot be read offline: it fails.
 */
export function rolePolicies(template: Template, roleId: string, physical: PhysicalValues): NamedPolicy[] {
  const role = template.Resources[roleId];
  if (role?.Type !== 'AWS::IAM::Role') {
    throw new Error(`${roleId} is not a role of the template`);
  }
  const policies: NamedPolicy[] = (role.Properties?.Policies ?? []).map((p: any) => ({ name: `${roleId}/${p.PolicyName}`, policy: p.PolicyDocument }));
  for (const arn of role.Properties?.ManagedPolicyArns ?? []) {
    if (!(typeof arn === 'object' && 'Ref' in arn && template.Resources[arn.Ref]?.Type === 'AWS::IAM::ManagedPolicy')) {
      throw new Error(`${roleId} has the managed policy ${JSON.stringify(arn)}, which this test cannot read`);
    }
  }
  for (const [id, resource] of Object.entries(template.Resources)) {
    const attached = (resource.Type === 'AWS::IAM::Policy' || resource.Type === 'AWS::IAM::ManagedPolicy')
      && (refersTo(resource.Properties?.Roles, roleId)
        || (role.Properties?.ManagedPolicyArns ?? []).some((arn: any) => arn?.Ref === id));
    if (attached) {
      policies.push({ name: id, policy: resource.Properties!.PolicyDocument });
    }
  }
  return policies.map(({ name, policy }) => ({ name, policy: resolveValue(template, policy, physical) }));
}

/** One request and what the evaluator decided, with the statements that allowed it. */
export interface Decision {
  readonly request: AuthorizedRequest;
  readonly allowed: boolean;
  /** Why, when not allowed: the evaluator's validation errors or its result. */
  readonly why?: string;
  /** `<policy name>#<statement index>` of each statement that allowed it. */
  readonly allowedBy: string[];
}

/** Each recorded call's requests, evaluated against the role's policies. */
export async function decide(calls: RecordedCall[], policies: NamedPolicy[], facts: RequestFacts = {}): Promise<Decision[]> {
  const decisions: Decision[] = [];
  for (const request of calls.flatMap((call) => authorizedRequests(call, facts))) {
    const result = await runSimulation({
      request: {
        principal: `arn:aws:iam::${MOTO_ACCOUNT}:role/under-test`,
        action: request.action,
        resource: { resource: request.resource, accountId: MOTO_ACCOUNT },
        contextVariables: request.context,
      },
      identityPolicies: policies.map(({ name, policy }) => ({ name, policy })),
      serviceControlPolicies: [],
      resourceControlPolicies: [],
    }, {});
    if (result.resultType === 'error') {
      decisions.push({ request, allowed: false, why: JSON.stringify(result.errors), allowedBy: [] });
      continue;
    }
    const analyses = result.resultType === 'single' ? [result.result] : result.results;
    const allowedBy = analyses.flatMap((a) => a.analysis.identityAnalysis?.allowStatements ?? [])
      .map((s) => `${s.policyId}#${s.statement.index()}`);
    decisions.push({
      request,
      allowed: result.overallResult === 'Allowed',
      why: result.overallResult === 'Allowed' ? undefined : `${result.overallResult}; context keys the action does not take: ${JSON.stringify(analyses.flatMap((a) => a.ignoredContextKeys ?? []))}`,
      allowedBy: [...new Set(allowedBy)],
    });
  }
  return decisions;
}

/** Fails with every request the policies do not allow, and the reason. */
export function expectAllAllowed(decisions: Decision[]): void {
  const denied = decisions.filter((d) => !d.allowed).map((d) => `${d.request.action} on ${d.request.resource} with ${JSON.stringify(d.request.context)}: ${d.why}`);
  expect(denied).toEqual([]);
}

/** The role's statements that no recorded request used, as `<policy name>#<statement index>`. */
export function unusedStatements(policies: NamedPolicy[], decisions: Decision[]): string[] {
  const used = new Set(decisions.flatMap((d) => d.allowedBy));
  return policies.flatMap(({ name, policy }) => (policy.Statement as any[])
    .map((_, i) => `${name}#${i + 1}`)
    .filter((id) => !used.has(id)));
}

/** The statement that an ID of `unusedStatements` or `Decision.allowedBy` names. */
export function statementOf(policies: NamedPolicy[], id: string): any {
  const at = id.lastIndexOf('#');
  const policy = policies.find((p) => p.name === id.substring(0, at));
  const statement = policy?.policy.Statement[Number(id.substring(at + 1)) - 1];
  if (!statement) {
    throw new Error(`no statement ${id} in ${policies.map((p) => p.name).join(', ')}`);
  }
  return statement;
}
