import { Stack, Validations, aws_iam as iam } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { flattenForAcknowledgement, iam5ResourceId } from './nag';

/** A statement of the pattern whose wildcard resources are as narrow as they can be, and why. */
export interface ScopedWildcard {
  readonly statement: iam.PolicyStatement;
  readonly reason: string;
}

/** How `Validations.acknowledge()` keys an ID given without a namespace (aws-cdk-lib core/lib/validation/private/validation-id). */
const DEFAULT_NAMESPACE = 'Annotation::';

/**
 * Acknowledges AwsSolutions-IAM5's finding on each wildcard resource of `wildcards` (a list the
 * caller keeps adding to) on `policy`. cdk-nag names the finding by the resource as the template
 * resolves it, and a cluster of another stack resolves to an import only once the app is prepared
 * for synthesis, after Aspects: a name fixed when the statement is added, or by an Aspect, would
 * miss it. So the acknowledgement's IDs are resolved whenever they are read (cdk-nag and
 * aws-cdk-lib read `Object.keys()` of the metadata entry, and do not resolve tokens in it), at the
 * moment a pack resolves the policy itself.
 */
export function acknowledgeScopedWildcards(policy: IConstruct, wildcards: readonly ScopedWildcard[]): void {
  const stack = Stack.of(policy);
  const current = (): Record<string, string> => {
    const reasons = new Map<string, Set<string>>();
    for (const { statement, reason } of wildcards) {
      const resources: unknown[] = [stack.resolve(statement.toStatementJson()).Resource ?? []].flat();
      for (const flat of resources.map(flattenForAcknowledgement).filter((r) => r.includes('*'))) {
        reasons.set(flat, (reasons.get(flat) ?? new Set<string>()).add(reason));
      }
    }
    return Object.fromEntries([...reasons].map(([flat, why]) => [`${DEFAULT_NAMESPACE}${iam5ResourceId(flat)}`, [...why].join(' ')]));
  };
  const own = (key: string | symbol): string | undefined => {
    const all = current();
    return typeof key === 'string' && Object.prototype.hasOwnProperty.call(all, key) ? all[key] : undefined;
  };
  policy.node.addMetadata(Validations.ACKNOWLEDGED_RULES_METADATA_KEY, new Proxy({}, {
    ownKeys: () => Object.keys(current()),
    getOwnPropertyDescriptor: (_target, key) => {
      const value = own(key);
      return value === undefined ? undefined : { value, enumerable: true, configurable: true, writable: false };
    },
    get: (target, key) => own(key) ?? Reflect.get(target, key),
    has: (target, key) => own(key) !== undefined || Reflect.has(target, key),
  }));
}
