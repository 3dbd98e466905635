import { ArnPattern, STAR_RESOURCE, deployTimeMark, patternsIntersect, resourcePattern } from '../../private/arn-pattern';
import { IamAction } from '../../private/iam-data';
import { defineCheck } from '../check';
import { CheckLevel } from '../check-info';
import { SERVICE_AUTHORIZATION_REFERENCE, dataNote, firstOf, knownActionEntries, statementSubject } from './named-actions';
import { IDENTITY_POLICY_CLASSES, PolicyStatementView, identityStatementsOf } from './policy-statements';
import { flatText } from '../../private/template/json';

const ID = 'GuardedPatterns-IamResourceTypeMismatch';

/**
 * Actions that aws-cdk-lib's own grants put beside others on resources they never apply to. The
 * user did not write them and cannot remove them, and no caller of the grant relies on them, so
 * reporting them would flag every use of the grant: left out when the statement holds the whole
 * grant (statements merged with others' keep it).
 */
const LIBRARY_GRANT_ACTIONS: Array<{ grant: string[]; action: string }> = [
  // aws-cdk-lib `ssm.StringParameter.grantRead` (also what `ecs.Secret.fromSsmParameter` grants the
  // execution role): DescribeParameters takes no resource type, but is granted on the parameter.
  { grant: ['ssm:describeparameters', 'ssm:getparameters', 'ssm:getparameter', 'ssm:getparameterhistory'], action: 'ssm:describeparameters' },
];

function isLibraryGrantAction(entry: string, statementActions: string[]): boolean {
  const lower = new Set(statementActions.map((a) => a.toLowerCase()));
  return LIBRARY_GRANT_ACTIONS.some(({ grant, action }) => action === entry.toLowerCase() && grant.every((a) => lower.has(a)));
}

/** Whether an action can apply to one of the resources: a resource of a type it takes, or `*` when it takes none. */
function takesAny(action: IamAction, resources: ArnPattern[]): boolean {
  if (action.resourceTypes.length === 0) {
    return resources.some((r) => patternsIntersect(r, STAR_RESOURCE));
  }
  return action.resourceTypes.some((t) => t.patterns.some((p) => resources.some((r) => patternsIntersect(r, p))));
}

/** What an action takes, for a message. */
function takes(action: IamAction): string {
  return action.resourceTypes.length === 0
    ? `${action.name} takes no resource type, so only Resource '*' applies to it`
    : `${action.name} takes ${firstOf(action.resourceTypes.map((t) => `${t.name} (${t.arn})`), 4).replace(/, (?=[^,]*$)/, ' or ')}`;
}

/** One message per action of the statement that none of its resources can apply to. */
function mismatchedActions(statement: PolicyStatementView): string[] {
  const resources = statement.resources;
  // NotResource applies to every other resource, which some resource of the right type may be.
  if (!resources || statement.notResource) {
    return [];
  }
  const entries = knownActionEntries(statement);
  if (entries.length === 0) {
    return [];
  }
  const patterns = resources.map((r) => resourcePattern(flatText(r, deployTimeMark)));
  return entries.flatMap(({ entry, actions }) => {
    // A wildcard is useless only when none of its actions applies: `s3:List*` over a bucket
    // also matches ListAllMyBuckets, which takes `*`, and that is no mistake.
    if (actions.some((a) => takesAny(a, patterns)) || isLibraryGrantAction(entry, statement.actions ?? [])) {
      return [];
    }
    const shown = resources.map((r) => flatText(r)).join(', ');
    const what = actions.length === 1
      ? takes(actions[0])
      : `none of the ${actions.length} actions that ${entry} matches takes one of them (${takes(actions[0])}, …)`;
    const effect = statement.effect === 'Allow'
      ? `the statement never allows ${entry} and the call fails with AccessDenied`
      : `the Deny never applies to ${entry} and protects nothing`;
    const fix = actions.every((a) => a.resourceTypes.length === 0)
      ? `Grant ${entry} on '*' in a statement of its own`
      : `Add the ARN of the resource ${entry} acts on, or move ${entry} to a statement whose resources it takes`;
    return [`${statementSubject(statement)}: its resources are ${shown}, but ${what}: ${effect}. ${fix}. ${dataNote(ID)}`];
  });
}

/**
 * An identity policy statement with an action that none of its resources can apply to.
 */
export const IamResourceTypeMismatch = defineCheck({
  suffix: 'IamResourceTypeMismatch',
  // A warning for the same reason as IamActionUnknown: a resource type newer than the bundled
  // reference would be reported too, and must be acknowledgeable.
  level: CheckLevel.WARNING,
  title: 'An IAM identity policy statement with an action that none of its resources can apply to: no resource of a type the action takes, or not `*` for an action that takes none.',
  reason: 'Each action applies only to the resource types the Service Authorization Reference lists for it, and an action that takes none only to `*`. '
    + 'A statement whose resources are all of other types never matches the request, so an Allow fails with AccessDenied at run time and a Deny protects nothing. '
    + 'Statements that list several actions over several resources (as aws-cdk-lib grants do) are fine as long as each action applies to one of them.',
  source: SERVICE_AUTHORIZATION_REFERENCE,
  appliesTo: IDENTITY_POLICY_CLASSES,
  inspect: (resource, index) => identityStatementsOf(resource, index).flatMap(mismatchedActions),
});
