/**
 * The DNS forwarders' boot script as the synthesized launch templates carry it, run by bash with
 * the real AWS CLI against moto's EC2 (test/aws/moto.ts) and the real unbound-checkconf; then each
 * call it made, evaluated against the forwarder role's synthesized policies by an IAM evaluator
 * the project did not write (test/aws/iam.ts).
 *
 * What moto is given comes from the template: the VPC, subnets, security group and network
 * interfaces from their CloudFormation properties, and the instance from its launch template
 * (tags, security group, type) in its group's subnet, as the auto-scaling group launches it.
 * moto stands in for the AMI (any of its images) and the instance profile: the script signs its
 * calls with an access key of its own (FORWARDER_KEY) in place of the role's credentials, so they
 * are told apart from the test's set-up calls.
 *
 * Stand-ins only for what neither moto nor this machine can be, in boot-stand-ins/ (each file says
 * why): dnf, systemctl, shutdown, the instance metadata service (curl to 169.254.169.254) and
 * sleep. The script writes /etc/unbound/unbound.conf and a systemd drop-in under
 * /etc/systemd/system: it runs in a private mount namespace (`unshare -m`) in which scratch
 * directories are bind-mounted over those two, so this machine's own files are never touched and
 * the test reads what the script wrote.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import {
  AttachNetworkInterfaceCommand,
  CreateLaunchTemplateCommand,
  CreateNetworkInterfaceCommand,
  CreateSecurityGroupCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  DescribeImagesCommand,
  DescribeInstancesCommand,
  DescribeNetworkInterfacesCommand,
  EC2Client,
  Instance,
  NetworkInterface,
  RunInstancesCommand,
} from '@aws-sdk/client-ec2';
import { CfnElement, aws_ec2 as ec2 } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { IConstruct } from 'constructs';
import { PrivateLinkConsumer, PrivateLinkDns, PrivateSubnetVpc } from '../../src';
import { UNBOUND_CONF_PATH } from '../../src/privatelink/unbound-config';
import { PhysicalValues, Template as TemplateJson, decide, expectAllAllowed, resolveValue, rolePolicies, unusedStatements } from '../aws/iam';
import { MOTO_ACCOUNT, MOTO_REGION, MotoServer, RecordedCall, SETUP_CREDENTIALS } from '../aws/moto';
import { TEST_AZS, testApp, testStack } from '../util';

/** The access key ID the boot script signs with: the forwarder role's stand-in. */
const FORWARDER_KEY = 'AKIAFORWARDER';

/** The tag the launch templates put on the forwarders (src/privatelink/private-link-consumer.ts). */
const FORWARDER_TAG = 'guarded-patterns:dns-forwarder';

/** Synthesized for moto's account and region, so the policies name the ARNs moto's resources have. */
function synth() {
  const app = testApp({ context: { [`availability-zones:account=${MOTO_ACCOUNT}:region=${MOTO_REGION}`]: TEST_AZS } });
  const stack = testStack(app, 'TestStack', { env: { account: MOTO_ACCOUNT, region: MOTO_REGION } });
  const shared = new PrivateSubnetVpc(stack, 'Shared', { natGateways: 0 });
  const peer = new PrivateSubnetVpc(stack, 'App', { cidr: '10.1.0.0/16', natGateways: 0 });
  const consumer = new PrivateLinkConsumer(stack, 'Endpoints', {
    vpc: shared.vpc,
    services: [ec2.InterfaceVpcEndpointAwsService.KINESIS_STREAMS],
    peerVpcs: [peer.vpc],
    dns: PrivateLinkDns.forwarderInstances(),
  });
  const template = Template.fromStack(stack).toJSON() as TemplateJson;
  const logicalId = (construct: IConstruct) =>
    stack.getLogicalId((construct instanceof CfnElement ? construct : construct.node.defaultChild) as CfnElement);
  const forwarders = consumer.forwarderInterfaces.map((eni, i) => {
    const group = logicalId(consumer.forwarderGroups[i]);
    const launchTemplateId: string = template.Resources[group].Properties.LaunchTemplate.LaunchTemplateId.Ref;
    return { interfaceId: logicalId(eni), groupId: group, launchTemplateId };
  });
  return { consumer, template, forwarders, roleId: logicalId(consumer.forwarderRole!) };
}

