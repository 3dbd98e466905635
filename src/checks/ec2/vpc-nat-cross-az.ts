import { aws_ec2 as ec2 } from 'aws-cdk-lib';
import { NAT_GATEWAY_HOURLY_USD, monthlyUsd } from '../../private/pricing';
import { referencedResource } from '../../private/resource-index';
import { defaultRoutesOf, routeNatGateway } from '../../private/template/routes';
import { defineCheck } from '../check';
import { CheckLevel } from '../check-info';
import { pathOf } from '../embed';
import { ZoneRef, isZonalNat, subnetZone } from './vpc-topology';

/**
 * A private subnet whose default route goes to a NAT gateway in another AZ.
 */
export const VpcNatCrossAz = defineCheck({
  suffix: 'VpcNatCrossAz',
  level: CheckLevel.WARNING,
  title: 'A private subnet whose default route goes to a zonal NAT gateway in another availability zone.',
  reason: 'A zonal NAT gateway is a single point of failure for every other AZ routed to it: when its AZ fails, their egress fails too. The traffic also pays inter-AZ data transfer. ec2.Vpc does this without a word when natGateways is below the AZ count.',
  source: 'https://docs.aws.amazon.com/vpc/latest/userguide/nat-gateway-basics.html',
  appliesTo: [ec2.CfnVPC],
  inspect(vpc, index) {
    const crossings = new Map<string, { subnetZone: ZoneRef; natZones: Set<string> }>();
    const natZoneKeys = new Set<string>();
    for (const { route, subnets } of defaultRoutesOf(vpc, index)) {
      const nat = routeNatGateway(route);
      if (!nat || !isZonalNat(nat)) {
        continue;
      }
      const natSubnet = referencedResource(nat.subnetId);
      const natZone = natSubnet instanceof ec2.CfnSubnet ? subnetZone(natSubnet) : undefined;
      if (!natZone) {
        continue;
      }
      natZoneKeys.add(natZone.key);
      for (const subnet of subnets) {
        const zone = subnetZone(subnet);
        if (zone && zone.key !== natZone.key) {
          const entry = crossings.get(zone.key) ?? { subnetZone: zone, natZones: new Set<string>() };
          entry.natZones.add(natZone.label);
          crossings.set(zone.key, entry);
        }
      }
    }
    if (crossings.size === 0) {
      return [];
    }
    const described = [...crossings.values()]
      .map((c) => `${c.subnetZone.label} through ${[...c.natZones].join(', ')}`)
      .join('; ');
    const missing = [...crossings.keys()].filter((key) => !natZoneKeys.has(key)).length;
    return [`VPC '${pathOf(vpc)}': private subnets reach the internet through a NAT gateway in another AZ (${described}). `
      + 'If that AZ fails they lose egress, and their traffic pays inter-AZ data transfer. '
      + `One NAT gateway per AZ costs ${monthlyUsd(NAT_GATEWAY_HOURLY_USD, missing)}/month more (${missing} × $${NAT_GATEWAY_HOURLY_USD}/hour, us-east-1): `
      + 'set natGateways to the AZ count, use NatProvider.regionalGateway(), or acknowledge this check if the saving is deliberate.'];
  },
});
