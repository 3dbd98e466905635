import { CfnResource } from 'aws-cdk-lib';
import { CheckInfo, CheckLevel } from './check-info';
import { ResourceIndex } from '../private/resource-index';

/**
 * A check with its rule. The rule returns one message per finding on one resource: each names
 * the resource, says what is wrong and how to fix it. Which patterns embed it is declared in
 * `PATTERN_CHECKS` (embedding.ts), not here.
 */
export interface Check extends Omit<CheckInfo, 'patterns'> {
  inspect(resource: CfnResource, index: ResourceIndex): string[];
}

/** The prefix of every check ID, which is also the name of the cdk-nag pack. */
export const PACK_NAME = 'GuardedPatterns';

/** An aws-cdk-lib L1 class, such as `ec2.CfnVPC`. */
export interface L1Class<T extends CfnResource> {
  readonly CFN_RESOURCE_TYPE_NAME: string;
  new (...args: any[]): T;
}

/** What a check file declares. */
export interface CheckDefinition<T extends CfnResource> extends Omit<CheckInfo, 'id' | 'patternLevel' | 'resourceTypes' | 'patterns'> {
  /** The ID becomes `GuardedPatterns-<suffix>`. */
  readonly suffix: string;
  /** @default - the same as `level` */
  readonly patternLevel?: CheckLevel;
  /**
   * The L1 classes the rule inspects, in the patterns and in `GuardedPatternsChecks`.
   * @default - none: the check needs what a pattern was asked for, which the template no longer shows
   */
  readonly appliesTo?: Array<L1Class<T>>;
  /** The rule: one message per finding on `resource`. */
  inspect?(resource: T, index: ResourceIndex): string[];
}

/**
 * Defines a check. Resources of other classes (a raw `CfnResource` of the same type included)
 * are never handed to the rule.
 */
export function defineCheck<T extends CfnResource>(definition: CheckDefinition<T>): Check {
  const { suffix, appliesTo = [], inspect, ...info } = definition;
  return Object.freeze({
    ...info,
    id: `${PACK_NAME}-${suffix}`,
    patternLevel: definition.patternLevel ?? definition.level,
    resourceTypes: appliesTo.map((cls) => cls.CFN_RESOURCE_TYPE_NAME),
    inspect: (resource: CfnResource, index: ResourceIndex) =>
      (inspect && appliesTo.some((cls) => resource instanceof cls) ? inspect(resource as T, index) : []),
  });
}

/**
 * A rule over what `read` finds on a resource (the task role of a task definition, the private
 * DNS names of an endpoint): no finding where it finds nothing.
 */
export function ruleOver<T extends CfnResource, F>(read: (resource: T, index: ResourceIndex) => F | undefined,
  rule: (found: F, index: ResourceIndex, resource: T) => string[]): (resource: T, index: ResourceIndex) => string[] {
  return (resource, index) => {
    const found = read(resource, index);
    return found === undefined ? [] : rule(found, index, resource);
  };
}

/** The part of a check ID after `GuardedPatterns-`. */
export function checkSuffix(check: Pick<CheckInfo, 'id'>): string {
  return check.id.substring(PACK_NAME.length + 1);
}
