import { RemovalPolicy, Validations, aws_ec2 as ec2, aws_sns as sns, aws_kms as kms } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { OpenVpnAccessServer, OpenVpnAccessServerProps, OpenVpnEdition, OpenVpnProtocol, OpenVpnRoutingMode, PrivateSubnetVpc } from '../../src';
import { acknowledgedRules, acknowledgements, complianceFindings, testStack } from '../util';

type Stack = ReturnType<typeof testStack>;

/** The network's own user choice (see the PrivateSubnetVpc nag test): not this pattern's concern. */
function acknowledgeNetwork(network: PrivateSubnetVpc): void {
  Validations.of(network.flowLogGroup).acknowledge(...['NIST.800.53.R5', 'HIPAA.Security', 'PCI.DSS.321'].map((pack) => ({
    id: `${pack}-CloudWatchLogGroupEncrypted`,
    reason: 'CloudWatch Logs encrypts every log group at rest; a customer managed key is a choice of the network, tested with PrivateSubnetVpc.',
  })));
}

/** Without a notification topic, AwsSolutions asks for one: the user's choice, acknowledged here as a user would. */
const NO_TOPIC = {
  id: 'AwsSolutions-AS3',
  reason: 'This deployment watches the server through the CloudFormation signal and EC2 health checks; replacement notifications are not wanted.',
};

const variants: Array<[string, (stack: Stack) => Partial<OpenVpnAccessServerProps>]> = [
  ['defaults', () => ({})],
  ['a trial that cdk destroy removes', () => ({ removalPolicy: RemovalPolicy.DESTROY })],
  ['TCP 443 from an office, routing mode, DNS forwarders', () => ({
    protocol: OpenVpnProtocol.TCP, port: 443, allowedCidrs: ['203.0.113.0/24'], routingMode: OpenVpnRoutingMode.ROUTED, dnsServers: ['10.0.0.53'],
  })],
  ['x86 instance, own key', (stack) => ({ instanceType: new ec2.InstanceType('t3.small'), encryptionKey: new kms.Key(stack, 'Key', { enableKeyRotation: true }) })],
  ['Access Server from its Marketplace image', () => ({ edition: OpenVpnEdition.ACCESS_SERVER, machineImage: ec2.MachineImage.genericLinux({ 'us-east-1': 'ami-0123456789abcdef0' }) })],
  ['Access Server on TCP 443 in routing mode', () => ({
    edition: OpenVpnEdition.ACCESS_SERVER,
    machineImage: ec2.MachineImage.genericLinux({ 'us-east-1': 'ami-0123456789abcdef0' }),
    protocol: OpenVpnProtocol.TCP,
    port: 443,
    routingMode: OpenVpnRoutingMode.ROUTED,
  })],
];

