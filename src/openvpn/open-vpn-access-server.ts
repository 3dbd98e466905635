import {
  ArnFormat,
  CfnResource,
  Duration,
  Lazy,
  Names,
  RemovalPolicy,
  Stack,
  Tags,
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
import { OpenVpnProtocol } from './protocol';
import { OpenVpnRoutingMode } from './routing-mode';
import { SERVER_TAG, grantServerPermissions, serverPolicy } from './server-policy';
import { SERVER_SCRIPT_PATH, serverScript } from './server-script';
import { OpenVpnSettings, resolveSettings } from './settings';
import { PATTERN_CHECKS } from '../checks/catalogue';
import { OpenVpnAdminPortsOpen } from '../checks/ec2/openvpn-admin-ports-open';
import { OpenVpnClientCidrOverlap, clientCidrOverlapMessage } from '../checks/ec2/openvpn-client-cidr-overlap';
import { OpenVpnRoutedClientsNotAdmitted, sourceGroupRules } from '../checks/ec2/openvpn-routed-clients-not-admitted';
import { embedChecks, pathOf } from '../checks/embed';
import { Ipv4Cidr, cidrsOverlap, formatCidr } from '../private/cidr';
import { PropErrors } from '../private/errors';
import { limitGrantsToAwsServices } from '../private/kms';
import { ManagedPolicyRole } from '../private/managed-policy-role';
import { acknowledgeAll, complianceRuleIds } from '../private/nag';
import { ResourceIndex } from '../private/resource-index';
import { peeringsOf, vpcCidrs } from '../private/template/vpc';

/** How the server script spells each protocol and routing mode (OpenVPN's and Access Server's own words). */
const SCRIPT_PROTOCOL: Record<OpenVpnProtocol, string> = { [OpenVpnProtocol.UDP]: 'udp', [OpenVpnProtocol.TCP]: 'tcp' };
const SCRIPT_ROUTING_MODE: Record<OpenVpnRoutingMode, string> = { [OpenVpnRoutingMode.NAT]: 'nat', [OpenVpnRoutingMode.ROUTED]: 'routed' };

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
  public readonly autoScalingGroup: autoscaling.AutoScalingGroup;

  /** The launch template of the server's instances. */
  public readonly launchTemplate: ec2.LaunchTemplate;

  /** The Elastic IP that clients connect to; each new instance associates it with itself. */
  public readonly elasticIp: ec2.CfnEIP;

  /** The address clients connect to (the Elastic IP). */
  public readonly endpointAddress: string;

  /**
   * The secret holding the server's keys: for the community edition the CA, the server's key and
   * certificate, the CRL and the tls-crypt key; for Access Server its certificate, settings and
   * user databases.
   */
  public readonly pkiSecret: secretsmanager.Secret;

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
  public readonly adminPasswordSecret?: secretsmanager.Secret;

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
    const errors = new PropErrors();
    const settings = resolveSettings(subject, props, errors);
    errors.throwIfAny();
    this.port = settings.port;
    this.protocol = settings.protocol;
    this.edition = settings.edition;
    this.clientCidr = settings.clientCidr;

    this.encryptionKey = props.encryptionKey ?? limitGrantsToAwsServices(new kms.Key(this, 'Key', {
      description: `Encrypts the OpenVPN PKI and client profiles of ${this.node.path}`,
      enableKeyRotation: true,
      ...settings.removal.key,
    }));
    this.pkiSecret = new secretsmanager.Secret(this, 'Pki', {
      description: `OpenVPN ${settings.accessServer ? 'Access Server databases' : 'PKI'} of ${this.node.path}: written by the server on its first boot`,
      encryptionKey: this.encryptionKey,
      removalPolicy: settings.removal.policy,
    });
    if (settings.accessServer) {
      this.adminPasswordSecret = new secretsmanager.Secret(this, 'AdminPassword', {
        description: `Password of the administrator 'openvpn' of the OpenVPN Access Server ${this.node.path}`,
        encryptionKey: this.encryptionKey,
        generateSecretString: { passwordLength: 32, excludePunctuation: true },
      });
    }
    this.clientProfilePrefix = `openvpn/${Names.uniqueResourceName(this, { maxLength: 64, separator: '-' })}`;

    this.securityGroup = props.securityGroup ?? new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      description: `OpenVPN server ${this.node.path}: the tunnel port only`,
      allowAllOutbound: true,
    });
    const tunnelPort = this.protocol === OpenVpnProtocol.TCP ? ec2.Port.tcp(this.port) : ec2.Port.udp(this.port);
    for (const cidr of settings.allowedCidrs) {
      this.securityGroup.addIngressRule(ec2.Peer.ipv4(cidr), tunnelPort, 'OpenVPN tunnels');
    }
    // Routed client packets keep their tunnel addresses, which a rule naming the server's group does
    // not match (it matches the addresses of the group's interfaces): `allowFrom(vpn)` admits both.
    this.connections = new ec2.Connections({
      securityGroups: [this.securityGroup],
      peer: settings.mode === OpenVpnRoutingMode.ROUTED ? ec2.Peer.ipv4(this.clientCidr) : undefined,
    });

    this.role = props.role ?? new ManagedPolicyRole(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com'),
      description: `OpenVPN server ${this.node.path}`,
      ...serverPolicy(this),
    });
    this.grantPrincipal = this.role;

    this.elasticIp = new ec2.CfnEIP(this, 'ElasticIp', { domain: 'vpc', tags: [{ key: 'Name', value: this.node.path }] });
    this.endpointAddress = this.elasticIp.attrPublicIp;

    // The script names the group it signals, which needs the launch template first: it is written at synth.
    const userData = ec2.UserData.custom(Lazy.string({ produce: () => this.serverScript(props, settings) }));
    this.launchTemplate = this.createLaunchTemplate(settings, userData);
    this.autoScalingGroup = this.createAutoScalingGroup(props, settings);
    this.clientProfileDocument = this.createClientProfileDocument();

    this.autoScalingGroup.node.addDependency(grantServerPermissions(this, {
      role: this.role,
      pkiSecret: this.pkiSecret,
      adminPasswordSecret: this.adminPasswordSecret,
      clientProfilePrefix: this.clientProfilePrefix,
      clientSecretsArn: this.clientSecretArn('*'),
      encryptionKey: this.encryptionKey,
      elasticIp: this.elasticIp,
      mode: settings.mode,
      routeTables: settings.routeTables,
    }));
    this.acknowledgeInherent(settings.allowedCidrs);

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
    this.node.addValidation({ validate: () => this.validateTree(subject, settings.client, props.vpc.node.defaultChild) });
  }

  private createLaunchTemplate(settings: OpenVpnSettings, userData: ec2.UserData): ec2.LaunchTemplate {
    const launchTemplate = new ec2.LaunchTemplate(this, 'LaunchTemplate', {
      instanceType: settings.instanceType,
      machineImage: settings.machineImage,
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
    if (settings.accessServer) {
      // Access Server's image sets its own root size, which EC2 refuses to shrink: take the image's.
      (launchTemplate.node.defaultChild as ec2.CfnLaunchTemplate).addPropertyDeletionOverride('LaunchTemplateData.BlockDeviceMappings.0.Ebs.VolumeSize');
    }
    return launchTemplate;
  }

  private createAutoScalingGroup(props: OpenVpnAccessServerProps, settings: OpenVpnSettings): autoscaling.AutoScalingGroup {
    const group = new autoscaling.AutoScalingGroup(this, 'AutoScalingGroup', {
      vpc: props.vpc,
      vpcSubnets: settings.vpcSubnets,
      launchTemplate: this.launchTemplate,
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
    return group;
  }

  /** The boot script, filled with this server's settings. */
  private serverScript(props: OpenVpnAccessServerProps, settings: OpenVpnSettings): string {
    const stack = Stack.of(this);
    return serverScript({
      OVPN_REGION: stack.region,
      OVPN_STACK_NAME: stack.stackName,
      OVPN_SIGNAL_RESOURCE: stack.getLogicalId(this.autoScalingGroup.node.defaultChild as CfnResource),
      OVPN_SECRET_ID: this.pkiSecret.secretArn,
      OVPN_KMS_KEY_ID: this.encryptionKey.keyArn,
      OVPN_CLIENT_SECRET_PREFIX: this.clientProfilePrefix,
      OVPN_EIP_ALLOCATION_ID: this.elasticIp.attrAllocationId,
      OVPN_PUBLIC_ADDRESS: this.endpointAddress,
      OVPN_PORT: String(this.port),
      OVPN_PROTOCOL: SCRIPT_PROTOCOL[this.protocol],
      OVPN_CLIENT_CIDR: this.clientCidr,
      OVPN_ROUTES: settings.routes.join(' '),
      OVPN_DNS_SERVERS: settings.dnsServers.join(' '),
      OVPN_PUSH_VPC_RESOLVER: props.dnsServers === undefined && settings.mode === OpenVpnRoutingMode.NAT ? 'yes' : 'no',
      OVPN_VPC_CIDR: props.vpc.vpcCidrBlock,
      OVPN_ROUTING_MODE: SCRIPT_ROUTING_MODE[settings.mode],
      OVPN_ROUTE_TABLES: settings.routeTables.join(' '),
      OVPN_ADMIN_SECRET_ID: this.adminPasswordSecret?.secretArn,
    }, this.edition);
  }

  /** The SSM Command document that issues or revokes client profiles on the server. */
  private createClientProfileDocument(): ssm.CfnDocument {
    return new ssm.CfnDocument(this, 'ClientProfileDocument', {
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

  /** Acknowledges the compliance findings that the design implies, each with its reason (the server policy's in server-policy.ts). */
  private acknowledgeInherent(allowedCidrs: string[]): void {
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
    const peers = peeringsOf(vpcL1, index).flatMap(({ other }) => (other ? [other] : []));
    for (const other of peers) {
      for (const block of vpcCidrs(other, index).filter((b) => cidrsOverlap(client, b))) {
        errors.push(`${clientCidrOverlapMessage(subject, this.clientCidr, `peered VPC '${pathOf(other)}'`, formatCidr(block))} (${OpenVpnClientCidrOverlap.id})`);
      }
    }
    return errors;
  }
}
