import { aws_autoscaling as autoscaling, aws_ec2 as ec2 } from 'aws-cdk-lib';
import { ResourceIndex } from '../../private/resource-index';
import { routesToInternet } from '../../private/template/routes';
import { defineCheck } from '../check';
import { CheckLevel } from '../check-info';
import { pathOf } from '../embed';
import { ServerFacts, autoScalingGroupFacts, instanceFacts } from './instance-topology';
import { admits, ingressRules } from '../../private/template/security-group-rules';

/** OpenVPN's registered port. */
const OPENVPN_PORT = 1194;

/** What sets up an OpenVPN server rather than a client: a CA, the server unit, Access Server. */
const SERVER_SETUP = /easy-?rsa|openvpn-server@|\/etc\/openvpn\/server|openvpn[-_]?as\b|openvpnas/i;

/** Whether the facts describe an OpenVPN server: its user data sets one up, or a rule opens port 1194. */
export function isOpenVpnServer(facts: ServerFacts, index: ResourceIndex): boolean {
  if (facts.userData !== undefined && SERVER_SETUP.test(facts.userData)) {
    return true;
  }
  // A rule written for OpenVPN names its port; rules for all traffic (NAT instances, forwarders) do not count.
  return facts.groups.some((g) => ingressRules(g, index).some((r) => r.fromPort === OPENVPN_PORT && (admits(r, 'udp', OPENVPN_PORT) || admits(r, 'tcp', OPENVPN_PORT))));
}

/** The messages for a server's facts. */
export function serverNotPublicMessages(subject: string, facts: ServerFacts, index: ResourceIndex): string[] {
  const messages: string[] = [];
  for (const subnet of facts.subnets) {
    if (routesToInternet(subnet, index) === false) {
      messages.push(`${subject} runs an OpenVPN server in subnet '${pathOf(subnet)}', which has no route to an internet gateway: clients cannot reach it. `
        + 'Place it in a public subnet (vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC }).');
    }
  }
  if (!facts.publicAddress) {
    messages.push(`${subject} runs an OpenVPN server with no public address: clients cannot reach it. `
      + 'Give it an Elastic IP (so client profiles survive a replacement), or a public address at launch (associatePublicIpAddress).');
  }
  return messages;
}

/**
 * An OpenVPN server that clients cannot reach: not in a public subnet, or without a public address.
 */
export const OpenVpnServerNotPublic = defineCheck<ec2.CfnInstance | autoscaling.CfnAutoScalingGroup>({
  suffix: 'OpenVpnServerNotPublic',
  level: CheckLevel.ERROR,
  title: 'An OpenVPN server (an instance or auto-scaling group whose user data sets one up with easy-rsa, openvpn-server@ or Access Server, or with a security group rule for port 1194) outside a public subnet or without a public address.',
  reason: 'Clients connect from the internet: the server needs a route to an internet gateway and a public address. Without either, the deployment succeeds and every tunnel times out.',
  source: 'https://docs.aws.amazon.com/vpc/latest/userguide/VPC_Internet_Gateway.html',
  appliesTo: [ec2.CfnInstance, autoscaling.CfnAutoScalingGroup],
  inspect(resource, index) {
    const facts = resource instanceof ec2.CfnInstance ? instanceFacts(resource, index) : autoScalingGroupFacts(resource, index);
    if (!facts || !isOpenVpnServer(facts, index)) {
      return [];
    }
    const kind = resource instanceof ec2.CfnInstance ? 'Instance' : 'Auto-scaling group';
    return serverNotPublicMessages(`${kind} '${pathOf(resource)}'`, facts, index);
  },
});
