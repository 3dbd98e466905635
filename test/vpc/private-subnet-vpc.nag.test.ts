import { Validations, aws_ec2 as ec2, aws_kms as kms } from 'aws-cdk-lib';
import { PrivateSubnetVpc, PrivateSubnetVpcProps, SubnetSize } from '../../src';
import { acknowledgedRules, acknowledgements, complianceFindings, testStack } from '../util';

/** The reason the compliance packs' KMS rule is acknowledged where no key is given. */
const LOG_ENCRYPTION_REASON = 'CloudWatch Logs encrypts every log group at rest; a customer managed key (flowLogEncryptionKey) is for regimes that require key control, and is tested separately.';

function acknowledgeLogEncryption(network: PrivateSubnetVpc) {
  Validations.of(network.flowLogGroup).acknowledge(
    ...['NIST.800.53.R5', 'HIPAA.Security', 'PCI.DSS.321'].map((pack) => ({ id: `${pack}-CloudWatchLogGroupEncrypted`, reason: LOG_ENCRYPTION_REASON })));
}

const variants: Array<[string, (stack: ReturnType<typeof testStack>) => PrivateSubnetVpcProps, string[]]> = [
  ['defaults', () => ({}), []],
  ['one NAT gateway, acknowledged', () => ({ natGateways: 1 }), ['GuardedPatterns-VpcNatCrossAz']],
  ['a regional NAT gateway', () => ({ natGatewayProvider: ec2.NatProvider.regionalGateway() }), []],
  ['isolated private subnets', () => ({ natGateways: 0 }), []],
  ['sized by hosts', () => ({ cidr: '10.8.0.0/20', privateSubnetSize: SubnetSize.hosts(1000), maxAzs: 2 }), []],
  ['no gateway endpoints', () => ({ gatewayEndpoints: false }), []],
];

describe('PrivateSubnetVpc under AwsSolutions, NIST 800-53 rev 5, HIPAA, PCI DSS and GuardedPatterns', () => {
  test.each(variants)('%s: no unacknowledged findings', (_name, props, acknowledged) => {
    const stack = testStack();
    const network = new PrivateSubnetVpc(stack, 'Network', props(stack));
    acknowledgeLogEncryption(network);
    for (const id of acknowledged) {
      Validations.of(network).acknowledge({ id, reason: 'This variant exercises the deliberate choice the check reports.' });
    }
    expect(complianceFindings(stack)).toEqual([]);
  });

  test('with a customer managed key, the log group needs no acknowledgement', () => {
    const stack = testStack();
    const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
    new PrivateSubnetVpc(stack, 'Network', { flowLogEncryptionKey: key });
    expect(complianceFindings(stack)).toEqual([]);
  });

  test('NAT instances, acknowledged as a development choice', () => {
    const stack = testStack();
    const network = new PrivateSubnetVpc(stack, 'Network', {
      natGatewayProvider: ec2.NatProvider.instanceV2({
        instanceType: new ec2.InstanceType('t4g.nano'),
        machineImage: ec2.MachineImage.latestAmazonLinux2023({ cpuType: ec2.AmazonLinuxCpuType.ARM_64 }),
        defaultAllowedTraffic: ec2.NatTrafficDirection.OUTBOUND_ONLY,
        associatePublicIpAddress: true,
      }),
    });
    acknowledgeLogEncryption(network);
    Validations.of(network).acknowledge({ id: 'GuardedPatterns-VpcNatInstance', reason: 'Development VPC: a NAT instance costs a fraction of a gateway.' });
    // aws-cdk-lib's NAT instances are not hardened (no IMDSv2, EBS encryption or detailed monitoring
    // props), which is part of why GuardedPatterns-VpcNatInstance warns against them outside development.
    const reason = 'NAT instances are the development option that GuardedPatterns-VpcNatInstance warns about; aws-cdk-lib gives them no hardening props.';
    Validations.of(network).acknowledge(...[
      'AwsSolutions-EC26', 'AwsSolutions-EC28', 'AwsSolutions-EC29',
      'NIST.800.53.R5-EC2IMDSv2Enabled', 'HIPAA.Security-EC2IMDSv2Enabled', 'HIPAA.Security-EC2InstanceDetailedMonitoringEnabled',
    ].map((id) => ({ id, reason })));
    // A NAT instance translates to its public address (GuardedPatterns-VpcNatInstanceNoPublicIp fails without one).
    Validations.of(network).acknowledge(...['NIST.800.53.R5-EC2InstanceNoPublicIp', 'HIPAA.Security-EC2InstanceNoPublicIp', 'PCI.DSS.321-EC2InstanceNoPublicIp'].map((id) => ({
      id, reason: 'A NAT instance sends the private subnets\' traffic out from its own public address: without one nothing reaches the internet.',
    })));
    // With associatePublicIpAddress the subnet is on the network interface, where these rules do not look.
    Validations.of(network).acknowledge(...['NIST.800.53.R5-EC2InstancesInVPC', 'HIPAA.Security-EC2InstancesInVPC', 'PCI.DSS.321-EC2InstancesInVPC'].map((id) => ({
      id, reason: 'The NAT instances are in the VPC\'s public subnets: their SubnetId is on their primary network interface (NetworkInterfaces[0]), which the rule does not read.',
    })));
    // The NAT security group admits the VPC's own block on every port: forwarding is its job.
    const forwarding = 'The NAT instances forward any traffic from the VPC\'s own CIDR block (a GetAtt the rules cannot read), and nothing from outside it.';
    Validations.of(network).acknowledge(...[
      'AwsSolutions-EC23', 'NIST.800.53.R5-EC2RestrictedCommonPorts', 'NIST.800.53.R5-EC2RestrictedSSH',
      'HIPAA.Security-EC2RestrictedCommonPorts', 'HIPAA.Security-EC2RestrictedSSH', 'PCI.DSS.321-EC2RestrictedCommonPorts', 'PCI.DSS.321-EC2RestrictedSSH',
    ].map((id) => ({ id, reason: forwarding })));
    expect(complianceFindings(stack)).toEqual([]);
  });

  test('every acknowledgement inside the pattern carries a reason', () => {
    const stack = testStack();
    new PrivateSubnetVpc(stack, 'Network');
    const acks = acknowledgements(stack);
    expect(acks.length).toBeGreaterThan(0);
    for (const ack of acks) {
      expect(ack.reason.length).toBeGreaterThan(40);
    }
  });
});

