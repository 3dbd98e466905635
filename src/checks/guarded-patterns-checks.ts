import { CfnResource, PolicyValidationPluginReport, PolicyViolation } from 'aws-cdk-lib';
import { IApplyRule, NagMessageLevel, NagPack, NagPackProps, NagRuleCompliance } from 'cdk-nag';
import { IConstruct } from 'constructs';
import { ALL_CHECKS } from './catalogue';
import { Check, PACK_NAME, checkSuffix } from './check';
import { CheckInfo, CheckLevel } from './check-info';
import { ResourceIndex } from '../private/resource-index';

const NAG_LEVEL: Record<CheckLevel, NagMessageLevel> = {
  [CheckLevel.ERROR]: NagMessageLevel.ERROR,
  [CheckLevel.WARNING]: NagMessageLevel.WARN,
  [CheckLevel.INFO]: NagMessageLevel.INFO,
};

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
 */
export class GuardedPatternsChecks extends NagPack {
  /**
   * Every check, with its ID, levels, what it catches and why.
   */
  public static catalogue(): CheckInfo[] {
    return ALL_CHECKS.map(({ inspect, ...info }) => info);
  }

  public readonly name: string = PACK_NAME;
  public readonly ruleIds?: string[] = ALL_CHECKS.filter((c) => c.resourceTypes.length > 0).map((c) => c.id);

  private index?: ResourceIndex;
  private readonly byType = new Map<string, Check[]>();
  /** Messages of the current run, keyed by rule ID and construct path. */
  private messages = new Map<string, string[]>();

  constructor(scope?: IConstruct, props?: NagPackProps) {
    super(scope, props);
    this.packName = PACK_NAME;
    for (const check of ALL_CHECKS) {
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
    return { ...report, violations };
  }

  protected checkResource(node: CfnResource): void {
    for (const check of this.byType.get(node.cfnResourceType) ?? []) {
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
