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
 * Runs `checks` over the L1 resources under `scope` once the tree is complete (after Aspects,
 * before templates are written): error findings fail synth together, the others become
 * acknowledgeable warnings on the resource.
 */
export function embedChecks(scope: Construct, checks: Check[]): void {
  const embedded: Set<string> = (scope as any)[EMBEDDED_CHECKS] ??= new Set<string>();
  checks.forEach((check) => embedded.add(check.id));
  scope.node.addValidation({
    validate: () => {
      const index = ResourceIndex.ofCompleteTree(scope.node.root);
      const errors: string[] = [];
      for (const construct of scope.node.findAll()) {
        if (!CfnResource.isCfnResource(construct)) {
          continue;
        }
        for (const check of checks) {
          if (!check.resourceTypes.includes(construct.cfnResourceType)) {
            continue;
          }
          for (const message of check.inspect(construct, index)) {
            if (check.patternLevel === CheckLevel.ERROR) {
              errors.push(`${message} (${check.id})`);
            } else {
              warnFinding(construct, check, message);
            }
          }
        }
      }
      return errors;
    },
  });
}
