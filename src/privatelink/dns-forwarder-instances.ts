import {
  Stack,
  Tags,
  Token,
  Validations,
  aws_autoscaling as autoscaling,
  aws_ec2 as ec2,
  aws_iam as iam,
  aws_sns as sns,
} from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { DNS_PORTS, bindOnce, peerEnvironmentProblems } from './dns-common';
import { PrivateLinkDns, PrivateLinkDnsBindOptions, PrivateLinkDnsConfig, PrivateLinkDnsPeer } from './private-link-dns';
import { UNBOUND_CONF_PATH, VPC_RESOLVER_ADDRESS, renderUnboundConfig } from './unbound-config';
import { ManagedPolicyRole } from '../private/managed-policy-role';
import { iam5ResourceId, nagArn } from '../private/nag';

const STRATEGY = 'ForwarderInstances';

/** The tag the forwarders' launch templates put on their instances, which scopes their attach permission. */
const FORWARDER_TAG = 'guarded-patterns:dns-forwarder';

/**
 * Options of `PrivateLinkDns.forwarderInstances()`.
 */
export interface ForwarderInstancesOptions {
  /**
   * The forwarders' instance type. Amazon DNS answers at most 1024 packets a second per network
   * interface, which a nano instance's unbound cache keeps well below.
   *
   * @default - t4g.nano (Graviton)
   */
  readonly instanceType?: ec2.InstanceType;

  /**
   * Whether to create an interface endpoint for the EC2 API, through which the forwarders attach
   * their network interfaces. Without a route to the internet they cannot reach the API otherwise,
   * never attach, and are replaced every ten minutes while the peers send all their DNS to them.
   * Turn it off when the VPC already has an EC2 endpoint with private DNS (a second one fails to
   * deploy); it is never created when `services` holds the EC2 endpoint.
   *
   * @default - created when a forwarder subnet is isolated (no route to the internet)
   */
  readonly ec2Endpoint?: boolean;

  /**
   * Whether to give each peer a DHCP options set whose DNS servers are the forwarders. The peer
   * then resolves every name through them (the endpoint VPC's resolver answers), which replaces
   * any DHCP options the peer had. Turn it off to point the peers at `dnsServers` yourself (a
   * Resolver rule, DHCP options of your own); without either, synth fails with
   * `GuardedPatterns-PrivateLinkPeerDnsMissing`.
   *
   * @default true
   */
  readonly peerDhcpOptions?: boolean;

  /**
   * An SNS topic that each forwarder's auto-scaling group tells of every launch, termination and
   * failure of its instance, that is of every replacement (cdk-nag's AwsSolutions-AS3 asks for
   * one), as OpenVpnAccessServer's `notificationTopic` does.
   *
   * @default - no notifications
   */
  readonly notificationTopic?: sns.ITopic;
}

/**
 * `PrivateLinkDns.forwarderInstances()`: private DNS stays on; in each of the first two subnets an
 * auto-scaling group of one instance running unbound, a caching forwarder to the VPC resolver,
 * answering on a fixed network interface whose address becomes the peers' DNS server (through a
 * DHCP options set, unless `peerDhcpOptions` is false). Peers must be in the same account and
 * region.
 */
export class ForwarderInstancesDns extends PrivateLinkDns {
  /** The forwarders' auto-scaling groups, one per AZ; empty until bound. */
  public readonly forwarderGroups: autoscaling.IAutoScalingGroup[] = [];

  /** The forwarders' fixed network interfaces, one per AZ; empty until bound. */
  public readonly forwarderInterfaces: ec2.CfnNetworkInterface[] = [];

  /** The forwarders' addresses: those of their fixed network interfaces (tokens); empty until bound. */
  public readonly dnsServers: string[] = [];

  private readonly forwarderOptions: ForwarderInstancesOptions;
  private boundTo?: Construct;
  private securityGroup?: ec2.ISecurityGroup;
  private role?: iam.IRole;
  private ec2Endpoint?: ec2.InterfaceVpcEndpoint;

  /**
   * @param options the forwarders' options
   */
  constructor(options: ForwarderInstancesOptions = {}) {
    super();
    this.forwarderOptions = options;
  }

  /** The forwarders' security group, once bound. */
  public get forwarderSecurityGroup(): ec2.ISecurityGroup | undefined {
    return this.securityGroup;
  }

  /** The forwarders' instance role, once bound. */
  public get forwarderRole(): iam.IRole | undefined {
    return this.role;
  }

  /** The EC2 API endpoint the forwarders attach their interfaces through, once bound, where one is created. */
  public get forwarderEc2Endpoint(): ec2.InterfaceVpcEndpoint | undefined {
    return this.ec2Endpoint;
  }

  /** Peers in another account and region, whose DNS this strategy cannot wire. */
  public peerProblems(scope: Construct, vpc: ec2.IVpc, peers: PrivateLinkDnsPeer[]): string[] {
    return peerEnvironmentProblems(scope, vpc, peers, STRATEGY, true);
  }

