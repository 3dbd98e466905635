import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { aws_ec2 as ec2 } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { PrivateLinkConsumer, PrivateLinkDns, PrivateSubnetVpc } from '../../src';
import { testStack } from '../util';

/** User data as the instance receives it; values known only at deploy time become `<Ref ...>`. */
function flatten(value: any): string {
  if (typeof value === 'string') {
    return value;
  }
  if (value['Fn::Base64'] !== undefined) {
    return flatten(value['Fn::Base64']);
  }
  if (value['Fn::Join'] !== undefined) {
    return (value['Fn::Join'][1] as any[]).map(flatten).join(value['Fn::Join'][0]);
  }
  return `<${JSON.stringify(value)}>`;
}

/** The consumer the forwarders serve: Kinesis Data Streams and Firehose, whose names are not their short names. */
let consumer: PrivateLinkConsumer;

/** The forwarders' user data scripts, and the unbound.conf each writes, from the synthesized template. */
function forwarderConfigs(): Array<{ script: string; config: string }> {
  const stack = testStack();
  const shared = new PrivateSubnetVpc(stack, 'Shared', { natGateways: 0 });
  const app = new PrivateSubnetVpc(stack, 'App', { cidr: '10.1.0.0/16', natGateways: 0 });
  consumer = new PrivateLinkConsumer(stack, 'Endpoints', {
    vpc: shared.vpc,
    services: [ec2.InterfaceVpcEndpointAwsService.KINESIS_STREAMS, ec2.InterfaceVpcEndpointAwsService.KINESIS_FIREHOSE],
    peerVpcs: [app.vpc],
    dns: PrivateLinkDns.forwarderInstances(),
  });
  const templates = Object.values(Template.fromStack(stack).findResources('AWS::EC2::LaunchTemplate')) as any[];
  return templates.map((t) => {
    const script = flatten(t.Properties.LaunchTemplateData.UserData);
    const match = /cat > \/etc\/unbound\/unbound\.conf <<'UNBOUND_CONF'\n([\s\S]*?)\nUNBOUND_CONF\n/.exec(script);
    expect(match).not.toBeNull();
    expect(script).toMatch(/\nunbound-checkconf \/etc\/unbound\/unbound\.conf\n[\s\S]*Restart=always[\s\S]*\nsystemctl enable --now unbound\n/);
    expect(script).toMatch(/aws ec2 attach-network-interface --region us-east-1 --network-interface-id <\{"Ref":"EndpointsForwarder\dInterface[0-9A-F]{8}"\}> --instance-id "\$INSTANCE" --device-index 1; then ATTACHED=yes; break; fi\n  sleep "\$ATTACH_RETRY_SECONDS"\ndone\nif \[ "\$ATTACHED" != yes \]; then echo "could not attach .* after \$ATTACH_ATTEMPTS attempts" >&2; exit 1; fi$/);
    expect(script).toContain('\nATTACH_ATTEMPTS=60\nATTACH_RETRY_SECONDS=10\n');
    return { script, config: `${match![1]}\n` };
  });
}

/**
 * The real programs these tests run. A missing one fails the tests with the command that installs
 * it: nothing here is skipped.
 */
function requireTools(): void {
  for (const [tool, args] of [['unbound-checkconf', ['-h']], ['unbound', ['-V']], ['ip', ['-V']], ['unshare', ['--version']], ['shellcheck', ['--version']]] as const) {
    const result = spawnSync(tool, [...args], { encoding: 'utf8' });
    if (result.error) {
      throw new Error(`The forwarder tests run the real ${tool}, which is not installed: apt-get install -y unbound iproute2 util-linux shellcheck`);
    }
  }
  const namespace = spawnSync('unshare', ['-rn', 'true'], { encoding: 'utf8' });
  if (namespace.status !== 0) {
    throw new Error(`unshare -rn cannot create a network namespace here: ${namespace.stderr.trim()}`);
  }
}