describe('OpenVpnAccessServer under AwsSolutions, NIST 800-53 rev 5, HIPAA, PCI DSS and GuardedPatterns', () => {
  test.each(variants)('%s: no unacknowledged findings', (_name, props) => {
    const stack = testStack();
    const network = new PrivateSubnetVpc(stack, 'Network');
    acknowledgeNetwork(network);
    const vpn = new OpenVpnAccessServer(stack, 'Vpn', { vpc: network.vpc, ...props(stack) });
    Validations.of(vpn.autoScalingGroup).acknowledge(NO_TOPIC);
    expect(complianceFindings(stack)).toEqual([]);
  });

  test('with a notification topic, AwsSolutions-AS3 needs no acknowledgement', () => {
    const stack = testStack();
    const network = new PrivateSubnetVpc(stack, 'Network');
    acknowledgeNetwork(network);
    const topic = new sns.Topic(stack, 'Topic', { enforceSSL: true, masterKey: new kms.Key(stack, 'TopicKey', { enableKeyRotation: true }) });
    new OpenVpnAccessServer(stack, 'Vpn', { vpc: network.vpc, notificationTopic: topic });
    expect(complianceFindings(stack)).toEqual([]);
  });

  test('without the acknowledgement, the defaults report only the missing notification topic', () => {
    const stack = testStack();
    const network = new PrivateSubnetVpc(stack, 'Network');
    acknowledgeNetwork(network);
    new OpenVpnAccessServer(stack, 'Vpn', { vpc: network.vpc });
    expect(complianceFindings(stack)).toEqual(['AwsSolutions-AS3 at TestStack/Vpn/AutoScalingGroup/ASG']);
  });

  test('the pattern acknowledges only what its design implies, each with a reason', () => {
    const stack = testStack();
    const network = new PrivateSubnetVpc(stack, 'Network');
    new OpenVpnAccessServer(stack, 'Vpn', { vpc: network.vpc, allowedCidrs: ['203.0.113.0/24'] });
    const acks = acknowledgements(stack).filter((a) => a.path.startsWith('TestStack/Vpn'));
    expect(acks.map((a) => a.id).sort()).toEqual([
      'AwsSolutions-IAM5[Resource::*]',
      'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ec2:us-east-1:111111111111:instance/*]',
      'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ec2:us-east-1:111111111111:network-interface/*]',
      'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:secretsmanager:us-east-1:111111111111:secret:openvpn/TestStack-Vpn-A3454426/*]',
      'AwsSolutions-SMG4',
      'HIPAA.Security-SecretsManagerRotationEnabled',
      'NIST.800.53.R5-SecretsManagerRotationEnabled',
      'PCI.DSS.321-SecretsManagerRotationEnabled',
    ]);
    for (const ack of acks) {
      expect(ack.reason.length).toBeGreaterThan(60);
    }
    expect(acks.find((a) => a.id === 'AwsSolutions-IAM5[Resource::*]')!.reason).toContain('take no resource type');
  });

  test('no AWS managed policy, so no AwsSolutions-IAM4 finding to acknowledge', () => {
    const stack = testStack();
    const network = new PrivateSubnetVpc(stack, 'Network');
    acknowledgeNetwork(network);
    new OpenVpnAccessServer(stack, 'Vpn', { vpc: network.vpc });
    const packFindings = new AwsSolutionsChecks().validateScope(stack).violations.map((v) => v.ruleName);
    expect(packFindings.filter((r) => r.startsWith('AwsSolutions-IAM4'))).toEqual([]);
    expect(acknowledgements(stack).filter((a) => a.id.startsWith('AwsSolutions-IAM4'))).toEqual([]);
  });

  test('Access Server: the admin password\'s rotation findings are acknowledged on that secret alone, with the reason', () => {
    const stack = testStack();
    const network = new PrivateSubnetVpc(stack, 'Network');
    new OpenVpnAccessServer(stack, 'Vpn', {
      vpc: network.vpc, edition: OpenVpnEdition.ACCESS_SERVER, machineImage: ec2.MachineImage.genericLinux({ 'us-east-1': 'ami-0123456789abcdef0' }),
    });
    const acks = acknowledgements(stack).filter((a) => a.path === 'TestStack/Vpn/AdminPassword');
    expect(acks.map((a) => a.id).sort()).toEqual([
      'AwsSolutions-SMG4',
      'HIPAA.Security-SecretsManagerRotationEnabled',
      'NIST.800.53.R5-SecretsManagerRotationEnabled',
      'PCI.DSS.321-SecretsManagerRotationEnabled',
    ]);
    expect(acks[0].reason).toContain('each boot sets it from this secret');
  });

  test('the tunnel port open to the world is acknowledged only when allowedCidrs says so', () => {
    const stack = testStack();
    const network = new PrivateSubnetVpc(stack, 'Network');
    new OpenVpnAccessServer(stack, 'Vpn', { vpc: network.vpc });
    expect(acknowledgements(stack).filter((a) => a.id === 'AwsSolutions-EC23').map((a) => a.path)).toEqual(['TestStack/Vpn/SecurityGroup']);
  });
});

/**
 * The exact rules the pattern acknowledges on its own, where the test acknowledges nothing: a new
 * acknowledgement inside the pattern fails here until someone has read its reason. aws-cdk-lib's
 * own acknowledgements of its CloudFormation validation findings (`CloudFormation-Validate::...`)
 * come with the resources the pattern creates, and are listed too.
 */
