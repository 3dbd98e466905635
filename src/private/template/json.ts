/**
 * Reading CloudFormation values that aws-cdk-lib has resolved to JSON (`{ Ref }`, `{ 'Fn::Join' }`…).
 * Plain functions with no dependency: the handler bundles import this file too.
 */

/**
 * A resolved value as a list: CloudFormation takes a single value where a list of one is meant,
 * and an absent property is an empty list to every reader.
 */
export function asList(value: unknown): unknown[] {
  if (value === undefined || value === null) {
    return [];
  }
  return Array.isArray(value) ? value : [value];
}

/**
 * A resolved value as text, for messages and for matching patterns against ARNs, names and user
 * data: literals kept, `Fn::Join` joined, the template of `Fn::Sub` (its `${…}` are left as they
 * are), and anything known only at deploy time as `unknown` shows it (by default `{…}`). The one
 * flattener: checks that differ only in how they show deploy-time values pass their own `unknown`.
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

/**
 * The logical ID that a resolved value is a reference to (`{ Ref }` or `{ 'Fn::GetAtt' }`), not
 * counting pseudo parameters (`AWS::Region`): resolved values name resources only this way, so
 * this is how a reference is traced once its token is gone (a list token, a value across stacks).
 */
export function logicalIdOf(value: unknown): string | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return undefined;
  }
  const record = value as Record<string, unknown>;
  if (typeof record.Ref === 'string') {
    return record.Ref.startsWith('AWS::') ? undefined : record.Ref;
  }
  const getAtt = record['Fn::GetAtt'];
  return Array.isArray(getAtt) && typeof getAtt[0] === 'string' ? getAtt[0] : undefined;
}

/**
 * Every logical ID a resolved value refers to, at any depth: inside lists, `Fn::Join` parts and
 * nested properties, where a reference to a resource may sit among other things.
 */
export function logicalIdsIn(value: unknown, ids: Set<string> = new Set()): Set<string> {
  if (Array.isArray(value)) {
    value.forEach((v) => logicalIdsIn(v, ids));
  } else if (value !== null && typeof value === 'object') {
    const id = logicalIdOf(value);
    if (id !== undefined) {
      ids.add(id);
    }
    Object.values(value as Record<string, unknown>).forEach((v) => logicalIdsIn(v, ids));
  }
  return ids;
}
