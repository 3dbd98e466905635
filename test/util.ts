import { App, AppProps, CfnResource, IPolicyValidationPlugin, PolicyViolation, Stack, StackProps, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks, HIPAASecurityChecks, NagPack, NIST80053R5Checks, PCIDSS321Checks } from 'cdk-nag';
import { IConstruct } from 'constructs';
import { GuardedPatternsChecks } from '../src';
import { Check } from '../src/checks/check';
import { ResourceIndex } from '../src/private/resource-index';

/** The fixed environment every test stack deploys to. */
export const TEST_ENV = { account: '111111111111', region: 'us-east-1' };
export const TEST_AZS = ['us-east-1a', 'us-east-1b', 'us-east-1c'];

/** Context that makes aws-cdk-lib's CloudFormation validation fail any template CloudFormation would reject. */
export const STRICT_VALIDATION_CONTEXT = {
  '@aws-cdk/core:validateAgainstDefaultRules': true,
  '@aws-cdk/core:strictCfnValidateErrors': true,
};

export interface TestAppOptions extends AppProps {
  /** Validation plugins registered on the app: synth fails on any unacknowledged finding. */
  readonly packs?: IPolicyValidationPlugin[];
}

/**
 * An app with strict CloudFormation validation and three AZs for the test environment in
 * context, so nothing is looked up.
 */
export function testApp(options: TestAppOptions = {}): App {
  const { packs, ...props } = options;
  const app = new App({
    ...props,
    context: {
      ...STRICT_VALIDATION_CONTEXT,
      [`availability-zones:account=${TEST_ENV.account}:region=${TEST_ENV.region}`]: TEST_AZS,
      ...props.context,
    },
  });
  if (packs && packs.length > 0) {
    Validations.of(app).addPlugins(...packs);
  }
  return app;
}

/** A stack in the test environment; `envAgnostic` leaves account and region to deploy time. */
export function testStack(app: App = testApp(), id = 'TestStack', props: StackProps & { envAgnostic?: boolean } = {}): Stack {
  const { envAgnostic, ...stackProps } = props;
  return new Stack(app, id, { env: envAgnostic ? undefined : TEST_ENV, ...stackProps });
}

/** The cdk-nag packs a production pattern must satisfy, plus the library's own. */
export function compliancePacks(): NagPack[] {
  return [
    new AwsSolutionsChecks(),
    new NIST80053R5Checks(),
    new HIPAASecurityChecks(),
    new PCIDSS321Checks(),
    new GuardedPatternsChecks(),
  ];
}

/** A finding as tests compare it: `rule at path: message`. */
export interface Finding {
  readonly rule: string;
  readonly path: string;
  readonly message: string;
  readonly severity?: string;
}

/** Runs a pack directly over a scope and returns its unacknowledged findings. */
export function findings(pack: NagPack, scope: IConstruct): Finding[] {
  return flatten(pack.validateScope(scope).violations);
}

function flatten(violations: PolicyViolation[]): Finding[] {
  return violations.flatMap((v) => v.violatingResources.map((r) => ({
    rule: v.ruleName,
    path: r.constructPath ?? r.resourceLogicalId ?? '',
    message: v.description,
    severity: v.severity,
  })));
}

/**
 * Synthesizes the stack (strict CloudFormation validation fails the test on any template
 * CloudFormation would reject), then returns the unacknowledged findings of every compliance
 * pack over it, as `rule at path` lines.
 */
export function complianceFindings(stack: Stack): string[] {
  Template.fromStack(stack);
  return compliancePacks().flatMap((pack) => findings(pack, stack).map((f) => `${f.rule} at ${f.path}`));
}

/** How Validations records an acknowledgement made without a namespace (aws-cdk-lib core/lib/validation/private/validation-id). */
const DEFAULT_ACKNOWLEDGEMENT_NAMESPACE = 'Annotation::';

/**
 * Every acknowledgement recorded under a scope: rule ID, where, and why. `Validations.acknowledge`
 * stores each in the metadata of the construct it was called on (key
 * `Validations.ACKNOWLEDGED_RULES_METADATA_KEY`, data `{ [qualifiedId]: reason }`), the ID
 * qualified as `Annotation::<id>` unless it names another plugin (`CloudFormation-Validate::W3045`);
 * the default namespace is dropped here, so IDs read as they were written.
 */
export function acknowledgements(scope: IConstruct): Array<{ id: string; path: string; reason: string }> {
  return scope.node.findAll().flatMap((c) => c.node.metadata
    .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
    .flatMap((m) => Object.entries(m.data as Record<string, string>).map(([id, reason]) => ({
      id: id.startsWith(DEFAULT_ACKNOWLEDGEMENT_NAMESPACE) ? id.substring(DEFAULT_ACKNOWLEDGEMENT_NAMESPACE.length) : id,
      path: c.node.path,
      reason,
    }))));
}

/**
 * Every rule acknowledged anywhere in the app that holds `scope`, as sorted `id at path` lines,
 * after synthesis (so that what validations and aspects acknowledge counts too). Called on an
 * app where the test acknowledged nothing, it is the list a pattern acknowledges on its own,
 * wherever it put them (its children, the stack, a per-stack singleton).
 */
export function acknowledgedRules(scope: IConstruct): string[] {
  const root = scope.node.root;
  if (root instanceof App) {
    root.synth();
  }
  return acknowledgements(root).map((a) => `${a.id} at ${a.path}`).sort();
}

/**
 * A check's own findings over every L1 resource under `scope`, as `path: message`: for checks the
 * pack leaves to another tool (`alsoReportedBy`), whose rule the patterns still run.
 */
export function checkHits(scope: IConstruct, check: Check): string[] {
  const index = new ResourceIndex(scope.node.root);
  return scope.node.findAll()
    .filter(CfnResource.isCfnResource)
    .flatMap((resource) => check.inspect(resource, index).map((message) => `${resource.node.path}: ${message}`));
}
