/**
 * Patterns over ARNs, and whether two of them can match the same ARN: a policy's resource (with
 * `*`, `?`, policy variables and deploy-time values) against a resource type's ARN template from
 * the Service Authorization Reference (with `${Variable}` parts).
 *
 * A pattern is a list of atoms: a character (its lower-case code: resources are compared without
 * case, so that a difference of case never raises a finding), or one of the wildcards below.
 */

/** Any string, `/` and `:` included: `*`, a policy variable, a value known only at deploy time. */
export const ANY = -1;
/** Any one character: `?`. */
export const ONE = -2;
/** Any string without `/` or `:`: a partition, region or account, or an S3 bucket name. */
export const SEGMENT = -3;

export type ArnPattern = Int32Array;

/**
 * Template variables whose values never hold `/` or `:` (AWS's naming rules for partitions,
 * regions, account IDs and S3 buckets). Every other variable may: object keys, role paths and log
 * group names hold `/`, and what a service allows in its names is not in the data.
 */
const SEGMENT_VARIABLES = new Set(['partition', 'region', 'account', 'bucketname']);

/** Pseudo parameters whose values never hold `/` or `:`. */
const SEGMENT_PSEUDO_PARAMETERS = new Set(['aws::partition', 'aws::region', 'aws::accountid', 'aws::urlsuffix']);

function isWildcard(atom: number): boolean {
  return atom < 0;
}

const SLASH = '/'.charCodeAt(0);
const COLON = ':'.charCodeAt(0);

/** Whether a wildcard atom can stand for one character `atom` (itself a character or `?`). */
function admits(wildcard: number, atom: number): boolean {
  return wildcard !== SEGMENT || (atom !== SLASH && atom !== COLON);
}

/**
 * Parses text in which `*` and `?` are wildcards and `${...}` is a variable; `variable` says which
 * wildcard a variable stands for.
 */
function parse(text: string, variable: (name: string) => number, globs: boolean): ArnPattern {
  const atoms: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '$' && text[i + 1] === '{') {
      const end = text.indexOf('}', i + 2);
      if (end > 0) {
        atoms.push(variable(text.substring(i + 2, end)));
        i = end;
        continue;
      }
    }
    if (globs && c === '*') {
      atoms.push(ANY);
    } else if (globs && c === '?') {
      atoms.push(ONE);
    } else {
      atoms.push(c.toLowerCase().charCodeAt(0));
    }
  }
  return Int32Array.from(atoms);
}

/**
 * A resource type's ARN template as a pattern: `arn:${Partition}:s3:::${BucketName}/${ObjectName}`.
 * A few templates hold a literal `*` (`arn:${Partition}:dms:${Region}:${Account}:endpoint:*`), which
 * stands for any name.
 */
export function templatePattern(template: string): ArnPattern {
  return parse(template, (name) => (SEGMENT_VARIABLES.has(name.toLowerCase()) ? SEGMENT : ANY), true);
}

/** Marks, in the text of a resource, a value known only at deploy time. */
const DEPLOY_TIME = '\u0000';
/** Marks, in the text of a resource, a pseudo parameter that never holds `/` or `:`. */
const DEPLOY_TIME_SEGMENT = '\u0001';

/**
 * How the text of a policy's resource stands for a value known only at deploy time (a `Ref`, an
 * `Fn::GetAtt`, an import, a parameter): for `resourcePattern`.
 */
export function deployTimeMark(value: unknown): string {
  const ref = (value as { Ref?: unknown } | null)?.Ref;
  return typeof ref === 'string' && SEGMENT_PSEUDO_PARAMETERS.has(ref.toLowerCase()) ? DEPLOY_TIME_SEGMENT : DEPLOY_TIME;
}

/**
 * A policy's resource as a pattern, from its text with deploy-time values marked by
 * `deployTimeMark`: `*` and `?` are
 * IAM's wildcards; `${...}` is a policy variable (`${aws:username}`) or, inside `Fn::Sub`, a
 * reference; each marked value may be anything, the pseudo parameters any one segment.
 */
export function resourcePattern(text: string): ArnPattern {
  const atoms = parse(text, (name) => (SEGMENT_PSEUDO_PARAMETERS.has(name.toLowerCase()) ? SEGMENT : ANY), true);
  const anyCode = DEPLOY_TIME.charCodeAt(0);
  const segmentCode = DEPLOY_TIME_SEGMENT.charCodeAt(0);
  return atoms.map((a) => (a === anyCode ? ANY : a === segmentCode ? SEGMENT : a));
}

/** The request's resource for an action that takes no resource type: `*` itself. */
export const STAR_RESOURCE: ArnPattern = Int32Array.from(['*'.charCodeAt(0)]);

/**
 * Whether some string matches both patterns: the product of the two patterns as automata, walked
 * over pairs of positions. A wildcard reading a character stays where it is, so a pair is visited
 * at most once: the cost is at most the product of the lengths.
 */
export function patternsIntersect(a: ArnPattern, b: ArnPattern): boolean {
  const n = a.length;
  const m = b.length;
  const width = m + 1;
  const seen = new Uint8Array((n + 1) * width);
  const stack: number[] = [0];
  seen[0] = 1;
  const visit = (i: number, j: number) => {
    const k = i * width + j;
    if (!seen[k]) {
      seen[k] = 1;
      stack.push(k);
    }
  };
  while (stack.length > 0) {
    const k = stack.pop()!;
    const i = Math.floor(k / width);
    const j = k % width;
    if (i === n && j === m) {
      return true;
    }
    const x = i < n ? a[i] : undefined;
    const y = j < m ? b[j] : undefined;
    // A wildcard may match the empty string.
    if (x !== undefined && isWildcard(x) && x !== ONE) {
      visit(i + 1, j);
    }
    if (y !== undefined && isWildcard(y) && y !== ONE) {
      visit(i, j + 1);
    }
    if (x === undefined || y === undefined) {
      continue;
    }
    const xStar = isWildcard(x) && x !== ONE;
    const yStar = isWildcard(y) && y !== ONE;
    if (!xStar && !yStar) {
      if (x === y || x === ONE || y === ONE) {
        visit(i + 1, j + 1);
      }
    } else if (xStar && !yStar) {
      if (admits(x, y)) {
        visit(i, j + 1);
      }
    } else if (!xStar && yStar) {
      if (admits(y, x)) {
        visit(i + 1, j);
      }
    }
    // Two wildcards reading the same character both stay: nothing new.
  }
  return false;
}