/**
 * The exact rules the pattern acknowledges on its own, where the test acknowledges nothing: a new
 * acknowledgement inside the pattern fails here until someone has read its reason. aws-cdk-lib's
 * own acknowledgements of its CloudFormation validation findings (`CloudFormation-Validate::...`)
 * come with the resources the pattern creates, and are listed too.
 */
describe('PrivateSubnetVpc acknowledges exactly', () => {
  test.each<[string, PrivateSubnetVpcProps, string[]]>([
    ['defaults', {}, [
      'CloudFormation-Validate::F3002 at TestStack/Network/Resource/FlowLog',
      'CloudFormation-Validate::F3003 at TestStack/Network/Resource/FlowLog',
      'CloudFormation-Validate::W3010 at TestStack',
      'HIPAA.Security-VPCNoUnrestrictedRouteToIGW at TestStack/Network/Resource/PublicSubnet1',
      'HIPAA.Security-VPCNoUnrestrictedRouteToIGW at TestStack/Network/Resource/PublicSubnet2',
      'HIPAA.Security-VPCNoUnrestrictedRouteToIGW at TestStack/Network/Resource/PublicSubnet3',
      'NIST.800.53.R5-VPCNoUnrestrictedRouteToIGW at TestStack/Network/Resource/PublicSubnet1',
      'NIST.800.53.R5-VPCNoUnrestrictedRouteToIGW at TestStack/Network/Resource/PublicSubnet2',
      'NIST.800.53.R5-VPCNoUnrestrictedRouteToIGW at TestStack/Network/Resource/PublicSubnet3',
      'PCI.DSS.321-VPCNoUnrestrictedRouteToIGW at TestStack/Network/Resource/PublicSubnet1',
      'PCI.DSS.321-VPCNoUnrestrictedRouteToIGW at TestStack/Network/Resource/PublicSubnet2',
      'PCI.DSS.321-VPCNoUnrestrictedRouteToIGW at TestStack/Network/Resource/PublicSubnet3',
    ]],
    ['a regional NAT gateway', { natGatewayProvider: ec2.NatProvider.regionalGateway() }, [
      'CloudFormation-Validate::F3002 at TestStack/Network/Resource/FlowLog',
      'CloudFormation-Validate::F3003 at TestStack/Network/Resource/FlowLog',
      'CloudFormation-Validate::W3010 at TestStack',
      'HIPAA.Security-VPCNoUnrestrictedRouteToIGW at TestStack/Network/Resource/PublicSubnet1',
      'HIPAA.Security-VPCNoUnrestrictedRouteToIGW at TestStack/Network/Resource/PublicSubnet2',
      'HIPAA.Security-VPCNoUnrestrictedRouteToIGW at TestStack/Network/Resource/PublicSubnet3',
      'NIST.800.53.R5-VPCNoUnrestrictedRouteToIGW at TestStack/Network/Resource/PublicSubnet1',
      'NIST.800.53.R5-VPCNoUnrestrictedRouteToIGW at TestStack/Network/Resource/PublicSubnet2',
      'NIST.800.53.R5-VPCNoUnrestrictedRouteToIGW at TestStack/Network/Resource/PublicSubnet3',
      'PCI.DSS.321-VPCNoUnrestrictedRouteToIGW at TestStack/Network/Resource/PublicSubnet1',
      'PCI.DSS.321-VPCNoUnrestrictedRouteToIGW at TestStack/Network/Resource/PublicSubnet2',
      'PCI.DSS.321-VPCNoUnrestrictedRouteToIGW at TestStack/Network/Resource/PublicSubnet3',
    ]],
    ['isolated private subnets over 2 AZs', { natGateways: 0, maxAzs: 2 }, [
      'CloudFormation-Validate::F3002 at TestStack/Network/Resource/FlowLog',
      'CloudFormation-Validate::F3003 at TestStack/Network/Resource/FlowLog',
      'CloudFormation-Validate::W3010 at TestStack',
      'HIPAA.Security-VPCNoUnrestrictedRouteToIGW at TestStack/Network/Resource/PublicSubnet1',
      'HIPAA.Security-VPCNoUnrestrictedRouteToIGW at TestStack/Network/Resource/PublicSubnet2',
      'NIST.800.53.R5-VPCNoUnrestrictedRouteToIGW at TestStack/Network/Resource/PublicSubnet1',
      'NIST.800.53.R5-VPCNoUnrestrictedRouteToIGW at TestStack/Network/Resource/PublicSubnet2',
      'PCI.DSS.321-VPCNoUnrestrictedRouteToIGW at TestStack/Network/Resource/PublicSubnet1',
      'PCI.DSS.321-VPCNoUnrestrictedRouteToIGW at TestStack/Network/Resource/PublicSubnet2',
    ]],
  ])('%s', (_name, props, expected) => {
    const stack = testStack();
    new PrivateSubnetVpc(stack, 'Network', props);
    expect(acknowledgedRules(stack)).toEqual(expected);
  });
});
