import { CfnResource, aws_ecs as ecs, aws_iam as iam } from 'aws-cdk-lib';
import { ResourceIndex, referencedResource, resolved } from '../../private/resource-index';
import { asList, flatText } from '../../private/template/json';
import { mentions, referencedOfType } from '../../private/template/refs';
import { pathOf } from '../embed';
import { policyDocumentsOf, statementsOf } from '../iam/policy-statements';

/**
 * What a task definition asks for and what its roles may do, read from its L1 resources. Shared
 * by the Fargate checks; not a check itself.
 */

/** Whether a container definition's `user` is root: `root`, `0`, or either with a group. */
export function isRootUser(user: string): boolean {
  return /^(root|0)(:.*)?$/.test(user);
}

/** The task definition's task role, where it is a role of the app. */
export function taskRoleOf(task: ecs.CfnTaskDefinition): iam.CfnRole | undefined {
  const role = referencedResource(task.taskRoleArn);
  return role instanceof iam.CfnRole ? role : undefined;
}

/** The task role of a task definition in the app, and how messages name it. */
export function taskRoleSubject(task: ecs.CfnTaskDefinition): { role: iam.CfnRole; subject: string } | undefined {
  const role = taskRoleOf(task);
  return role ? { role, subject: `Task role '${pathOf(role)}' of task definition '${pathOf(task)}'` } : undefined;
}

/** One Allow statement of a role's policies, resolved. */
export interface StatementView {
  /** Where the statement is: the policy's path. */
  readonly policy: string;
  readonly actions: string[];
  /** True when the statement uses NotAction: it allows everything else. */
  readonly notAction: boolean;
  /** Resources; anything not a literal is shown as text with `{…}`. */
  readonly resources: unknown[];
}

/** Names an AWS managed policy by its ARN, where the value is one. */
function awsManagedPolicyName(value: unknown): string | undefined {
  const match = /:iam::aws:policy\/(.+)$/.exec(flatText(value));
  return match ? match[1] : undefined;
}

/** The AWS managed policies attached to a role (their statements are not in the template). */
export function awsManagedPoliciesOf(role: iam.CfnRole): string[] {
  return asList(resolved(role, role.managedPolicyArns)).map(awsManagedPolicyName).filter((n): n is string => n !== undefined);
}

/** Every Allow statement the app attaches to a role: inline, AWS::IAM::Policy and customer managed policies. */
export function roleStatements(role: iam.CfnRole, index: ResourceIndex): StatementView[] {
  const documents = policyDocumentsOf(role);
  const attached = (type: string, roles: (r: CfnResource) => unknown, document: (r: CfnResource) => unknown) => {
    for (const policy of index.ofType(type)) {
      if (mentions(policy, roles(policy), role)) {
        documents.push({ policy: pathOf(policy), document: resolved(policy, document(policy)) });
      }
    }
  };
  attached('AWS::IAM::Policy', (p) => (p as iam.CfnPolicy).roles, (p) => (p as iam.CfnPolicy).policyDocument);
  attached('AWS::IAM::ManagedPolicy', (p) => (p as iam.CfnManagedPolicy).roles, (p) => (p as iam.CfnManagedPolicy).policyDocument);
  for (const managed of referencedOfType<iam.CfnManagedPolicy>(role, role.managedPolicyArns, 'AWS::IAM::ManagedPolicy', index)) {
    if (!documents.some((d) => d.policy === pathOf(managed))) {
      documents.push({ policy: pathOf(managed), document: resolved(managed, managed.policyDocument) });
    }
  }
  return documents.flatMap(({ policy, document }) => statementsOf(policy, document))
    .filter((s) => s.effect === 'Allow')
    .map((s) => ({ policy: s.policy, actions: s.actions ?? [], notAction: s.notAction, resources: s.resources ?? ['*'] }));
}
