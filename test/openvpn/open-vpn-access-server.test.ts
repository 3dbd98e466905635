import { spawnSync } from 'child_process';
import { App, CfnResource, RemovalPolicy, Stack, Token, aws_ec2 as ec2, aws_iam as iam, aws_kms as kms, aws_sns as sns } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { OpenVpnAccessServer, OpenVpnAccessServerProps, OpenVpnEdition, OpenVpnProtocol, OpenVpnRoutingMode, PrivateSubnetVpc } from '../../src';
import { testStack } from '../util';

function create(props: Partial<OpenVpnAccessServerProps> = {}, cidr?: string) {
  const stack = testStack();
  const network = new PrivateSubnetVpc(stack, 'Network', { cidr });
  const vpn = new OpenVpnAccessServer(stack, 'Vpn', { vpc: network.vpc, ...props });
  return { stack, network, vpn };
}

function build(props: Partial<OpenVpnAccessServerProps> = {}, cidr?: string) {
  const built = create(props, cidr);
  return { ...built, template: Template.fromStack(built.stack) };
}

/** The user data of the launch template, with deploy-time values as `<Ref>` markers. */
function userData(template: Template): string {
  const lts = Object.values(template.findResources('AWS::EC2::LaunchTemplate'));
  const join = lts[0].Properties.LaunchTemplateData.UserData['Fn::Base64']['Fn::Join'];
  return (join[1] as unknown[]).map((p) => (typeof p === 'string' ? p : '<token>')).join('');
}

function setting(template: Template, name: string): string | undefined {
  return new RegExp(`^${name}='(.*)'$`, 'm').exec(userData(template))?.[1];
}

function policyStatements(template: Template): any[] {
  const policies = Object.values(template.findResources('AWS::IAM::ManagedPolicy'))
    .filter((p) => String(p.Properties.Description).startsWith('What the OpenVPN server'));
  expect(policies).toHaveLength(1);
  return policies[0].Properties.PolicyDocument.Statement;
}

/** What the SSM Agent calls for Session Manager and Run Command. */
const SSM_AGENT_ACTIONS = [
  'ssm:UpdateInstanceInformation',
  'ssmmessages:CreateControlChannel',
  'ssmmessages:CreateDataChannel',
  'ssmmessages:OpenControlChannel',
  'ssmmessages:OpenDataChannel',
  'ec2messages:AcknowledgeMessage',
  'ec2messages:DeleteMessage',
  'ec2messages:FailMessage',
  'ec2messages:GetEndpoint',
  'ec2messages:GetMessages',
  'ec2messages:SendReply',
];

/** What the boot script calls in NAT mode. */
const SERVER_ACTIONS = [
  'cloudformation:SignalResource',
  'ec2:AssociateAddress',
  'kms:Decrypt',
  'kms:GenerateDataKey',
  'secretsmanager:CreateSecret',
  'secretsmanager:DeleteSecret',
  'secretsmanager:DescribeSecret',
  'secretsmanager:GetSecretValue',
  'secretsmanager:PutSecretValue',
];

/** Every action the server's role is allowed, from every policy attached to it, sorted and once each. */
function roleActions(template: Template): string[] {
  const actions = new Set<string>();
  for (const policy of Object.values(template.findResources('AWS::IAM::ManagedPolicy'))) {
    if (!JSON.stringify(policy.Properties.Roles ?? []).includes('VpnRole')) {
      continue;
    }
    for (const statement of policy.Properties.PolicyDocument.Statement) {
      expect(statement.Effect).toBe('Allow');
      [statement.Action].flat().forEach((a: string) => actions.add(a));
    }
  }
  for (const policy of Object.values(template.findResources('AWS::IAM::Policy'))) {
    expect(JSON.stringify(policy.Properties.Roles ?? [])).not.toContain('VpnRole');
  }
  return [...actions].sort();
}

/**
 * The IAM actions of the AWS CLI calls in a script (`aws_retry <service> <command>` or
 * `aws --region ... <service> <command>`): the CLI command is the API operation in kebab case.
 */
function cliCalls(script: string): string[] {
  const calls = [...script.matchAll(/\baws(?:_retry| --region "\$OVPN_REGION")\s+([a-z0-9-]+)\s+([a-z0-9-]+)/g)]
    .map(([, service, command]) => `${service}:${command.split('-').map((w) => w[0].toUpperCase() + w.slice(1)).join('')}`);
  return [...new Set(calls)].sort();
}

/** The operations of the services the boot script calls, from botocore's service models, as `service:Operation`. */
function botocoreOperations(): string[] {
  const program = 'import botocore.session\ns = botocore.session.get_session()\n'
    + "for n in ('cloudformation', 'ec2', 'secretsmanager'):\n    print('\\n'.join(n + ':' + o for o in s.get_service_model(n).operation_names))";
  const result = spawnSync('python3', ['-c', program], { encoding: 'utf8', timeout: 60_000 });
  expect(result.status).toBe(0);
  return result.stdout.split('\n').filter((line) => line.length > 0);
}