describe('OpenVpnAccessServer acknowledges exactly', () => {
  const image = ec2.MachineImage.genericLinux({ 'us-east-1': 'ami-0123456789abcdef0' });
  test.each<[string, Omit<OpenVpnAccessServerProps, 'vpc'>, string[]]>([
    ['defaults', {}, [
      'AwsSolutions-EC23 at TestStack/Vpn/SecurityGroup',
      'AwsSolutions-IAM5[Resource::*] at TestStack/Vpn',
      'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ec2:us-east-1:111111111111:instance/*] at TestStack/Vpn',
      'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ec2:us-east-1:111111111111:network-interface/*] at TestStack/Vpn',
      'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:secretsmanager:us-east-1:111111111111:secret:openvpn/TestStack-Vpn-A3454426/*] at TestStack/Vpn',
      'AwsSolutions-SMG4 at TestStack/Vpn/Pki',
      'CloudFormation-Validate::W3010 at TestStack',
      'HIPAA.Security-SecretsManagerRotationEnabled at TestStack/Vpn/Pki',
      'NIST.800.53.R5-SecretsManagerRotationEnabled at TestStack/Vpn/Pki',
      'PCI.DSS.321-SecretsManagerRotationEnabled at TestStack/Vpn/Pki',
    ]],
    ['allowed networks, routed mode', { allowedCidrs: ['203.0.113.0/24'], routingMode: OpenVpnRoutingMode.ROUTED }, [
      'AwsSolutions-IAM5[Resource::*] at TestStack/Vpn',
      'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ec2:us-east-1:111111111111:instance/*] at TestStack/Vpn',
      'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ec2:us-east-1:111111111111:network-interface/*] at TestStack/Vpn',
      'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:secretsmanager:us-east-1:111111111111:secret:openvpn/TestStack-Vpn-A3454426/*] at TestStack/Vpn',
      'AwsSolutions-SMG4 at TestStack/Vpn/Pki',
      'CloudFormation-Validate::W3010 at TestStack',
      'HIPAA.Security-SecretsManagerRotationEnabled at TestStack/Vpn/Pki',
      'NIST.800.53.R5-SecretsManagerRotationEnabled at TestStack/Vpn/Pki',
      'PCI.DSS.321-SecretsManagerRotationEnabled at TestStack/Vpn/Pki',
    ]],
    ['Access Server', { edition: OpenVpnEdition.ACCESS_SERVER, machineImage: image }, [
      'AwsSolutions-EC23 at TestStack/Vpn/SecurityGroup',
      'AwsSolutions-IAM5[Resource::*] at TestStack/Vpn',
      'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ec2:us-east-1:111111111111:instance/*] at TestStack/Vpn',
      'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ec2:us-east-1:111111111111:network-interface/*] at TestStack/Vpn',
      'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:secretsmanager:us-east-1:111111111111:secret:openvpn/TestStack-Vpn-A3454426/*] at TestStack/Vpn',
      'AwsSolutions-SMG4 at TestStack/Vpn/AdminPassword',
      'AwsSolutions-SMG4 at TestStack/Vpn/Pki',
      'CloudFormation-Validate::W3010 at TestStack',
      'HIPAA.Security-SecretsManagerRotationEnabled at TestStack/Vpn/AdminPassword',
      'HIPAA.Security-SecretsManagerRotationEnabled at TestStack/Vpn/Pki',
      'NIST.800.53.R5-SecretsManagerRotationEnabled at TestStack/Vpn/AdminPassword',
      'NIST.800.53.R5-SecretsManagerRotationEnabled at TestStack/Vpn/Pki',
      'PCI.DSS.321-SecretsManagerRotationEnabled at TestStack/Vpn/AdminPassword',
      'PCI.DSS.321-SecretsManagerRotationEnabled at TestStack/Vpn/Pki',
    ]],
  ])('%s', (_name, props, expected) => {
    const stack = testStack();
    const network = new PrivateSubnetVpc(stack, 'Network');
    new OpenVpnAccessServer(stack, 'Vpn', { vpc: network.vpc, ...props });
    expect(acknowledgedRules(stack).filter((rule) => !rule.includes(' at TestStack/Network/'))).toEqual(expected);
  });
});