describe('PrivateLinkConsumer forwarders: the unbound configuration in user data', () => {
  beforeAll(requireTools);
  const forwarders = forwarderConfigs();
  const configs = forwarders.map((f) => f.config);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'privatelink-unbound-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('both forwarders get the same configuration: the VPC and the peer allowed, everything forwarded to the VPC resolver', () => {
    expect(configs).toHaveLength(2);
    expect(configs[1]).toBe(configs[0]);
    expect(configs[0]).toContain('    access-control: 10.0.0.0/16 allow\n    access-control: 10.1.0.0/16 allow\n');
    expect(configs[0]).toContain('forward-zone:\n    name: "."\n    forward-addr: 169.254.169.253\n');
  });

  test('the user data is a script bash can parse and shellcheck passes (the interface ID filled in)', () => {
    for (const { script } of forwarders) {
      const file = path.join(dir, 'user-data.sh');
      fs.writeFileSync(file, script.replace(/<\{"Ref":"[A-Za-z0-9]+"\}>/g, 'eni-0123456789abcdef0'));
      const result = spawnSync('bash', ['-n', file], { encoding: 'utf8', timeout: 10000 });
      expect(result.stderr).toBe('');
      expect(result.status).toBe(0);
      expect(spawnSync('shellcheck', ['--shell=bash', file], { encoding: 'utf8', timeout: 60000 })).toMatchObject({ status: 0, stdout: '' });
      expect(script).toMatch(/^#!\/bin\/bash\nset -euo pipefail\non_exit\(\) \{ .*shutdown -h now; fi; \}\ntrap on_exit EXIT\ndnf install -y unbound\n/);
    }
  });

  test('unbound-checkconf accepts it', () => {
    const file = path.join(dir, 'unbound.conf');
    fs.writeFileSync(file, configs[0]);
    const result = spawnSync('unbound-checkconf', [file], { encoding: 'utf8', timeout: 10000 });
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe(`unbound-checkconf: no errors in ${file}\n`);
    expect(result.status).toBe(0);
  });

  test('unbound-checkconf rejects a broken copy (the check is real)', () => {
    const file = path.join(dir, 'broken.conf');
    fs.writeFileSync(file, configs[0].replace('access-control: 10.1.0.0/16 allow', 'access-control: 10.1.0.0/16 welcome'));
    const result = spawnSync('unbound-checkconf', [file], { encoding: 'utf8', timeout: 10000 });
    expect(result.status).not.toBe(0);
  });

  test('unbound answers a peer with the resolver\'s private address for every private DNS name of the services, and refuses anyone else', () => {
    // A private network namespace: 169.254.169.253 (a stub VPC resolver that knows the service
    // names), the forwarder on port 53 with the configuration from the template, a client in the
    // peer's block and one outside every block. Nothing outside the namespace is touched.
    // Wildcard names are asked as the account-specific hosts the SDKs call.
    const names = consumer.privateDnsNames.map((name) => name.replace(/^\*\./, '111111111111.'));
    expect(names).toEqual([
      'kinesis.us-east-1.amazonaws.com',
      '111111111111.control-kinesis.us-east-1.amazonaws.com',
      '111111111111.data-kinesis.us-east-1.amazonaws.com',
      'firehose.us-east-1.amazonaws.com',
    ]);
    const file = path.join(dir, 'live.conf');
    fs.writeFileSync(file, configs[0]);
    const result = spawnSync('unshare', ['-rn', process.execPath, path.join(__dirname, 'dns-namespace.js'),
      file, names.join(','), '10.0.7.9', '10.1.32.5', '192.0.2.9'], { encoding: 'utf8', timeout: 60000 });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({
      allowed: Object.fromEntries(names.map((name) => [name, { rcode: 0, addresses: ['10.0.7.9'] }])),
      refused: { rcode: 5, addresses: [] },
      stubQueries: names.length,
    });
  });
});
