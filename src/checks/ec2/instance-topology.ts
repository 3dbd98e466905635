import { CfnResource, aws_autoscaling as autoscaling, aws_ec2 as ec2 } from 'aws-cdk-lib';
import { ZoneRef } from './vpc-topology';
import { parseCidr } from '../../private/cidr';
import { ResourceIndex, literalString, referencedResource, resolved } from '../../private/resource-index';
import { flatText } from '../../private/template/json';
import { resourceAt } from '../../private/template/refs';
import { interfacesOf } from '../../private/template/routes';
import { pathOf } from '../embed';

/**
 * What the EC2 and OpenVPN checks read from L1 resources: user data, zones, security groups and
 * the servers that forward traffic. Shared by the checks; not a check itself.
 */

/** How user data text shows a value known only at deploy time. */
export const DEPLOY_TIME_VALUE = '${DeployTimeValue}';

/**
 * User data as the instance will see it, with deploy-time values shown as `DEPLOY_TIME_VALUE`;
 * `undefined` where the template gives no readable text.
 */
export function userDataText(resource: CfnResource, value: unknown): string | undefined {
  const data = resolved(resource, value);
  if (typeof data === 'string') {
    const decoded = Buffer.from(data, 'base64');
    // A literal is base64 (CloudFormation passes it through); plain text is read as it is.
    return decoded.toString('base64').replace(/=+$/, '') === data.replace(/=+$/, '') ? decoded.toString('utf8') : data;
  }
  if (data && typeof data === 'object' && 'Fn::Base64' in data) {
    return flatText((data as Record<string, unknown>)['Fn::Base64'], () => DEPLOY_TIME_VALUE);
  }
  return undefined;
}

/**
 * A zone as a resource property gives it: a literal, or Fn::Select over Fn::GetAZs (environment-
 * agnostic stacks); `undefined` for anything else (Fn::GetAtt of another resource...), which
 * cannot be compared.
 */
export function zoneOf(resource: CfnResource, value: unknown): ZoneRef | undefined {
  const zone = resolved(resource, value);
  if (typeof zone === 'string') {
    return { key: zone, label: zone };
  }
  const select = zone && typeof zone === 'object' ? (zone as Record<string, unknown>)['Fn::Select'] : undefined;
  if (Array.isArray(select) && typeof select[0] === 'number') {
    return { key: JSON.stringify(zone), label: `AZ #${select[0] + 1}` };
  }
  return undefined;
}

/** The zone an instance is in: its own AvailabilityZone, or its subnet's. */
export function instanceZone(instance: ec2.CfnInstance): ZoneRef | undefined {
  if (instance.availabilityZone !== undefined) {
    return zoneOf(instance, instance.availabilityZone);
  }
  const first = interfacesOf(instance)[0] as ec2.CfnInstance.NetworkInterfaceProperty | undefined;
  const subnet = referencedResource(instance.subnetId) ?? referencedResource(first?.subnetId);
  return subnet instanceof ec2.CfnSubnet ? zoneOf(subnet, subnet.availabilityZone) : undefined;
}

/** A zonal resource (an EBS volume, a network interface) that attaches to an instance. */
export interface ZonalAttachment<A extends CfnResource> {
  /** The attachment resource, such as `ec2.CfnVolumeAttachment`. */
  readonly attachmentClass: new (...args: any[]) => A;
  /** The instance and the attached resource an attachment resource names. */
  readonly ends: (attachment: A) => [instanceId: string, attachedId: string];
  /** The attached resources an instance names in its own properties. */
  readonly ofInstance: (instance: ec2.CfnInstance) => unknown[];
  /** The zone of an attached resource; `undefined` when it is not of the kind or its zone is unknown. */
  readonly zone: (attached: CfnResource) => ZoneRef | undefined;
  /** How the message names the attached resource (`EBS volume`), and the rule it breaks (`a volume attaches`). */
  readonly what: string;
  readonly rule: string;
  /** How to fix it. */
  readonly fix: string;
}

/**
 * The findings on `resource` (an attachment resource or an instance) of resources attached to an
 * instance in another availability zone; none where either zone is not known.
 */
