/**
 * The apps the benchmark compares:
 * - vpc-guarded / vpc-baseline: PrivateSubnetVpc with every check on, against the same resources
 *   from plain aws-cdk-lib L2 constructs with no checks;
 * - startup-guarded: the example startup stack (every pattern) with GuardedPatternsChecks;
 *   startup-unchecked: the same without the pack (the patterns' embedded checks remain);
 *   startup-guarded-without-iam: the same with the pack less its IAM policy checks, for what those
 *   cost (the patterns that embed them run them in both);
 *   startup-l2: the same resources written by hand with plain aws-cdk-lib L2 constructs and no
 *   check (./startup-l2.ts).
 */
import { App, CfnResource, Stack, Validations } from 'aws-cdk-lib';
import { StartupStack } from '../examples/lib/startup-stack';
import { GuardedPatternsChecks, PrivateSubnetVpc } from '../src';
import { StartupL2Stack, plainVpc } from './startup-l2';
import { ALL_CHECKS, IAM_CHECKS } from '../src/checks/catalogue';

export const APP_KINDS = ['vpc-guarded', 'vpc-baseline', 'startup-guarded', 'startup-guarded-without-iam', 'startup-unchecked', 'startup-l2'] as const;
export type AppKind = typeof APP_KINDS[number];

const ENV = { account: '111111111111', region: 'us-east-1' };
const AZS = ['us-east-1a', 'us-east-1b', 'us-east-1c'];

/** An app with `copies` copies of the example stack. */
export function buildApp(kind: AppKind, copies: number, outdir: string): App {
  const app = new App({
    outdir,
    context: {
      [`availability-zones:account=${ENV.account}:region=${ENV.region}`]: AZS,
      '@aws-cdk/core:validateAgainstDefaultRules': true,
    },
  });
  if (kind === 'vpc-guarded' || kind === 'startup-guarded') {
    Validations.of(app).addPlugins(new GuardedPatternsChecks(app));
  } else if (kind === 'startup-guarded-without-iam') {
    Validations.of(app).addPlugins(new ChecksWithoutIam(app));
  }
  for (let i = 0; i < copies; i++) {
    const id = `Example${i}`;
    if (kind === 'vpc-guarded') {
      new PrivateSubnetVpc(new Stack(app, id, { env: ENV }), 'Network');
    } else if (kind === 'vpc-baseline') {
      // What PrivateSubnetVpc makes by default, from plain constructs.
      plainVpc(new Stack(app, id, { env: ENV }), '10.0.0.0/16', 3);
    } else if (kind === 'startup-l2') {
      new StartupL2Stack(app, id, { env: ENV });
    } else {
      new StartupStack(app, id, { env: ENV });
    }
  }
  return app;
}

/** The resource types that only the IAM checks read: the pack without them skips these. */
const IAM_ONLY_TYPES = new Set(IAM_CHECKS.flatMap((c) => c.resourceTypes)
  .filter((type) => ALL_CHECKS.every((c) => IAM_CHECKS.includes(c) || !c.resourceTypes.includes(type))));

/** GuardedPatternsChecks less its IAM policy checks. */
class ChecksWithoutIam extends GuardedPatternsChecks {
  protected checkResource(node: CfnResource): void {
    if (!IAM_ONLY_TYPES.has(node.cfnResourceType)) {
      super.checkResource(node);
    }
  }
}
