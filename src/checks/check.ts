import { CfnResource } from 'aws-cdk-lib';
import { CheckInfo, CheckLevel } from './check-info';
import { ResourceIndex } from '../private/resource-index';

/**
 * A check with its rule. The rule returns one message per finding on one resource: each names
 * the resource, says what is wrong and how to fix it.
 */
export interface Check extends CheckInfo {
  inspect(resource: CfnResource, index: ResourceIndex): string[];
}

/** The prefix of every check ID, which is also the name of the cdk-nag pack. */
export const PACK_NAME = 'GuardedPatterns';

/**
 * Defines a check. `suffix` becomes the ID `GuardedPatterns-<suffix>`.
 */
export function defineCheck(definition: Omit<Check, 'id' | 'patternLevel'> & { suffix: string; patternLevel?: CheckLevel }): Check {
  const { suffix, ...rest } = definition;
  return Object.freeze({
    ...rest,
    id: `${PACK_NAME}-${suffix}`,
    patternLevel: definition.patternLevel ?? definition.level,
  });
}

/** The part of a check ID after `GuardedPatterns-`. */
export function checkSuffix(check: CheckInfo): string {
  return check.id.substring(PACK_NAME.length + 1);
}