/** The logical IDs a template value refers to (Ref, Fn::GetAtt), among the template's resources. */
function referencedResources(template: TemplateJson, value: any): string[] {
  const found = new Set<string>();
  const walk = (v: any) => {
    if (Array.isArray(v)) {
      v.forEach(walk);
    } else if (v && typeof v === 'object') {
      const target = v.Ref ?? (Array.isArray(v['Fn::GetAtt']) ? v['Fn::GetAtt'][0] : undefined);
      if (typeof target === 'string' && target in template.Resources) {
        found.add(target);
      }
      Object.values(v).forEach(walk);
    }
  };
  walk(value);
  return [...found];
}

/**
 * Creates the template's resources in moto (signed with the set-up key), each after those it refers
 * to, and keeps what CloudFormation would give each logical ID.
 */
class MotoStack {
  public readonly physical: PhysicalValues = {};

  constructor(private readonly ec2Client: EC2Client, private readonly template: TemplateJson) {}

  /** The template value with its references created in moto and filled in. */
  public async resolve(value: any): Promise<any> {
    for (const id of referencedResources(this.template, value)) {
      await this.create(id);
    }
    return resolveValue(this.template, value, this.physical);
  }

  public async create(id: string): Promise<string> {
    if (this.physical[id]) {
      return this.physical[id].ref;
    }
    const { Type: type, Properties: p } = this.template.Resources[id];
    switch (type) {
      case 'AWS::EC2::VPC': {
        const { Vpc: vpc } = await this.ec2Client.send(new CreateVpcCommand({ CidrBlock: await this.resolve(p.CidrBlock) }));
        this.physical[id] = { ref: vpc!.VpcId!, attrs: { CidrBlock: vpc!.CidrBlock! } };
        break;
      }
      case 'AWS::EC2::Subnet': {
        const { Subnet: subnet } = await this.ec2Client.send(new CreateSubnetCommand(await this.resolve({
          VpcId: p.VpcId, CidrBlock: p.CidrBlock, AvailabilityZone: p.AvailabilityZone,
        })));
        this.physical[id] = { ref: subnet!.SubnetId! };
        break;
      }
      case 'AWS::EC2::SecurityGroup': {
        const { GroupId: groupId } = await this.ec2Client.send(new CreateSecurityGroupCommand({
          ...await this.resolve({ VpcId: p.VpcId, Description: p.GroupDescription }),
          GroupName: id,
        }));
        this.physical[id] = { ref: groupId!, attrs: { GroupId: groupId! } };
        break;
      }
      case 'AWS::EC2::NetworkInterface': {
        const { NetworkInterface: eni } = await this.ec2Client.send(new CreateNetworkInterfaceCommand(await this.resolve({
          SubnetId: p.SubnetId, Groups: p.GroupSet, Description: p.Description,
        })));
        this.physical[id] = { ref: eni!.NetworkInterfaceId!, attrs: { PrimaryPrivateIpAddress: eni!.PrivateIpAddress! } };
        break;
      }
      case 'AWS::EC2::LaunchTemplate': {
        // moto has none of Amazon Linux 2023's images (any of its own stands in) and no instance
        // profile (the script's access key stands in for the role); the user data is run by the test.
        const { ImageId: image, IamInstanceProfile: _profile, UserData: _userData, ...data } = p.LaunchTemplateData;
        const { Images: images } = await this.ec2Client.send(new DescribeImagesCommand({}));
        this.physical[image.Ref] = { ref: images![0].ImageId! };
        const { LaunchTemplate: launchTemplate } = await this.ec2Client.send(new CreateLaunchTemplateCommand({
          LaunchTemplateName: id,
          LaunchTemplateData: { ImageId: images![0].ImageId!, ...await this.resolve(data) },
        }));
        this.physical[id] = { ref: launchTemplate!.LaunchTemplateId!, attrs: { LatestVersionNumber: String(launchTemplate!.LatestVersionNumber) } };
        break;
      }
      default:
        throw new Error(`MotoStack cannot create ${id} (${type})`);
    }
    return this.physical[id].ref;
  }

  /** The one instance an auto-scaling group of one launches: from its launch template, in its subnet. */
  public async launch(groupId: string): Promise<Instance> {
    const group = this.template.Resources[groupId].Properties;
    const [subnetId] = await this.resolve(group.VPCZoneIdentifier);
    const { Instances: instances } = await this.ec2Client.send(new RunInstancesCommand({
      LaunchTemplate: await this.resolve({ LaunchTemplateId: group.LaunchTemplate.LaunchTemplateId, Version: group.LaunchTemplate.Version }),
      SubnetId: subnetId,
      MinCount: 1,
      MaxCount: 1,
    }));
    return instances![0];
  }
}

