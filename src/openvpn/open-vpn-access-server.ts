import {
  ArnFormat,
  CfnResource,
  Duration,
  Lazy,
  Names,
  RemovalPolicy,
  Stack,
  Tags,
  Token,
  Validations,
  aws_autoscaling as autoscaling,
  aws_ec2 as ec2,
  aws_iam as iam,
  aws_kms as kms,
  aws_secretsmanager as secretsmanager,
  aws_sns as sns,
  aws_ssm as ssm,
} from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { OpenVpnEdition } from './edition';
import { SERVER_SCRIPT_PATH, serverScript } from './server-script';
import { PATTERN_CHECKS } from '../checks/catalogue';
import { OpenVpnAdminPortsOpen } from '../checks/ec2/openvpn-admin-ports-open';
import { OpenVpnClientCidrOverlap, clientCidrOverlapMessage } from '../checks/ec2/openvpn-client-cidr-overlap';
import { OpenVpnRoutedClientsNotAdmitted, sourceGroupRules } from '../checks/ec2/openvpn-routed-clients-not-admitted';
import { OpenVpnServerNotPublic } from '../checks/ec2/openvpn-server-not-public';
import { vpcCidrs } from '../checks/ec2/vpc-topology';
import { embedChecks, pathOf, throwFinding } from '../checks/embed';
import { Ipv4Cidr, cidrsOverlap, formatCidr, literalVpcCidr, parseCidr } from '../private/cidr';
import { GuardedPatternsError, PropErrors } from '../private/errors';
import { limitGrantsToAwsServices } from '../private/kms';
import { ManagedPolicyRole } from '../private/managed-policy-role';
import { acknowledgeAll, complianceRuleIds, iam5ResourceId, nagArn } from '../private/nag';
import { Removal } from '../private/removal';
import { ResourceIndex, referencedResource } from '../private/resource-index';

/**
 * The transport of the tunnels.
 */
export enum OpenVpnProtocol {
  /** UDP: the fastest, and OpenVPN's default. */
  UDP = 'UDP',
  /** TCP: gets through networks that allow only web traffic, on port 443. */
  TCP = 'TCP',
}

/**
 * How client traffic reaches the VPC.
 */
export enum OpenVpnRoutingMode {
  /**
   * The server masquerades client traffic as its own address: nothing in the VPC changes, and
   * resources see connections from the server.
   */
  NAT = 'NAT',
  /**
   * Client addresses stay visible in the VPC: the server turns off its source/destination check
   * and points a route for the client block at its network interface in every route table of the
   * VPC, at each boot (a replacement instance has a new interface).
   */
  ROUTED = 'ROUTED',
}

/** How the server script spells each protocol and routing mode (OpenVPN's and Access Server's own words). */
const SCRIPT_PROTOCOL: Record<OpenVpnProtocol, string> = { [OpenVpnProtocol.UDP]: 'udp', [OpenVpnProtocol.TCP]: 'tcp' };
const SCRIPT_ROUTING_MODE: Record<OpenVpnRoutingMode, string> = { [OpenVpnRoutingMode.NAT]: 'nat', [OpenVpnRoutingMode.ROUTED]: 'routed' };

/** Client pools tried in order for the default: the first that overlaps nothing known. */
const DEFAULT_CLIENT_CIDRS = ['10.255.240.0/20', '192.168.240.0/20', '172.31.240.0/20'];

/** The Ubuntu LTS release the server runs, from Canonical's public SSM parameters. */
const UBUNTU_RELEASE = '24.04';

/**
 * What the SSM Agent needs for Session Manager and Run Command, and nothing of
 * AmazonSSMManagedInstanceCore's reads (parameters, documents, associations, inventory).
 *
 * @see https://docs.aws.amazon.com/systems-manager/latest/userguide/getting-started-create-iam-instance-profile.html
 * @see https://docs.aws.amazon.com/systems-manager/latest/userguide/systems-manager-setting-up-messageAPIs.html
 */
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

/** The tag that marks the server's instances, for the IAM conditions. */
const SERVER_TAG = 'guarded-patterns:openvpn-server';

/**
 * Properties of an OpenVpnAccessServer.
 */
export interface OpenVpnAccessServerProps {
  /**
   * The VPC the clients reach.
   */
  readonly vpc: ec2.IVpc;

  /**
   * Where the server runs: public subnets, since clients connect from the internet. The
   * auto-scaling group replaces a failed server in any of them.
   *
   * @default - the VPC's public subnets
   */
  readonly vpcSubnets?: ec2.SubnetSelection;