describe('OpenVpnAccessServer', () => {
  describe('defaults', () => {
    const { vpn, template, stack } = build();

    test('an auto-scaling group of one in the public subnets, waiting for the boot script\'s signal', () => {
      template.hasResource('AWS::AutoScaling::AutoScalingGroup', {
        Properties: {
          MinSize: '1',
          MaxSize: '1',
          HealthCheckType: 'EC2',
          VPCZoneIdentifier: [
            { Ref: Match.stringLikeRegexp('NetworkPublicSubnet1') },
            { Ref: Match.stringLikeRegexp('NetworkPublicSubnet2') },
            { Ref: Match.stringLikeRegexp('NetworkPublicSubnet3') },
          ],
          Tags: [{ Key: 'guarded-patterns:openvpn-server', Value: vpn.node.addr, PropagateAtLaunch: true }],
        },
        CreationPolicy: { ResourceSignal: { Count: 1, Timeout: 'PT15M' } },
        UpdatePolicy: { AutoScalingReplacingUpdate: { WillReplace: true } },
      });
      expect(setting(template, 'OVPN_SIGNAL_RESOURCE')).toBe(stack.getLogicalId(vpn.autoScalingGroup.node.defaultChild as any));
    });

    test('a Graviton instance from the Ubuntu 24.04 LTS parameter, IMDSv2 only, encrypted gp3 root, detailed monitoring, a public address until the Elastic IP', () => {
      template.hasResourceProperties('AWS::EC2::LaunchTemplate', {
        LaunchTemplateData: Match.objectLike({
          InstanceType: 't4g.micro',
          MetadataOptions: { HttpTokens: 'required' },
          Monitoring: { Enabled: true },
          BlockDeviceMappings: [{ DeviceName: '/dev/sda1', Ebs: { Encrypted: true, VolumeType: 'gp3', VolumeSize: 8, DeleteOnTermination: true } }],
          NetworkInterfaces: [Match.objectLike({ AssociatePublicIpAddress: true, DeviceIndex: 0 })],
        }),
      });
      const parameters = template.toJSON().Parameters;
      expect(Object.values(parameters).map((p: any) => p.Default)).toContain('/aws/service/canonical/ubuntu/server/24.04/stable/current/arm64/hvm/ebs-gp3/ami-id');
      template.resourceCountIs('AWS::EC2::KeyPair', 0);
      expect(JSON.stringify(template.findResources('AWS::EC2::LaunchTemplate'))).not.toContain('KeyName');
    });

    test('the security group admits only UDP 1194, from anywhere', () => {
      template.hasResourceProperties('AWS::EC2::SecurityGroup', {
        GroupDescription: 'OpenVPN server TestStack/Vpn: the tunnel port only',
        SecurityGroupIngress: [{ IpProtocol: 'udp', FromPort: 1194, ToPort: 1194, CidrIp: '0.0.0.0/0', Description: 'OpenVPN tunnels' }],
      });
      template.resourceCountIs('AWS::EC2::SecurityGroupIngress', 0);
    });

    test('an Elastic IP, a KMS key with rotation, and a retained PKI secret encrypted with it', () => {
      expect(Object.keys(template.findResources('AWS::EC2::EIP', { Properties: { Tags: [{ Key: 'Name', Value: 'TestStack/Vpn' }] } }))).toHaveLength(1);
      template.hasResourceProperties('AWS::EC2::EIP', { Domain: 'vpc', Tags: [{ Key: 'Name', Value: 'TestStack/Vpn' }] });
      template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
      template.hasResource('AWS::SecretsManager::Secret', {
        Properties: { KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('VpnKey'), 'Arn'] } },
        DeletionPolicy: 'Retain',
      });
      expect(vpn.endpointAddress).toBe(vpn.elasticIp.attrPublicIp);
    });

    test('the user data carries settings only: the client block, the VPC route, the VPC resolver, NAT mode', () => {
      expect(setting(template, 'OVPN_CLIENT_CIDR')).toBe('10.255.240.0/20');
      expect(vpn.clientCidr).toBe('10.255.240.0/20');
      expect(setting(template, 'OVPN_ROUTES')).toBe('<token>');
      expect(setting(template, 'OVPN_PORT')).toBe('1194');
      expect(setting(template, 'OVPN_PROTOCOL')).toBe('udp');
      expect(setting(template, 'OVPN_ROUTING_MODE')).toBe('nat');
      expect(setting(template, 'OVPN_PUSH_VPC_RESOLVER')).toBe('yes');
      expect(setting(template, 'OVPN_ROUTE_TABLES')).toBe('');
      expect(userData(template)).not.toMatch(/BEGIN [A-Z ]*PRIVATE KEY|OpenVPN Static key/);
    });

    test('SSM Session Manager, and a managed policy scoped to this server\'s secret, profiles, key, Elastic IP and stack', () => {
      const statements = policyStatements(template);
      expect(statements.map((s) => s.Sid)).toEqual(['SsmAgent', 'Pki', 'ClientProfiles', 'Encryption', 'ElasticIp', 'Signal']);
      expect(statements[0]).toEqual({ Sid: 'SsmAgent', Effect: 'Allow', Action: SSM_AGENT_ACTIONS, Resource: '*' });
      expect(statements[2].Resource).toEqual({
        'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:secretsmanager:us-east-1:111111111111:secret:${vpn.clientProfilePrefix}/*`]],
      });
      expect(statements[3].Condition).toEqual({ StringEquals: { 'kms:ViaService': 'secretsmanager.us-east-1.amazonaws.com' } });
      template.resourceCountIs('AWS::IAM::Policy', 0);
    });

    test('the role has no AWS managed policy, only its own, with exactly the SSM Agent\'s and the boot script\'s actions', () => {
      const roles = Object.values(template.findResources('AWS::IAM::Role'))
        .filter((r) => String(r.Properties.Description).startsWith('OpenVPN server'));
      expect(roles).toHaveLength(1);
      expect(JSON.stringify(roles[0].Properties.ManagedPolicyArns ?? [])).not.toContain(':iam::aws:policy/');
      expect(roleActions(template)).toEqual([...SSM_AGENT_ACTIONS, ...SERVER_ACTIONS].sort());
    });

    test.each([
      ['community', {}],
      ['Access Server', { edition: OpenVpnEdition.ACCESS_SERVER, machineImage: ec2.MachineImage.genericLinux({ 'us-east-1': 'ami-0123456789abcdef0' }) }],
    ])('%s: every AWS CLI call of the boot script is allowed; in NAT mode all but the routing ones', (_edition, props) => {
      const routed = build({ ...props, routingMode: OpenVpnRoutingMode.ROUTED }).template;
      const calls = cliCalls(userData(routed));
      expect(calls).toEqual(expect.arrayContaining(['cloudformation:SignalResource', 'ec2:AssociateAddress', 'ec2:CreateRoute', 'secretsmanager:PutSecretValue']));
      // Each command is an operation of the service in botocore's model, which the AWS CLI is built from.
      const operations = botocoreOperations();
      expect(calls.filter((c) => !operations.includes(c))).toEqual([]);
      expect(calls.filter((c) => !roleActions(routed).includes(c))).toEqual([]);
      const nat = build(props).template;
      expect(cliCalls(userData(nat)).filter((c) => !roleActions(nat).includes(c))).toEqual(['ec2:CreateRoute', 'ec2:ModifyInstanceAttribute', 'ec2:ReplaceRoute']);
    });

    test('a Command document issues and revokes profiles through the installed script', () => {
      template.hasResourceProperties('AWS::SSM::Document', {
        DocumentType: 'Command',
        Content: Match.objectLike({
          parameters: {
            action: Match.objectLike({ allowedValues: ['issue', 'revoke'] }),
            clientName: Match.objectLike({ allowedPattern: '^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$' }),
          },
          mainSteps: [Match.objectLike({ action: 'aws:runShellScript', inputs: Match.objectLike({ runCommand: ["/usr/local/sbin/openvpn-guarded '{{ action }}-client' '{{ clientName }}'"] }) })],
        }),
      });
    });

    test('exposes connections, the role as grant principal, and every resource', () => {
      expect(vpn.connections.securityGroups).toEqual([vpn.securityGroup]);
      expect(vpn.grantPrincipal).toBe(vpn.role);
      expect(vpn.port).toBe(1194);
      expect(vpn.protocol).toBe(OpenVpnProtocol.UDP);
      expect(vpn.pkiSecret.node.path).toBe('TestStack/Vpn/Pki');
      expect(vpn.launchTemplate.node.path).toBe('TestStack/Vpn/LaunchTemplate');
      expect(vpn.clientProfileDocument.node.path).toBe('TestStack/Vpn/ClientProfileDocument');
      expect(vpn.clientProfilePrefix).toBe('openvpn/TestStack-Vpn-A3454426');
    });

    test('exposes what it creates with its concrete type: scale-in protection on the group and a replica of the PKI secret reach the template', () => {
      const built = create();
      built.vpn.autoScalingGroup.protectNewInstancesFromScaleIn();
      built.vpn.pkiSecret.addReplicaRegion('us-west-2');
      const extended = Template.fromStack(built.stack);
      extended.hasResourceProperties('AWS::AutoScaling::AutoScalingGroup', { NewInstancesProtectedFromScaleIn: true });
      extended.hasResourceProperties('AWS::SecretsManager::Secret', { ReplicaRegions: [{ Region: 'us-west-2' }] });
    });
  });

  describe('edition: Access Server', () => {
    const image = ec2.MachineImage.genericLinux({ 'us-east-1': 'ami-0123456789abcdef0' });
    const { vpn, template } = build({ edition: OpenVpnEdition.ACCESS_SERVER, machineImage: image });

    test('the Marketplace image on an x86 t3.small, with the image\'s own root size, encrypted gp3', () => {
      template.hasResourceProperties('AWS::EC2::LaunchTemplate', {
        LaunchTemplateData: Match.objectLike({
          ImageId: 'ami-0123456789abcdef0',
          InstanceType: 't3.small',
          MetadataOptions: { HttpTokens: 'required' },
          BlockDeviceMappings: [{ DeviceName: '/dev/sda1', Ebs: { Encrypted: true, VolumeType: 'gp3', DeleteOnTermination: true } }],
        }),
      });
      expect(JSON.stringify(template.toJSON().Parameters ?? {})).not.toContain('/aws/service/canonical/');
      expect(vpn.edition).toBe(OpenVpnEdition.ACCESS_SERVER);
    });

    test('an instance type of one\'s own', () => {
      const own = build({ edition: OpenVpnEdition.ACCESS_SERVER, machineImage: image, instanceType: new ec2.InstanceType('c5.large') });
      own.template.hasResourceProperties('AWS::EC2::LaunchTemplate', { LaunchTemplateData: Match.objectLike({ InstanceType: 'c5.large' }) });
    });

    test('a generated admin password in its own secret, encrypted with the key, which only the server reads', () => {
      template.resourceCountIs('AWS::SecretsManager::Secret', 2);
      template.hasResourceProperties('AWS::SecretsManager::Secret', {
        Description: "Password of the administrator 'openvpn' of the OpenVPN Access Server TestStack/Vpn",
        GenerateSecretString: { PasswordLength: 32, ExcludePunctuation: true },
        KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('VpnKey'), 'Arn'] },
      });
      const adminSecret = Stack.of(vpn).resolve((vpn.adminPasswordSecret!.node.defaultChild as CfnResource).logicalId);
      expect(setting(template, 'OVPN_ADMIN_SECRET_ID')).toBe('<token>');
      expect(JSON.stringify(template.findResources('AWS::EC2::LaunchTemplate'))).toContain(`{"Ref":"${adminSecret}"}`);
      const statements = policyStatements(template);
      expect(statements.map((s) => s.Sid)).toEqual(['SsmAgent', 'Pki', 'AdminPassword', 'ClientProfiles', 'Encryption', 'ElasticIp', 'Signal']);
      expect(statements[2]).toMatchObject({ Action: 'secretsmanager:GetSecretValue', Resource: { Ref: adminSecret } });
      expect(roleActions(template)).toEqual([...SSM_AGENT_ACTIONS, ...SERVER_ACTIONS].sort());
    });

    test('the security group admits only the tunnel port: the admin UI (943) is reached through Session Manager port forwarding', () => {
      template.hasResourceProperties('AWS::EC2::SecurityGroup', {
        SecurityGroupIngress: [{ IpProtocol: 'udp', FromPort: 1194, ToPort: 1194, CidrIp: '0.0.0.0/0', Description: 'OpenVPN tunnels' }],
      });
      template.resourceCountIs('AWS::EC2::SecurityGroupIngress', 0);
    });

    test('the user data configures Access Server with sacli and installs no community packages', () => {
      const script = userData(template);
      expect(script).toContain('"$AS_DIR/scripts/sacli" "$@"');
      expect(script).not.toContain('easy-rsa');
      expect(setting(template, 'OVPN_CLIENT_CIDR')).toBe('10.255.240.0/20');
    });

    test('the community edition has no admin password', () => {
      const community = build();
      expect(community.vpn.adminPasswordSecret).toBeUndefined();
      expect(community.vpn.edition).toBe(OpenVpnEdition.COMMUNITY);
      community.template.resourceCountIs('AWS::SecretsManager::Secret', 1);
      expect(setting(community.template, 'OVPN_ADMIN_SECRET_ID')).toBeUndefined();
    });

    test('fails when no image is given', () => {
      expect(() => build({ edition: OpenVpnEdition.ACCESS_SERVER })).toThrow(
        "OpenVpnAccessServer 'TestStack/Vpn': edition is OpenVpnEdition.ACCESS_SERVER but machineImage is not set; subscribe to OpenVPN Access Server in AWS Marketplace and give its image, "
        + "for example machineImage: ec2.MachineImage.lookup({ name: 'OpenVPN Access Server*', owners: ['aws-marketplace'] }).");
    });
  });

  describe('options', () => {
    test('clientCidr, allowedCidrs, TCP on 443, routes and DNS servers', () => {
      const { template } = build({
        clientCidr: '100.64.8.0/22',
        allowedCidrs: ['203.0.113.0/24', '198.51.100.7/32'],
        protocol: OpenVpnProtocol.TCP,
        port: 443,
        routes: ['10.0.0.0/16', '10.9.0.0/16'],
        dnsServers: ['10.0.0.53', '10.0.1.53'],
      });
      template.hasResourceProperties('AWS::EC2::SecurityGroup', {
        SecurityGroupIngress: [
          { IpProtocol: 'tcp', FromPort: 443, ToPort: 443, CidrIp: '203.0.113.0/24', Description: 'OpenVPN tunnels' },
          { IpProtocol: 'tcp', FromPort: 443, ToPort: 443, CidrIp: '198.51.100.7/32', Description: 'OpenVPN tunnels' },
        ],
      });
      expect(setting(template, 'OVPN_CLIENT_CIDR')).toBe('100.64.8.0/22');
      expect(setting(template, 'OVPN_PROTOCOL')).toBe('tcp');
      expect(setting(template, 'OVPN_PORT')).toBe('443');
      expect(setting(template, 'OVPN_ROUTES')).toBe('10.0.0.0/16 10.9.0.0/16');
      expect(setting(template, 'OVPN_DNS_SERVERS')).toBe('10.0.0.53 10.0.1.53');
      expect(setting(template, 'OVPN_PUSH_VPC_RESOLVER')).toBe('no');
    });

    test('the default clientCidr avoids the VPC', () => {
      const { vpn } = build({}, '10.255.0.0/16');
      expect(vpn.clientCidr).toBe('192.168.240.0/20');
    });

    test('routing mode: the server may change its own source/destination check and the VPC\'s route tables', () => {
      const { template, vpn } = build({ routingMode: OpenVpnRoutingMode.ROUTED });
      expect(setting(template, 'OVPN_ROUTING_MODE')).toBe('routed');
      expect(setting(template, 'OVPN_PUSH_VPC_RESOLVER')).toBe('no');
      // Three public and three private route tables.
      expect(setting(template, 'OVPN_ROUTE_TABLES')!.split(' ')).toHaveLength(6);
      const statements = policyStatements(template);
      const sourceDest = statements.find((s) => s.Sid === 'SourceDestCheck');
      expect(sourceDest.Action).toBe('ec2:ModifyInstanceAttribute');
      expect(sourceDest.Condition).toEqual({ StringEquals: { 'aws:ResourceTag/guarded-patterns:openvpn-server': vpn.node.addr } });
      const routes = statements.find((s) => s.Sid === 'ClientRoutes');
      expect(routes.Action).toEqual(['ec2:CreateRoute', 'ec2:ReplaceRoute']);
      expect(routes.Resource).toHaveLength(6);
      expect(roleActions(template)).toEqual([...SSM_AGENT_ACTIONS, ...SERVER_ACTIONS, 'ec2:CreateRoute', 'ec2:ModifyInstanceAttribute', 'ec2:ReplaceRoute'].sort());
    });

    test('an x86 instance type takes the amd64 image', () => {
      const { template } = build({ instanceType: new ec2.InstanceType('t3.small') });
      template.hasResourceProperties('AWS::EC2::LaunchTemplate', { LaunchTemplateData: Match.objectLike({ InstanceType: 't3.small' }) });
      expect(Object.values(template.toJSON().Parameters).map((p: any) => p.Default))
        .toContain('/aws/service/canonical/ubuntu/server/24.04/stable/current/amd64/hvm/ebs-gp3/ami-id');
    });

    test('a machine image, key, security group, role, notification topic and removal policy of one\'s own', () => {
      const stack = testStack();
      const network = new PrivateSubnetVpc(stack, 'Network');
      const key = new kms.Key(stack, 'MyKey', { enableKeyRotation: true });
      const group = new ec2.SecurityGroup(stack, 'MyGroup', { vpc: network.vpc });
      const role = new iam.Role(stack, 'MyRole', { assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com') });
      const topic = new sns.Topic(stack, 'Topic');
      const vpn = new OpenVpnAccessServer(stack, 'Vpn', {
        vpc: network.vpc,
        machineImage: ec2.MachineImage.genericLinux({ 'us-east-1': 'ami-0123456789abcdef0' }),
        encryptionKey: key,
        securityGroup: group,
        role,
        notificationTopic: topic,
        removalPolicy: RemovalPolicy.DESTROY,
      });
      const template = Template.fromStack(stack);
      template.resourceCountIs('AWS::KMS::Key', 1);
      expect(Object.keys(template.findResources('AWS::IAM::Role')).filter((id) => id.startsWith('Vpn'))).toEqual([]);
      template.hasResourceProperties('AWS::EC2::LaunchTemplate', { LaunchTemplateData: Match.objectLike({ ImageId: 'ami-0123456789abcdef0' }) });
      template.hasResourceProperties('AWS::EC2::SecurityGroup', {
        GroupDescription: 'TestStack/MyGroup',
        SecurityGroupIngress: [Match.objectLike({ IpProtocol: 'udp', FromPort: 1194, CidrIp: '0.0.0.0/0' })],
      });
      template.resourceCountIs('AWS::EC2::SecurityGroup', 1); // MyGroup: the pattern made none

      template.hasResourceProperties('AWS::AutoScaling::AutoScalingGroup', {
        NotificationConfigurations: [Match.objectLike({ TopicARN: { Ref: Match.stringLikeRegexp('Topic') } })],
      });
      template.hasResource('AWS::SecretsManager::Secret', { DeletionPolicy: 'Delete' });
      expect(vpn.encryptionKey).toBe(key);
      expect(vpn.securityGroup).toBe(group);
      expect(vpn.role).toBe(role);
    });

    test('grantReadClientProfiles and grantClientAdministration', () => {
      const { stack, vpn } = create();
      const admin = new iam.Role(stack, 'Admin', { assumedBy: new iam.AccountRootPrincipal() });
      vpn.grantReadClientProfiles(admin, 'alice');
      vpn.grantClientAdministration(admin);
      const template = Template.fromStack(stack);
      template.hasResourceProperties('AWS::IAM::Policy', {
        Roles: [{ Ref: Match.stringLikeRegexp('Admin') }],
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
              Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:secretsmanager:us-east-1:111111111111:secret:${vpn.clientProfilePrefix}/alice-??????`]] },
            }),
            Match.objectLike({ Action: 'kms:Decrypt' }),
          ]),
        },
      });
    });

    test('grantClientAdministration: the document with no condition, and only instances tagged as this server', () => {
      const { stack, vpn } = create();
      const admin = new iam.Role(stack, 'Admin', { assumedBy: new iam.AccountRootPrincipal() });
      vpn.grantClientAdministration(admin);
      const policies = Object.values(Template.fromStack(stack).findResources('AWS::IAM::Policy'))
        .filter((p) => JSON.stringify(p.Properties.Roles).includes('Admin'));
      expect(policies).toHaveLength(1);
      const sendCommand = policies[0].Properties.PolicyDocument.Statement.filter((s: any) => [s.Action].flat().includes('ssm:SendCommand'));
      const arn = (resource: unknown[]) => ({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ...resource]] });
      expect(sendCommand).toEqual([
        { Effect: 'Allow', Action: 'ssm:SendCommand', Resource: arn([':ssm:us-east-1:111111111111:document/', stack.resolve(vpn.clientProfileDocument.ref)]) },
        {
          Effect: 'Allow',
          Action: 'ssm:SendCommand',
          Resource: arn([':ec2:us-east-1:111111111111:instance/*']),
          Condition: { StringEquals: { 'ssm:resourceTag/guarded-patterns:openvpn-server': vpn.node.addr } },
        },
      ]);
      // The instances the condition names carry the tag from launch.
      Template.fromStack(stack).hasResourceProperties('AWS::AutoScaling::AutoScalingGroup', {
        Tags: Match.arrayWith([{ Key: 'guarded-patterns:openvpn-server', Value: vpn.node.addr, PropagateAtLaunch: true }]),
      });
    });

    test('tokens never give a false error', () => {
      const stack = testStack();
      const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Imported', {
        vpcId: 'vpc-12345678',
        vpcCidrBlock: Token.asString({ 'Fn::ImportValue': 'VpcCidr' }),
        availabilityZones: ['us-east-1a'],
        publicSubnetIds: ['subnet-11111111'],
        publicSubnetRouteTableIds: ['rtb-11111111'],
      });
      const vpn = new OpenVpnAccessServer(stack, 'Vpn', {
        vpc,
        clientCidr: Token.asString({ 'Fn::ImportValue': 'ClientCidr' }),
        port: Token.asNumber({ 'Fn::ImportValue': 'Port' }),
        dnsServers: [Token.asString({ 'Fn::ImportValue': 'Dns' })],
        allowedCidrs: [Token.asString({ 'Fn::ImportValue': 'Office' })],
      });
      const template = Template.fromStack(stack);
      expect(Token.isUnresolved(vpn.clientCidr)).toBe(true);
      // The tunnel port from the allowed block, both as the imports they are (a rule of its own: a token port cannot be inlined).
      template.resourcePropertiesCountIs('AWS::EC2::SecurityGroupIngress', {
        GroupId: { 'Fn::GetAtt': [stack.getLogicalId(vpn.securityGroup.node.defaultChild as ec2.CfnSecurityGroup), 'GroupId'] },
        CidrIp: { 'Fn::ImportValue': 'Office' },
        IpProtocol: 'udp',
        FromPort: { 'Fn::ImportValue': 'Port' },
        ToPort: { 'Fn::ImportValue': 'Port' },
      }, 1);
      template.resourceCountIs('AWS::EC2::SecurityGroupIngress', 1);
      // The server's settings carry the client block, the port and the DNS server as the imports.
      const launchUserData = JSON.stringify(Object.values(template.findResources('AWS::EC2::LaunchTemplate'))[0].Properties.LaunchTemplateData.UserData);
      for (const name of ['ClientCidr', 'Port', 'Dns', 'VpcCidr']) {
        expect(launchUserData).toContain(JSON.stringify({ 'Fn::ImportValue': name }));
      }
    });
  });

  describe('connections', () => {
    /** A database's group, and the sources of its rules on TCP 5432: group logical IDs and CIDRs. */
    function database(props: Partial<OpenVpnAccessServerProps>, admit: (db: ec2.SecurityGroup, vpn: OpenVpnAccessServer) => void) {
      const { stack, network, vpn } = create(props);
      const db = new ec2.SecurityGroup(stack, 'Database', { vpc: network.vpc });
      admit(db, vpn);
      const template = Template.fromStack(stack);
      const inline = Object.values(template.findResources('AWS::EC2::SecurityGroup'))
        .filter((g) => g.Properties.GroupDescription === 'TestStack/Database')
        .flatMap((g) => g.Properties.SecurityGroupIngress ?? []);
      const standalone = Object.values(template.findResources('AWS::EC2::SecurityGroupIngress')).map((r) => r.Properties)
        .filter((r) => JSON.stringify(r.GroupId).includes('Database'));
      const sources = [...inline, ...standalone].filter((r) => r.FromPort === 5432 && r.ToPort === 5432 && r.IpProtocol === 'tcp')
        .map((r) => r.CidrIp ?? r.SourceSecurityGroupId['Fn::GetAtt'][0]).sort();
      const warnings = Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('GuardedPatterns-OpenVpnRoutedClientsNotAdmitted'));
      const serverGroup = stack.resolve(stack.getLogicalId(vpn.securityGroup.node.defaultChild as ec2.CfnSecurityGroup));
      return { stack, vpn, sources, warnings, serverGroup };
    }

    test('routing mode: allowFrom(vpn) admits the client block and the server\'s group', () => {
      const routed = { routingMode: OpenVpnRoutingMode.ROUTED };
      const { sources, vpn, warnings, serverGroup } = database(routed, (db, v) => db.connections.allowFrom(v, ec2.Port.tcp(5432)));
      expect(sources).toEqual(['10.255.240.0/20', serverGroup].sort());
      expect(vpn.connections.securityGroups).toEqual([vpn.securityGroup]);
      expect(warnings).toEqual([]);
    });

    test('NAT mode: allowFrom(vpn) admits the server\'s group alone', () => {
      const { sources, warnings, serverGroup } = database({}, (db, v) => db.connections.allowFrom(v, ec2.Port.tcp(5432)));
      expect(sources).toEqual([serverGroup]);
      expect(warnings).toEqual([]);
    });

    test('routing mode: a rule that admits only the server\'s group warns (GuardedPatterns-OpenVpnRoutedClientsNotAdmitted)', () => {
      const routed = { routingMode: OpenVpnRoutingMode.ROUTED };
      const { sources, warnings, serverGroup } = database(routed, (db, v) => db.connections.allowFrom(v.securityGroup, ec2.Port.tcp(5432)));
      expect(sources).toEqual([serverGroup]);
      expect(warnings).toHaveLength(1);
      const path = warnings[0].id.substring(1);
      expect(path).toMatch(/^TestStack\/Database\/from .*:5432$/);
      expect(warnings[0].entry.data).toBe(`Ingress rule '${path}' admits security group 'TestStack/Vpn/SecurityGroup' of 'TestStack/Vpn/LaunchTemplate' on TCP 5432, `
        + 'but that server routes 10.255.240.0/20 into the VPC without NAT: those packets keep their own source addresses, which a rule naming the server\'s group does not match, so they are dropped. '
        + 'Also admit 10.255.240.0/20 on the same ports (for an OpenVpnAccessServer in routing mode, allowFrom(vpn, port) admits both). [ack: Annotation::GuardedPatterns-OpenVpnRoutedClientsNotAdmitted]');
    });

    test('NAT mode: a rule that admits only the server\'s group is right and does not warn', () => {
      const { warnings } = database({}, (db, v) => db.connections.allowFrom(v.securityGroup, ec2.Port.tcp(5432)));
      expect(warnings).toEqual([]);
    });
  });

  describe('fails when', () => {
    test.each([
      ['the port is out of range', { port: 70000 }, "OpenVpnAccessServer 'TestStack/Vpn': port (70000) must be a whole number from 1 to 65535; use 1194 for UDP or 443 for TCP."],
      ['allowedCidrs is empty', { allowedCidrs: [] }, "OpenVpnAccessServer 'TestStack/Vpn': allowedCidrs is empty, so no client could connect"],
      ['an allowed CIDR is malformed', { allowedCidrs: ['203.0.113.1/24'] }, "allowedCidrs has '203.0.113.1/24', which is not an IPv4 CIDR block with no host bits set; use a block such as '10.0.0.0/16'."],
      ['clientCidr is too large', { clientCidr: '10.128.0.0/9' }, "clientCidr has '10.128.0.0/9', which is not an IPv4 CIDR block from /16 to /29 with no host bits set; use a block such as '10.255.240.0/20'."],
      ['a route is malformed', { routes: ['10.0.0.0/33'] }, "routes has '10.0.0.0/33'"],
      ['a DNS server is not an address', { dnsServers: ['dns.example.com'] }, "dnsServers has 'dns.example.com', which is not an IPv4 address"],
    ])('%s', (_name, props, message) => {
      expect(() => build(props as Partial<OpenVpnAccessServerProps>)).toThrow(message);
    });

    test('several props are wrong: one error lists each', () => {
      expect(() => build({ port: 70000, allowedCidrs: ['203.0.113.1/24'], dnsServers: ['dns.example.com'], clientCidr: '10.0.16.0/20' })).toThrow(new RegExp([
        '^4 props are wrong:',
        "- OpenVpnAccessServer 'TestStack/Vpn': port \\(70000\\)",
        "- OpenVpnAccessServer 'TestStack/Vpn': allowedCidrs has '203.0.113.1/24'",
        "- OpenVpnAccessServer 'TestStack/Vpn': dnsServers has 'dns.example.com'",
        "- OpenVpnAccessServer 'TestStack/Vpn': clientCidr 10.0.16.0/20 overlaps the VPC's block",
      ].join('.*\\n')));
    });

    test('clientCidr overlaps the VPC', () => {
      expect(() => build({ clientCidr: '10.0.16.0/20' })).toThrow(
        "OpenVpnAccessServer 'TestStack/Vpn': clientCidr 10.0.16.0/20 overlaps the VPC's block (10.0.0.0/16). Packets for those addresses would go to the wrong side of the tunnel. "
        + 'Choose a clientCidr outside every VPC, peer and pushed route, such as 10.255.240.0/20 or 192.168.240.0/20. (GuardedPatterns-OpenVpnClientCidrOverlap)');
    });

    test('clientCidr overlaps a pushed route', () => {
      expect(() => build({ clientCidr: '172.16.0.0/24', routes: ['10.0.0.0/16', '172.16.0.0/12'] }))
        .toThrow(/clientCidr 172\.16\.0\.0\/24 overlaps a pushed route \(172\.16\.0\.0\/12\).*GuardedPatterns-OpenVpnClientCidrOverlap/);
    });

    test('clientCidr overlaps a peered VPC (at synth)', () => {
      const stack = testStack();
      const network = new PrivateSubnetVpc(stack, 'Network', { natGateways: 0 });
      const peer = new PrivateSubnetVpc(stack, 'Peer', { cidr: '10.255.0.0/16', natGateways: 0 });
      new ec2.CfnVPCPeeringConnection(stack, 'Peering', { vpcId: network.vpc.vpcId, peerVpcId: peer.vpc.vpcId });
      new OpenVpnAccessServer(stack, 'Vpn', { vpc: network.vpc });
      expect(() => (stack.node.root as App).synth()).toThrow(
        /clientCidr 10\.255\.240\.0\/20 overlaps peered VPC 'TestStack\/Peer\/Resource' \(10\.255\.0\.0\/16\).*GuardedPatterns-OpenVpnClientCidrOverlap/);
    });

    test('vpcSubnets selects private subnets', () => {
      expect(() => build({ vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS } })).toThrow(
        /OpenVpnAccessServer 'TestStack\/Vpn': vpcSubnets selects 3 subnet\(s\) that are not public \(TestStack\/Network\/Resource\/PrivateSubnet1, .*\); clients connect from the internet.*GuardedPatterns-OpenVpnServerNotPublic/);
    });

    test('the VPC has no public subnet', () => {
      const stack = testStack();
      const vpc = new ec2.Vpc(stack, 'Isolated', { subnetConfiguration: [{ name: 'Isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
      expect(() => new OpenVpnAccessServer(stack, 'Vpn', { vpc })).toThrow(/vpcSubnets selects no subnet; clients connect from the internet/);
    });

    test('a security group of one\'s own admits SSH from anywhere (at synth)', () => {
      const stack = testStack();
      const network = new PrivateSubnetVpc(stack, 'Network');
      const group = new ec2.SecurityGroup(stack, 'MyGroup', { vpc: network.vpc });
      group.addIngressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(22));
      new OpenVpnAccessServer(stack, 'Vpn', { vpc: network.vpc, securityGroup: group });
      expect(() => (stack.node.root as App).synth()).toThrow(
        /Security group 'TestStack\/MyGroup' admits TCP 22 \(SSH\) from the whole internet.*GuardedPatterns-OpenVpnAdminPortsOpen/);
    });

    test('an Access Server admin port is opened on the pattern\'s group (at synth)', () => {
      const { stack, vpn } = ((): { stack: Stack; vpn: OpenVpnAccessServer } => {
        const s = testStack();
        const network = new PrivateSubnetVpc(s, 'Network');
        return { stack: s, vpn: new OpenVpnAccessServer(s, 'Vpn', { vpc: network.vpc }) };
      })();
      vpn.connections.allowFromAnyIpv4(ec2.Port.tcp(943));
      expect(() => (stack.node.root as App).synth()).toThrow(
        /Security group 'TestStack\/Vpn\/SecurityGroup' admits TCP 943 \(the OpenVPN Access Server admin and client web UI\) from the whole internet/);
    });
  });
});
