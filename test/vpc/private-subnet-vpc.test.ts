import { App, CfnParameter, Stack, Validations, aws_ec2 as ec2, aws_kms as kms, aws_logs as logs } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { PrivateSubnetVpc, SubnetSize } from '../../src';
import { testApp, testStack } from '../util';

function synth(props: ConstructorParameters<typeof PrivateSubnetVpc>[2] = {}, stack: Stack = testStack()) {
  const network = new PrivateSubnetVpc(stack, 'Network', props);
  return { network, stack, template: Template.fromStack(stack) };
}

/** The private subnets' default routes, as `subnet AZ -> NAT gateway AZ`. */
function natRoutes(template: Template): string[] {
  const resources = template.toJSON().Resources as Record<string, any>;
  const azOfSubnet = (logicalId: string) => resources[logicalId].Properties.AvailabilityZone;
  const result: string[] = [];
  for (const route of Object.values(resources).filter((r) => r.Type === 'AWS::EC2::Route' && r.Properties.NatGatewayId)) {
    const table = route.Properties.RouteTableId.Ref;
    const association = Object.values(resources).find((r) => r.Type === 'AWS::EC2::SubnetRouteTableAssociation' && r.Properties.RouteTableId.Ref === table);
    const nat = resources[route.Properties.NatGatewayId.Ref];
    result.push(`${azOfSubnet(association.Properties.SubnetId.Ref)} -> ${azOfSubnet(nat.Properties.SubnetId.Ref)}`);
  }
  return result.sort();
}