/** What one run of the boot script did on this machine. */
interface BootRun {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** The stand-ins' calls, in order. */
  readonly log: string[];
  /** What the script wrote under /etc/unbound and /etc/systemd/system (their stand-in directories). */
  readonly etcUnbound: string;
  readonly systemdSystem: string;
}

/** The programs this test runs for real; a missing one fails it with the command that installs it. */
function requireTools(): void {
  for (const [tool, args] of [['aws', ['--version']], ['unbound-checkconf', ['-h']], ['moto_server', ['--help']]] as const) {
    if (spawnSync(tool, [...args], { encoding: 'utf8' }).error) {
      throw new Error(`The forwarder boot test runs the real ${tool}, which is not installed: apt-get install -y unbound; python3 -m pip install awscli 'moto[server]'`);
    }
  }
  const namespace = spawnSync('unshare', ['-m', 'true'], { encoding: 'utf8' });
  if (namespace.status !== 0) {
    throw new Error(`unshare -m cannot create a mount namespace here (the test runs as root): ${namespace.stderr.trim()}`);
  }
}

const STAND_INS = path.join(__dirname, 'boot-stand-ins');

/**
 * Runs a boot script with bash as cloud-init would (as root), the stand-ins first on PATH, the real
 * AWS CLI signing as the forwarder role's stand-in, and /etc/unbound and /etc/systemd/system
 * bind-mounted from scratch directories in a private mount namespace.
 */
function runBoot(script: string, instanceId: string, server: MotoServer, env: Record<string, string> = {}): BootRun {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'forwarder-boot-'));
  const bin = path.join(root, 'bin');
  const etcUnbound = path.join(root, 'etc-unbound');
  const systemdSystem = path.join(root, 'etc-systemd-system');
  const logFile = path.join(root, 'stand-ins.log');
  for (const dir of [bin, etcUnbound, systemdSystem]) {
    fs.mkdirSync(dir);
  }
  for (const file of fs.readdirSync(STAND_INS)) {
    fs.copyFileSync(path.join(STAND_INS, file), path.join(bin, path.basename(file, '.sh')));
    fs.chmodSync(path.join(bin, path.basename(file, '.sh')), 0o755);
  }
  fs.writeFileSync(path.join(root, 'user-data'), script);
  fs.writeFileSync(logFile, '');
  const result = spawnSync('unshare', ['-m', '--propagation', 'private', 'bash', '-c',
    'mount --bind "$1" /etc/unbound && mount --bind "$2" /etc/systemd/system && exec bash "$3"',
    'boot', etcUnbound, systemdSystem, path.join(root, 'user-data')], {
    encoding: 'utf8',
    timeout: 600_000,
    env: {
      PATH: `${bin}:${process.env.PATH}:/usr/sbin:/sbin`,
      HOME: root,
      ...server.env(FORWARDER_KEY),
      STAND_IN_LOG: logFile,
      STAND_IN_INSTANCE_ID: instanceId,
      ...env,
    },
  });
  return {
    status: result.status,
    stdout: result.stdout,
    stderr: result.stderr,
    log: fs.readFileSync(logFile, 'utf8').split('\n').filter(Boolean),
    etcUnbound,
    systemdSystem,
  };
}

/** A launch template's user data (Fn::Base64 of Fn::Join), its references filled in. */
function userDataOf(template: TemplateJson, launchTemplateId: string, physical: PhysicalValues): string {
  return resolveValue(template, template.Resources[launchTemplateId].Properties.LaunchTemplateData.UserData['Fn::Base64'], physical);
}

async function describeInterface(client: EC2Client, id: string): Promise<NetworkInterface> {
  const { NetworkInterfaces: interfaces } = await client.send(new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: [id] }));
  return interfaces![0];
}

async function describeInstance(client: EC2Client, id: string): Promise<Instance> {
  const { Reservations: reservations } = await client.send(new DescribeInstancesCommand({ InstanceIds: [id] }));
  return reservations![0].Instances![0];
}

const instanceArn = (id: string) => `arn:aws:ec2:${MOTO_REGION}:${MOTO_ACCOUNT}:instance/${id}`;
const interfaceArn = (id: string) => `arn:aws:ec2:${MOTO_REGION}:${MOTO_ACCOUNT}:network-interface/${id}`;
const tagsOf = (tags: Array<{ Key?: string; Value?: string }> | undefined) => Object.fromEntries((tags ?? []).map((t) => [t.Key!, t.Value!]));

