import { PolicyStatementView } from './policy-statements';
import { IamAction, iamActionNames, iamActionsMatching, iamDataEdition } from '../../private/iam-data';

/**
 * What the action entries of a statement name in the Service Authorization Reference. Shared by
 * the IAM checks; not a check itself.
 */

/** The page that lists each service's actions, resource types and condition keys. */
export const SERVICE_AUTHORIZATION_REFERENCE = 'https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html';


/** What one action entry names. */
export type NamedActions =
  /** `*`, or a wildcard in the service prefix: no rule can say anything. */
  | { readonly kind: 'any' }
  /** A prefix the reference does not know. */
  | { readonly kind: 'unknown-service'; readonly prefix: string }
  /** The actions the entry names; empty when it names none. */
  | { readonly kind: 'actions'; readonly actions: IamAction[] };

/** What an action entry (`s3:GetObject`, `s3:Get*`) names. */
export function namedActions(entry: string): NamedActions {
  const colon = entry.indexOf(':');
  const prefix = colon < 0 ? entry : entry.substring(0, colon);
  if (entry === '*' || /[*?]/.test(prefix)) {
    return { kind: 'any' };
  }
  const actions = colon < 0 ? undefined : iamActionsMatching(entry);
  return actions ? { kind: 'actions', actions } : { kind: 'unknown-service', prefix };
}

/**
 * The entries of a statement that name actions the reference knows, with those actions: the ones
 * the resource and condition rules can read. NotAction statements apply to every other action,
 * so no action of theirs can be read this way.
 */
export function knownActionEntries(statement: PolicyStatementView): Array<{ entry: string; actions: IamAction[] }> {
  if (!statement.actions || statement.notAction) {
    return [];
  }
  return statement.actions.flatMap((entry) => {
    const named = namedActions(entry);
    return named.kind === 'actions' && named.actions.length > 0 ? [{ entry, actions: named.actions }] : [];
  });
}

/** How a message opens: the policy and the statement. */
export function statementSubject(statement: PolicyStatementView): string {
  return `IAM policy '${statement.policy}', ${statement.label}`;
}

/** What the statement does to an action, in a message: `allows` or `denies`. */
export function verb(statement: PolicyStatementView): string {
  return statement.effect === 'Allow' ? 'allows' : 'denies';
}

/** Which data a finding comes from, so that a user with a brand-new action, type or key knows to acknowledge it. */
export function dataNote(id: string): string {
  return `Checked against ${iamDataEdition()}: if AWS added it since, acknowledge ${id}.`;
}

/** At most `count` items of a list, for a message. */
export function firstOf(items: string[], count: number): string {
  return items.length <= count ? items.join(', ') : `${items.slice(0, count).join(', ')}, …`;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length];
}

/** The known action closest to a misspelt one (`s3:GetObjects` → `s3:GetObject`), if one is close. */
export function closestAction(entry: string): string | undefined {
  const lower = entry.toLowerCase();
  let best: { name: string; distance: number } | undefined;
  for (const candidate of iamActionNames(entry.split(':')[0])) {
    const distance = editDistance(lower, candidate.toLowerCase());
    if (distance <= 3 && (!best || distance < best.distance)) {
      best = { name: candidate, distance };
    }
  }
  return best?.name;
}