  /**
   * The block the clients' tunnel addresses come from, /16 to /29. It must not overlap the VPC,
   * a peered VPC or a pushed route.
   *
   * @default - the first of 10.255.240.0/20, 192.168.240.0/20 and 172.31.240.0/20 that overlaps neither the VPC nor `routes`
   */
  readonly clientCidr?: string;

  /**
   * Who may open a tunnel. The tunnel port is the only port open; everything else is closed.
   *
   * @default ['0.0.0.0/0'] - clients roam; tls-crypt drops any packet not signed with the server's key
   */
  readonly allowedCidrs?: string[];

  /**
   * The tunnel port.
   *
   * @default 1194
   */
  readonly port?: number;

  /**
   * The tunnel transport. With TCP, port 443 gets through most restrictive networks.
   *
   * @default OpenVpnProtocol.UDP
   */
  readonly protocol?: OpenVpnProtocol;

  /**
   * The blocks pushed to clients as routes through the tunnel. Everything else stays on the
   * clients' own connection (split tunnel).
   *
   * @default - the VPC's primary CIDR block
   */
  readonly routes?: string[];

  /**
   * How client traffic reaches the VPC.
   *
   * @default OpenVpnRoutingMode.NAT
   */
  readonly routingMode?: OpenVpnRoutingMode;

  /**
   * DNS servers pushed to clients, for example a PrivateLinkConsumer's forwarder addresses.
   *
   * @default - in NAT mode, the VPC's Amazon DNS server (its CIDR base + 2), which resolves its
   * private hosted zones; in routing mode none, since Amazon DNS answers only addresses in the VPC
   */
  readonly dnsServers?: string[];

  /**
   * Which OpenVPN server runs: community OpenVPN, or OpenVPN Access Server from its AWS
   * Marketplace image (give its image as `machineImage`).
   *
   * @default OpenVpnEdition.COMMUNITY
   */
  readonly edition?: OpenVpnEdition;

  /**
   * The server's instance type. OpenVPN uses one core; a burstable Graviton instance carries a
   * small team's traffic.
   *
   * @default - t4g.micro for the community edition; t3.small for Access Server, whose Marketplace images are x86_64 and which runs a web server and databases beside OpenVPN
   */
  readonly instanceType?: ec2.InstanceType;

  /**
   * The server's image. For the community edition: Ubuntu or Debian, which package OpenVPN and
   * easy-rsa (Amazon Linux 2023 does not). For Access Server: its AWS Marketplace image, to which
   * the account must subscribe first, for example
   * `ec2.MachineImage.lookup({ name: 'OpenVPN Access Server*', owners: ['aws-marketplace'] })`.
   * The root device is `/dev/sda1`, as in Ubuntu images.
   *
   * @default - community: the latest Ubuntu 24.04 LTS for the instance type's architecture, from Canonical's public SSM parameter (the instance is replaced when it changes); Access Server: none, it must be given
   */
  readonly machineImage?: ec2.IMachineImage;

  /**
   * The KMS key that encrypts the PKI secret and the client profile secrets.
   *
   * @default - a new key with yearly rotation
   */
  readonly encryptionKey?: kms.IKey;

  /**
   * The server's security group. The pattern adds the tunnel rule to it.
   *
   * @default - a new one that admits only the tunnel port from `allowedCidrs`
   */
  readonly securityGroup?: ec2.ISecurityGroup;

  /**
   * The instance role. The pattern attaches what the SSM Agent needs for Session Manager and Run
   * Command, and what the boot script needs, scoped to this server's resources; no AWS managed
   * policy. If the account's Session Manager preferences encrypt sessions with a KMS key or log
   * them to S3 or CloudWatch Logs, grant the role access to those too.
   *
   * @see https://docs.aws.amazon.com/systems-manager/latest/userguide/getting-started-create-iam-instance-profile.html
   * @default - a new role
   */
  readonly role?: iam.IRole;

  /**
   * An SNS topic told of every launch, termination and failure of the server's instances, that
   * is of every self-healing replacement.
   *
   * @default - no notifications
   */
  readonly notificationTopic?: sns.ITopic;

