import { aws_ec2 as ec2 } from 'aws-cdk-lib';
import { NAT_GATEWAY_HOURLY_USD, monthlyUsd } from '../../private/pricing';
import { referencedResource } from '../../private/resource-index';
import { defineCheck } from '../check';
import { CheckLevel } from '../check-info';
import { pathOf } from '../embed';
import { subnetZone, zonalNatsOf } from './vpc-topology';

/** The message for a pattern asked for more NAT gateways than it has AZs. */
export function natGatewaysExceedAzsMessage(subject: string, natGateways: number, azs: number): string {
  return `${subject}: natGateways (${natGateways}) is more than the number of availability zones (${azs}); use at most ${azs}. `
    + `A zonal NAT gateway serves only its own AZ, so more than one per AZ adds ${monthlyUsd(NAT_GATEWAY_HOURLY_USD)}/month each and no redundancy (aws-cdk-lib would silently create ${azs}).`;
}

/**
 * More zonal NAT gateways than availability zones.
 */
export const VpcNatGatewaysExceedAzs = defineCheck({
  suffix: 'VpcNatGatewaysExceedAzs',
  level: CheckLevel.ERROR,
  title: 'More zonal NAT gateways than availability zones in a VPC.',
  reason: 'A zonal NAT gateway is redundant within its AZ already; a second one in the same AZ costs gateway hours and adds nothing. ec2.Vpc silently lowers natGateways to the AZ count, so the request never takes effect either.',
  source: 'https://docs.aws.amazon.com/vpc/latest/userguide/nat-gateway-basics.html',
  appliesTo: [ec2.CfnVPC],
  inspect(vpc, index) {
    const nats = zonalNatsOf(vpc, index);
    const zones = new Set<string>();
    for (const nat of nats) {
      const subnet = referencedResource(nat.subnetId);
      const zone = subnet instanceof ec2.CfnSubnet ? subnetZone(subnet) : undefined;
      if (!zone) {
        return [];
      }
      zones.add(zone.key);
    }
    if (nats.length <= zones.size) {
      return [];
    }
    return [`VPC '${pathOf(vpc)}' has ${nats.length} zonal NAT gateways in ${zones.size} availability zones; keep one per AZ. `
      + `Each extra gateway costs ${monthlyUsd(NAT_GATEWAY_HOURLY_USD)}/month and adds no redundancy.`];
  },
});
