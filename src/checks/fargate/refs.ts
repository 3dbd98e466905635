import { CfnResource, Stack } from 'aws-cdk-lib';
import { ResourceIndex, resolved } from '../../private/resource-index';

/**
 * Reading references out of resolved CloudFormation values, where a property is a list token or
 * an `Fn::Join` that `referencedResource` cannot reverse. Shared by the Fargate checks; not a
 * check itself.
 */

/** The logical IDs that a resolved value refers to with `Ref` or `Fn::GetAtt`. */
export function logicalIdsIn(value: unknown, ids: Set<string> = new Set()): Set<string> {
  if (Array.isArray(value)) {
    value.forEach((v) => logicalIdsIn(v, ids));
  } else if (value !== null && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    if (typeof record.Ref === 'string' && !record.Ref.startsWith('AWS::')) {
      ids.add(record.Ref);
    }
    const getAtt = record['Fn::GetAtt'];
    if (Array.isArray(getAtt) && typeof getAtt[0] === 'string') {
      ids.add(getAtt[0]);
    }
    Object.values(record).forEach((v) => logicalIdsIn(v, ids));
  }
  return ids;
}

/** The resources of `type` in the owner's stack that `value` (a property of `owner`) refers to. */
export function referencedOfType<T extends CfnResource>(owner: CfnResource, value: unknown, type: string, index: ResourceIndex): T[] {
  if (value === undefined) {
    return [];
  }
  const ids = logicalIdsIn(resolved(owner, value));
  if (ids.size === 0) {
    return [];
  }
  const stack = Stack.of(owner);
  return (index.ofType(type) as T[]).filter((r) => Stack.of(r) === stack && ids.has(stack.getLogicalId(r)));
}

/** Whether `value` (a property of `owner`) refers to `target`. */
export function refersTo(owner: CfnResource, value: unknown, target: CfnResource): boolean {
  const stack = Stack.of(owner);
  return value !== undefined && Stack.of(target) === stack && logicalIdsIn(resolved(owner, value)).has(stack.getLogicalId(target));
}

/**
 * A resolved value as text for messages and matching: literals kept, `Fn::Join` joined, the
 * template of `Fn::Sub`, anything else as `unknown` gives it (by default `{…}`).
 */
export function flatText(value: unknown, unknown: (value: unknown) => string = () => '{…}'): string {
  if (typeof value === 'string') {
    return value;
  }
  if (typeof value === 'number') {
    return String(value);
  }
  if (value !== null && typeof value === 'object') {
    const join = (value as Record<string, unknown>)['Fn::Join'];
    if (Array.isArray(join) && typeof join[0] === 'string' && Array.isArray(join[1])) {
      return join[1].map((part) => flatText(part, unknown)).join(join[0]);
    }
    const sub = (value as Record<string, unknown>)['Fn::Sub'];
    if (typeof sub === 'string') {
      return sub;
    }
  }
  return unknown(value);
}

/** A resolved value as a list. */
export function asList(value: unknown): unknown[] {
  if (value === undefined || value === null) {
    return [];
  }
  return Array.isArray(value) ? value : [value];
}
