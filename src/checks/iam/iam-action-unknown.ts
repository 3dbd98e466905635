import { defineCheck } from '../check';
import { CheckLevel } from '../check-info';
import { SERVICE_AUTHORIZATION_REFERENCE, closestAction, dataNote, namedActions, statementSubject, verb } from './named-actions';
import { IDENTITY_POLICY_CLASSES, PolicyStatementView, identityStatementsOf } from './policy-statements';

const ID = 'GuardedPatterns-IamActionUnknown';

/** One message per action entry of the statement that names nothing the reference has. */
function unknownActions(statement: PolicyStatementView): string[] {
  return (statement.actions ?? []).flatMap((entry) => {
    const named = namedActions(entry);
    if (named.kind === 'any' || (named.kind === 'actions' && named.actions.length > 0)) {
      return [];
    }
    const wildcard = /[*?]/.test(entry);
    const what = named.kind === 'unknown-service'
      ? `${entry} names the service prefix '${named.prefix}', which the reference does not have`
      : `${entry} ${wildcard ? 'matches no action' : 'is not an action'} of ${entry.split(':')[0]}`;
    const effect = statement.notAction
      ? `so its NotAction excludes nothing and the statement ${verb(statement)} every action it meant to leave out`
      : statement.effect === 'Allow'
        ? 'so the statement allows nothing by it and the call fails with AccessDenied'
        : 'so the Deny protects nothing against it';
    const closest = named.kind === 'actions' && !wildcard ? closestAction(entry) : undefined;
    const fix = closest ? `Correct the action name (did you mean ${closest}?).` : 'Correct the action name (see the service\'s page in the Service Authorization Reference).';
    return [`${statementSubject(statement)}: ${what}, ${effect}. ${fix} ${dataNote(ID)}`];
  });
}

/**
 * An identity policy statement that names an action the Service Authorization Reference does not
 * have: a misspelt name, a wildcard that matches nothing, an unknown service prefix.
 */
export const IamActionUnknown = defineCheck({
  suffix: 'IamActionUnknown',
  // A warning, not an error: the reference is a snapshot, and an action AWS added after it would be
  // reported too. A warning can be acknowledged by ID until the bundled data catches up; an error
  // in a pattern could not be.
  level: CheckLevel.WARNING,
  title: 'An IAM identity policy statement names an action, action pattern or service prefix that the Service Authorization Reference does not have.',
  reason: 'IAM accepts any action name, so a misspelt action deploys: in an Allow the call then fails with AccessDenied at run time, in a Deny the '
    + 'statement protects nothing, and in a NotAction the exclusion excludes nothing. The reference lists every action; the check reads it as bundled '
    + 'data, so an action newer than the data is reported too: acknowledge it.',
  source: SERVICE_AUTHORIZATION_REFERENCE,
  appliesTo: IDENTITY_POLICY_CLASSES,
  inspect: (resource, index) => identityStatementsOf(resource, index).flatMap(unknownActions),
});
