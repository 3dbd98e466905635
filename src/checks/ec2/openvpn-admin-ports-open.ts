import { CfnResource, aws_ec2 as ec2 } from 'aws-cdk-lib';
import { referencedResource } from '../../private/resource-index';
import { IngressRule, admits, fromAnywhere, ingressRules, standaloneIngressRule } from '../../private/template/security-group-rules';
import { defineCheck } from '../check';
import { CheckLevel } from '../check-info';
import { pathOf } from '../embed';

/** Administration ports that must never face the internet, and what listens there. */
const ADMIN_PORTS: Array<[number, string]> = [
  [22, 'SSH'],
  [943, 'the OpenVPN Access Server admin and client web UI'],
  [945, 'the OpenVPN Access Server cluster port'],
];

function openPorts(rules: IngressRule[]): string[] {
  return ADMIN_PORTS.filter(([port]) => rules.some((r) => fromAnywhere(r) && admits(r, 'tcp', port))).map(([port, what]) => `${port} (${what})`);
}

function message(subject: string, ports: string[]): string {
  return `${subject} admits TCP ${ports.join(', ')} from the whole internet. `
    + 'Remove the rule: administer the server through SSM Session Manager (aws ssm start-session, or port forwarding to 943 with AWS-StartPortForwardingSession).';
}

/**
 * SSH or the Access Server's admin ports open to the world.
 */
export const OpenVpnAdminPortsOpen = defineCheck<CfnResource>({
  suffix: 'OpenVpnAdminPortsOpen',
  level: CheckLevel.ERROR,
  title: 'A security group that admits SSH (22) or the OpenVPN Access Server admin ports (943, 945) from 0.0.0.0/0 or ::/0.',
  reason: 'These ports are scanned and brute-forced within minutes of opening; the Access Server web UI has had remotely exploitable flaws. SSM Session Manager reaches the server with IAM authentication and no open port.',
  source: 'https://docs.aws.amazon.com/systems-manager/latest/userguide/session-manager.html',
  appliesTo: [ec2.CfnSecurityGroup, ec2.CfnSecurityGroupIngress],
  inspect(resource, index) {
    if (resource instanceof ec2.CfnSecurityGroup) {
      const ports = openPorts(ingressRules(resource, index));
      return ports.length > 0 ? [message(`Security group '${pathOf(resource)}'`, ports)] : [];
    }
    const ingress = resource as ec2.CfnSecurityGroupIngress;
    // Rules on a group in the app are reported on the group; these are rules on imported groups.
    if (referencedResource(ingress.groupId) instanceof ec2.CfnSecurityGroup) {
      return [];
    }
    const ports = openPorts([standaloneIngressRule(ingress)]);
    return ports.length > 0 ? [message(`Ingress rule '${pathOf(ingress)}'`, ports)] : [];
  },
});
