import { Check } from '../check';
import { VpcCidrSize } from './vpc-cidr-size';
import { VpcEnvAgnosticAzs } from './vpc-env-agnostic-azs';
import { VpcFlowLogKeyPolicy } from './vpc-flow-log-key-policy';
import { VpcFlowLogsMissing } from './vpc-flow-logs-missing';
import { VpcNatCrossAz } from './vpc-nat-cross-az';
import { VpcNatGatewaysExceedAzs } from './vpc-nat-gateways-exceed-azs';
import { VpcNatInstance } from './vpc-nat-instance';
import { VpcNatInstanceNoPublicIp } from './vpc-nat-instance-no-public-ip';
import { VpcPeeringCidrOverlap } from './vpc-peering-cidr-overlap';

/** The network checks. */
export const VPC_CHECKS: Check[] = [
  VpcCidrSize,
  VpcNatGatewaysExceedAzs,
  VpcNatCrossAz,
  VpcNatInstance,
  VpcNatInstanceNoPublicIp,
  VpcEnvAgnosticAzs,
  VpcFlowLogsMissing,
  VpcFlowLogKeyPolicy,
  VpcPeeringCidrOverlap,
];