export function attachedInOtherZone<A extends CfnResource>(resource: CfnResource, kind: ZonalAttachment<A>): string[] {
  const links: Array<[instance: unknown, attached: unknown]> = resource instanceof kind.attachmentClass
    ? [kind.ends(resource).map(referencedResource) as [unknown, unknown]]
    : resource instanceof ec2.CfnInstance ? kind.ofInstance(resource).map((id) => [resource, referencedResource(id)]) : [];
  return links.flatMap(([instance, attached]) => {
    if (!(instance instanceof ec2.CfnInstance) || !(attached instanceof CfnResource)) {
      return [];
    }
    const a = kind.zone(attached);
    const b = instanceZone(instance);
    if (!a || !b || a.key === b.key) {
      return [];
    }
    return [`'${pathOf(resource)}' attaches ${kind.what} '${pathOf(attached)}' (${a.label}) to instance '${pathOf(instance)}' (${b.label}): ${kind.rule} only to an instance in its own availability zone. ${kind.fix}`];
  });
}

/** The security groups (in the app, same stack) that a list of group IDs of `resource` refers to. */
export function groupsOf(resource: CfnResource, ids: unknown, index: ResourceIndex): ec2.CfnSecurityGroup[] {
  const list = resolved(resource, ids);
  return (Array.isArray(list) ? list : [])
    .map((id) => resourceAt<ec2.CfnSecurityGroup>(resource, id, 'AWS::EC2::SecurityGroup', index))
    .filter((g): g is ec2.CfnSecurityGroup => g instanceof ec2.CfnSecurityGroup);
}

/** What the checks need to know about a server: an instance, or an auto-scaling group's launch template. */
export interface ServerFacts {
  /** The subnets it may run in, where the app shows them. */
  readonly subnets: ec2.CfnSubnet[];
  /** Whether it gets a public address at launch or from an Elastic IP in the template. */
  readonly publicAddress: boolean;
  readonly groups: ec2.CfnSecurityGroup[];
  readonly userData?: string;
}

/** The interface's own setting wins; without one, the subnets' default does. */
function publicAtLaunch(associatePublicIpAddress: unknown, subnets: ec2.CfnSubnet[]): boolean {
  if (associatePublicIpAddress !== undefined) {
    return associatePublicIpAddress === true;
  }
  return subnets.length > 0 && subnets.every((s) => resolved(s, s.mapPublicIpOnLaunch) === true);
}

/** The facts of an instance. */
export function instanceFacts(instance: ec2.CfnInstance, index: ResourceIndex): ServerFacts {
  const first = interfacesOf(instance)[0] as ec2.CfnInstance.NetworkInterfaceProperty | undefined;
  const subnets = [referencedResource(instance.subnetId) ?? referencedResource(first?.subnetId)]
    .filter((s): s is ec2.CfnSubnet => s instanceof ec2.CfnSubnet);
  const elasticIp = index.referencing<ec2.CfnEIP>('AWS::EC2::EIP', instance, 'instanceId').length > 0
    || index.referencing<ec2.CfnEIPAssociation>('AWS::EC2::EIPAssociation', instance, 'instanceId').length > 0;
  const launchPublic = publicAtLaunch(resolved(instance, first?.associatePublicIpAddress), subnets);
  return {
    subnets,
    publicAddress: elasticIp || launchPublic,
    groups: [...groupsOf(instance, instance.securityGroupIds, index), ...groupsOf(instance, first?.groupSet, index)],
    userData: userDataText(instance, instance.userData),
  };
}

/** The facts of an auto-scaling group launched from a launch template in the app; `undefined` otherwise. */
export function autoScalingGroupFacts(group: autoscaling.CfnAutoScalingGroup, index: ResourceIndex): ServerFacts | undefined {
  const spec = group.launchTemplate as autoscaling.CfnAutoScalingGroup.LaunchTemplateSpecificationProperty | undefined;
  const template = referencedResource(spec?.launchTemplateId);
  if (!(template instanceof ec2.CfnLaunchTemplate)) {
    return undefined;
  }
  const data = (resolved(template, template.launchTemplateData) ?? {}) as Record<string, any>;
  const first = Array.isArray(data.networkInterfaces) ? data.networkInterfaces[0] : undefined;
  const subnets = (group.vpcZoneIdentifier ?? []).map((id) => referencedResource(id))
    .filter((s): s is ec2.CfnSubnet => s instanceof ec2.CfnSubnet);
  return {
    subnets,
    publicAddress: publicAtLaunch(first?.associatePublicIpAddress, subnets),
    groups: [...groupsOf(template, data.securityGroupIds, index), ...groupsOf(template, first?.groups, index)],
    userData: userDataText(template, data.userData),
  };
}