  /**
   * What happens to what the pattern would keep after the stack is deleted: the KMS key it
   * creates and the PKI secret (the CA; deleting it invalidates every client profile).
   * `RemovalPolicy.DESTROY` makes a trial that `cdk destroy` removes: the key goes to pending
   * deletion for 7 days (the shortest window KMS allows) and the secret is deleted. Client profile
   * secrets are created by the server, not by the stack: revoke the profiles (which deletes them)
   * before deleting the stack.
   *
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * A self-healing OpenVPN server: community OpenVPN on Ubuntu LTS (or OpenVPN Access Server from
 * its Marketplace image) in an auto-scaling group of one, with an Elastic IP that each new
 * instance takes over, the keys generated on first boot and kept in a KMS-encrypted Secrets
 * Manager secret, no SSH (administration through SSM Session Manager), and client profiles
 * issued and revoked through an SSM document.
 *
 * @example
 * const network = new PrivateSubnetVpc(this, 'Network');
 * const vpn = new OpenVpnAccessServer(this, 'Vpn', { vpc: network.vpc });
 * // aws ssm send-command --document-name <vpn.clientProfileDocument.ref> \
 * //   --targets Key=tag:aws:autoscaling:groupName,Values=<vpn.autoScalingGroup.autoScalingGroupName> --parameters action=issue,clientName=alice
 */
export class OpenVpnAccessServer extends Construct implements ec2.IConnectable, iam.IGrantable {
  /**
   * Who reaches the VPC through the server, for `allowFrom(vpn, port)`: in NAT mode the server's
   * security group (clients arrive with its address); in routing mode also `clientCidr`, since
   * client packets keep their tunnel addresses.
   */
  public readonly connections: ec2.Connections;

  /** The instance role. */
  public readonly grantPrincipal: iam.IPrincipal;

  /** The instance role. */
  public readonly role: iam.IRole;

  /** The server's security group. */
  public readonly securityGroup: ec2.ISecurityGroup;

  /** The auto-scaling group of one that keeps a server running. */
  public readonly autoScalingGroup: autoscaling.IAutoScalingGroup;

  /** The launch template of the server's instances. */
  public readonly launchTemplate: ec2.ILaunchTemplate;

  /** The Elastic IP that clients connect to; each new instance associates it with itself. */
  public readonly elasticIp: ec2.CfnEIP;

  /** The address clients connect to (the Elastic IP). */
  public readonly endpointAddress: string;

  /**
   * The secret holding the server's keys: for the community edition the CA, the server's key and
   * certificate, the CRL and the tls-crypt key; for Access Server its certificate, settings and
   * user databases.
   */
  public readonly pkiSecret: secretsmanager.ISecret;

  /** The key that encrypts the PKI and the client profiles. */
  public readonly encryptionKey: kms.IKey;

  /** The tunnel address pool. */
  public readonly clientCidr: string;

  /** The tunnel port. */
  public readonly port: number;

  /** The tunnel transport. */
  public readonly protocol: OpenVpnProtocol;

  /** Which OpenVPN server runs. */
  public readonly edition: OpenVpnEdition;

  /**
   * Access Server only: the secret holding the password of the administrator `openvpn`, for the
   * admin web UI on port 943, reached through Session Manager port forwarding (never open in the
   * security group). Each boot sets the password from this secret.
   */
  public readonly adminPasswordSecret?: secretsmanager.ISecret;

  /**
   * The SSM Command document that issues (`action=issue`) or revokes (`action=revoke`) a client
   * profile on the server.
   */
  public readonly clientProfileDocument: ssm.CfnDocument;

  /**
   * Client profiles are secrets named `<clientProfilePrefix>/<client name>`, encrypted with
   * `encryptionKey`. They are created by the server, not by CloudFormation, and outlive the stack.
   */
  public readonly clientProfilePrefix: string;

