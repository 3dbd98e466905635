import { App, Stack, Validations, aws_ec2 as ec2 } from 'aws-cdk-lib';
import { GuardedPatternsChecks, PrivateSubnetVpc } from '../../src';
import { VpcFlowLogsMissing } from '../../src/checks/ec2/vpc-flow-logs-missing';
import { checkHits, findings, testStack } from '../util';

/** The pack's findings over a stack, as `rule at path`. */
function ruleHits(stack: Stack, rule: string): string[] {
  return findings(new GuardedPatternsChecks(), stack).filter((f) => f.rule === `GuardedPatterns-${rule}`).map((f) => `${f.path}: ${f.message}`);
}

function plainVpc(stack: Stack, id: string, props: ec2.VpcProps = {}): ec2.Vpc {
  const vpc = new ec2.Vpc(stack, id, { maxAzs: 3, ...props });
  return vpc;
}

describe('GuardedPatternsChecks: network checks on plain aws-cdk-lib resources', () => {
  test('a plain ec2.Vpc with one NAT gateway for three AZs: VpcNatCrossAz names the AZs and the cost', () => {
    const stack = testStack();
    plainVpc(stack, 'Vpc', { natGateways: 1 });
    expect(ruleHits(stack, 'VpcNatCrossAz')).toEqual([
      "TestStack/Vpc/Resource: VPC 'TestStack/Vpc': private subnets reach the internet through a NAT gateway in another AZ "
      + '(us-east-1b through us-east-1a; us-east-1c through us-east-1a). If that AZ fails they lose egress, and their traffic pays inter-AZ data transfer. '
      + 'One NAT gateway per AZ costs $65.70/month more (2 × $0.045/hour, us-east-1): set natGateways to the AZ count, use NatProvider.regionalGateway(), or acknowledge this check if the saving is deliberate.',
    ]);
  });

  test('a plain ec2.Vpc with a NAT gateway per AZ passes VpcNatCrossAz', () => {
    const stack = testStack();
    plainVpc(stack, 'Vpc');
    expect(ruleHits(stack, 'VpcNatCrossAz')).toEqual([]);
  });

  describe('VpcNatInstanceNoPublicIp on a plain ec2.Vpc with NatProvider.instanceV2', () => {
    const natVpc = (stack: Stack, mapPublicIpOnLaunch: boolean | undefined, associatePublicIpAddress: boolean | undefined) => plainVpc(stack, 'Vpc', {
      maxAzs: 2,
      natGatewayProvider: ec2.NatProvider.instanceV2({ instanceType: new ec2.InstanceType('t4g.nano'), associatePublicIpAddress }),
      subnetConfiguration: [
        { name: 'Public', subnetType: ec2.SubnetType.PUBLIC, mapPublicIpOnLaunch },
        { name: 'Private', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      ],
    });

    test('public subnets that map no public address, instances that ask for none: one finding per NAT instance', () => {
      const stack = testStack();
      natVpc(stack, false, undefined);
      expect(ruleHits(stack, 'VpcNatInstanceNoPublicIp')).toEqual([1, 2].map((n) => "TestStack/Vpc/Resource: VPC 'TestStack/Vpc': private subnets route 0.0.0.0/0 to instance "
        + `'TestStack/Vpc/PublicSubnet${n}/NatInstance', which has no public IPv4 address: its subnet 'TestStack/Vpc/PublicSubnet${n}/Subnet' does not map public addresses (MapPublicIpOnLaunch), `
        + 'no network interface asks for one (AssociatePublicIpAddress) and no Elastic IP is associated. Nothing routed to it reaches the internet. '
        + 'Give it one: ec2.NatProvider.instanceV2({ ..., associatePublicIpAddress: true }), or an Elastic IP (ec2.CfnEIP with instanceId); '
        + 'or use NAT gateways (NatProvider.gateway() or NatProvider.regionalGateway()).'));
    });

    test('associatePublicIpAddress: true passes', () => {
      const stack = testStack();
      natVpc(stack, false, true);
      expect(ruleHits(stack, 'VpcNatInstanceNoPublicIp')).toEqual([]);
    });

    test('associatePublicIpAddress: false fails even where the subnet maps public addresses', () => {
      const stack = testStack();
      natVpc(stack, true, false);
      expect(ruleHits(stack, 'VpcNatInstanceNoPublicIp')).toHaveLength(2);
      expect(ruleHits(stack, 'VpcNatInstanceNoPublicIp')[0]).toContain('its network interface sets AssociatePublicIpAddress to false, and no Elastic IP is associated');
    });

    test('public subnets that map public addresses (ec2.Vpc\'s default) pass', () => {
      const stack = testStack();
      natVpc(stack, undefined, undefined);
      expect(ruleHits(stack, 'VpcNatInstanceNoPublicIp')).toEqual([]);
    });

    test('an Elastic IP, by EIP InstanceId or by EIPAssociation, passes', () => {
      const stack = testStack();
      const vpc = natVpc(stack, false, undefined);
      const [first, second] = vpc.publicSubnets.map((subnet) => subnet.node.findChild('NatInstance') as ec2.Instance);
      new ec2.CfnEIP(stack, 'FirstAddress', { instanceId: first.instanceId });
      const address = new ec2.CfnEIP(stack, 'SecondAddress', { domain: 'vpc' });
      new ec2.CfnEIPAssociation(stack, 'SecondAssociation', { allocationId: address.attrAllocationId, instanceId: second.instanceId });
      expect(ruleHits(stack, 'VpcNatInstanceNoPublicIp')).toEqual([]);
    });

    test('a route to the network interface of an instance without a public address is found too', () => {
      const stack = testStack();
      const vpc = new ec2.CfnVPC(stack, 'L1Vpc', { cidrBlock: '10.0.0.0/16' });
      const publicSubnet = new ec2.CfnSubnet(stack, 'PublicSubnet', { vpcId: vpc.ref, cidrBlock: '10.0.0.0/24', availabilityZone: 'us-east-1a' });
      const privateSubnet = new ec2.CfnSubnet(stack, 'PrivateSubnet', { vpcId: vpc.ref, cidrBlock: '10.0.1.0/24', availabilityZone: 'us-east-1a' });
      const eni = new ec2.CfnNetworkInterface(stack, 'NatInterface', { subnetId: publicSubnet.ref, sourceDestCheck: false });
      new ec2.CfnInstance(stack, 'Nat', { imageId: 'ami-12345678', networkInterfaces: [{ deviceIndex: '0', networkInterfaceId: eni.ref }] });
      const table = new ec2.CfnRouteTable(stack, 'Table', { vpcId: vpc.ref });
      new ec2.CfnSubnetRouteTableAssociation(stack, 'Association', { subnetId: privateSubnet.ref, routeTableId: table.ref });
      new ec2.CfnRoute(stack, 'Default', { routeTableId: table.ref, destinationCidrBlock: '0.0.0.0/0', networkInterfaceId: eni.ref });
      // An existing interface: its subnet's setting applied when it was created, which the template does not show.
      expect(ruleHits(stack, 'VpcNatInstanceNoPublicIp')).toEqual([]);
      const other = new ec2.CfnInstance(stack, 'Other', { imageId: 'ami-12345678', subnetId: publicSubnet.ref });
      const otherEni = new ec2.CfnNetworkInterface(stack, 'OtherInterface', { subnetId: publicSubnet.ref });
      new ec2.CfnNetworkInterfaceAttachment(stack, 'Attach', { instanceId: other.ref, networkInterfaceId: otherEni.ref, deviceIndex: '1' });
      const otherTable = new ec2.CfnRouteTable(stack, 'OtherTable', { vpcId: vpc.ref });
      new ec2.CfnSubnetRouteTableAssociation(stack, 'OtherAssociation', { subnetId: new ec2.CfnSubnet(stack, 'Private2', { vpcId: vpc.ref, cidrBlock: '10.0.2.0/24' }).ref, routeTableId: otherTable.ref });
      new ec2.CfnRoute(stack, 'OtherDefault', { routeTableId: otherTable.ref, destinationCidrBlock: '0.0.0.0/0', networkInterfaceId: otherEni.ref });
      expect(ruleHits(stack, 'VpcNatInstanceNoPublicIp')).toEqual([expect.stringMatching(/^TestStack\/L1Vpc: VPC 'TestStack\/L1Vpc': private subnets route 0\.0\.0\.0\/0 to instance 'TestStack\/Other', which has no public IPv4 address: its subnet 'TestStack\/PublicSubnet' does not map/)]);
    });
  });

  test('the finding is acknowledged by ID, with a reason', () => {
    const stack = testStack();
    const vpc = plainVpc(stack, 'Vpc', { natGateways: 1 });
    Validations.of(vpc).acknowledge({ id: 'GuardedPatterns-VpcNatCrossAz', reason: 'Sandbox account' });
    expect(ruleHits(stack, 'VpcNatCrossAz')).toEqual([]);
  });

  test('raw L1 NAT gateways, two in one AZ: VpcNatGatewaysExceedAzs', () => {
    const stack = testStack();
    const vpc = new ec2.CfnVPC(stack, 'Vpc', { cidrBlock: '10.0.0.0/16' });
    const a = new ec2.CfnSubnet(stack, 'A', { vpcId: vpc.ref, cidrBlock: '10.0.0.0/24', availabilityZone: 'us-east-1a' });
    const b = new ec2.CfnSubnet(stack, 'B', { vpcId: vpc.ref, cidrBlock: '10.0.1.0/24', availabilityZone: 'us-east-1b' });
    for (const [id, subnet] of [['Nat1', a], ['Nat2', a], ['Nat3', b]] as const) {
      const eip = new ec2.CfnEIP(stack, `${id}Eip`, { domain: 'vpc' });
      new ec2.CfnNatGateway(stack, id, { subnetId: subnet.ref, allocationId: eip.attrAllocationId });
    }
    expect(ruleHits(stack, 'VpcNatGatewaysExceedAzs')).toEqual([
      "TestStack/Vpc: VPC 'TestStack/Vpc' has 3 zonal NAT gateways in 2 availability zones; keep one per AZ. Each extra gateway costs $32.85/month and adds no redundancy.",
    ]);
  });

  test('one NAT gateway per AZ passes VpcNatGatewaysExceedAzs', () => {
    const stack = testStack();
    plainVpc(stack, 'Vpc');
    expect(ruleHits(stack, 'VpcNatGatewaysExceedAzs')).toEqual([]);
  });

  test('raw L1 blocks out of range, outside the VPC or overlapping: VpcCidrSize', () => {
    const stack = testStack();
    const big = new ec2.CfnVPC(stack, 'Big', { cidrBlock: '10.0.0.0/12' });
    void big;
    const vpc = new ec2.CfnVPC(stack, 'Vpc', { cidrBlock: '10.1.0.0/16' });
    new ec2.CfnSubnet(stack, 'Outside', { vpcId: vpc.ref, cidrBlock: '10.2.0.0/24' });
    new ec2.CfnSubnet(stack, 'First', { vpcId: vpc.ref, cidrBlock: '10.1.0.0/24' });
    new ec2.CfnSubnet(stack, 'Overlapping', { vpcId: vpc.ref, cidrBlock: '10.1.0.128/25' });
    new ec2.CfnSubnet(stack, 'Tiny', { vpcId: vpc.ref, cidrBlock: '10.1.1.0/29' });
    expect(ruleHits(stack, 'VpcCidrSize')).toEqual([
      "TestStack/Big: VPC 'TestStack/Big': 10.0.0.0/12 is a /12; AWS accepts /16 (65,536 addresses) to /28 (16 addresses). Use a block of that size.",
      "TestStack/Vpc: Subnet 'TestStack/Outside': 10.2.0.0/24 is not inside the VPC's 10.1.0.0/16. Choose a block inside it.",
      "TestStack/Vpc: Subnet 'TestStack/Overlapping': 10.1.0.128/25 overlaps subnet 'TestStack/First' (10.1.0.0/24). Give each subnet its own block.",
      "TestStack/Vpc: Subnet 'TestStack/Tiny': 10.1.1.0/29 is a /29; AWS accepts /16 (65,536 addresses) to /28 (16 addresses). Use a block of that size.",
    ]);
  });

  test('a subnet in a secondary CIDR block is inside the VPC', () => {
    const stack = testStack();
    const vpc = new ec2.CfnVPC(stack, 'Vpc', { cidrBlock: '10.1.0.0/16' });
    new ec2.CfnVPCCidrBlock(stack, 'Secondary', { vpcId: vpc.ref, cidrBlock: '100.64.0.0/16' });
    new ec2.CfnSubnet(stack, 'Pods', { vpcId: vpc.ref, cidrBlock: '100.64.0.0/18' });
    expect(ruleHits(stack, 'VpcCidrSize')).toEqual([]);
  });

  test('a plain ec2.Vpc without flow logs: VpcFlowLogsMissing\'s rule finds it; the pack leaves it to AwsSolutions-VPC7', () => {
    const stack = testStack();
    plainVpc(stack, 'Vpc');
    const logged = plainVpc(stack, 'Logged');
    logged.addFlowLog('FlowLog');
    expect(checkHits(stack, VpcFlowLogsMissing).map((hit) => hit.split(':')[0])).toEqual(['TestStack/Vpc/Resource']);
    expect(findings(new GuardedPatternsChecks(), stack).filter((f) => f.rule === 'GuardedPatterns-VpcFlowLogsMissing')).toEqual([]);
  });

  test('peered VPCs with overlapping blocks, across stacks: VpcPeeringCidrOverlap on both', () => {
    const stack = testStack();
    const other = testStack(stack.node.root as App, 'Other');
    const a = plainVpc(stack, 'A', { ipAddresses: ec2.IpAddresses.cidr('10.0.0.0/16'), natGateways: 0 });
    const b = plainVpc(other, 'B', { ipAddresses: ec2.IpAddresses.cidr('10.0.128.0/17'), natGateways: 0 });
    new ec2.CfnVPCPeeringConnection(stack, 'Peering', { vpcId: a.vpcId, peerVpcId: b.vpcId });
    const c = plainVpc(stack, 'C', { ipAddresses: ec2.IpAddresses.cidr('10.9.0.0/16'), natGateways: 0 });
    new ec2.CfnVPCPeeringConnection(stack, 'Fine', { vpcId: a.vpcId, peerVpcId: c.vpcId });
    const hits = findings(new GuardedPatternsChecks(), stack.node.root).filter((f) => f.rule === 'GuardedPatterns-VpcPeeringCidrOverlap');
    expect(hits.map((f) => f.message)).toEqual([
      "VPC 'TestStack/A' (10.0.0.0/16) is peered with VPC 'Other/B' (10.0.128.0/17) by 'TestStack/Peering', and the blocks overlap. Give one of the VPCs a block that does not overlap; AWS refuses the peering otherwise.",
      "VPC 'Other/B' (10.0.128.0/17) is peered with VPC 'TestStack/A' (10.0.0.0/16) by 'TestStack/Peering', and the blocks overlap. Give one of the VPCs a block that does not overlap; AWS refuses the peering otherwise.",
    ]);
  });

  test('NAT instances in a plain ec2.Vpc: VpcNatInstance', () => {
    const stack = testStack();
    plainVpc(stack, 'Vpc', {
      natGatewayProvider: ec2.NatProvider.instanceV2({
        instanceType: new ec2.InstanceType('t4g.nano'),
        machineImage: ec2.MachineImage.latestAmazonLinux2023({ cpuType: ec2.AmazonLinuxCpuType.ARM_64 }),
      }),
    });
    expect(ruleHits(stack, 'VpcNatInstance')).toHaveLength(1);
    expect(ruleHits(stack, 'VpcNatInstance')[0]).toMatch(/3 route table\(s\) send private egress through a NAT instance/);
  });

  test('PrivateSubnetVpc with defaults passes every check of the pack', () => {
    const stack = testStack();
    new PrivateSubnetVpc(stack, 'Network');
    expect(findings(new GuardedPatternsChecks(), stack)).toEqual([]);
  });

  test('the pack embedded in the pattern fails synth on overlapping peers', () => {
    const stack = testStack();
    const a = new PrivateSubnetVpc(stack, 'A', { natGateways: 0 });
    const b = new PrivateSubnetVpc(stack, 'B', { cidr: '10.0.0.0/20', natGateways: 0 });
    new ec2.CfnVPCPeeringConnection(stack, 'Peering', { vpcId: a.vpc.vpcId, peerVpcId: b.vpc.vpcId });
    expect(() => (stack.node.root as App).synth())
      .toThrow(/VPC 'TestStack\/A\/Resource' \(10\.0\.0\.0\/16\) is peered with VPC 'TestStack\/B\/Resource' \(10\.0\.0\.0\/20\).*GuardedPatterns-VpcPeeringCidrOverlap/);
  });
});
