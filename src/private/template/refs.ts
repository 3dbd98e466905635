import { CfnResource, Stack } from 'aws-cdk-lib';
import { logicalIdOf, logicalIdsIn } from './json';
import { ResourceIndex, referencedResource, resolved } from '../resource-index';

/**
 * Which resources of the app a property names. A reference token leads straight to its resource
 * (`referencedResource`), but many properties are list tokens, `Fn::Join`s or nested structures
 * that only resolve to JSON: there a reference is a logical ID, which means a resource only in
 * the stack of the resource that holds the property.
 */

/**
 * The logical ID a resource has in the template: the one `overrideLogicalId` set, if any, which is
 * what references to it resolve to (`Stack.getLogicalId` does not know overrides).
 */
export function templateLogicalId(resource: CfnResource): string {
  return Stack.of(resource).resolve(resource.logicalId);
}

/** The resources of `type` in `owner`'s stack whose logical IDs a resolved value names anywhere inside it. */
export function resourcesNamedIn<T extends CfnResource>(owner: CfnResource, resolvedValue: unknown, type: string, index: ResourceIndex): T[] {
  const ids = logicalIdsIn(resolvedValue);
  if (ids.size === 0) {
    return [];
  }
  const stack = Stack.of(owner);
  return (index.ofType(type) as T[]).filter((r) => Stack.of(r) === stack && ids.has(templateLogicalId(r)));
}

/** The resources of `type` that `value`, a property of `owner`, names anywhere inside it (a list of IDs, a join). */
export function referencedOfType<T extends CfnResource>(owner: CfnResource, value: unknown, type: string, index: ResourceIndex): T[] {
  return value === undefined ? [] : resourcesNamedIn<T>(owner, resolved(owner, value), type, index);
}

/**
 * The resource of `type` that a resolved value is a reference to, in the stack of `owner`:
 * for values read out of a resolved structure, where the token that led to the resource is gone.
 * `raw`, the same value unresolved, is tried first: its token also follows references across stacks.
 */
export function resourceAt<T extends CfnResource>(
  owner: CfnResource, resolvedValue: unknown, type: string, index: ResourceIndex, raw?: unknown,
): T | undefined {
  const direct = referencedResource(raw);
  if (direct) {
    return direct.cfnResourceType === type ? direct as T : undefined;
  }
  const id = logicalIdOf(resolvedValue);
  return id === undefined ? undefined : resourceWithLogicalId<T>(Stack.of(owner), id, type, index);
}

/** The resource of `type` that has this logical ID in the template of `stack`. */
export function resourceWithLogicalId<T extends CfnResource>(stack: Stack, id: string, type: string, index: ResourceIndex): T | undefined {
  return (index.ofType(type) as T[]).find((r) => Stack.of(r) === stack && templateLogicalId(r) === id);
}

/**
 * Whether `value`, a property of `owner`, names `target` anywhere inside it: a list of IDs that
 * includes it, a join that contains its ARN. For "is one of"; `refersTo` is for "is".
 */
export function mentions(owner: CfnResource, value: unknown, target: CfnResource): boolean {
  const stack = Stack.of(owner);
  return value !== undefined && Stack.of(target) === stack && logicalIdsIn(resolved(owner, value)).has(templateLogicalId(target));
}

/**
 * Whether `value`, a property of `owner`, is a reference to `target`: a token of it, or a value
 * that resolves to the same thing as `expected` (by default `target`'s Ref). `undefined` where
 * that cannot be known before deployment (a resolved value across stacks), so that a caller
 * decides whether the unknown counts as a match. For "is"; `mentions` is for "is one of".
 */
export function refersTo(owner: CfnResource, value: unknown, target: CfnResource, expected: unknown = target.ref): boolean | undefined {
  const referenced = referencedResource(value);
  if (referenced !== undefined) {
    return referenced === target;
  }
  if (Stack.of(owner) !== Stack.of(target)) {
    // A resolved reference names a logical ID, which another stack may use for something else.
    return undefined;
  }
  try {
    const stack = Stack.of(owner);
    return JSON.stringify(stack.resolve(value)) === JSON.stringify(stack.resolve(expected));
  } catch {
    return undefined;
  }
}
