import { Stack, Token, Validations } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/** cdk-nag's NIST 800-53 rev 5 pack, as its finding IDs begin. */
export const NIST_800_53_R5 = 'NIST.800.53.R5';
/** cdk-nag's HIPAA Security pack, as its finding IDs begin. */
export const HIPAA_SECURITY = 'HIPAA.Security';
/** cdk-nag's PCI DSS 3.2.1 pack, as its finding IDs begin. */
export const PCI_DSS_321 = 'PCI.DSS.321';

/** The compliance packs whose rules share their names: `NIST.800.53.R5-LambdaDLQ`, `HIPAA.Security-LambdaDLQ`, ... */
export const COMPLIANCE_PACKS: readonly string[] = [NIST_800_53_R5, HIPAA_SECURITY, PCI_DSS_321];

/** The finding IDs of one rule in the packs that have it: `<pack>-<rule>` for each pack. */
export function complianceRuleIds(rule: string, packs: readonly string[] = COMPLIANCE_PACKS): string[] {
  return packs.map((pack) => `${pack}-${rule}`);
}

/** Acknowledges each of `ids` on `scope` (and what is below it) for one reason. */
export function acknowledgeAll(scope: IConstruct, ids: readonly string[], reason: string): void {
  Validations.of(scope).acknowledge(...ids.map((id) => ({ id, reason })));
}

/**
 * The ID of AwsSolutions-IAM5's finding on a wildcard resource, which names the resource as the
 * template has it (see `flattenForAcknowledgement` and `nagArn`).
 */
export function iam5ResourceId(resource: string): string {
  return `AwsSolutions-IAM5[Resource::${resource}]`;
}

/**
 * An ARN of `stack` as cdk-nag writes it in a finding ID: the partition always as
 * `<AWS::Partition>`, the region and account literally where the stack knows them.
 */
export function nagArn(stack: Stack, service: string, resource: string): string {
  const region = Token.isUnresolved(stack.region) ? '<AWS::Region>' : stack.region;
  const account = Token.isUnresolved(stack.account) ? '<AWS::AccountId>' : stack.account;
  return `arn:<AWS::Partition>:${service}:${region}:${account}:${resource}`;
}

/**
 * A resolved CloudFormation value as cdk-nag names it in a finding such as
 * `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ecs:...]`: `Ref` as `<Name>`, `Fn::GetAtt` as
 * `<Name.Attr>`, `Fn::Join` joined. Acknowledgements must name the finding exactly.
 */
export function flattenForAcknowledgement(value: unknown): string {
  if (value === undefined) {
    return '';
  }
  if (typeof value === 'string') {
    return value.replace(/\${/g, '<').replace(/}/g, '>');
  }
  if (value !== null && typeof value === 'object') {
    const node = value as Record<string, any>;
    if (Array.isArray(node['Fn::Join'])) {
      const [delimiter, items] = node['Fn::Join'];
      return (items as unknown[]).map(flattenForAcknowledgement).join(delimiter);
    }
    if ('Fn::Sub' in node) {
      return flattenForAcknowledgement(node['Fn::Sub']);
    }
    if (Array.isArray(node['Fn::GetAtt'])) {
      const [resource, attribute] = node['Fn::GetAtt'];
      return `<${flattenForAcknowledgement(resource)}.${flattenForAcknowledgement(attribute)}>`;
    }
    if ('Fn::ImportValue' in node) {
      return flattenForAcknowledgement(node['Fn::ImportValue']);
    }
    if ('Ref' in node) {
      return `<${flattenForAcknowledgement(node.Ref)}>`;
    }
  }
  return JSON.stringify(value);
}