describe('PrivateSubnetVpc', () => {
  describe('with defaults', () => {
    const { template, stack } = synth();

    test('spans 3 AZs with a /16, private /19 and public /21 subnets', () => {
      template.hasResourceProperties('AWS::EC2::VPC', { CidrBlock: '10.0.0.0/16', EnableDnsHostnames: true, EnableDnsSupport: true });
      const subnets = template.findResources('AWS::EC2::Subnet');
      const blocks = Object.values(subnets).map((s: any) => `${s.Properties.AvailabilityZone} ${s.Properties.CidrBlock} ${s.Properties.MapPublicIpOnLaunch}`).sort();
      expect(blocks).toEqual([
        'us-east-1a 10.0.0.0/19 false',
        'us-east-1a 10.0.96.0/21 false',
        'us-east-1b 10.0.104.0/21 false',
        'us-east-1b 10.0.32.0/19 false',
        'us-east-1c 10.0.112.0/21 false',
        'us-east-1c 10.0.64.0/19 false',
      ]);
    });

    test('routes each private subnet to the NAT gateway in its own AZ', () => {
      template.resourceCountIs('AWS::EC2::NatGateway', 3);
      expect(natRoutes(template)).toEqual(['us-east-1a -> us-east-1a', 'us-east-1b -> us-east-1b', 'us-east-1c -> us-east-1c']);
    });

    test('logs all traffic to a log group kept for a year, through a role without inline policies', () => {
      template.hasResourceProperties('AWS::EC2::FlowLog', {
        ResourceType: 'VPC',
        TrafficType: 'ALL',
        LogDestinationType: 'cloud-watch-logs',
        DeliverLogsPermissionArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^NetworkFlowLogRole'), 'Arn'] },
      });
      template.hasResource('AWS::Logs::LogGroup', { Properties: { RetentionInDays: 365 }, DeletionPolicy: 'Retain' });
      template.hasResourceProperties('AWS::IAM::Role', {
        AssumeRolePolicyDocument: Match.objectLike({
          Statement: [Match.objectLike({
            Principal: { Service: 'vpc-flow-logs.amazonaws.com' },
            Condition: { StringEquals: { 'aws:SourceAccount': '111111111111' } },
          })],
        }),
      });
      template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
        PolicyDocument: { Statement: [Match.objectLike({ Action: ['logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'] })] },
      });
      template.resourceCountIs('AWS::IAM::Policy', 0);
    });

    test('closes the default security group and adds S3 and DynamoDB gateway endpoints', () => {
      template.resourceCountIs('Custom::VpcRestrictDefaultSG', 1);
      template.hasResourceProperties('AWS::EC2::VPCEndpoint', { VpcEndpointType: 'Gateway', ServiceName: { 'Fn::Join': ['', ['com.amazonaws.', { Ref: 'AWS::Region' }, '.s3']] } });
      template.hasResourceProperties('AWS::EC2::VPCEndpoint', { VpcEndpointType: 'Gateway', ServiceName: { 'Fn::Join': ['', ['com.amazonaws.', { Ref: 'AWS::Region' }, '.dynamodb']] } });
    });

    test('reports nothing', () => {
      expect(Annotations.fromStack(stack).findWarning('*', Match.anyValue())).toEqual([]);
      expect(Annotations.fromStack(stack).findError('*', Match.anyValue())).toEqual([]);
    });
  });

  describe('NAT choices', () => {
    test('fewer zonal NAT gateways than AZs warn, naming the AZs that cross and the cost', () => {
      const { template, stack } = synth({ natGateways: 1 });
      template.resourceCountIs('AWS::EC2::NatGateway', 1);
      expect(natRoutes(template)).toEqual(['us-east-1a -> us-east-1a', 'us-east-1b -> us-east-1a', 'us-east-1c -> us-east-1a']);
      Annotations.fromStack(stack).hasWarning('/TestStack/Network/Resource/Resource', Match.stringLikeRegexp(
        'us-east-1b through us-east-1a; us-east-1c through us-east-1a.*\\$65\\.70/month more \\(2 × \\$0\\.045/hour.*GuardedPatterns-VpcNatCrossAz'));
    });

    test('the warning can be acknowledged by ID on the pattern', () => {
      const stack = testStack();
      const network = new PrivateSubnetVpc(stack, 'Network', { natGateways: 2 });
      Validations.of(network).acknowledge({ id: 'GuardedPatterns-VpcNatCrossAz', reason: 'Development: two NAT gateways are enough' });
      expect(Annotations.fromStack(stack).findWarning('*', Match.anyValue())).toEqual([]);
    });

    test('a regional NAT gateway serves every AZ and warns about nothing', () => {
      const { template, stack } = synth({ natGatewayProvider: ec2.NatProvider.regionalGateway() });
      template.resourceCountIs('AWS::EC2::NatGateway', 1);
      template.hasResourceProperties('AWS::EC2::NatGateway', { AvailabilityMode: 'regional' });
      expect(Annotations.fromStack(stack).findWarning('*', Match.anyValue())).toEqual([]);
    });

    const natInstances = (associatePublicIpAddress?: boolean) => ec2.NatProvider.instanceV2({
      instanceType: new ec2.InstanceType('t4g.nano'),
      defaultAllowedTraffic: ec2.NatTrafficDirection.OUTBOUND_ONLY,
      machineImage: ec2.MachineImage.latestAmazonLinux2023({ cpuType: ec2.AmazonLinuxCpuType.ARM_64 }),
      associatePublicIpAddress,
    });

    test('NAT instances warn that they suit development only', () => {
      const { stack } = synth({ natGatewayProvider: natInstances(true) });
      Annotations.fromStack(stack).hasWarning('/TestStack/Network/Resource/Resource', Match.stringLikeRegexp('NAT instance.*GuardedPatterns-VpcNatInstance'));
      Template.fromStack(stack).hasResourceProperties('AWS::EC2::SecurityGroup', {
        SecurityGroupIngress: [{ CidrIp: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Network'), 'CidrBlock'] }, IpProtocol: '-1', Description: 'Traffic to forward from the VPC' }],
      });
    });

    test('NAT instances with associatePublicIpAddress get a public address on their primary interface', () => {
      const { template } = synth({ natGatewayProvider: natInstances(true) });
      template.resourceCountIs('AWS::EC2::Instance', 3);
      for (const instance of Object.values(template.findResources('AWS::EC2::Instance')) as any[]) {
        expect(instance.Properties.NetworkInterfaces).toEqual([expect.objectContaining({ DeviceIndex: '0', AssociatePublicIpAddress: true })]);
      }
    });

    test('fails when NAT instances have no public address: the public subnets map none (GuardedPatterns-VpcNatInstanceNoPublicIp)', () => {
      expect(() => synth({ natGatewayProvider: natInstances() }, testStack(testApp(), 'NoPublicIp'))).toThrow(new RegExp(
        "VPC 'NoPublicIp/Network/Resource': private subnets route 0\\.0\\.0\\.0/0 to instance 'NoPublicIp/Network/Resource/PublicSubnet1/NatInstance', which has no public IPv4 address: "
        + "its subnet 'NoPublicIp/Network/Resource/PublicSubnet1/Subnet' does not map public addresses \\(MapPublicIpOnLaunch\\).*"
        + 'associatePublicIpAddress: true.*\\(GuardedPatterns-VpcNatInstanceNoPublicIp\\)'));
    });

    test('an Elastic IP on each NAT instance is a public address too', () => {
      const stack = testStack();
      const network = new PrivateSubnetVpc(stack, 'Network', { natGatewayProvider: natInstances() });
      network.vpc.publicSubnets.forEach((subnet, i) => {
        const instance = subnet.node.findChild('NatInstance') as ec2.Instance;
        new ec2.CfnEIP(stack, `NatAddress${i + 1}`, { instanceId: instance.instanceId });
      });
      expect(() => Template.fromStack(stack)).not.toThrow();
    });

    test('natGateways 0 makes the private subnets isolated', () => {
      const { template } = synth({ natGateways: 0 });
      template.resourceCountIs('AWS::EC2::NatGateway', 0);
      template.resourceCountIs('AWS::EC2::Route', 3);
    });

    test('fails when natGateways is more than the number of AZs', () => {
      expect(() => synth({ natGateways: 4 })).toThrow(
        "PrivateSubnetVpc 'TestStack/Network': natGateways (4) is more than the number of availability zones (3); use at most 3.");
    });

    test('fails with every wrong prop in one error: natGateways above the AZs, and subnets that do not fit', () => {
      expect(() => synth({ natGateways: 4, cidr: '10.0.0.0/24', privateSubnetSize: SubnetSize.cidrMask(24) })).toThrow(new RegExp([
        '^2 props are wrong:',
        "- PrivateSubnetVpc 'TestStack/Network': natGateways \\(4\\) is more than the number of availability zones \\(3\\)",
        "- PrivateSubnetVpc 'TestStack/Network': .*privateSubnetSize",
      ].join('.*\\n')));
    });

    test('fails when natGateways is given with a regional NAT gateway', () => {
      expect(() => synth({ natGateways: 2, natGatewayProvider: ec2.NatProvider.regionalGateway() })).toThrow(/natGateways \(2\) does not apply to a regional NAT gateway/);
    });

    test('fails when natGateways is negative or fractional', () => {
      expect(() => synth({ natGateways: -1 })).toThrow(/natGateways \(-1\) must be a whole number from 0 to 3/);
      expect(() => synth({ natGateways: 1.5 })).toThrow(/natGateways \(1.5\) must be a whole number from 0 to 3/);
    });
  });

  describe('sizing', () => {
    test('two AZs get /18 private and /20 public subnets', () => {
      const { template } = synth({ maxAzs: 2 });
      const masks = Object.values(template.findResources('AWS::EC2::Subnet')).map((s: any) => s.Properties.CidrBlock.split('/')[1]).sort();
      expect(masks).toEqual(['18', '18', '20', '20']);
    });

    test('sizes private subnets by host count', () => {
      const { template, network } = synth({ cidr: '10.1.0.0/20', privateSubnetSize: SubnetSize.hosts(1000), publicSubnetSize: SubnetSize.cidrMask(26) });
      expect(network.privateSubnetMask).toBe(22);
      template.hasResourceProperties('AWS::EC2::Subnet', { CidrBlock: '10.1.0.0/22' });
      template.hasResourceProperties('AWS::EC2::Subnet', { CidrBlock: '10.1.12.0/26' });
    });

    test('a small VPC gets the largest subnets that fit, never smaller than /28', () => {
      const { template } = synth({ cidr: '192.168.0.0/24' });
      const blocks = Object.values(template.findResources('AWS::EC2::Subnet')).map((s: any) => s.Properties.CidrBlock).sort();
      expect(blocks).toEqual(['192.168.0.0/27', '192.168.0.112/28', '192.168.0.128/28', '192.168.0.32/27', '192.168.0.64/27', '192.168.0.96/28']);
    });

    test('fails when the CIDR is larger than a /16', () => {
      expect(() => synth({ cidr: '10.0.0.0/8' })).toThrow(
        "PrivateSubnetVpc 'TestStack/Network': cidr 10.0.0.0/8 is a /8; AWS accepts /16 (65,536 addresses) to /28 (16 addresses). Use a block of that size. (GuardedPatterns-VpcCidrSize)");
    });

    test('fails when the CIDR is not a CIDR', () => {
      expect(() => synth({ cidr: '10.0.0.1/16' })).toThrow(/cidr '10.0.0.1\/16' is not an IPv4 CIDR block with its host bits clear/);
    });

    test('fails when the subnets do not fit, naming the largest size that does', () => {
      expect(() => synth({ cidr: '10.0.0.0/22', privateSubnetSize: SubnetSize.cidrMask(23) })).toThrow(
        "PrivateSubnetVpc 'TestStack/Network': 3 private /23 and 3 public /25 subnets do not fit in 10.0.0.0/22. The largest privateSubnetSize that fits is /25 (123 hosts): use SubnetSize.cidrMask(25), a larger cidr, or fewer AZs (maxAzs). (GuardedPatterns-VpcCidrSize)");
    });

    test('fails when nothing fits', () => {
      expect(() => synth({ cidr: '10.0.0.0/28' })).toThrow(/whatever their size\. Use a larger cidr \(a \/25 holds 6 subnets of \/28\)/);
    });

    test('fails on a bad SubnetSize', () => {
      expect(() => SubnetSize.cidrMask(29)).toThrow('SubnetSize.cidrMask: mask (29) must be a whole number from 16 to 28; AWS accepts subnets from /16 to /28.');
      expect(() => SubnetSize.hosts(0)).toThrow(/SubnetSize.hosts: count \(0\) must be a whole number from 1 to 65531/);
    });
  });

  describe('environment-agnostic stacks', () => {
    test('warn when asked for more than 2 AZs', () => {
      const stack = testStack(testApp(), 'Agnostic', { envAgnostic: true });
      const { template } = synth({}, stack);
      template.resourceCountIs('AWS::EC2::NatGateway', 2);
      Annotations.fromStack(stack).hasWarning('/Agnostic/Network', Match.stringLikeRegexp('maxAzs is 3, but the stack is environment-agnostic.*only 2 are used'));
    });

    test('do not warn with maxAzs 2', () => {
      const stack = testStack(testApp(), 'Agnostic', { envAgnostic: true });
      synth({ maxAzs: 2 }, stack);
      expect(Annotations.fromStack(stack).findWarning('*', Match.anyValue())).toEqual([]);
    });
  });

  describe('flow logs', () => {
    test('take a retention, traffic type and KMS key', () => {
      const stack = testStack();
      const key = new kms.Key(stack, 'Key');
      const { template } = synth({
        flowLogRetention: logs.RetentionDays.ONE_MONTH,
        flowLogTrafficType: ec2.FlowLogTrafficType.REJECT,
        flowLogEncryptionKey: key,
      }, stack);
      template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 30, KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Key'), 'Arn'] } });
      template.hasResourceProperties('AWS::EC2::FlowLog', { TrafficType: 'REJECT' });
    });

    test('an imported flowLogEncryptionKey warns that its policy must be changed by hand (GuardedPatterns-VpcFlowLogKeyPolicy), acknowledgeable', () => {
      const build = (acknowledge: boolean) => {
        const stack = testStack();
        const key = kms.Key.fromKeyArn(stack, 'Key', 'arn:aws:kms:us-east-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab');
        const network = new PrivateSubnetVpc(stack, 'Network', { flowLogEncryptionKey: key });
        if (acknowledge) {
          Validations.of(network).acknowledge({ id: 'GuardedPatterns-VpcFlowLogKeyPolicy', reason: 'The key policy allows CloudWatch Logs' });
        }
        return Annotations.fromStack(stack).findWarning('/TestStack/Network', Match.stringLikeRegexp('VpcFlowLogKeyPolicy'));
      };
      const warnings = build(false);
      expect(warnings).toHaveLength(1);
      expect(String(warnings[0].entry.data)).toMatch(/^PrivateSubnetVpc 'TestStack\/Network': flowLogEncryptionKey is imported, so its key policy cannot be changed here\. Let the service principal logs\.us-east-1\.amazonaws\.com use it/);
      expect(build(true)).toEqual([]);
    });

    test('a flowLogEncryptionKey of the app lets CloudWatch Logs use it, with no VpcFlowLogKeyPolicy warning', () => {
      const stack = testStack();
      const { template } = synth({ flowLogEncryptionKey: new kms.Key(stack, 'Key', { enableKeyRotation: true }) }, stack);
      expect(Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('VpcFlowLogKeyPolicy'))).toEqual([]);
      template.hasResourceProperties('AWS::KMS::Key', {
        KeyPolicy: {
          Statement: Match.arrayWith([Match.objectLike({
            Principal: { Service: 'logs.us-east-1.amazonaws.com' },
            Condition: { ArnLike: { 'kms:EncryptionContext:aws:logs:arn': { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':logs:us-east-1:111111111111:log-group:*']] } } },
          })]),
        },
      });
    });

    test('fails synth when the flow log is removed', () => {
      const app = new App({ context: { ['availability-zones:account=111111111111:region=us-east-1']: ['us-east-1a', 'us-east-1b', 'us-east-1c'] } });
      const stack = testStack(app);
      const network = new PrivateSubnetVpc(stack, 'Network');
      (network.vpc as ec2.Vpc).node.tryRemoveChild('FlowLog');
      expect(() => app.synth()).toThrow(/VPC 'TestStack\/Network\/Resource' has no flow log.*GuardedPatterns-VpcFlowLogsMissing/);
    });
  });

  test('fails when the CIDR is known only at deploy time, which ec2.Vpc cannot divide', () => {
    const stack = testStack();
    const cidr = new CfnParameter(stack, 'Cidr').valueAsString;
    expect(() => new PrivateSubnetVpc(stack, 'Network', { cidr })).toThrow(/cidr is a value known only at deploy time .*give the block as text, such as '10.0.0.0\/16'/);
  });

  test.each(['maxAzs', 'natGateways'])('fails when %s is known only at deploy time: the template cannot hold a number of subnets or gateways a parameter decides', (prop) => {
    const stack = testStack();
    const count = new CfnParameter(stack, 'Count', { type: 'Number' }).valueAsNumber;
    expect(() => new PrivateSubnetVpc(stack, 'Network', { [prop]: count })).toThrow(
      new RegExp(`^PrivateSubnetVpc 'TestStack/Network': ${prop} is a value known only at deploy time \\(.+\\); the template holds one set of subnets and NAT gateways per AZ, counted at synth time, so give a number\\.$`));
  });
});
