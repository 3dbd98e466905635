import { CfnResource, aws_ec2 as ec2 } from 'aws-cdk-lib';
import { RoutedServer, routedServers } from './instance-topology';
import { cidrContains, parseCidr } from '../../private/cidr';
import { ResourceIndex, referencedResource, resolved } from '../../private/resource-index';
import { resourceAt } from '../../private/template/refs';
import { IngressRule, ingressRules, standaloneIngressRule } from '../../private/template/security-group-rules';
import { defineCheck } from '../check';
import { CheckLevel } from '../check-info';
import { pathOf } from '../embed';

/** One rule that names a security group as its source. */
interface GroupRule {
  readonly rule: IngressRule;
  readonly source: ec2.CfnSecurityGroup;
}

/** The rules of a group (inline) or an ingress resource that name a security group of the app as source. */
export function sourceGroupRules(resource: CfnResource, index: ResourceIndex): GroupRule[] {
  if (resource instanceof ec2.CfnSecurityGroup) {
    const inline = resolved(resource, resource.securityGroupIngress);
    if (!Array.isArray(inline)) {
      return [];
    }
    // ingressRules lists the inline rules first, in order.
    const rules = ingressRules(resource, index);
    return inline.flatMap((raw, i) => {
      const source = resourceAt(resource, raw?.sourceSecurityGroupId, 'AWS::EC2::SecurityGroup', index);
      return source instanceof ec2.CfnSecurityGroup ? [{ rule: rules[i], source }] : [];
    });
  }
  if (resource instanceof ec2.CfnSecurityGroupIngress) {
    const value = resource.sourceSecurityGroupId;
    const source = resourceAt(resource, resolved(resource, value), 'AWS::EC2::SecurityGroup', index, value);
    return source instanceof ec2.CfnSecurityGroup ? [{ rule: standaloneIngressRule(resource), source }] : [];
  }
  return [];
}

const PROTOCOL_NUMBERS: Record<string, string> = { tcp: '6', udp: '17', icmp: '1', all: '-1' };

function protocolOf(rule: IngressRule): string {
  return PROTOCOL_NUMBERS[rule.protocol.toLowerCase()] ?? rule.protocol;
}

/** Whether `outer` admits every protocol and port that `inner` does. */
function covers(outer: IngressRule, inner: IngressRule): boolean {
  if (protocolOf(outer) === '-1') {
    return true;
  }
  if (protocolOf(outer) !== protocolOf(inner)) {
    return false;
  }
  if (outer.fromPort === undefined || outer.fromPort === -1) {
    return true;
  }
  if (inner.fromPort === undefined || inner.fromPort === -1) {
    return false;
  }
  return outer.fromPort <= inner.fromPort && (inner.toPort ?? inner.fromPort) <= (outer.toPort ?? outer.fromPort);
}

function describePorts(rule: IngressRule): string {
  const protocol = protocolOf(rule);
  if (protocol === '-1') {
    return 'all traffic';
  }
  const name = Object.keys(PROTOCOL_NUMBERS).find((k) => PROTOCOL_NUMBERS[k] === protocol)?.toUpperCase() ?? `protocol ${rule.protocol}`;
  if (rule.fromPort === undefined || rule.fromPort === -1) {
    return `${name} (all ports)`;
  }
  return `${name} ${rule.fromPort}${rule.toPort !== undefined && rule.toPort !== rule.fromPort ? `-${rule.toPort}` : ''}`;
}

/** The other rules of the group that `resource` belongs to or adds to. */
function siblingRules(resource: CfnResource, index: ResourceIndex): IngressRule[] {
  if (resource instanceof ec2.CfnSecurityGroup) {
    return ingressRules(resource, index);
  }
  const ingress = resource as ec2.CfnSecurityGroupIngress;
  const group = referencedResource(ingress.groupId);
  if (group instanceof ec2.CfnSecurityGroup) {
    return ingressRules(group, index);
  }
  // An imported group: the ingress resources of the app that name the same group.
  const id = JSON.stringify(resolved(ingress, ingress.groupId));
  return (index.ofType('AWS::EC2::SecurityGroupIngress') as ec2.CfnSecurityGroupIngress[])
    .filter((other) => other.stack === ingress.stack && JSON.stringify(resolved(other, other.groupId)) === id)
    .map(standaloneIngressRule);
}

/** The routed blocks of `server` that no rule of the group admits on the ports of `rule`. */
function unadmitted(server: RoutedServer, rule: IngressRule, siblings: IngressRule[]): string[] {
  return server.cidrs.filter((cidr) => {
    const block = parseCidr(cidr)!;
    return !siblings.some((other) => {
      const admitted = other.cidrIp === undefined ? undefined : parseCidr(other.cidrIp);
      return admitted !== undefined && cidrContains(admitted, block) && covers(other, rule);
    });
  });
}

/**
 * A rule that admits a routing VPN server's security group but not the clients behind it.
 */
export const OpenVpnRoutedClientsNotAdmitted = defineCheck<CfnResource>({
  suffix: 'OpenVpnRoutedClientsNotAdmitted',
  level: CheckLevel.WARNING,
  title: 'A security group rule that admits the security group of a server that routes other addresses into the VPC without NAT (a VPN server in routing mode, a router instance), with no rule for the routed block on the same ports.',
  reason: 'A rule naming a security group admits the private addresses of that group\'s network interfaces. Routed client packets keep their tunnel addresses, so the rule admits the server and drops its clients: the connection times out. '
    + 'A server counts as routed when a route other than 0.0.0.0/0 targets its instance or network interface, or when its user data carries OpenVpnAccessServer\'s routing-mode settings (that pattern creates its routes at boot, not in the template).',
  source: 'https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html#security-group-referencing',
  appliesTo: [ec2.CfnSecurityGroup, ec2.CfnSecurityGroupIngress],
  inspect(resource, index) {
    const rules = sourceGroupRules(resource, index);
    if (rules.length === 0) {
      return [];
    }
    const servers = routedServers(index);
    const siblings = siblingRules(resource, index);
    const messages: string[] = [];
    for (const { rule, source } of rules) {
      for (const server of servers.filter((s) => s.groups.includes(source))) {
        const missing = unadmitted(server, rule, siblings);
        if (missing.length === 0) {
          continue;
        }
        const subject = resource instanceof ec2.CfnSecurityGroup ? `Security group '${pathOf(resource)}'` : `Ingress rule '${pathOf(resource)}'`;
        messages.push(`${subject} admits security group '${pathOf(source)}' of '${pathOf(server.resource)}' on ${describePorts(rule)}, but that server routes ${missing.join(', ')} into the VPC without NAT: `
          + 'those packets keep their own source addresses, which a rule naming the server\'s group does not match, so they are dropped. '
          + `Also admit ${missing.join(', ')} on the same ports (for an OpenVpnAccessServer in routing mode, allowFrom(vpn, port) admits both).`);
      }
    }
    return messages;
  },
});
