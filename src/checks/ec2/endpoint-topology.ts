import { CfnResource, aws_ec2 as ec2 } from 'aws-cdk-lib';
import { relativeDnsNamesOf, zonesOf } from '../../private/endpoint-dns-names';
import { literalString, referencedResource, resolved } from '../../private/resource-index';
import { endpointShortName, isInterfaceEndpoint, privateDnsOn } from '../../private/template/endpoints';
import { refersTo } from '../../private/template/refs';

/**
 * What the PrivateLink checks read from L1 resources: which DNS name an AWS service's endpoint
 * answers for, and which VPC a property names. Shared by the checks of this folder; not a check itself.
 */

/** Whether a DNS zone or domain name is the name an AWS service with this host label answers for. */
export function namesService(name: string, hostLabel: string): boolean {
  const normalized = name.toLowerCase().replace(/\.$/, '');
  return normalized.startsWith(`${hostLabel}.`) && /\.amazonaws\.com(\.cn)?$/.test(normalized)
    && normalized.split('.').length === hostLabel.split('.').length + (normalized.endsWith('.cn') ? 4 : 3);
}

/** The VPC an L1 property refers to, where it is in the app. */
export function vpcOf(value: unknown): ec2.CfnVPC | undefined {
  const target = referencedResource(value);
  return target instanceof ec2.CfnVPC ? target : undefined;
}

/** The literal name of a hosted zone, or `undefined` where it is known only at deploy time. */
export function zoneName(zone: CfnResource & { name?: string }): string | undefined {
  return literalString(zone, zone.name);
}

/** Whether a private hosted zone is associated with a VPC (`undefined`: cannot be known). */
export function zoneAssociatedWith(zone: CfnResource & { vpcs?: unknown }, vpc: ec2.CfnVPC): boolean | undefined {
  let vpcs: unknown;
  try {
    vpcs = resolved(zone, zone.vpcs);
  } catch {
    return undefined;
  }
  if (!Array.isArray(vpcs)) {
    return false;
  }
  let unknown = false;
  for (const item of vpcs) {
    const id = item?.vpcId ?? item?.VPCId;
    const match = refersTo(zone, id, vpc);
    if (match) {
      return true;
    }
    unknown = unknown || match === undefined;
  }
  return unknown ? undefined : false;
}

/** An interface endpoint with private DNS on: its service's short name, VPC and private DNS names. */
export interface PrivateDnsEndpoint {
  readonly shortName: string;
  readonly vpc: ec2.CfnVPC;
  /** Its private DNS names relative to the region's domain (`kinesis`, `*.data-kinesis`). */
  readonly names: readonly string[];
  /** The zones those names need, relative to the region's domain (`kinesis`, `data-kinesis`). */
  readonly zones: string[];
}

/**
 * The endpoint, when it is an interface endpoint with private DNS on, of an AWS service whose
 * private DNS names are known (src/private/endpoint-dns-names.ts).
 */
export function privateDnsEndpoint(endpoint: ec2.CfnVPCEndpoint): PrivateDnsEndpoint | undefined {
  const shortName = endpointShortName(endpoint);
  const vpc = vpcOf(endpoint.vpcId);
  const names = shortName === undefined ? undefined : relativeDnsNamesOf(shortName);
  if (!isInterfaceEndpoint(endpoint) || !privateDnsOn(endpoint) || shortName === undefined || vpc === undefined || names === undefined) {
    return undefined;
  }
  return { shortName, vpc, names, zones: zonesOf(names).map((z) => z.zone) };
}
