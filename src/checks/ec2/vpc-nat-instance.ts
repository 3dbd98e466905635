import { aws_ec2 as ec2 } from 'aws-cdk-lib';
import { defaultRoutesOf } from '../../private/template/routes';
import { defineCheck } from '../check';
import { CheckLevel } from '../check-info';
import { pathOf } from '../embed';

/**
 * Private subnets that reach the internet through NAT instances.
 */
export const VpcNatInstance = defineCheck({
  suffix: 'VpcNatInstance',
  level: CheckLevel.WARNING,
  title: 'Private subnets that reach the internet through a NAT instance.',
  reason: 'A NAT instance is one EC2 instance: its bandwidth is the instance\'s, nothing replaces it when it fails, and it must be patched. It suits development; production egress belongs on NAT gateways.',
  source: 'https://docs.aws.amazon.com/vpc/latest/userguide/vpc-nat-comparison.html',
  appliesTo: [ec2.CfnVPC],
  inspect(vpc, index) {
    const viaInstance = defaultRoutesOf(vpc, index).filter(({ route, subnets }) => subnets.length > 0 && route.instanceId !== undefined);
    if (viaInstance.length === 0) {
      return [];
    }
    return [`VPC '${pathOf(vpc)}': ${viaInstance.length} route table(s) send private egress through a NAT instance, a single EC2 instance with no failover. `
      + 'Fine for development; for production use NAT gateways (NatProvider.gateway() or NatProvider.regionalGateway()), or acknowledge this check.'];
  },
});
