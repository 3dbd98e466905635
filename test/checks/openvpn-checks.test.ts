import { App, Fn, Size, Stack, aws_autoscaling as autoscaling, aws_ec2 as ec2 } from 'aws-cdk-lib';
import { GuardedPatternsChecks, OpenVpnAccessServer, OpenVpnRoutingMode, PrivateSubnetVpc } from '../../src';
import { secretsIn } from '../../src/checks/ec2/ec2-user-data-secrets';
import { serverScript } from '../../src/openvpn/server-script';
import { findings, testStack } from '../util';

/** The pack's findings of one rule over a stack, as `path: message`. */
function ruleHits(stack: Stack, rule: string): string[] {
  return findings(new GuardedPatternsChecks(), stack).filter((f) => f.rule === `GuardedPatterns-${rule}`).map((f) => `${f.path}: ${f.message}`);
}

const image = ec2.MachineImage.genericLinux({ 'us-east-1': 'ami-0123456789abcdef0' });
const instanceType = new ec2.InstanceType('t4g.micro');

function vpc(stack: Stack): ec2.Vpc {
  return new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 1 });
}

function instance(stack: Stack, id: string, props: Partial<ec2.InstanceProps> & { vpc: ec2.IVpc }): ec2.Instance {
  return new ec2.Instance(stack, id, { machineImage: image, instanceType, ...props });
}

function openVpnUserData(): ec2.UserData {
  const data = ec2.UserData.forLinux();
  data.addCommands('apt-get install -y openvpn easy-rsa');
  return data;
}