/**
 * A server that forwards other addresses' traffic into the VPC without NAT (a VPN server in
 * routing mode, a router instance): packets from `cidrs` arrive through it with their own
 * source addresses.
 */
export interface RoutedServer {
  /** The instance, network interface or launch template that shows it. */
  readonly resource: CfnResource;
  /** Its security groups in the app. */
  readonly groups: ec2.CfnSecurityGroup[];
  /** The blocks it forwards, literal CIDRs. */
  readonly cidrs: string[];
}

const ROUTED_SERVERS = new WeakMap<ResourceIndex, RoutedServer[]>();

/** The pattern's settings line that names its routing mode, and the one that names the client block. */
const ROUTED_MODE_SETTING = /^OVPN_ROUTING_MODE='routed'$/m;
const CLIENT_CIDR_SETTING = /^OVPN_CLIENT_CIDR='([^']*)'$/m;

/**
 * The routed servers of an app, recognised two ways:
 * - a route (other than the default route 0.0.0.0/0, which is egress through a NAT instance)
 *   whose target is an instance or network interface of the app: the VPC sends replies for that
 *   block to it, so traffic from the block comes in through it;
 * - an instance or launch template whose user data carries OpenVpnAccessServer's settings lines
 *   `OVPN_ROUTING_MODE='routed'` and a literal `OVPN_CLIENT_CIDR`: that pattern creates its routes
 *   at boot, since its network interface changes with each instance, so its template has none.
 */
export function routedServers(index: ResourceIndex): RoutedServer[] {
  let servers = ROUTED_SERVERS.get(index);
  if (servers) {
    return servers;
  }
  const byTarget = new Map<CfnResource, RoutedServer>();
  const add = (resource: CfnResource, groups: () => ec2.CfnSecurityGroup[], cidr: string) => {
    const known = byTarget.get(resource);
    if (known) {
      byTarget.set(resource, { ...known, cidrs: [...new Set([...known.cidrs, cidr])] });
    } else {
      byTarget.set(resource, { resource, groups: groups(), cidrs: [cidr] });
    }
  };
  for (const route of index.ofType('AWS::EC2::Route') as ec2.CfnRoute[]) {
    const destination = literalString(route, route.destinationCidrBlock);
    if (destination === undefined || destination === '0.0.0.0/0' || !parseCidr(destination)) {
      continue;
    }
    const target = referencedResource(route.instanceId) ?? referencedResource(route.networkInterfaceId);
    if (target instanceof ec2.CfnInstance) {
      add(target, () => instanceFacts(target, index).groups, destination);
    } else if (target instanceof ec2.CfnNetworkInterface) {
      add(target, () => groupsOf(target, target.groupSet, index), destination);
    }
  }
  const routedClients = (text: string | undefined) => {
    const cidr = text && ROUTED_MODE_SETTING.test(text) ? CLIENT_CIDR_SETTING.exec(text)?.[1] : undefined;
    return cidr && parseCidr(cidr) ? cidr : undefined;
  };
  for (const instance of index.ofType('AWS::EC2::Instance') as ec2.CfnInstance[]) {
    const cidr = routedClients(userDataText(instance, instance.userData));
    if (cidr) {
      add(instance, () => instanceFacts(instance, index).groups, cidr);
    }
  }
  for (const template of index.ofType('AWS::EC2::LaunchTemplate') as ec2.CfnLaunchTemplate[]) {
    const data = (resolved(template, template.launchTemplateData) ?? {}) as Record<string, any>;
    const cidr = routedClients(userDataText(template, data.userData));
    if (cidr) {
      const first = Array.isArray(data.networkInterfaces) ? data.networkInterfaces[0] : undefined;
      add(template, () => [...groupsOf(template, data.securityGroupIds, index), ...groupsOf(template, first?.groups, index)], cidr);
    }
  }
  servers = [...byTarget.values()];
  ROUTED_SERVERS.set(index, servers);
  return servers;
}
