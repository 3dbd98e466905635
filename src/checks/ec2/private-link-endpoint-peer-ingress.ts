import { CfnResource, Stack, aws_ec2 as ec2 } from 'aws-cdk-lib';
import { cidrContains, parseCidr } from '../../private/cidr';
import { ResourceIndex, literalString, referencedResource, resolved } from '../../private/resource-index';
import { endpointShortName, isInterfaceEndpoint } from '../../private/template/endpoints';
import { peeringsOf } from '../../private/template/vpc';
import { defineCheck } from '../check';
import { CheckLevel } from '../check-info';
import { pathOf } from '../embed';
import { vpcOf } from './endpoint-topology';
import { spokesOf } from './transit-gateway-topology';

/** The port AWS services listen on behind their interface endpoints. */
const HTTPS = 443;

/**
 * An interface endpoint whose security groups do not let a peered VPC, or a spoke of its
 * transit gateway, in on 443.
 */
export const PrivateLinkEndpointPeerIngress = defineCheck({
  suffix: 'PrivateLinkEndpointPeerIngress',
  level: CheckLevel.ERROR,
  title: 'An interface endpoint whose security groups do not admit the CIDR block of a peered VPC, or of a VPC attached to the same transit gateway, on TCP 443.',
  reason: 'Traffic from a peered VPC or a transit gateway spoke reaches the endpoint\'s network interfaces with the peer\'s source addresses; aws-cdk-lib opens an endpoint to its own VPC only, '
    + 'so connections from the peer or spoke time out even when its DNS is right.',
  source: 'https://docs.aws.amazon.com/vpc/latest/privatelink/create-interface-endpoint.html',
  appliesTo: [ec2.CfnVPCEndpoint],
  inspect(endpoint, index) {
    const vpc = vpcOf(endpoint.vpcId);
    if (!isInterfaceEndpoint(endpoint) || endpointShortName(endpoint) === undefined || vpc === undefined) {
      return [];
    }
    const groupIds = resolvedList(endpoint, endpoint.securityGroupIds);
    const groups = groupIds.map((id) => referencedResource(id));
    if (groupIds.length === 0 || groups.some((g) => !(g instanceof ec2.CfnSecurityGroup))) {
      // No group (the VPC's default one) or one from outside the app: its rules cannot be read.
      return [];
    }
    const clients = [
      ...peeringsOf(vpc, index).map(({ peering, other }) => ({ other, how: `peered by '${pathOf(peering)}'`, what: 'peer' })),
      ...spokesOf(vpc, index).map(({ attachment, vpc: other }) => ({ other, how: `attached by '${pathOf(attachment)}' to the endpoint VPC's transit gateway`, what: 'spoke' })),
    ];
    return clients
      .filter(({ other }) => other !== undefined && !groups.some((g) => admits(g as ec2.CfnSecurityGroup, other, index)))
      .map(({ other, how, what }) => `Interface endpoint '${pathOf(endpoint)}': its security groups do not admit VPC '${pathOf(other!)}' (${how}) on TCP ${HTTPS}, `
        + `so connections from the ${what} time out. Allow TCP ${HTTPS} from the ${what}'s CIDR block: endpoint.connections.allowFrom(ec2.Peer.ipv4(${what}Vpc.vpcCidrBlock), ec2.Port.tcp(${HTTPS})).`);
  },
});

function resolvedList(resource: CfnResource, value: unknown): unknown[] {
  if (Array.isArray(value)) {
    return value;
  }
  const result = resolved(resource, value);
  return Array.isArray(result) ? result : [];
}

interface IngressRule {
  readonly ipProtocol?: unknown;
  readonly fromPort?: unknown;
  readonly toPort?: unknown;
  readonly cidrIp?: unknown;
}

/** Whether a group lets the peer in on 443; tokens that cannot be read count as yes. */
function admits(group: ec2.CfnSecurityGroup, peer: ec2.CfnVPC, index: ResourceIndex): boolean {
  const rules: Array<{ owner: CfnResource; rule: IngressRule }> = [];
  for (const inline of resolvedList(group, group.securityGroupIngress)) {
    const r = inline as any;
    rules.push({
      owner: group,
      rule: {
        ipProtocol: r.ipProtocol ?? r.IpProtocol,
        fromPort: r.fromPort ?? r.FromPort,
        toPort: r.toPort ?? r.ToPort,
        cidrIp: r.cidrIp ?? r.CidrIp,
      },
    });
  }
  for (const ingress of index.referencing<ec2.CfnSecurityGroupIngress>('AWS::EC2::SecurityGroupIngress', group, 'groupId')) {
    rules.push({ owner: ingress, rule: ingress });
  }
  return rules.some(({ owner, rule }) => coversHttps(owner, rule) && coversPeer(owner, rule.cidrIp, peer));
}

function coversHttps(owner: CfnResource, rule: IngressRule): boolean {
  const protocol = String(resolved(owner, rule.ipProtocol));
  if (protocol === '-1') {
    return true;
  }
  if (protocol !== 'tcp' && protocol !== '6') {
    return false;
  }
  const from = resolved(owner, rule.fromPort);
  const to = resolved(owner, rule.toPort);
  return typeof from !== 'number' || typeof to !== 'number' || (from <= HTTPS && HTTPS <= to);
}

function coversPeer(owner: CfnResource, cidrIp: unknown, peer: ec2.CfnVPC): boolean {
  if (cidrIp === undefined) {
    return false;
  }
  if (referencedResource(cidrIp) === peer) {
    return true;
  }
  const literal = literalString(owner, cidrIp);
  if (literal !== undefined) {
    const rule = parseCidr(literal);
    const block = literalString(peer, peer.cidrBlock);
    const theirs = block === undefined ? undefined : parseCidr(block);
    return rule === undefined || theirs === undefined || cidrContains(rule, theirs);
  }
  let value: unknown;
  let expected: unknown;
  try {
    value = Stack.of(owner).resolve(cidrIp);
    expected = Stack.of(owner).resolve(peer.attrCidrBlock);
  } catch {
    return true;
  }
  if (JSON.stringify(value) === JSON.stringify(expected)) {
    return true;
  }
  // Another resource's block (the endpoint VPC's own, say) is known not to be the peer's.
  return !(typeof value === 'object' && value !== null && 'Fn::GetAtt' in value);
}