  /** Creates the forwarders, and the peers' DHCP options, in the consumer. */
  public bind(scope: Construct, options: PrivateLinkDnsBindOptions): PrivateLinkDnsConfig {
    this.boundTo = bindOnce(STRATEGY, this.boundTo, scope);
    const { vpc, subnets } = options;
    const forwarderSubnets = subnets.slice(0, 2);
    const isolated = forwarderSubnets.filter((subnet) => vpc.isolatedSubnets.some((s) => s.subnetId === subnet.subnetId));
    const hasEc2 = options.endpoints.some(({ service }) => service instanceof ec2.InterfaceVpcEndpointAwsService && service.shortName === 'ec2');
    // Forwarders attach their interface through the EC2 API, which isolated subnets reach only through an endpoint.
    if ((this.forwarderOptions.ec2Endpoint ?? isolated.length > 0) && !hasEc2) {
      this.ec2Endpoint = new ec2.InterfaceVpcEndpoint(scope, 'ForwarderEc2Endpoint', {
        vpc,
        service: ec2.InterfaceVpcEndpointAwsService.EC2,
        subnets: { subnets },
        securityGroups: [options.securityGroup],
        open: false,
        privateDnsEnabled: true,
      });
    }
    this.addForwarders(scope, options, forwarderSubnets);
    if (this.forwarderOptions.peerDhcpOptions !== false && options.peers.length > 0) {
      this.addPeerDhcpOptions(scope, options);
    }
    return {
      dnsServers: this.dnsServers,
      forwarderGroups: this.forwarderGroups,
      forwarderInterfaces: this.forwarderInterfaces,
      forwarderSecurityGroup: this.securityGroup,
      forwarderRole: this.role,
      forwarderEc2Endpoint: this.ec2Endpoint,
    };
  }

