import { CfnResource, aws_iam as iam } from 'aws-cdk-lib';
import { ResourceIndex, resolved } from '../../private/resource-index';
import { asList } from '../../private/template/json';
import { L1Class } from '../check';
import { pathOf } from '../embed';

/**
 * The statements of IAM identity policies, read from their L1 resources. Shared by the IAM checks
 * and the Fargate task role checks; not a check itself.
 */

/** The L1 classes that hold identity policies. */
export const IDENTITY_POLICY_CLASSES: Array<L1Class<CfnResource>> = [
  iam.CfnPolicy, iam.CfnManagedPolicy, iam.CfnRolePolicy, iam.CfnUserPolicy, iam.CfnGroupPolicy,
  iam.CfnRole, iam.CfnUser, iam.CfnGroup,
];

/** A policy document and how messages name it: the policy's path, or its owner's with the inline policy's name. */
export interface PolicyDocumentView {
  readonly policy: string;
  readonly document: unknown;
}

/**
 * The identity policy documents a resource holds, resolved: the document of a policy resource,
 * or the inline policies of a role, user or group (not a role's trust policy).
 */
export function policyDocumentsOf(resource: CfnResource): PolicyDocumentView[] {
  if (resource instanceof iam.CfnRole || resource instanceof iam.CfnUser || resource instanceof iam.CfnGroup) {
    return asList(resolved(resource, resource.policies)).map((inline: any) => ({
      policy: `${pathOf(resource)} (inline ${inline?.policyName ?? ''})`,
      document: inline?.policyDocument,
    }));
  }
  const document = (resource as { policyDocument?: unknown }).policyDocument;
  return document === undefined ? [] : [{ policy: pathOf(resource), document: resolved(resource, document) }];
}

/** Whether a resolved value is a CloudFormation intrinsic (`Ref`, `Fn::…`), known only at deploy time. */
export function isIntrinsic(value: unknown): boolean {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    && Object.keys(value).some((k) => k === 'Ref' || k.startsWith('Fn::'));
}

/** One statement of a policy document, resolved. */
export interface PolicyStatementView {
  /** Where the statement is: the policy's path. */
  readonly policy: string;
  /** How messages name the statement: its Sid, or its position. */
  readonly label: string;
  readonly effect: 'Allow' | 'Deny';
  /**
   * The action entries that are literals, from Action or NotAction; `undefined` when the list
   * itself is known only at deploy time.
   */
  readonly actions: string[] | undefined;
  /** True when the statement uses NotAction: it applies to every other action. */
  readonly notAction: boolean;
  /** Resource or NotResource entries, resolved; `undefined` when the statement has neither. */
  readonly resources: unknown[] | undefined;
  readonly notResource: boolean;
  /** The Condition block, resolved; `undefined` when there is none. */
  readonly condition: unknown;
}

/** The statements of a policy document whose effect is a literal Allow or Deny. */
export function statementsOf(policy: string, document: unknown): PolicyStatementView[] {
  const statements = (document as { Statement?: unknown } | null)?.Statement;
  return asList(statements).flatMap((s: any, i): PolicyStatementView[] => {
    if (s === null || typeof s !== 'object' || isIntrinsic(s) || (s.Effect !== 'Allow' && s.Effect !== 'Deny')) {
      return [];
    }
    const actionList = s.Action ?? s.NotAction;
    const resourceList = s.Resource ?? s.NotResource;
    return [{
      policy,
      label: typeof s.Sid === 'string' && s.Sid !== '' ? `statement '${s.Sid}'` : `statement ${i + 1}`,
      effect: s.Effect,
      actions: isIntrinsic(actionList) ? undefined : asList(actionList).filter((a): a is string => typeof a === 'string'),
      notAction: s.NotAction !== undefined,
      resources: resourceList === undefined ? undefined : asList(resourceList),
      notResource: s.NotResource !== undefined,
      condition: s.Condition,
    }];
  });
}

/** Statements already read, per validation run (its index) and resource. */
const STATEMENTS = new WeakMap<ResourceIndex, WeakMap<CfnResource, PolicyStatementView[]>>();

/**
 * Every statement of the identity policies a resource holds, read (resolved) once per validation
 * run however many checks ask.
 */
export function identityStatementsOf(resource: CfnResource, index: ResourceIndex): PolicyStatementView[] {
  let byResource = STATEMENTS.get(index);
  if (!byResource) {
    byResource = new WeakMap();
    STATEMENTS.set(index, byResource);
  }
  let statements = byResource.get(resource);
  if (!statements) {
    statements = policyDocumentsOf(resource).flatMap(({ policy, document }) => statementsOf(policy, document));
    byResource.set(resource, statements);
  }
  return statements;
}
