import { CfnResource, aws_ec2 as ec2 } from 'aws-cdk-lib';
import { ResourceIndex, resolved } from '../resource-index';

/**
 * Security group ingress rules as the checks read them, inline or from
 * AWS::EC2::SecurityGroupIngress resources. Shared by the checks; not a check itself.
 */

/** One ingress rule, its values resolved where the template has literals. */
export interface IngressRule {
  readonly protocol: string;
  readonly fromPort?: number;
  readonly toPort?: number;
  readonly cidrIp?: string;
  readonly cidrIpv6?: string;
  /** The source security group, resolved (a literal ID or a reference); read with `resourcesNamedIn`. */
  readonly sourceSecurityGroupId?: unknown;
  /** The source prefix list, resolved (a literal ID or a reference). */
  readonly sourcePrefixListId?: unknown;
  /** The resource that holds the rule: a security group, or an AWS::EC2::SecurityGroupIngress. */
  readonly owner: CfnResource;
}

function ruleOf(resource: CfnResource, rule: any): IngressRule {
  const r = resolved(resource, rule) as Record<string, unknown>;
  const num = (v: unknown) => (typeof v === 'number' ? v : typeof v === 'string' && /^-?\d+$/.test(v) ? Number(v) : undefined);
  return {
    protocol: String(r.ipProtocol ?? r.IpProtocol ?? ''),
    fromPort: num(r.fromPort ?? r.FromPort),
    toPort: num(r.toPort ?? r.ToPort),
    cidrIp: typeof (r.cidrIp ?? r.CidrIp) === 'string' ? String(r.cidrIp ?? r.CidrIp) : undefined,
    cidrIpv6: typeof (r.cidrIpv6 ?? r.CidrIpv6) === 'string' ? String(r.cidrIpv6 ?? r.CidrIpv6) : undefined,
    sourceSecurityGroupId: r.sourceSecurityGroupId ?? r.SourceSecurityGroupId,
    sourcePrefixListId: r.sourcePrefixListId ?? r.SourcePrefixListId,
    owner: resource,
  };
}

/** The ingress rules of a group: inline, and those of AWS::EC2::SecurityGroupIngress resources in the app. */
export function ingressRules(group: ec2.CfnSecurityGroup, index: ResourceIndex): IngressRule[] {
  const inline = resolved(group, group.securityGroupIngress);
  const rules = Array.isArray(inline) ? inline.map((r) => ruleOf(group, r)) : [];
  for (const ingress of index.referencing<ec2.CfnSecurityGroupIngress>('AWS::EC2::SecurityGroupIngress', group, 'groupId')) {
    rules.push(standaloneIngressRule(ingress));
  }
  return rules;
}

/** The rule of an AWS::EC2::SecurityGroupIngress resource. */
export function standaloneIngressRule(ingress: ec2.CfnSecurityGroupIngress): IngressRule {
  return ruleOf(ingress, {
    ipProtocol: ingress.ipProtocol,
    fromPort: ingress.fromPort,
    toPort: ingress.toPort,
    cidrIp: ingress.cidrIp,
    cidrIpv6: ingress.cidrIpv6,
    sourceSecurityGroupId: ingress.sourceSecurityGroupId,
    sourcePrefixListId: ingress.sourcePrefixListId,
  });
}

/** Whether a rule admits `protocol` ('tcp' or 'udp') on `port`. */
export function admits(rule: IngressRule, protocol: string, port: number): boolean {
  const numbers: Record<string, string> = { tcp: '6', udp: '17' };
  const all = rule.protocol === '-1' || rule.protocol.toLowerCase() === 'all';
  if (!all && rule.protocol.toLowerCase() !== protocol && rule.protocol !== numbers[protocol]) {
    return false;
  }
  if (all || rule.fromPort === undefined || rule.fromPort === -1) {
    return true;
  }
  return rule.fromPort <= port && port <= (rule.toPort ?? rule.fromPort);
}

/** Whether a rule's source is the whole internet. */
export function fromAnywhere(rule: IngressRule): boolean {
  return rule.cidrIp === '0.0.0.0/0' || rule.cidrIpv6 === '::/0';
}