describe('PrivateLinkConsumer forwarders: the boot script with the real AWS CLI against moto', () => {
  const { consumer, template, forwarders, roleId } = synth();
  let server: MotoServer;
  let client: EC2Client;

  beforeAll(async () => {
    requireTools();
    server = await MotoServer.start();
    client = new EC2Client({ region: MOTO_REGION, endpoint: server.endpoint, credentials: SETUP_CREDENTIALS });
  }, 180_000);

  afterAll(async () => {
    client?.destroy();
    await server?.stop();
  });

  test('there are two forwarders, each with its own interface, launch template and group', () => {
    expect(forwarders).toHaveLength(2);
    expect(new Set(forwarders.flatMap((f) => [f.interfaceId, f.launchTemplateId, f.groupId])).size).toBe(6);
  });

  describe('when each forwarder\'s interface is free', () => {
    let stack: MotoStack;
    const runs: Array<{ run: BootRun; instance: Instance; interfaceId: string }> = [];
    let calls: RecordedCall[];

    beforeAll(async () => {
      // GIVEN the network, the interfaces and one instance per group, as CloudFormation and the groups create them
      await server.reset();
      stack = new MotoStack(client, template);
      for (const forwarder of forwarders) {
        const interfaceId = await stack.create(forwarder.interfaceId);
        const instance = await stack.launch(forwarder.groupId);
        // WHEN each instance runs its launch template's user data
        const run = runBoot(userDataOf(template, forwarder.launchTemplateId, stack.physical), instance.InstanceId!, server);
        runs.push({ run, instance, interfaceId });
      }
      calls = server.calls(FORWARDER_KEY);
    }, 600_000);

    afterAll(() => runs.forEach(({ run }) => fs.rmSync(path.dirname(run.etcUnbound), { recursive: true, force: true })));

    test('each script succeeds without shutting down', () => {
      for (const { run } of runs) {
        expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: '' });
        expect(run.log.filter((line) => /^(shutdown|sleep)/.test(line))).toEqual([]);
      }
    });

    test('moto then shows each interface attached to its own forwarder at device index 1', async () => {
      for (const { instance, interfaceId } of runs) {
        const attachment = (await describeInterface(client, interfaceId)).Attachment;
        expect(attachment).toMatchObject({ InstanceId: instance.InstanceId, DeviceIndex: 1, Status: 'attached' });
      }
    });

    test('the instances carry the launch template\'s tag with the construct\'s address, from their launch', () => {
      for (const { instance } of runs) {
        expect(tagsOf(instance.Tags)[FORWARDER_TAG]).toBe(consumer.node.addr);
      }
    });

    test('unbound is installed, its configuration written and accepted by the real unbound-checkconf, and started with a restart policy before the attach', () => {
      for (const { run } of runs) {
        expect(run.stdout).toContain(`unbound-checkconf: no errors in ${UNBOUND_CONF_PATH}\n`);
        expect(fs.readFileSync(path.join(run.etcUnbound, path.basename(UNBOUND_CONF_PATH)), 'utf8')).toMatch(/^# cdk-guarded-patterns PrivateLinkConsumer[\s\S]*forward-addr: 169\.254\.169\.253\n$/);
        expect(fs.readFileSync(path.join(run.systemdSystem, 'unbound.service.d', 'restart.conf'), 'utf8')).toBe('[Service]\nRestart=always\nRestartSec=2\n');
        expect(run.log).toEqual([
          'dnf install -y unbound',
          'systemctl daemon-reload',
          'systemctl enable --now unbound',
          'curl -sf -X PUT http://169.254.169.254/latest/api/token -H X-aws-ec2-metadata-token-ttl-seconds: 300',
          'curl -sf -H X-aws-ec2-metadata-token: stand-in-token http://169.254.169.254/latest/meta-data/instance-id',
        ]);
      }
    });

    test('each script made exactly one call, the attach of its interface at device index 1, with its own credentials', () => {
      const attach = (c: RecordedCall) => `${c.action} --network-interface-id ${c.params.NetworkInterfaceId} --instance-id ${c.params.InstanceId} --device-index ${c.params.DeviceIndex}`;
      expect(calls.map(attach)).toEqual(runs.map(({ instance, interfaceId }) =>
        `ec2:AttachNetworkInterface --network-interface-id ${interfaceId} --instance-id ${instance.InstanceId} --device-index 1`));
    });

    test('the forwarder role\'s synthesized policies allow every call, with the instance\'s tags as moto has them, and each statement is used', async () => {
      const tags: Record<string, Record<string, string>> = {};
      for (const { instance, interfaceId } of runs) {
        tags[instanceArn(instance.InstanceId!)] = tagsOf((await describeInstance(client, instance.InstanceId!)).Tags);
        tags[interfaceArn(interfaceId)] = tagsOf((await describeInterface(client, interfaceId)).TagSet);
      }
      const policies = rolePolicies(template, roleId, stack.physical);
      const decisions = await decide(calls, policies, { tags });
      expect(decisions).toHaveLength(2 * runs.length);
      expectAllAllowed(decisions);
      expect(unusedStatements(policies, decisions)).toEqual([]);
    });
  });

  describe('when the boot fails', () => {
    test('moto 5.2.1 moves an interface attached to another instance (EC2 refuses one in use), so the case is an interface that does not exist', async () => {
      await server.reset();
      const stack = new MotoStack(client, template);
      const interfaceId = await stack.create(forwarders[0].interfaceId);
      const first = await stack.launch(forwarders[0].groupId);
      const second = await stack.launch(forwarders[0].groupId);
      await client.send(new AttachNetworkInterfaceCommand({ NetworkInterfaceId: interfaceId, InstanceId: first.InstanceId, DeviceIndex: 1 }));
      await client.send(new AttachNetworkInterfaceCommand({ NetworkInterfaceId: interfaceId, InstanceId: second.InstanceId, DeviceIndex: 1 }));
      expect((await describeInterface(client, interfaceId)).Attachment?.InstanceId).toBe(second.InstanceId);
    });

    describe('because the interface does not exist', () => {
      const missing = 'eni-0000000000000dead';
      const attempts = 3;
      let run: BootRun;
      let instance: Instance;

      beforeAll(async () => {
        // GIVEN a forwarder whose interface is gone
        await server.reset();
        const stack = new MotoStack(client, template);
        instance = await stack.launch(forwarders[0].groupId);
        const script = userDataOf(template, forwarders[0].launchTemplateId, { ...stack.physical, [forwarders[0].interfaceId]: { ref: missing } });
        // Three attempts instead of sixty: each is a real AWS CLI call of a second or more.
        expect(script.split('\nATTACH_ATTEMPTS=60\n')).toHaveLength(2);
        // WHEN it boots
        run = runBoot(script.replace('\nATTACH_ATTEMPTS=60\n', `\nATTACH_ATTEMPTS=${attempts}\n`), instance.InstanceId!, server);
      }, 600_000);

      afterAll(() => fs.rmSync(path.dirname(run.etcUnbound), { recursive: true, force: true }));

      test('the script tries every attempt, waits between them, then shuts the instance down and fails', () => {
        expect(run.status).not.toBe(0);
        expect(run.stderr).toContain(`could not attach ${missing} after ${attempts} attempts\nforwarder boot failed (1): shutting down\n`);
        expect(run.stderr.match(/InvalidNetworkInterfaceID\.NotFound/g)).toHaveLength(attempts);
        expect(server.calls(FORWARDER_KEY).map((c) => `${c.action} ${c.params.NetworkInterfaceId}`)).toEqual(Array(attempts).fill(`ec2:AttachNetworkInterface ${missing}`));
        expect(run.log.filter((line) => /^(shutdown|sleep)/.test(line))).toEqual([...Array(attempts).fill('sleep 10'), 'shutdown -h now']);
      });

      test('nothing is attached to the instance but its own interface', async () => {
        const attached = (await describeInstance(client, instance.InstanceId!)).NetworkInterfaces ?? [];
        expect(attached.map((eni) => eni.Attachment?.DeviceIndex)).toEqual([0]);
      });
    });

    test('because instance metadata does not answer: the script shuts the instance down and fails before any AWS call', async () => {
      // GIVEN a forwarder whose interface is free
      await server.reset();
      const stack = new MotoStack(client, template);
      const interfaceId = await stack.create(forwarders[0].interfaceId);
      const instance = await stack.launch(forwarders[0].groupId);
      // WHEN it boots and instance metadata does not answer
      const run = runBoot(userDataOf(template, forwarders[0].launchTemplateId, stack.physical), instance.InstanceId!, server, { STAND_IN_METADATA_DOWN: '1' });
      fs.rmSync(path.dirname(run.etcUnbound), { recursive: true, force: true });
      // THEN
      expect(run.status).not.toBe(0);
      expect(run.stderr).toBe('forwarder boot failed (7): shutting down\n');
      expect(run.log.slice(-2)).toEqual(['curl -sf -X PUT http://169.254.169.254/latest/api/token -H X-aws-ec2-metadata-token-ttl-seconds: 300', 'shutdown -h now']);
      expect(server.calls(FORWARDER_KEY)).toEqual([]);
      expect((await describeInterface(client, interfaceId)).Attachment).toBeUndefined();
    });
  });
});
