import { aws_ec2 as ec2 } from 'aws-cdk-lib';
import { defaultRoutesOf, routeInstance } from '../../private/template/routes';
import { defineCheck } from '../check';
import { CheckLevel } from '../check-info';
import { pathOf } from '../embed';
import { noPublicAddressReason } from './vpc-topology';

/**
 * A NAT instance with no public IPv4 address: the private subnets routed to it have no way out.
 */
export const VpcNatInstanceNoPublicIp = defineCheck({
  suffix: 'VpcNatInstanceNoPublicIp',
  level: CheckLevel.ERROR,
  title: 'An EC2 instance that private subnets route 0.0.0.0/0 to, with no public IPv4 address and no Elastic IP.',
  reason: 'A NAT instance translates to its own public address: without one, nothing routed to it reaches the internet, and the deployment still succeeds. '
    + 'NatProvider.instanceV2() asks for a public address only with associatePublicIpAddress: true, so in a public subnet that maps none (mapPublicIpOnLaunch: false) its instances have none.',
  source: 'https://docs.aws.amazon.com/vpc/latest/userguide/work-with-nat-instances.html',
  appliesTo: [ec2.CfnVPC],
  inspect(vpc, index) {
    const seen = new Set<ec2.CfnInstance>();
    const messages: string[] = [];
    for (const { route, subnets } of defaultRoutesOf(vpc, index)) {
      const instance = subnets.length > 0 ? routeInstance(route, index) : undefined;
      if (!instance || seen.has(instance)) {
        continue;
      }
      seen.add(instance);
      const why = noPublicAddressReason(instance, index);
      if (why) {
        messages.push(`VPC '${pathOf(vpc)}': private subnets route 0.0.0.0/0 to instance '${pathOf(instance)}', which has no public IPv4 address: ${why}. `
          + 'Nothing routed to it reaches the internet. Give it one: ec2.NatProvider.instanceV2({ ..., associatePublicIpAddress: true }), '
          + 'or an Elastic IP (ec2.CfnEIP with instanceId); or use NAT gateways (NatProvider.gateway() or NatProvider.regionalGateway()).');
      }
    }
    return messages;
  },
});