  constructor(scope: Construct, id: string, props: OpenVpnAccessServerProps) {
    super(scope, id);
    const subject = `OpenVpnAccessServer '${this.node.path}'`;
    const stack = Stack.of(this);
    const vpc = props.vpc;

    const errors = new PropErrors();
    const removal = Removal.of(errors, subject, props.removalPolicy);
    const port = props.port ?? 1194;
    errors.check(() => {
      if (!Token.isUnresolved(port) && (!Number.isInteger(port) || port < 1 || port > 65535)) {
        throw new GuardedPatternsError(`${subject}: port (${port}) must be a whole number from 1 to 65535; use 1194 for UDP or 443 for TCP.`);
      }
    });
    this.port = port;
    this.protocol = props.protocol ?? OpenVpnProtocol.UDP;
    const mode = props.routingMode ?? OpenVpnRoutingMode.NAT;
    this.edition = props.edition ?? OpenVpnEdition.COMMUNITY;
    const accessServer = this.edition === OpenVpnEdition.ACCESS_SERVER;
    errors.check(() => {
      if (accessServer && !props.machineImage) {
        throw new GuardedPatternsError(`${subject}: edition is OpenVpnEdition.ACCESS_SERVER but machineImage is not set; subscribe to OpenVPN Access Server in AWS Marketplace and give its image, `
          + "for example machineImage: ec2.MachineImage.lookup({ name: 'OpenVPN Access Server*', owners: ['aws-marketplace'] }).");
      }
    });

    const allowedCidrs = props.allowedCidrs ?? ['0.0.0.0/0'];
    errors.check(() => {
      if (allowedCidrs.length === 0) {
        throw new GuardedPatternsError(`${subject}: allowedCidrs is empty, so no client could connect; give the blocks clients connect from, or leave it unset for anywhere.`);
      }
    });
    allowedCidrs.forEach((c) => this.literalCidr(errors, subject, 'allowedCidrs', c, 0));
    const routes = props.routes ?? [vpc.vpcCidrBlock];
    const literalRoutes = routes.map((r) => this.literalCidr(errors, subject, 'routes', r, 0));
    const dnsServers = props.dnsServers ?? [];
    for (const dns of dnsServers) {
      errors.check(() => {
        if (!Token.isUnresolved(dns) && !parseCidr(`${dns}/32`)) {
          throw new GuardedPatternsError(`${subject}: dnsServers has '${dns}', which is not an IPv4 address; give addresses such as '10.0.0.2'.`);
        }
      });
    }

    // What the clients must reach, as far as it is known now; peers are checked when the tree is complete.
    const vpcBlock = literalVpcCidr(vpc);
    const known: Array<[string, Ipv4Cidr]> = [];
    if (vpcBlock) {
      known.push(['the VPC\'s block', vpcBlock]);
    }
    literalRoutes.forEach((r) => r && known.push(['a pushed route', r]));
    const free = (c: string) => !known.some(([, k]) => cidrsOverlap(parseCidr(c)!, k));
    this.clientCidr = props.clientCidr ?? DEFAULT_CLIENT_CIDRS.find(free) ?? DEFAULT_CLIENT_CIDRS[0];
    const client = this.literalCidr(errors, subject, 'clientCidr', this.clientCidr, 16, 29);
    errors.check(() => {
      const [what, block] = (client && known.find(([, b]) => cidrsOverlap(client, b))) || [];
      if (what && block) {
        throwFinding(OpenVpnClientCidrOverlap, clientCidrOverlapMessage(subject, this.clientCidr, what, formatCidr(block)));
      }
    });

    let selected: ec2.ISubnet[] = [];
    try {
      selected = vpc.selectSubnets(props.vpcSubnets ?? { subnetType: ec2.SubnetType.PUBLIC }).subnets;
    } catch {
      // ec2.Vpc throws when the VPC has no subnet of the selected type: reported below.
    }
    const publicIds = new Set(vpc.publicSubnets.map((s) => s.subnetId));
    const notPublic = selected.filter((s) => !publicIds.has(s.subnetId));
    errors.check(() => {
      if (selected.length === 0 || notPublic.length > 0) {
        throwFinding(OpenVpnServerNotPublic, `${subject}: vpcSubnets selects ${selected.length === 0 ? 'no subnet' : `${notPublic.length} subnet(s) that are not public (${notPublic.map((s) => s.node.path).join(', ')})`}; `
          + 'clients connect from the internet, so the server needs a public subnet. Use { subnetType: ec2.SubnetType.PUBLIC } with a VPC that has public subnets.');
      }
    });
    errors.throwIfAny();

    this.encryptionKey = props.encryptionKey ?? limitGrantsToAwsServices(new kms.Key(this, 'Key', {
      description: `Encrypts the OpenVPN PKI and client profiles of ${this.node.path}`,
      enableKeyRotation: true,
      ...removal.key,
    }));
    this.pkiSecret = new secretsmanager.Secret(this, 'Pki', {
      description: `OpenVPN ${accessServer ? 'Access Server databases' : 'PKI'} of ${this.node.path}: written by the server on its first boot`,
      encryptionKey: this.encryptionKey,
      removalPolicy: removal.policy,
    });
    if (accessServer) {
      this.adminPasswordSecret = new secretsmanager.Secret(this, 'AdminPassword', {
        description: `Password of the administrator 'openvpn' of the OpenVPN Access Server ${this.node.path}`,
        encryptionKey: this.encryptionKey,
        generateSecretString: { passwordLength: 32, excludePunctuation: true },
      });
    }
    this.clientProfilePrefix = `openvpn/${Names.uniqueResourceName(this, { maxLength: 64, separator: '-' })}`;

    this.securityGroup = props.securityGroup ?? new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc,
      description: `OpenVPN server ${this.node.path}: the tunnel port only`,
      allowAllOutbound: true,
    });
    const tunnelPort = this.protocol === OpenVpnProtocol.TCP ? ec2.Port.tcp(port) : ec2.Port.udp(port);
    for (const cidr of allowedCidrs) {
      this.securityGroup.addIngressRule(ec2.Peer.ipv4(cidr), tunnelPort, 'OpenVPN tunnels');
    }
    // Routed client packets keep their tunnel addresses, which a rule naming the server's group does
    // not match (it matches the addresses of the group's interfaces): `allowFrom(vpn)` admits both.
    this.connections = new ec2.Connections({
      securityGroups: [this.securityGroup],
      peer: mode === OpenVpnRoutingMode.ROUTED ? ec2.Peer.ipv4(this.clientCidr) : undefined,
    });

