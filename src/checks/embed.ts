import { CfnResource, Validations } from 'aws-cdk-lib';
import { Construct, IConstruct } from 'constructs';
import { Check } from './check';
import { CheckLevel } from './check-info';
import { GuardedPatternsError } from '../private/errors';
import { ResourceIndex } from '../private/resource-index';

/**
 * How a message names a construct: its path, without the trailing `/Resource` of an L1 inside
 * its L2, so that it reads as the user wrote it.
 */
export function pathOf(construct: IConstruct): string {
  const path = construct.node.path;
  return path.endsWith('/Resource') ? path.substring(0, path.length - '/Resource'.length) : path;
}

/** Fails at once: for props that are wrong whatever the rest of the app holds. */
export function throwFinding(check: Check, message: string): never {
  throw new GuardedPatternsError(`${message} (${check.id})`);
}

/** Adds a warning that `Validations.of(scope).acknowledge({ id: check.id, reason })` silences. */
export function warnFinding(scope: IConstruct, check: Check, message: string): void {
  Validations.of(scope).addWarning(check.id, message);
}

/** Where a construct that embeds checks keeps their IDs; shared by every copy of the library in an app. */
const EMBEDDED_CHECKS = Symbol.for('cdk-guarded-patterns.embedded-checks');

/**
 * Whether a pattern above `resource` embeds `check`, and so reports its findings on the resource
 * itself: `GuardedPatternsChecks` leaves those to the pattern, so that each is reported once.
 */
export function isEmbeddedAbove(resource: IConstruct, check: Check): boolean {
  return resource.node.scopes.some((scope) => ((scope as any)[EMBEDDED_CHECKS] as Set<string> | undefined)?.has(check.id));
}

/**
 * Resources outside a pattern's subtree that belong to it all the same (a security group the user
 * brought, the services a recycler watches), and the embedded checks that inspect them.
 */
export interface ResourcesBeyond {
  readonly checks: Check[];
  /** Finds the resources in the complete app. */
  find(index: ResourceIndex): Iterable<CfnResource>;
}

/**
 * Runs `checks` over the L1 resources under `scope`, and each of `beyond`'s checks over the
 * resources it finds, once the tree is complete (after Aspects, before templates are written):
 * error findings fail synth together, the others become acknowledgeable warnings on the resource.
 */
export function embedChecks(scope: Construct, checks: Check[], ...beyond: ResourcesBeyond[]): void {
  const embedded: Set<string> = (scope as any)[EMBEDDED_CHECKS] ??= new Set<string>();
  checks.forEach((check) => embedded.add(check.id));
  scope.node.addValidation({
    validate: () => {
      const index = ResourceIndex.ofCompleteTree(scope.node.root);
      const own = scope.node.findAll().filter(CfnResource.isCfnResource);
      const isOwn = new Set(own);
      return [
        ...inspectAll(own, checks, index),
        ...beyond.flatMap((b) => inspectAll([...new Set(b.find(index))].filter((r) => !isOwn.has(r)), b.checks, index)),
      ];
    },
  });
}

/** Runs `checks` over `resources`: returns the error findings, and adds the others as warnings. */
function inspectAll(resources: CfnResource[], checks: Check[], index: ResourceIndex): string[] {
  const errors: string[] = [];
  for (const resource of resources) {
    for (const check of checks.filter((c) => c.resourceTypes.includes(resource.cfnResourceType))) {
      for (const message of check.inspect(resource, index)) {
        if (check.patternLevel === CheckLevel.ERROR) {
          errors.push(`${message} (${check.id})`);
        } else {
          warnFinding(resource, check, message);
        }
      }
    }
  }
  return errors;
}
