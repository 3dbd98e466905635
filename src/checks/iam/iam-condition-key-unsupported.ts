import { iamActionSupportsKey } from '../../private/iam-data';
import { defineCheck } from '../check';
import { CheckLevel } from '../check-info';
import { dataNote, firstOf, knownActionEntries, statementSubject } from './named-actions';
import { IDENTITY_POLICY_CLASSES, PolicyStatementView, identityStatementsOf, isIntrinsic } from './policy-statements';
import { asList } from '../../private/template/json';

const ID = 'GuardedPatterns-IamConditionKeyUnsupported';

/** One key test of a Condition block. */
interface KeyTest {
  readonly operator: string;
  readonly key: string;
  readonly values: unknown;
}

/** The key tests of a statement; none where the block or an operator's keys are known only at deploy time. */
function keyTests(statement: PolicyStatementView): KeyTest[] {
  const condition = statement.condition;
  if (condition === null || typeof condition !== 'object' || Array.isArray(condition) || isIntrinsic(condition)) {
    return [];
  }
  return Object.entries(condition as Record<string, unknown>).flatMap(([operator, tests]) => {
    if (tests === null || typeof tests !== 'object' || Array.isArray(tests) || isIntrinsic(tests)) {
      return [];
    }
    return Object.entries(tests as Record<string, unknown>)
      .filter(([key]) => !key.includes('${') && !key.includes('Token['))
      .map(([key, values]) => ({ operator, key, values }));
  });
}

/**
 * What a test gives when its key is not in the request context: IfExists and the negated
 * operators hold, ForAllValues holds over no values, ForAnyValue does not, Null holds when it
 * tests for absence; every other operator fails. `undefined` where the values are not literal.
 */
function holdsWithoutKey(test: KeyTest): boolean | undefined {
  const [qualifier, operator] = test.operator.includes(':') ? test.operator.split(':', 2) : ['', test.operator];
  if (operator.endsWith('IfExists')) {
    return true;
  }
  if (qualifier === 'ForAllValues') {
    return true;
  }
  if (qualifier === 'ForAnyValue') {
    return false;
  }
  if (operator === 'Null') {
    const values = asList(test.values).map((v) => String(v).toLowerCase());
    return values.length > 0 && values.every((v) => v === 'true') ? true
      : values.length > 0 && values.every((v) => v === 'false') ? false : undefined;
  }
  return /^(StringNot|NumericNotEquals|DateNotEquals|NotIpAddress|ArnNot|BinaryNot)/.test(operator);
}

function consequence(statement: PolicyStatementView, entry: string, test: KeyTest, holds: boolean): string {
  if (holds) {
    const why = test.operator.endsWith('IfExists') ? `${test.operator} treats a missing key as a match` : `${test.operator} holds when the key is missing`;
    return statement.effect === 'Allow'
      ? `${why}: the condition is silently ignored and the statement allows ${entry} with no test on ${test.key}, wider than it reads`
      : `${why}: the Deny applies to every ${entry} call, whatever ${test.key} would be`;
  }
  return statement.effect === 'Allow'
    ? `${test.operator} never holds without the key: the statement never allows ${entry} and the call fails with AccessDenied`
    : `${test.operator} never holds without the key: the Deny never applies to ${entry} and protects nothing`;
}

/** One message per action of the statement and key of its condition that the action does not support. */
function unsupportedKeys(statement: PolicyStatementView): string[] {
  const tests = keyTests(statement);
  if (tests.length === 0) {
    return [];
  }
  return knownActionEntries(statement).flatMap(({ entry, actions }) => tests.flatMap((test) => {
    // A wildcard's test is useless only when none of its actions supports the key.
    const holds = actions.some((a) => iamActionSupportsKey(a, test.key)) ? undefined : holdsWithoutKey(test);
    if (holds === undefined) {
      return [];
    }
    const supported = [...new Set(actions.flatMap((a) => a.conditionKeys))].sort();
    const keys = supported.length > 0 ? `${firstOf(supported, 6)} or a global aws: key` : 'only the global aws: keys';
    return [`${statementSubject(statement)}: ${entry} does not support the condition key ${test.key}, so the key is never in its request; `
      + `${consequence(statement, entry, test, holds)}. Test a key it supports (${keys}), or move ${entry} to a statement of its own. ${dataNote(ID)}`];
  }));
}

/**
 * An identity policy statement whose condition tests a key that one of its actions does not
 * support.
 */
export const IamConditionKeyUnsupported = defineCheck({
  suffix: 'IamConditionKeyUnsupported',
  // A warning for the same reason as IamActionUnknown: a key newer than the bundled reference
  // would be reported too, and must be acknowledgeable.
  level: CheckLevel.WARNING,
  title: 'An IAM identity policy statement whose condition tests a key that an action of the statement does not support (neither its own, its resource types\', nor a global key).',
  reason: 'A key an action does not support is never in its request context. A condition on a missing key is false (an Allow fails with AccessDenied, a Deny protects nothing), '
    + 'except with ...IfExists, the negated operators, ForAllValues and Null: true, which hold, so an Allow is wider than it reads and a Deny applies to every call. '
    + 'The Service Authorization Reference lists the keys each action supports; the global aws: keys apply to all.',
  source: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html',
  appliesTo: IDENTITY_POLICY_CLASSES,
  inspect: (resource, index) => identityStatementsOf(resource, index).flatMap(unsupportedKeys),
});
