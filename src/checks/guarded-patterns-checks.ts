import { CfnResource, PolicyValidationPluginReport, PolicyViolation } from 'aws-cdk-lib';
import { IApplyRule, NagMessageLevel, NagPack, NagPackProps, NagRuleCompliance } from 'cdk-nag';
import { IConstruct } from 'constructs';
import { ALL_CHECKS, PACK_CHECKS, checkInfo } from './catalogue';
import { Check, PACK_NAME, checkSuffix } from './check';
import { CheckInfo, CheckLevel } from './check-info';
import { isEmbeddedAbove } from './embed';
import { ResourceIndex } from '../private/resource-index';

const NAG_LEVEL: Record<CheckLevel, NagMessageLevel> = {
  [CheckLevel.ERROR]: NagMessageLevel.ERROR,
  [CheckLevel.WARNING]: NagMessageLevel.WARN,
  [CheckLevel.INFO]: NagMessageLevel.INFO,
};

/**
 * Options of `GuardedPatternsChecks`.
 */
export interface GuardedPatternsChecksProps extends NagPackProps {
  /**
   * Whether a warning fails synth too. cdk-nag's own packs fail on any unacknowledged finding;
   * this pack fails on its errors and reports its warnings, as the patterns do.
   * @default false
   */
  readonly failOnWarnings?: boolean;
}

/**
 * The library's checks as a cdk-nag pack, for any CDK app: resources made by the patterns and
 * by anything else (plain aws-cdk-lib constructs, raw L1 resources).
 *
 * Register it like any cdk-nag 3 pack and acknowledge a finding by its ID:
 *
 * ```ts
 * declare const app: App;
 * declare const vpc: ec2.Vpc;
 * Validations.of(app).addPlugins(new GuardedPatternsChecks(app));
 * Validations.of(vpc).acknowledge({ id: 'GuardedPatterns-VpcNatCrossAz', reason: 'Development account: one NAT gateway is enough' });
 * ```
 *
 * Synth fails on the pack's errors; its warnings are reported and fail synth only with
 * `failOnWarnings`. A finding that a pattern embedding the same check reports on its own
 * resources is left to the pattern, so that it is reported once.
 */
export class GuardedPatternsChecks extends NagPack {
  /**
   * Every check, with its ID, levels, what it catches and why.
   */
  public static catalogue(): CheckInfo[] {
    return ALL_CHECKS.map(checkInfo);
  }

  public readonly name: string = PACK_NAME;
  public readonly ruleIds?: string[] = PACK_CHECKS.map((c) => c.id);

  private index?: ResourceIndex;
  private readonly byType = new Map<string, Check[]>();
  /** Messages of the current run, keyed by rule ID and construct path. */
  private messages = new Map<string, string[]>();

  private readonly failOnWarnings: boolean;

  constructor(scope?: IConstruct, props: GuardedPatternsChecksProps = {}) {
    const { failOnWarnings = false, ...nagProps } = props;
    super(scope, nagProps);
    this.packName = PACK_NAME;
    this.failOnWarnings = failOnWarnings;
    for (const check of PACK_CHECKS) {
      for (const type of check.resourceTypes) {
        this.byType.set(type, [...(this.byType.get(type) ?? []), check]);
      }
    }
  }

  /**
   * Runs every check over the L1 resources under `scope`; one violation per finding, each with
   * its own message.
   */
  public validateScope(scope: IConstruct): PolicyValidationPluginReport {
    this.index = new ResourceIndex(scope.node.root);
    this.messages = new Map();
    const report = super.validateScope(scope);
    const violations: PolicyViolation[] = [];
    for (const violation of report.violations) {
      for (const resource of violation.violatingResources) {
        const messages = this.messages.get(`${violation.ruleName} ${resource.constructPath}`) ?? [violation.description];
        for (const description of messages) {
          violations.push({ ...violation, description, violatingResources: [resource] });
        }
      }
    }
    const failing = violations.filter((v) => this.failOnWarnings || v.severity === 'error');
    return { ...report, violations, success: failing.length === 0 };
  }

  protected checkResource(node: CfnResource): void {
    for (const check of this.byType.get(node.cfnResourceType) ?? []) {
      if (isEmbeddedAbove(node, check)) {
        continue;
      }
      const messages = check.inspect(node, this.index ?? new ResourceIndex(node.node.root));
      if (messages.length === 0) {
        continue;
      }
      const rule: IApplyRule = {
        ruleSuffixOverride: checkSuffix(check),
        info: check.title,
        explanation: `${check.reason} See ${check.source}`,
        level: NAG_LEVEL[check.level],
        node,
        rule: () => NagRuleCompliance.NON_COMPLIANT,
      };
      this.messages.set(`${check.id} ${node.node.path}`, messages);
      this.applyRule(rule);
    }
  }
}