    this.role = props.role ?? new ManagedPolicyRole(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com'),
      description: `OpenVPN server ${this.node.path}`,
      ...this.serverPolicy(),
    });
    this.grantPrincipal = this.role;

    this.elasticIp = new ec2.CfnEIP(this, 'ElasticIp', { domain: 'vpc', tags: [{ key: 'Name', value: this.node.path }] });
    this.endpointAddress = this.elasticIp.attrPublicIp;

    const instanceType = props.instanceType ?? new ec2.InstanceType(accessServer ? 't3.small' : 't4g.micro');
    const arch = instanceType.architecture === ec2.InstanceArchitecture.ARM_64 ? 'arm64' : 'amd64';
    const machineImage = props.machineImage ?? ec2.MachineImage.fromSsmParameter(
      `/aws/service/canonical/ubuntu/server/${UBUNTU_RELEASE}/stable/current/${arch}/hvm/ebs-gp3/ami-id`);

    const routeTables = mode === OpenVpnRoutingMode.ROUTED ? uniqueRouteTables(vpc) : [];
    // The script names the group it signals, which needs the launch template first.
    let script = '';
    const userData = ec2.UserData.custom(Lazy.string({ produce: () => script }));
    const launchTemplate = new ec2.LaunchTemplate(this, 'LaunchTemplate', {
      instanceType,
      machineImage,
      userData,
      role: this.role,
      securityGroup: this.securityGroup,
      requireImdsv2: true,
      // The instance needs a public address from launch to install packages; the Elastic IP then replaces it.
      associatePublicIpAddress: true,
      detailedMonitoring: true,
      blockDevices: [{
        deviceName: '/dev/sda1',
        volume: ec2.BlockDeviceVolume.ebs(8, { encrypted: true, volumeType: ec2.EbsDeviceVolumeType.GP3, deleteOnTermination: true }),
      }],
    });
    if (accessServer) {
      // Access Server's image sets its own root size, which EC2 refuses to shrink: take the image's.
      (launchTemplate.node.defaultChild as ec2.CfnLaunchTemplate).addPropertyDeletionOverride('LaunchTemplateData.BlockDeviceMappings.0.Ebs.VolumeSize');
    }
    this.launchTemplate = launchTemplate;

    const group = new autoscaling.AutoScalingGroup(this, 'AutoScalingGroup', {
      vpc,
      vpcSubnets: props.vpcSubnets ?? { subnetType: ec2.SubnetType.PUBLIC },
      launchTemplate,
      minCapacity: 1,
      maxCapacity: 1,
      healthChecks: autoscaling.HealthChecks.ec2({ gracePeriod: Duration.minutes(10) }),
      // A new group's server starts and takes the Elastic IP over before the old one goes.
      updatePolicy: autoscaling.UpdatePolicy.replacingUpdate(),
      notifications: props.notificationTopic ? [{ topic: props.notificationTopic }] : undefined,
    });
    // The boot script signals success once OpenVPN runs: a broken server fails the deployment. Set on
    // the L1 because the group's `signals` prop adds an inline policy to the role.
    (group.node.defaultChild as autoscaling.CfnAutoScalingGroup).cfnOptions.creationPolicy = {
      resourceSignal: { count: 1, timeout: Duration.minutes(15).toIsoString() },
    };
    Tags.of(group).add(SERVER_TAG, this.node.addr, { applyToLaunchedInstances: true });
    this.autoScalingGroup = group;

    script = serverScript({
      OVPN_REGION: stack.region,
      OVPN_STACK_NAME: stack.stackName,
      OVPN_SIGNAL_RESOURCE: stack.getLogicalId(group.node.defaultChild as CfnResource),
      OVPN_SECRET_ID: this.pkiSecret.secretArn,
      OVPN_KMS_KEY_ID: this.encryptionKey.keyArn,
      OVPN_CLIENT_SECRET_PREFIX: this.clientProfilePrefix,
      OVPN_EIP_ALLOCATION_ID: this.elasticIp.attrAllocationId,
      OVPN_PUBLIC_ADDRESS: this.endpointAddress,
      OVPN_PORT: String(port),
      OVPN_PROTOCOL: SCRIPT_PROTOCOL[this.protocol],
      OVPN_CLIENT_CIDR: this.clientCidr,
      OVPN_ROUTES: routes.join(' '),
      OVPN_DNS_SERVERS: dnsServers.join(' '),
      OVPN_PUSH_VPC_RESOLVER: props.dnsServers === undefined && mode === OpenVpnRoutingMode.NAT ? 'yes' : 'no',
      OVPN_VPC_CIDR: vpc.vpcCidrBlock,
      OVPN_ROUTING_MODE: SCRIPT_ROUTING_MODE[mode],
      OVPN_ROUTE_TABLES: routeTables.join(' '),
      OVPN_ADMIN_SECRET_ID: this.adminPasswordSecret?.secretArn,
    }, this.edition);

    this.clientProfileDocument = new ssm.CfnDocument(this, 'ClientProfileDocument', {
      documentType: 'Command',
      updateMethod: 'NewVersion',
      content: {
        schemaVersion: '2.2',
        description: `Issues or revokes an OpenVPN client profile on ${this.node.path}. An issued profile is the Secrets Manager secret ${this.clientProfilePrefix}/<clientName>; revoking revokes its certificate and deletes the secret.`,
        parameters: {
          action: { type: 'String', allowedValues: ['issue', 'revoke'], description: 'issue or revoke' },
          clientName: {
            type: 'String',
            allowedPattern: '^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$',
            description: 'The client: 1 to 64 letters, digits, ".", "_" or "-", starting with a letter or digit',
          },
        },
        mainSteps: [{
          action: 'aws:runShellScript',
          name: 'ClientProfile',
          inputs: { timeoutSeconds: '300', runCommand: [`${SERVER_SCRIPT_PATH} '{{ action }}-client' '{{ clientName }}'`] },
        }],
      },
    });

    group.node.addDependency(this.grantServerPermissions(routeTables, mode));
    this.acknowledgeInherent(allowedCidrs);

    embedChecks(this, PATTERN_CHECKS.OpenVpnAccessServer, {
      // A security group brought from outside the pattern is the server's all the same.
      checks: [OpenVpnAdminPortsOpen],
      find: () => [this.securityGroup.node.defaultChild].filter((g): g is ec2.CfnSecurityGroup => g instanceof ec2.CfnSecurityGroup),
    }, {
      // Rules elsewhere in the app that admit the server's group, which in routing mode misses the clients.
      checks: [OpenVpnRoutedClientsNotAdmitted],
      find: (index) => [...index.ofType('AWS::EC2::SecurityGroup'), ...index.ofType('AWS::EC2::SecurityGroupIngress')]
        .filter((rule) => sourceGroupRules(rule, index).some((r) => r.source === this.securityGroup.node.defaultChild)),
    });
    this.node.addValidation({ validate: () => this.validateTree(subject, client, vpc.node.defaultChild) });
  }

  /**
   * Lets a principal read client profiles (all of them, or one).
   */
  public grantReadClientProfiles(grantee: iam.IGrantable, clientName?: string): iam.Grant {
    const grant = iam.Grant.addToPrincipal({
      grantee,
      actions: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
      resourceArns: [this.clientSecretArn(clientName === undefined ? '*' : `${clientName}-??????`)],
    });
    this.encryptionKey.grantDecrypt(grantee);
    return grant;
  }

  /**
   * Lets a principal run the client profile document on the server (issue and revoke profiles).
   */
  public grantClientAdministration(grantee: iam.IGrantable): iam.Grant {
    const stack = Stack.of(this);
    // SendCommand is authorized on the document and on each target instance. The document carries
    // no tag, so a tag condition on one statement over both would need IfExists, which every
    // untagged instance of the account also meets: one statement each.
    const document = iam.Grant.addToPrincipal({
      grantee,
      actions: ['ssm:SendCommand'],
      resourceArns: [stack.formatArn({ service: 'ssm', resource: 'document', resourceName: this.clientProfileDocument.ref })],
    });
    const instances = iam.Grant.addToPrincipal({
      grantee,
      actions: ['ssm:SendCommand'],
      resourceArns: [stack.formatArn({ service: 'ec2', resource: 'instance', resourceName: '*' })],
      conditions: { StringEquals: { [`ssm:resourceTag/${SERVER_TAG}`]: this.node.addr } },
    });
    return document.combine(instances);
  }

  private clientSecretArn(name: string): string {
    return Stack.of(this).formatArn({
      service: 'secretsmanager', resource: 'secret', resourceName: `${this.clientProfilePrefix}/${name}`, arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
  }

  /** What the server does with AWS: a managed policy, scoped to this server's resources. */
  private grantServerPermissions(routeTables: string[], mode: OpenVpnRoutingMode): iam.ManagedPolicy {
    const stack = Stack.of(this);
    const ec2Arn = (resource: string, name: string) => stack.formatArn({ service: 'ec2', resource, resourceName: name });
    const statements = [
      // What the SSM Agent calls for Session Manager and Run Command (the client profile document):
      // the heartbeat, and the message channels (ssmmessages, or ec2messages where the agent cannot
      // use ssmmessages). None of the channel actions takes a resource type.
      new iam.PolicyStatement({
        sid: 'SsmAgent',
        actions: [...SSM_AGENT_ACTIONS],
        resources: ['*'],
      }),
      new iam.PolicyStatement({
        sid: 'Pki',
        actions: ['secretsmanager:GetSecretValue', 'secretsmanager:PutSecretValue', 'secretsmanager:DescribeSecret'],
        resources: [this.pkiSecret.secretArn],
      }),
      ...(this.adminPasswordSecret ? [new iam.PolicyStatement({
        sid: 'AdminPassword',
        actions: ['secretsmanager:GetSecretValue'],
        resources: [this.adminPasswordSecret.secretArn],
      })] : []),
      new iam.PolicyStatement({
        sid: 'ClientProfiles',
        actions: ['secretsmanager:CreateSecret', 'secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret', 'secretsmanager:DeleteSecret'],
        resources: [this.clientSecretArn('*')],
      }),
      // Secrets Manager encrypts each new value with a data key from GenerateDataKey and decrypts it
      // with Decrypt, on the caller's behalf; kms:Encrypt serves only re-encrypting the versions of a
      // secret whose key changes, which the server never does.
      // https://docs.aws.amazon.com/secretsmanager/latest/userguide/security-encryption.html#security-encryption-authz
      new iam.PolicyStatement({
        sid: 'Encryption',
        actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
        resources: [this.encryptionKey.keyArn],
        conditions: { StringEquals: { 'kms:ViaService': `secretsmanager.${stack.region}.amazonaws.com` } },
      }),
      new iam.PolicyStatement({
        sid: 'ElasticIp',
        actions: ['ec2:AssociateAddress'],
        resources: [
          ec2Arn('elastic-ip', this.elasticIp.attrAllocationId),
          ec2Arn('instance', '*'),
          ec2Arn('network-interface', '*'),
        ],
      }),
      new iam.PolicyStatement({
        sid: 'Signal',
        actions: ['cloudformation:SignalResource'],
        resources: [stack.stackId],
      }),
    ];
    if (mode === OpenVpnRoutingMode.ROUTED) {
      statements.push(new iam.PolicyStatement({
        sid: 'SourceDestCheck',
        actions: ['ec2:ModifyInstanceAttribute'],
        resources: [ec2Arn('instance', '*')],
        conditions: { StringEquals: { [`aws:ResourceTag/${SERVER_TAG}`]: this.node.addr } },
      }));
      if (routeTables.length > 0) {
        statements.push(new iam.PolicyStatement({
          sid: 'ClientRoutes',
          actions: ['ec2:CreateRoute', 'ec2:ReplaceRoute'],
          resources: routeTables.map((t) => ec2Arn('route-table', t)),
        }));
      }
    }
    // In the role's own policy, or beside a role the user brought.
    return ManagedPolicyRole.addToManagedPolicyOf(this, this.role, this.serverPolicy(), ...statements);
  }

  /** The managed policy that holds the server's permissions, and the user's grants to a role the pattern made. */
  private serverPolicy(): { policyId: string; policyDescription: string } {
    return { policyId: 'ServerPolicy', policyDescription: `What the OpenVPN server ${this.node.path} does with AWS` };
  }

  /** Acknowledges the compliance findings that the design implies, each with its reason. */
  private acknowledgeInherent(allowedCidrs: string[]): void {
    const stack = Stack.of(this);
    Validations.of(this).acknowledge(
      {
        id: iam5ResourceId('*'),
        reason: 'Only the SSM Agent\'s own calls for Session Manager and Run Command, the only way to administer the server (no SSH): its heartbeat (ssm:UpdateInstanceInformation) '
          + 'and its message channels (ssmmessages, ec2messages), which take no resource type in the Service Authorization Reference; AWS documents them on every resource.',
      },
      {
        id: iam5ResourceId(nagArn(stack, 'ec2', 'instance/*')),
        reason: 'The instance and its network interface exist only after the auto-scaling group launches them; the Elastic IP it may associate is named exactly, and routing-mode source/destination changes are limited to instances tagged as this server.',
      },
      {
        id: iam5ResourceId(nagArn(stack, 'ec2', 'network-interface/*')),
        reason: 'AssociateAddress authorizes the instance\'s network interface, which exists only after launch; the Elastic IP is named exactly.',
      },
      {
        id: iam5ResourceId(nagArn(stack, 'secretsmanager', `secret:${this.clientProfilePrefix}/*`)),
        reason: 'The server creates one secret per client profile, named after the client when it is issued; the prefix is this server\'s own.',
      },
    );
    const rotationRules = ['AwsSolutions-SMG4', ...complianceRuleIds('SecretsManagerRotationEnabled')];
    acknowledgeAll(this.pkiSecret, rotationRules,
      'The secret holds a CA and its issued-certificate index, which a rotation Lambda cannot replace without invalidating every client profile; keys change by revoking and reissuing profiles through the client profile document.');
    if (this.adminPasswordSecret) {
      acknowledgeAll(this.adminPasswordSecret, rotationRules,
        'Access Server keeps the admin password in its own user database on the instance, which a rotation Lambda cannot reach; each boot sets it from this secret, so a new value takes effect when the instance is replaced.');
    }
    if (allowedCidrs.some((c) => c === '0.0.0.0/0')) {
      Validations.of(this.securityGroup).acknowledge({
        id: 'AwsSolutions-EC23',
        reason: 'Clients roam, so the tunnel port admits any address (allowedCidrs narrows it); it is the only open port, and tls-crypt drops every packet not authenticated with the server\'s key before any TLS processing.',
      });
    }
  }

  /** Checks that need the complete tree: the client block against peered VPCs. */
  private validateTree(subject: string, client: Ipv4Cidr | undefined, vpcL1: unknown): string[] {
    const index = ResourceIndex.ofCompleteTree(this.node.root);
    const errors: string[] = [];
    if (!client || !(vpcL1 instanceof ec2.CfnVPC)) {
      return errors;
    }
    for (const peering of index.ofType('AWS::EC2::VPCPeeringConnection') as ec2.CfnVPCPeeringConnection[]) {
      const requester = referencedResource(peering.vpcId);
      const accepter = referencedResource(peering.peerVpcId);
      const other = requester === vpcL1 ? accepter : accepter === vpcL1 ? requester : undefined;
      if (!(other instanceof ec2.CfnVPC)) {
        continue;
      }
      for (const block of vpcCidrs(other, index).filter((b) => cidrsOverlap(client, b))) {
        errors.push(`${clientCidrOverlapMessage(subject, this.clientCidr, `peered VPC '${pathOf(other)}'`, formatCidr(block))} (${OpenVpnClientCidrOverlap.id})`);
      }
    }
    return errors;
  }


  /** A prop's CIDR parsed, or `undefined` for a token or for malformed text, which it adds to `errors`. */
  private literalCidr(errors: PropErrors, subject: string, prop: string, text: string, minMask: number, maxMask = 32): Ipv4Cidr | undefined {
    if (Token.isUnresolved(text)) {
      return undefined;
    }
    const cidr = parseCidr(text);
    if (!cidr || cidr.mask < minMask || cidr.mask > maxMask) {
      errors.add(`${subject}: ${prop} has '${text}', which is not an IPv4 CIDR block${minMask > 0 || maxMask < 32 ? ` from /${minMask} to /${maxMask}` : ''} with no host bits set; `
        + `use a block such as ${prop === 'clientCidr' ? "'10.255.240.0/20'" : "'10.0.0.0/16'"}.`);
      return undefined;
    }
    return cidr;
  }
}


/** Every route table of the VPC's subnets, once each. */
function uniqueRouteTables(vpc: ec2.IVpc): string[] {
  const ids = [...vpc.publicSubnets, ...vpc.privateSubnets, ...vpc.isolatedSubnets]
    .map((s) => s.routeTable?.routeTableId)
    .filter((id): id is string => id !== undefined);
  return [...new Set(ids)];
}