describe('GuardedPatternsChecks: OpenVPN and EC2 checks on plain aws-cdk-lib resources', () => {
  describe('OpenVpnServerNotPublic', () => {
    test('an instance that installs OpenVPN in a private subnet, without a public address', () => {
      const stack = testStack();
      const network = vpc(stack);
      instance(stack, 'Vpn', { vpc: network, userData: openVpnUserData() });
      expect(ruleHits(stack, 'OpenVpnServerNotPublic')).toEqual([
        "TestStack/Vpn/Resource: Instance 'TestStack/Vpn' runs an OpenVPN server in subnet 'TestStack/Vpc/PrivateSubnet1/Subnet', which has no route to an internet gateway: clients cannot reach it. "
        + 'Place it in a public subnet (vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC }).',
        "TestStack/Vpn/Resource: Instance 'TestStack/Vpn' runs an OpenVPN server with no public address: clients cannot reach it. "
        + 'Give it an Elastic IP (so client profiles survive a replacement), or a public address at launch (associatePublicIpAddress).',
      ]);
    });

    test('an instance whose security group admits UDP 1194, in a public subnet without a public address', () => {
      const stack = testStack();
      const network = vpc(stack);
      const group = new ec2.SecurityGroup(stack, 'Group', { vpc: network });
      group.addIngressRule(ec2.Peer.anyIpv4(), ec2.Port.udp(1194));
      instance(stack, 'Vpn', { vpc: network, securityGroup: group, vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC }, associatePublicIpAddress: false });
      expect(ruleHits(stack, 'OpenVpnServerNotPublic')).toEqual([
        expect.stringMatching(/^TestStack\/Vpn\/Resource: Instance 'TestStack\/Vpn' runs an OpenVPN server with no public address/),
      ]);
    });

    test('an OpenVPN server in a public subnet with an Elastic IP passes; so do an instance that is no VPN server and an OpenVPN client', () => {
      const stack = testStack();
      const network = vpc(stack);
      const server = instance(stack, 'Vpn', { vpc: network, userData: openVpnUserData(), vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC } });
      new ec2.CfnEIP(stack, 'Eip', { domain: 'vpc', instanceId: server.instanceId });
      instance(stack, 'App', { vpc: network });
      // An OpenVPN client in a private subnet is no server.
      const client = ec2.UserData.forLinux();
      client.addCommands('apt-get install -y openvpn', 'systemctl enable --now openvpn-client@office');
      instance(stack, 'Client', { vpc: network, userData: client });
      expect(ruleHits(stack, 'OpenVpnServerNotPublic')).toEqual([]);
    });

    test('an auto-scaling group of OpenVPN servers in private subnets', () => {
      const stack = testStack();
      const network = vpc(stack);
      const template = new ec2.LaunchTemplate(stack, 'Template', { machineImage: image, instanceType, userData: openVpnUserData() });
      new autoscaling.AutoScalingGroup(stack, 'Servers', { vpc: network, launchTemplate: template, maxCapacity: 1 });
      const hits = ruleHits(stack, 'OpenVpnServerNotPublic');
      expect(hits).toHaveLength(3);
      expect(hits[0]).toMatch(/^TestStack\/Servers\/ASG: Auto-scaling group 'TestStack\/Servers\/ASG' runs an OpenVPN server in subnet 'TestStack\/Vpc\/PrivateSubnet1\/Subnet'/);
      expect(hits[2]).toMatch(/runs an OpenVPN server with no public address/);
    });

    test('the pattern passes', () => {
      const stack = testStack();
      const network = new PrivateSubnetVpc(stack, 'Network');
      new OpenVpnAccessServer(stack, 'Vpn', { vpc: network.vpc });
      expect(ruleHits(stack, 'OpenVpnServerNotPublic')).toEqual([]);
    });
  });

  describe('OpenVpnSourceDestCheck', () => {
    test('a route to an instance and to a network interface that check source and destination', () => {
      const stack = testStack();
      const network = vpc(stack);
      const router = instance(stack, 'Router', { vpc: network, vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC } });
      const subnet = network.privateSubnets[0];
      new ec2.CfnRoute(stack, 'ToInstance', { routeTableId: subnet.routeTable.routeTableId, destinationCidrBlock: '10.255.240.0/20', instanceId: router.instanceId });
      const eni = new ec2.CfnNetworkInterface(stack, 'Eni', { subnetId: network.publicSubnets[0].subnetId });
      new ec2.CfnRoute(stack, 'ToEni', { routeTableId: network.privateSubnets[1].routeTable.routeTableId, destinationCidrBlock: '10.255.240.0/20', networkInterfaceId: eni.ref });
      expect(ruleHits(stack, 'OpenVpnSourceDestCheck')).toEqual([
        "TestStack/ToInstance: Route 'TestStack/ToInstance' sends traffic to instance 'TestStack/Router', which has source/destination checking on: EC2 drops the forwarded packets. "
        + 'Set sourceDestCheck: false on it (the OpenVpnAccessServer pattern does this at boot in routing mode).',
        "TestStack/ToEni: Route 'TestStack/ToEni' sends traffic to network interface 'TestStack/Eni', which has source/destination checking on: EC2 drops the forwarded packets. "
        + 'Set sourceDestCheck: false on it (the OpenVpnAccessServer pattern does this at boot in routing mode).',
      ]);
    });

    test('routes to targets with the check off pass', () => {
      const stack = testStack();
      const network = vpc(stack);
      const router = instance(stack, 'Router', { vpc: network, sourceDestCheck: false });
      new ec2.CfnRoute(stack, 'ToInstance', { routeTableId: network.privateSubnets[0].routeTable.routeTableId, destinationCidrBlock: '10.255.240.0/20', instanceId: router.instanceId });
      const eni = new ec2.CfnNetworkInterface(stack, 'Eni', { subnetId: network.publicSubnets[0].subnetId, sourceDestCheck: false });
      new ec2.CfnRoute(stack, 'ToEni', { routeTableId: network.privateSubnets[1].routeTable.routeTableId, destinationCidrBlock: '10.255.240.0/20', networkInterfaceId: eni.ref });
      expect(ruleHits(stack, 'OpenVpnSourceDestCheck')).toEqual([]);
    });

    test('the pattern in routing mode passes (it turns the check off at boot)', () => {
      const stack = testStack();
      const network = new PrivateSubnetVpc(stack, 'Network');
      new OpenVpnAccessServer(stack, 'Vpn', { vpc: network.vpc, routingMode: OpenVpnRoutingMode.ROUTED });
      expect(ruleHits(stack, 'OpenVpnSourceDestCheck')).toEqual([]);
    });
  });

  describe('OpenVpnAdminPortsOpen', () => {
    test('SSH, 943 over IPv6 and all traffic open to the world, and 945 on an imported group', () => {
      const stack = testStack();
      const network = vpc(stack);
      const ssh = new ec2.SecurityGroup(stack, 'Ssh', { vpc: network });
      ssh.addIngressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(22));
      const ui = new ec2.SecurityGroup(stack, 'Ui', { vpc: network });
      ui.addIngressRule(ec2.Peer.anyIpv6(), ec2.Port.tcp(943));
      const all = new ec2.SecurityGroup(stack, 'All', { vpc: network });
      all.addIngressRule(ec2.Peer.anyIpv4(), ec2.Port.allTraffic());
      new ec2.CfnSecurityGroupIngress(stack, 'Cluster', { groupId: 'sg-0123456789abcdef0', ipProtocol: 'tcp', fromPort: 900, toPort: 950, cidrIp: '0.0.0.0/0' });
      expect(ruleHits(stack, 'OpenVpnAdminPortsOpen')).toEqual([
        "TestStack/Ssh/Resource: Security group 'TestStack/Ssh' admits TCP 22 (SSH) from the whole internet. "
        + 'Remove the rule: administer the server through SSM Session Manager (aws ssm start-session, or port forwarding to 943 with AWS-StartPortForwardingSession).',
        "TestStack/Ui/Resource: Security group 'TestStack/Ui' admits TCP 943 (the OpenVPN Access Server admin and client web UI) from the whole internet. "
        + 'Remove the rule: administer the server through SSM Session Manager (aws ssm start-session, or port forwarding to 943 with AWS-StartPortForwardingSession).',
        expect.stringMatching(/^TestStack\/All\/Resource: Security group 'TestStack\/All' admits TCP 22 \(SSH\), 943 \(.*\), 945 \(the OpenVPN Access Server cluster port\) from the whole internet/),
        expect.stringMatching(/^TestStack\/Cluster: Ingress rule 'TestStack\/Cluster' admits TCP 943 \(.*\), 945 \(.*\) from the whole internet/),
      ]);
    });

    test('SSH from a private block, UDP 1194 from anywhere, and a separate rule on a group in the app reported once', () => {
      const stack = testStack();
      const network = vpc(stack);
      const group = new ec2.SecurityGroup(stack, 'Group', { vpc: network });
      group.addIngressRule(ec2.Peer.ipv4('10.0.0.0/8'), ec2.Port.tcp(22));
      group.addIngressRule(ec2.Peer.anyIpv4(), ec2.Port.udp(1194));
      expect(ruleHits(stack, 'OpenVpnAdminPortsOpen')).toEqual([]);
      new ec2.CfnSecurityGroupIngress(stack, 'Late', { groupId: group.securityGroupId, ipProtocol: 'tcp', fromPort: 22, toPort: 22, cidrIp: '0.0.0.0/0' });
      expect(ruleHits(stack, 'OpenVpnAdminPortsOpen')).toEqual([expect.stringMatching(/^TestStack\/Group\/Resource: Security group 'TestStack\/Group' admits TCP 22 \(SSH\)/)]);
    });

    test('the pattern passes', () => {
      const stack = testStack();
      const network = new PrivateSubnetVpc(stack, 'Network');
      new OpenVpnAccessServer(stack, 'Vpn', { vpc: network.vpc });
      expect(ruleHits(stack, 'OpenVpnAdminPortsOpen')).toEqual([]);
    });
  });

  describe('Ec2UserDataSecrets', () => {
    test('a private key in an instance\'s user data, and a password in a launch template\'s', () => {
      const stack = testStack();
      const network = vpc(stack);
      const withKey = ec2.UserData.forLinux();
      withKey.addCommands('cat > /etc/ssl/private/server.key <<EOF', '-----BEGIN EC PRIVATE KEY-----', 'MHcCAQEEI...', '-----END EC PRIVATE KEY-----', 'EOF');
      instance(stack, 'Server', { vpc: network, userData: withKey });
      const withPassword = ec2.UserData.forLinux();
      withPassword.addCommands('export DB_PASSWORD="correct-horse-battery"', './start.sh');
      new ec2.LaunchTemplate(stack, 'Template', { machineImage: image, instanceType, userData: withPassword });
      expect(ruleHits(stack, 'Ec2UserDataSecrets')).toEqual([
        "TestStack/Server/Resource: Instance 'TestStack/Server' has a private key (line 3) in its user data, readable by anyone who can describe it. "
        + 'Store the secret in Secrets Manager (or a SecureString parameter), grant the instance role read access, and fetch it at boot.',
        "TestStack/Template/Resource: Launch template 'TestStack/Template' has a password or secret assigned to a variable (line 2) in its user data, readable by anyone who can describe it. "
        + 'Store the secret in Secrets Manager (or a SecureString parameter), grant the instance role read access, and fetch it at boot.',
      ]);
    });

    test.each([
      ['a YAML cloud-config password', '#cloud-config\nusers:\n  - name: admin\n    password: s3cretPassw0rd\n', 'a password or secret assigned to a variable (line 4)'],
      ['a JSON token', '{"api_token": "abcd1234efgh"}', 'a password or secret assigned to a variable (line 1)'],
      ['an OpenVPN static key', 'cat > ta.key <<EOF\n-----BEGIN OpenVPN Static key V1-----\n', 'an OpenVPN static key (tls-auth or tls-crypt) (line 2)'],
      ['a password on a command line', 'mysql --password=hunter2hunter2 -e "select 1"', 'a password given on a command line (line 1)'],
      ['a password piped to chpasswd', "echo 'ubuntu:hunter2hunter2' | chpasswd", 'a password piped to chpasswd (line 1)'],
      ['the Access Server image\'s admin_pw setting', 'public_hostname=vpn.example.com\nadmin_user=openvpn\nadmin_pw=hunter2hunter2\n', 'a password or secret assigned to a variable (line 3)'],
    ])('%s is found', (_name, text, kind) => {
      expect(secretsIn(text)).toEqual([kind]);
    });

    test('a raw L1 instance with base64 user data holding an access key', () => {
      const stack = testStack();
      new ec2.CfnInstance(stack, 'Raw', { imageId: 'ami-0123456789abcdef0', userData: Buffer.from('#!/bin/sh\nexport AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE\n').toString('base64') });
      expect(ruleHits(stack, 'Ec2UserDataSecrets')).toEqual([expect.stringContaining("Instance 'TestStack/Raw' has an AWS access key ID (line 2) in its user data")]);
    });

    // The template kernel's one flattener reads the template of an Fn::Sub (it used to read as a deploy-time value).
    test('a raw L1 instance with Fn::Sub user data holding a password', () => {
      const stack = testStack();
      new ec2.CfnInstance(stack, 'Raw', { imageId: 'ami-0123456789abcdef0', userData: Fn.base64(Fn.sub('#!/bin/sh\nREGION=${AWS::Region}\nADMIN_PASSWORD=hunter2hunter2\n')) });
      expect(ruleHits(stack, 'Ec2UserDataSecrets')).toEqual([expect.stringContaining("Instance 'TestStack/Raw' has a password or secret assigned to a variable (line 3) in its user data")]);
    });

    test('secrets read at boot, deploy-time values and passwords from variables pass', () => {
      const stack = testStack();
      const network = vpc(stack);
      const data = ec2.UserData.forLinux();
      data.addCommands(
        'DB_PASSWORD=$(aws secretsmanager get-secret-value --secret-id db --query SecretString --output text)',
        `SECRET_ARN=${Fn.importValue('SecretArn')}`,
        'DB_SECRET=arn:aws:secretsmanager:us-east-1:111111111111:secret:db-AbCdEf',
        'mysql --password="$DB_PASSWORD"',
        'aws secretsmanager put-secret-value --secret-id x --secret-string file:///tmp/value',
      );
      instance(stack, 'Server', { vpc: network, userData: data });
      expect(ruleHits(stack, 'Ec2UserDataSecrets')).toEqual([]);
    });

    test('the pattern\'s own boot script holds no secret', () => {
      const script = serverScript({
        OVPN_REGION: 'us-east-1',
        OVPN_STACK_NAME: 's',
        OVPN_SIGNAL_RESOURCE: 'Asg',
        OVPN_SECRET_ID: 'arn:aws:secretsmanager:us-east-1:1:secret:pki',
        OVPN_KMS_KEY_ID: 'arn:aws:kms:us-east-1:1:key/k',
        OVPN_CLIENT_SECRET_PREFIX: 'openvpn/x',
        OVPN_EIP_ALLOCATION_ID: 'eipalloc-1',
        OVPN_PUBLIC_ADDRESS: '198.51.100.1',
        OVPN_PORT: '1194',
        OVPN_PROTOCOL: 'udp',
        OVPN_CLIENT_CIDR: '10.255.240.0/20',
        OVPN_ROUTES: '10.0.0.0/16',
        OVPN_DNS_SERVERS: '',
        OVPN_PUSH_VPC_RESOLVER: 'yes',
        OVPN_VPC_CIDR: '10.0.0.0/16',
        OVPN_ROUTING_MODE: 'nat',
        OVPN_ROUTE_TABLES: '',
      });
      expect(secretsIn(script)).toEqual([]);
    });

    test('the check embedded in the pattern fails synth when its launch template gets a secret', () => {
      const stack = testStack();
      const network = new PrivateSubnetVpc(stack, 'Network');
      const vpn = new OpenVpnAccessServer(stack, 'Vpn', { vpc: network.vpc });
      const cfn = vpn.launchTemplate.node.defaultChild as ec2.CfnLaunchTemplate;
      cfn.launchTemplateData = { ...(cfn.launchTemplateData as object), userData: Fn.base64('#!/bin/bash\nADMIN_PASSWORD=hunter2hunter2\n') };
      expect(() => (stack.node.root as App).synth())
        .toThrow(/Launch template 'TestStack\/Vpn\/LaunchTemplate' has a password or secret assigned to a variable \(line 2\).*GuardedPatterns-Ec2UserDataSecrets/);
    });
  });

  describe('Ec2VolumeAzMismatch and Ec2NetworkInterfaceAzMismatch', () => {
    test('a volume and an interface in another AZ than their instance', () => {
      const stack = testStack();
      const network = vpc(stack);
      const server = instance(stack, 'Server', { vpc: network, vpcSubnets: { subnets: [network.privateSubnets[0]] } });
      const volume = new ec2.Volume(stack, 'Data', { availabilityZone: 'us-east-1b', size: Size.gibibytes(10) });
      new ec2.CfnVolumeAttachment(stack, 'Attach', { instanceId: server.instanceId, volumeId: volume.volumeId, device: '/dev/sdf' });
      const eni = new ec2.CfnNetworkInterface(stack, 'Eni', { subnetId: network.privateSubnets[1].subnetId });
      new ec2.CfnNetworkInterfaceAttachment(stack, 'AttachEni', { instanceId: server.instanceId, networkInterfaceId: eni.ref, deviceIndex: '1' });
      expect(ruleHits(stack, 'Ec2VolumeAzMismatch')).toEqual([
        "TestStack/Attach: 'TestStack/Attach' attaches EBS volume 'TestStack/Data' (us-east-1b) to instance 'TestStack/Server' (us-east-1a): a volume attaches only to an instance in its own availability zone. "
        + "Create the volume in the instance's AZ (availabilityZone: instance.instanceAvailabilityZone), or restore a snapshot there.",
      ]);
      expect(ruleHits(stack, 'Ec2NetworkInterfaceAzMismatch')).toEqual([
        "TestStack/AttachEni: 'TestStack/AttachEni' attaches network interface 'TestStack/Eni' (us-east-1b) to instance 'TestStack/Server' (us-east-1a): an interface attaches only to an instance in its own availability zone. "
        + "Create the interface in a subnet of the instance's AZ.",
      ]);
    });

    test('a raw L1 instance with an inline volume in another AZ', () => {
      const stack = testStack();
      const volume = new ec2.CfnVolume(stack, 'Data', { availabilityZone: 'us-east-1c', size: 10 });
      new ec2.CfnInstance(stack, 'Raw', { imageId: 'ami-0123456789abcdef0', availabilityZone: 'us-east-1a', volumes: [{ device: '/dev/sdf', volumeId: volume.ref }] });
      expect(ruleHits(stack, 'Ec2VolumeAzMismatch')).toEqual([expect.stringContaining("'TestStack/Raw' attaches EBS volume 'TestStack/Data' (us-east-1c) to instance 'TestStack/Raw' (us-east-1a)")]);
    });

    test('a volume and an interface in the instance\'s AZ pass, as does the pattern', () => {
      const stack = testStack();
      const network = vpc(stack);
      const server = instance(stack, 'Server', { vpc: network, vpcSubnets: { subnets: [network.privateSubnets[0]] } });
      const volume = new ec2.CfnVolume(stack, 'Data', { availabilityZone: server.instanceAvailabilityZone, size: 10 });
      new ec2.CfnVolumeAttachment(stack, 'Attach', { instanceId: server.instanceId, volumeId: volume.ref, device: '/dev/sdf' });
      const eni = new ec2.CfnNetworkInterface(stack, 'Eni', { subnetId: network.privateSubnets[0].subnetId });
      new ec2.CfnNetworkInterfaceAttachment(stack, 'AttachEni', { instanceId: server.instanceId, networkInterfaceId: eni.ref, deviceIndex: '1' });
      const network2 = new PrivateSubnetVpc(stack, 'Network');
      new OpenVpnAccessServer(stack, 'Vpn', { vpc: network2.vpc });
      expect(ruleHits(stack, 'Ec2VolumeAzMismatch')).toEqual([]);
      expect(ruleHits(stack, 'Ec2NetworkInterfaceAzMismatch')).toEqual([]);
    });
  });

  describe('OpenVpnRoutedClientsNotAdmitted', () => {
    /** A router instance with its check off, a route for 10.8.0.0/24 to it, and a database group. */
    function routedNetwork(destination = '10.8.0.0/24') {
      const stack = testStack();
      const network = vpc(stack);
      const group = new ec2.SecurityGroup(stack, 'RouterGroup', { vpc: network });
      const router = instance(stack, 'Router', { vpc: network, securityGroup: group, sourceDestCheck: false, vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC } });
      new ec2.CfnRoute(stack, 'ClientRoute', {
        routeTableId: network.privateSubnets[0].routeTable.routeTableId, destinationCidrBlock: destination, instanceId: router.instanceId,
      });
      const db = new ec2.SecurityGroup(stack, 'Database', { vpc: network });
      return { stack, network, group, router, db };
    }

    test('a rule that admits the group of an instance a route sends 10.8.0.0/24 to, with no rule for 10.8.0.0/24 on that port', () => {
      const { stack, group, db } = routedNetwork();
      db.addIngressRule(group, ec2.Port.tcp(5432), 'from the router');
      // A rule for the routed block on another port does not count.
      db.addIngressRule(ec2.Peer.ipv4('10.8.0.0/24'), ec2.Port.tcp(22));
      expect(ruleHits(stack, 'OpenVpnRoutedClientsNotAdmitted')).toEqual([
        expect.stringMatching(new RegExp("^TestStack/Database/from TestStackRouterGroup[0-9A-F]+:5432: Ingress rule 'TestStack/Database/from TestStackRouterGroup[0-9A-F]+:5432' "
          + "admits security group 'TestStack/RouterGroup' of 'TestStack/Router' on TCP 5432, but that server routes 10.8.0.0/24 into the VPC without NAT")),
      ]);
    });

    test('an inline rule of a raw L1 group that admits a network interface\'s group, where a route targets the interface', () => {
      const stack = testStack();
      const network = vpc(stack);
      const routerGroup = new ec2.CfnSecurityGroup(stack, 'RouterGroup', { groupDescription: 'router', vpcId: network.vpcId });
      const eni = new ec2.CfnNetworkInterface(stack, 'Eni', { subnetId: network.publicSubnets[0].subnetId, sourceDestCheck: false, groupSet: [routerGroup.attrGroupId] });
      new ec2.CfnRoute(stack, 'ClientRoute', { routeTableId: network.privateSubnets[0].routeTable.routeTableId, destinationCidrBlock: '172.16.0.0/24', networkInterfaceId: eni.ref });
      new ec2.CfnSecurityGroup(stack, 'Database', {
        groupDescription: 'database',
        vpcId: network.vpcId,
        securityGroupIngress: [{ ipProtocol: '-1', sourceSecurityGroupId: routerGroup.attrGroupId }],
      });
      expect(ruleHits(stack, 'OpenVpnRoutedClientsNotAdmitted')).toEqual([
        expect.stringContaining("TestStack/Database: Security group 'TestStack/Database' admits security group 'TestStack/RouterGroup' of 'TestStack/Eni' on all traffic, but that server routes 172.16.0.0/24"),
      ]);
    });

    test('the pattern in routing mode, with a rule that admits only its group', () => {
      const stack = testStack();
      const network = new PrivateSubnetVpc(stack, 'Network');
      const vpn = new OpenVpnAccessServer(stack, 'Vpn', { vpc: network.vpc, routingMode: OpenVpnRoutingMode.ROUTED });
      const db = new ec2.SecurityGroup(stack, 'Database', { vpc: network.vpc });
      db.connections.allowFrom(vpn.securityGroup, ec2.Port.tcp(5432));
      expect(ruleHits(stack, 'OpenVpnRoutedClientsNotAdmitted')).toEqual([
        expect.stringContaining("admits security group 'TestStack/Vpn/SecurityGroup' of 'TestStack/Vpn/LaunchTemplate' on TCP 5432, but that server routes 10.255.240.0/20"),
      ]);
    });

    test('pass: the routed block admitted too (by a wider block), a NAT instance\'s default route, and the pattern with allowFrom(vpn) or in NAT mode', () => {
      const { stack, network, group, db } = routedNetwork();
      db.addIngressRule(group, ec2.Port.tcp(5432));
      db.addIngressRule(ec2.Peer.ipv4('10.8.0.0/16'), ec2.Port.allTraffic());
      // A NAT instance: the default route to it is egress it masquerades, not clients it routes.
      const natGroup = new ec2.SecurityGroup(stack, 'NatGroup', { vpc: network });
      const nat = instance(stack, 'Nat', { vpc: network, securityGroup: natGroup, sourceDestCheck: false, vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC } });
      new ec2.CfnRoute(stack, 'Default', { routeTableId: network.privateSubnets[1].routeTable.routeTableId, destinationCidrBlock: '0.0.0.0/0', instanceId: nat.instanceId });
      db.addIngressRule(natGroup, ec2.Port.tcp(443));
      const vpns = new PrivateSubnetVpc(stack, 'Network');
      const routed = new OpenVpnAccessServer(stack, 'Routed', { vpc: vpns.vpc, routingMode: OpenVpnRoutingMode.ROUTED });
      const nated = new OpenVpnAccessServer(stack, 'Nated', { vpc: vpns.vpc, clientCidr: '192.168.240.0/20' });
      const db2 = new ec2.SecurityGroup(stack, 'Database2', { vpc: vpns.vpc });
      db2.connections.allowFrom(routed, ec2.Port.tcp(5432));
      db2.connections.allowFrom(nated.securityGroup, ec2.Port.tcp(5432));
      expect(ruleHits(stack, 'OpenVpnRoutedClientsNotAdmitted')).toEqual([]);
    });
  });

  test('the pattern passes every check of the pack, in both modes', () => {
    const stack = testStack();
    const network = new PrivateSubnetVpc(stack, 'Network');
    new OpenVpnAccessServer(stack, 'Nat', { vpc: network.vpc });
    new OpenVpnAccessServer(stack, 'Routed', { vpc: network.vpc, routingMode: OpenVpnRoutingMode.ROUTED, clientCidr: '192.168.240.0/20' });
    expect(findings(new GuardedPatternsChecks(), stack)).toEqual([]);
  });
});