  private addForwarders(scope: Construct, { vpc, vpcCidr, peers }: PrivateLinkDnsBindOptions, subnets: ec2.ISubnet[]): void {
    const stack = Stack.of(scope);
    const instanceType = this.forwarderOptions.instanceType ?? new ec2.InstanceType('t4g.nano');
    const arm = instanceType.architecture === ec2.InstanceArchitecture.ARM_64;
    // An SSM public parameter: resolved at deploy time, no lookup at synth.
    const machineImage = ec2.MachineImage.latestAmazonLinux2023({ cpuType: arm ? ec2.AmazonLinuxCpuType.ARM_64 : ec2.AmazonLinuxCpuType.X86_64 });
    const securityGroup = new ec2.SecurityGroup(scope, 'ForwarderSecurityGroup', {
      vpc,
      description: `DNS forwarders of ${scope.node.path}: DNS from the VPC and its peers`,
      // Package installation and the EC2 API (to attach the fixed interface) over HTTPS.
      allowAllOutbound: true,
    });
    for (const port of DNS_PORTS) {
      securityGroup.addIngressRule(ec2.Peer.ipv4(vpcCidr), port, 'DNS from the endpoint VPC');
      peers.forEach((peer) => securityGroup.addIngressRule(ec2.Peer.ipv4(peer.cidr), port, `DNS from peer ${peer.name}`));
    }
    const role = new ManagedPolicyRole(scope, 'ForwarderRole', {
      assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com'),
      description: `DNS forwarders of ${scope.node.path}: attach their fixed network interfaces`,
      policyId: 'ForwarderPolicy',
      policyDescription: `Lets the DNS forwarders of ${scope.node.path} attach their fixed network interfaces`,
    });
    this.securityGroup = securityGroup;
    this.role = role;
    const config = renderUnboundConfig({ allowedCidrs: [vpcCidr, ...peers.map((peer) => peer.cidr)], forwardTo: VPC_RESOLVER_ADDRESS });
    subnets.forEach((subnet, i) => {
      const n = i + 1;
      // A network interface that outlives the instances: its address stays the peers' DNS server
      // while the auto-scaling group replaces the instance behind it.
      const eni = new ec2.CfnNetworkInterface(scope, `Forwarder${n}Interface`, {
        subnetId: subnet.subnetId,
        groupSet: [securityGroup.securityGroupId],
        description: `DNS forwarder ${n} of ${scope.node.path}`,
      });
      this.forwarderInterfaces.push(eni);
      this.dnsServers.push(eni.attrPrimaryPrivateIpAddress);
      const userData = ec2.UserData.forLinux();
      userData.addCommands(
        'set -euo pipefail',
        // A boot that fails anywhere (a package, the configuration, instance metadata, the attach)
        // leaves a forwarder nobody can reach: stop, and the group replaces it. shutdown returns once
        // the halt is scheduled; the boot still failed, and says so (cloud-init).
        'on_exit() { local status=$?; if [ "$status" -ne 0 ]; then echo "forwarder boot failed ($status): shutting down" >&2; shutdown -h now; fi; }',
        'trap on_exit EXIT',
        'dnf install -y unbound',
        `cat > ${UNBOUND_CONF_PATH} <<'UNBOUND_CONF'`,
        config + 'UNBOUND_CONF',
        `unbound-checkconf ${UNBOUND_CONF_PATH}`,
        // The group replaces a failed instance, not a failed process: systemd restarts that.
        'mkdir -p /etc/systemd/system/unbound.service.d',
        'printf "[Service]\\nRestart=always\\nRestartSec=2\\n" > /etc/systemd/system/unbound.service.d/restart.conf',
        'systemctl daemon-reload',
        'systemctl enable --now unbound',
        'TOKEN=$(curl -sf -X PUT http://169.254.169.254/latest/api/token -H "X-aws-ec2-metadata-token-ttl-seconds: 300")',
        'INSTANCE=$(curl -sf -H "X-aws-ec2-metadata-token: $TOKEN" http://169.254.169.254/latest/meta-data/instance-id)',
        // The interface stays attached to a terminating instance for a little while: retry for ten
        // minutes. Amazon Linux 2023's amazon-ec2-net-utils routes replies from a second interface out of it.
        'ATTACH_ATTEMPTS=60',
        'ATTACH_RETRY_SECONDS=10',
        'ATTACHED=no',
        'for _ in $(seq 1 "$ATTACH_ATTEMPTS"); do',
        `  if aws ec2 attach-network-interface --region ${stack.region} --network-interface-id ${eni.ref} --instance-id "$INSTANCE" --device-index 1; then ATTACHED=yes; break; fi`,
        '  sleep "$ATTACH_RETRY_SECONDS"',
        'done',
        'if [ "$ATTACHED" != yes ]; then echo "could not attach ' + eni.ref + ' after $ATTACH_ATTEMPTS attempts" >&2; exit 1; fi',
      );
      const launchTemplate = new ec2.LaunchTemplate(scope, `Forwarder${n}LaunchTemplate`, {
        machineImage,
        instanceType,
        securityGroup,
        role,
        userData,
        requireImdsv2: true,
        detailedMonitoring: true,
        blockDevices: [{ deviceName: '/dev/xvda', volume: ec2.BlockDeviceVolume.ebs(8, { encrypted: true, volumeType: ec2.EbsDeviceVolumeType.GP3 }) }],
      });
      // On the instances from their launch: their attach permission is scoped by it.
      Tags.of(launchTemplate).add(FORWARDER_TAG, scope.node.addr);
      this.forwarderGroups.push(new autoscaling.AutoScalingGroup(scope, `Forwarder${n}`, {
        vpc,
        vpcSubnets: { subnets: [subnet] },
        launchTemplate,
        minCapacity: 1,
        maxCapacity: 1,
        notifications: this.forwarderOptions.notificationTopic ? [{ topic: this.forwarderOptions.notificationTopic }] : undefined,
      }));
    });
    // Named by the interfaces and the launch template's tag, not by the groups, so that it exists
    // before the groups start their first instances.
    const policy = role.addToManagedPolicy(
      new iam.PolicyStatement({
        actions: ['ec2:AttachNetworkInterface'],
        resources: this.forwarderInterfaces.map((eni) => stack.formatArn({ service: 'ec2', resource: 'network-interface', resourceName: eni.ref })),
      }),
      new iam.PolicyStatement({
        actions: ['ec2:AttachNetworkInterface'],
        resources: [stack.formatArn({ service: 'ec2', resource: 'instance', resourceName: '*' })],
        conditions: { StringEquals: { [`ec2:ResourceTag/${FORWARDER_TAG}`]: scope.node.addr } },
      }),
    );
    for (const group of this.forwarderGroups) {
      group.node.addDependency(policy);
      if (this.ec2Endpoint) {
        group.node.addDependency(this.ec2Endpoint);
      }
    }
    Validations.of(scope).acknowledge({
      id: iam5ResourceId(nagArn(stack, 'ec2', 'instance/*')),
      reason: 'The forwarders\' instance IDs exist only once their auto-scaling groups launch them; the statement is limited to instances carrying the tag their launch templates set.',
    });
  }

  /** A DHCP options set whose DNS servers are the forwarders, for every peer. */
  private addPeerDhcpOptions(scope: Construct, { peers }: PrivateLinkDnsBindOptions): void {
    const region = Stack.of(scope).region;
    const dhcpOptions = new ec2.CfnDHCPOptions(scope, 'PeerDhcpOptions', {
      domainNameServers: this.dnsServers,
      domainName: Token.isUnresolved(region) ? undefined : region === 'us-east-1' ? 'ec2.internal' : `${region}.compute.internal`,
      tags: [{ key: 'Name', value: `${scope.node.path}: DNS through the forwarders` }],
    });
    peers.forEach((peer) => new ec2.CfnVPCDHCPOptionsAssociation(scope, `PeerDhcpOptions${peer.name}`, {
      vpcId: peer.vpc.vpcId,
      dhcpOptionsId: dhcpOptions.ref,
    }));
  }
}
