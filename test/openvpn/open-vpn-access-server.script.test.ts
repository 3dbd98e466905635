import * as fs from 'fs';
import { CfnResource, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { OpenVpnAccessServer, OpenVpnAccessServerProps, OpenVpnProtocol, OpenVpnRoutingMode, PrivateSubnetVpc } from '../../src';
import { PKI_MARKER } from '../../src/openvpn/server-script';
import { expectAllAllowed } from '../aws/iam';
import { testStack } from '../util';
import {
  SECRETS_MANAGER_UNREACHABLE, ServerSandbox, addBootStubs, documentCommand, expectEveryStatementUsed, expectFailedClosed, expectInOrder,
  expectTakenOverBy, motoPerFile, motoStack, requireInstalled, takesOver,
} from './script-harness';
import { FAKE_PUBLIC_ADDRESS, PLACEHOLDER, ServerWorld, TemplateJson } from './server-world';

interface Synthesized {
  readonly template: TemplateJson;
  readonly prefix: string;
  readonly signal: string;
  readonly clientCidr: string;
}

function synthesize(props: Partial<OpenVpnAccessServerProps> = {}): Synthesized {
  const stack = motoStack();
  const network = new PrivateSubnetVpc(stack, 'Network');
  const vpn = new OpenVpnAccessServer(stack, 'Vpn', { vpc: network.vpc, ...props });
  const signal = stack.resolve(stack.getLogicalId(vpn.autoScalingGroup.node.defaultChild as any));
  return { template: Template.fromStack(stack).toJSON() as TemplateJson, prefix: vpn.clientProfilePrefix, signal, clientCidr: vpn.clientCidr };
}

// The tests run the real easy-rsa, openssl and openvpn: npm test provisions them (scripts/provision.sh).
const tools = ['openvpn', 'openssl', 'shellcheck', '/usr/share/easy-rsa/easyrsa'];

// Each test runs the real AWS CLI many times, which takes seconds a call on a busy machine.
jest.setTimeout(600_000);

describe('OpenVpnAccessServer boot script, run for real against moto', () => {
  const moto = motoPerFile();
  const nat = synthesize();
  const routed = synthesize({ routingMode: OpenVpnRoutingMode.ROUTED });
  const { template, prefix } = nat;
  let world: ServerWorld;
  let sandbox: ServerSandbox;
  const boxes: ServerSandbox[] = [];
  /** A sandbox for a variant of the template, in a world of its own (which replaces the default one in moto), removed after the test. */
  const boot = async (variant: Synthesized) => {
    await moto().reset();
    const box = new ServerSandbox(await ServerWorld.create(moto(), variant.template));
    boxes.push(box);
    return box;
  };

  beforeAll(() => {
    requireInstalled(tools, 'openvpn easy-rsa shellcheck');
  });
  beforeEach(async () => {
    world = await ServerWorld.create(moto(), template);
    sandbox = new ServerSandbox(world);
  });
  afterEach(() => {
    sandbox.remove();
    boxes.splice(0).forEach((box) => box.remove());
  });

  test.each([
    ['defaults', {}],
    ['TCP on 443, routing mode, pushed DNS servers', { protocol: OpenVpnProtocol.TCP, port: 443, routingMode: OpenVpnRoutingMode.ROUTED, dnsServers: ['10.0.0.53'] }],
  ])('the user data (%s) passes bash -n and shellcheck', async (_name, props) => {
    const variant = await boot(synthesize(props as Partial<OpenVpnAccessServerProps>));
    const syntax = variant.run(`bash -n ${variant.script}`);
    expect(syntax.stderr).toBe('');
    expect(syntax.status).toBe(0);
    const lint = variant.run(`shellcheck --shell=bash ${variant.script}`);
    expect(lint.stdout).toBe('');
    expect(lint.status).toBe(0);
    // The user data fits EC2's 16 KB limit.
    expect(Buffer.byteLength(variant.scriptText)).toBeLessThan(16 * 1024);
  });

  test('the first boot creates the PKI, stores it in the secret and writes server.conf', async () => {
    const result = sandbox.run(`${sandbox.script} configure`);
    expect(result.stderr).toContain('PKI created and stored in');
    expect(result.status).toBe(0);

    const conf = sandbox.run(`cat ${sandbox.serverDir}/server.conf`).stdout.split('\n');
    expect(conf).toEqual(expect.arrayContaining([
      'port 1194',
      'proto udp',
      'server 10.255.240.0 255.255.240.0',
      `tls-crypt ${sandbox.serverDir}/tc.key`,
      'data-ciphers AES-256-GCM',
      'verify-client-cert require',
      `crl-verify ${sandbox.serverDir}/pki/crl.pem`,
      'push "route 10.0.0.0 255.255.0.0"',
      'push "dhcp-option DNS 10.0.0.2"',
      `management ${sandbox.serverDir}/management.sock unix`,
    ]));
    expect(await world.secretValue(world.pkiSecret)).toMatch(new RegExp(`^${PKI_MARKER}[A-Za-z0-9+/=]+$`));
    // The CA and server certificate are real and verify.
    const verify = sandbox.run(`openssl verify -CAfile ${sandbox.serverDir}/pki/ca.crt ${sandbox.serverDir}/pki/issued/server.crt`);
    expect(verify.stdout).toContain(': OK');
  });

  test('a replacement instance restores the same PKI from the secret', () => {
    expect(sandbox.run(`${sandbox.script} configure`).status).toBe(0);
    const ca = sandbox.run(`cat ${sandbox.serverDir}/pki/ca.crt ${sandbox.serverDir}/tc.key`).stdout;
    sandbox.run(`rm -rf ${sandbox.serverDir}`);
    const again = sandbox.run(`${sandbox.script} configure`);
    expect(again.stderr).toContain('PKI restored from');
    expect(again.status).toBe(0);
    expect(sandbox.run(`cat ${sandbox.serverDir}/pki/ca.crt ${sandbox.serverDir}/tc.key`).stdout).toBe(ca);
  });

  test('the document issues a profile whose certificate verifies, and keeps the client key out of the PKI secret', async () => {
    expect(sandbox.run(`${sandbox.script} configure`).status).toBe(0);
    const issue = sandbox.run(documentCommand(template, sandbox.script, 'issue', 'alice'));
    expect(issue.stderr).toContain(`issued alice: the profile is in the secret ${prefix}/alice`);
    expect(issue.status).toBe(0);

    const profile = (await world.secretValue(`${prefix}/alice`))!;
    expect(profile).toContain(`remote ${FAKE_PUBLIC_ADDRESS} 1194`);
    expect(profile).toMatch(/<key>\n-----BEGIN PRIVATE KEY-----/);
    expect(profile).toMatch(/<tls-crypt>\n(#.*\n)*-----BEGIN OpenVPN Static key V1-----/);
    const cert = /<cert>\n([\s\S]*?)<\/cert>/.exec(profile)![1];
    fs.writeFileSync(`${sandbox.root}/alice.crt`, cert);
    expect(sandbox.run(`openssl verify -CAfile ${sandbox.serverDir}/pki/ca.crt alice.crt`).stdout).toContain('alice.crt: OK');

    fs.writeFileSync(`${sandbox.root}/pki.tgz`, Buffer.from((await world.secretValue(world.pkiSecret))!.slice(PKI_MARKER.length), 'base64'));
    const contents = sandbox.run('tar tzf pki.tgz');
    expect(contents.status).toBe(0);
    expect(contents.stdout).toContain('pki/private/ca.key');
    expect(contents.stdout).not.toContain('alice');
    // The profile secret is encrypted with the pattern's key.
    const [create] = world.serverCalls().filter((c) => c.action === 'secretsmanager:CreateSecret');
    expect(create.params).toMatchObject({ Name: `${prefix}/alice`, KmsKeyId: world.physical[keyId(template)].attrs!.Arn });
    expectAllAllowed(await world.serverDecisions());
  });

  test('issuing a name twice fails and leaves the first profile in place', async () => {
    sandbox.run(`${sandbox.script} configure`);
    expect(sandbox.run(documentCommand(template, sandbox.script, 'issue', 'alice')).status).toBe(0);
    const first = await world.secretVersions(`${prefix}/alice`);
    const again = sandbox.run(documentCommand(template, sandbox.script, 'issue', 'alice'));
    expect(again.status).not.toBe(0);
    expect(again.stderr).toContain('a profile for alice exists already');
    expect(await world.secretVersions(`${prefix}/alice`)).toEqual(first);
  });

  test('the script refuses a client name the document would refuse, and the server\'s own name', () => {
    sandbox.run(`${sandbox.script} configure`);
    expect(sandbox.run(`${sandbox.script} issue-client '-rf'`).stderr).toContain("client name '-rf' must be 1 to 64 letters");
    expect(sandbox.run(`${sandbox.script} issue-client server`).stderr).toContain("'server' is the server's own name: choose another client name");
  });

  test('revoking puts the certificate on the CRL and deletes the profile', async () => {
    sandbox.run(`${sandbox.script} configure`);
    expect(sandbox.run(documentCommand(template, sandbox.script, 'issue', 'bob')).status).toBe(0);
    const cert = /<cert>\n([\s\S]*?)<\/cert>/.exec((await world.secretValue(`${prefix}/bob`))!)![1];
    fs.writeFileSync(`${sandbox.root}/bob.crt`, cert);

    const revoke = sandbox.run(documentCommand(template, sandbox.script, 'revoke', 'bob'));
    expect(revoke.stderr).toContain('revoked bob');
    expect(revoke.status).toBe(0);
    expect(await world.secretValue(`${prefix}/bob`)).toBeUndefined();

    // A replacement instance restores the CRL with the PKI.
    sandbox.run(`rm -rf ${sandbox.serverDir}`);
    expect(sandbox.run(`${sandbox.script} configure`).status).toBe(0);
    const check = sandbox.run(`openssl verify -crl_check -CRLfile ${sandbox.serverDir}/pki/crl.pem -CAfile ${sandbox.serverDir}/pki/ca.crt bob.crt`);
    expect(check.status).not.toBe(0);
    expect(check.stdout + check.stderr).toContain('certificate revoked');
    // The name can be issued again.
    expect(sandbox.run(documentCommand(template, sandbox.script, 'issue', 'bob')).status).toBe(0);
    expectAllAllowed(await world.serverDecisions());
  });

  test('issuing before the first boot stored a PKI fails with the reason', () => {
    const result = sandbox.run(documentCommand(template, sandbox.script, 'issue', 'alice'));
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain('holds no PKI yet');
  });

  describe('first boot, with apt, systemd, the metadata service and the VPN programs\' services stood in for', () => {
    const IS_ACTIVE = 'systemctl is-active --quiet openvpn-server@server.service';
    const action = (line: string) => line.split(' ')[0];

    test('NAT mode: installs the packages and itself, starts OpenVPN, takes the Elastic IP last, signals success', async () => {
      addBootStubs(sandbox);
      const result = sandbox.run(`bash ${sandbox.script}`);
      expect(result.stderr).toContain('PKI created and stored in');
      expect(result.status).toBe(0);
      const log = sandbox.timeline();
      expectInOrder(log, [
        'apt-get -o DPkg::Lock::Timeout=600 install -y -q openvpn easy-rsa iptables netcat-openbsd',
        `secretsmanager:GetSecretValue SecretId=${world.pkiSecret}`,
        `secretsmanager:PutSecretValue SecretId=${world.pkiSecret}`,
        'systemctl enable --now openvpn-guarded-network.service openvpn-server@server.service',
        'systemctl enable openvpn-guarded-address.service',
        IS_ACTIVE,
      ]);
      // Once the server runs, and only then: the Elastic IP, then the signal.
      expect(log.slice(log.indexOf(IS_ACTIVE) + 1).map(action)).toEqual(['ec2:AssociateAddress', 'cloudformation:SignalResource']);
      const calls = world.serverCalls();
      expect(calls.find((c) => c.action === 'ec2:AssociateAddress')!.params).toEqual({
        Action: 'AssociateAddress', Version: '2016-11-15', AllocationId: world.allocationId, InstanceId: world.instance.id, AllowReassociation: 'true',
      });
      expect(calls.find((c) => c.action === 'cloudformation:SignalResource')!.params).toEqual({
        Action: 'SignalResource', Version: '2010-05-15', StackName: 'TestStack', LogicalResourceId: nat.signal, UniqueId: world.instance.id, Status: 'SUCCESS',
      });
      expect(log.filter((l) => /^ec2:(ModifyInstanceAttribute|ReplaceRoute|CreateRoute) /.test(l))).toEqual([]);
      await expectTakenOverBy(world, world.instance, nat.clientCidr, false);
      // The PKI was stored once: the placeholder's version and the PKI's.
      expect(calls.filter((c) => c.action === 'secretsmanager:PutSecretValue')).toHaveLength(1);
      expect(await world.secretVersions(world.pkiSecret)).toHaveLength(2);
      expectAllAllowed(await world.serverDecisions());

      expect(sandbox.run(`cat ${sandbox.root}/systemd/openvpn-guarded-network.service`).stdout).toContain(`ExecStart=${sandbox.env.OVPN_BIN} network-up`);
      expect(sandbox.run(`cmp ${sandbox.script} ${sandbox.env.OVPN_BIN}`).status).toBe(0);
    });

    test('routing mode: turns off the source/destination check and points every route table at the interface', async () => {
      const box = await boot(routed);
      const { instance } = box.world;
      addBootStubs(box);
      const result = box.run(`bash ${box.script}`);
      expect(result.status).toBe(0);
      const log = box.timeline();
      // The routes and the Elastic IP come last, once the server runs, right before the signal.
      const last = log.slice(log.indexOf(IS_ACTIVE) + 1);
      expect(last[0]).toBe(`ec2:ModifyInstanceAttribute InstanceId=${instance.id} SourceDestCheck.Value=false`);
      // Each table has no client route yet: EC2 (moto) refuses to replace it, and the script creates it.
      const routeCalls = box.world.serverCalls().filter((c) => /Route$/.test(c.action));
      const tables = [...new Set(routeCalls.map((c) => c.params.RouteTableId))];
      expect(tables.sort()).toEqual([...box.world.routeTables].sort());
      expect(tables).toHaveLength(6);
      expect(last.slice(1, -2).map(action)).toEqual(tables.flatMap(() => ['ec2:ReplaceRoute', 'ec2:CreateRoute']));
      // Each pair names one table, the client block and the instance's interface.
      for (const [i, call] of routeCalls.entries()) {
        const table = routeCalls[i - (i % 2)].params.RouteTableId;
        expect(call.params).toMatchObject({ RouteTableId: table, DestinationCidrBlock: routed.clientCidr, NetworkInterfaceId: instance.eni });
      }
      expect(last.slice(-2).map(action)).toEqual(['ec2:AssociateAddress', 'cloudformation:SignalResource']);
      expect(last[last.length - 1]).toMatch(new RegExp(`LogicalResourceId=${routed.signal} UniqueId=${instance.id} Status=SUCCESS$`));
      await expectTakenOverBy(box.world, instance, routed.clientCidr, true);
      expectAllAllowed(await box.world.serverDecisions());
    });

    test('a replacement\'s first boot restores the stored PKI, stores nothing, and takes the Elastic IP and the routes from the server before it', async () => {
      const first = await boot(routed);
      addBootStubs(first);
      expect(first.run(`bash ${first.script}`).status).toBe(0);
      const stored = await first.world.secretVersions(first.world.pkiSecret);
      const ca = fs.readFileSync(`${first.serverDir}/pki/ca.crt`, 'utf8');

      // A new instance of the group, booting from scratch.
      const replacement = new ServerSandbox(first.world, await first.world.launchInstance());
      boxes.push(replacement);
      addBootStubs(replacement);
      first.clearLog();
      const result = replacement.run(`bash ${replacement.script}`);
      expect(result.stderr).toContain(`PKI restored from ${first.world.pkiSecret}`);
      expect(result.stderr).not.toContain('PKI created');
      expect(result.status).toBe(0);
      const calls = replacement.world.serverCalls();
      expect(calls.filter((c) => c.action === 'secretsmanager:PutSecretValue')).toEqual([]);
      expect(await first.world.secretVersions(first.world.pkiSecret)).toEqual(stored);
      expect(fs.readFileSync(`${replacement.serverDir}/pki/ca.crt`, 'utf8')).toBe(ca);
      // The routes exist: replacing them is enough.
      expect(calls.filter((c) => c.action === 'ec2:CreateRoute')).toEqual([]);
      expect(calls.filter((c) => c.action === 'ec2:ReplaceRoute')).toHaveLength(6);
      await expectTakenOverBy(replacement.world, replacement.instance, routed.clientCidr, true);
      expectAllAllowed(await replacement.world.serverDecisions());
    });

    test('a server that does not start fails the boot and signals failure at once, leaving the Elastic IP and the routes where they are', async () => {
      const box = await boot(routed);
      const before = await box.world.launchInstance();
      await box.world.associateElasticIp(before);
      await box.world.routeTo(routed.clientCidr, before.eni);
      addBootStubs(box);
      const result = box.run(`STUB_SERVICE_FAILS=1 bash ${box.script}`);
      expect(result.status).not.toBe(0);
      expect(result.stderr).toContain('openvpn-server@server did not start');
      const log = box.timeline();
      expect(log[log.length - 1]).toMatch(/^cloudformation:SignalResource .*Status=FAILURE$/);
      expect(log.some((l) => l.endsWith('Status=SUCCESS'))).toBe(false);
      expect(log.filter(takesOver)).toEqual([]);
      expect(await box.world.elasticIp()).toEqual({ instance: before.id, eni: before.eni });
      expect(Object.values(await box.world.routesFor(routed.clientCidr))).toEqual(box.world.routeTables.map(() => before.eni));
      expect(await box.world.sourceDestCheck(box.instance)).toBe(true);
      expectAllAllowed(await box.world.serverDecisions());
    });

    test.each([
      ['NAT mode', nat],
      ['routing mode', routed],
    ])('%s: a unit takes the Elastic IP (and the routes) again at every boot, after OpenVPN', async (name, variant) => {
      const box = await boot(variant);
      addBootStubs(box);
      expect(box.run(`bash ${box.script}`).status).toBe(0);
      expect(box.timeline()).toContain('systemctl enable openvpn-guarded-address.service');
      const file = `${box.root}/systemd/openvpn-guarded-address.service`;
      const unit = fs.readFileSync(file, 'utf8').split('\n');
      expect(unit).toEqual(expect.arrayContaining([
        'After=network-online.target openvpn-server@server.service',
        'Type=oneshot',
        `ExecStart=${box.env.OVPN_BIN} take-over`,
        'WantedBy=multi-user.target',
      ]));
      // systemd itself reads the unit (its ExecStart must be an executable file).
      const verify = box.run(`systemd-analyze verify --man=no ${file}`);
      expect(verify.stderr.split('\n').filter((l) => l.includes('openvpn-guarded-address'))).toEqual([]);

      // A later boot: the unit's command alone, on the installed script.
      box.clearLog();
      const execStart = unit.find((l) => l.startsWith('ExecStart='))!.slice('ExecStart='.length);
      const again = box.run(execStart);
      expect(again.stderr).toBe('');
      expect(again.status).toBe(0);
      const log = box.timeline();
      expect(action(log[log.length - 1])).toBe('ec2:AssociateAddress');
      const routing = name === 'routing mode';
      expect(log.filter((l) => /^ec2:(ReplaceRoute|CreateRoute) /.test(l))).toHaveLength(routing ? 6 : 0);
      expect(log.filter((l) => !takesOver(l))).toEqual([]);
      await expectTakenOverBy(box.world, box.instance, variant.clientCidr, routing);
      expectAllAllowed(await box.world.serverDecisions());
    });

    test('a Secrets Manager read that fails ends the first boot: failure signalled, nothing created or stored, the Elastic IP left alone', async () => {
      const before = await world.launchInstance();
      await world.associateElasticIp(before);
      addBootStubs(sandbox);
      const result = sandbox.run(`${SECRETS_MANAGER_UNREACHABLE} bash ${sandbox.script}`);
      expect(result.status).not.toBe(0);
      expect(result.stderr).toContain(`could not read the secret ${world.pkiSecret}`);
      expect(result.stderr).not.toContain('PKI created');
      // The read was retried, then given up; it never reached Secrets Manager.
      expect(result.stderr.match(/aws secretsmanager get-secret-value failed \(attempt \d+ of 10\)/g)).toHaveLength(10);
      const log = sandbox.timeline();
      expect(log.filter((l) => l.startsWith('secretsmanager:'))).toEqual([]);
      expect(log.filter(takesOver)).toEqual([]);
      expect(log[log.length - 1]).toMatch(/^cloudformation:SignalResource .*Status=FAILURE$/);
      expect(await world.secretValue(world.pkiSecret)).toBe(PLACEHOLDER);
      expect(await world.secretVersions(world.pkiSecret)).toHaveLength(1);
      expect(await world.elasticIp()).toEqual({ instance: before.id, eni: before.eni });
      expect(fs.existsSync(`${sandbox.serverDir}/pki`)).toBe(false);
      expectAllAllowed(await world.serverDecisions());
    });

    test.each([
      ['a binary secret (the CLI prints None)', new Uint8Array([0x50, 0x4b, 0x03, 0x04])],
      ['another program\'s data', `{"username":"admin","password":"${PLACEHOLDER}"}`],
      ['a value that is one character short of the placeholder', PLACEHOLDER.slice(1)],
    ])('a secret that holds %s is neither a PKI nor the placeholder: the boot fails and stores nothing', async (_name, value) => {
      addBootStubs(sandbox);
      await world.putSecretValue(world.pkiSecret, value);
      const versions = await world.secretVersions(world.pkiSecret);
      await expectFailedClosed(sandbox, sandbox.run(`bash ${sandbox.script}`), versions);
    });

    test('issuing a profile while the secret cannot be read fails and creates nothing', async () => {
      expect(sandbox.run(`${sandbox.script} configure`).status).toBe(0);
      const stored = await world.secretVersions(world.pkiSecret);
      const result = sandbox.run(`${SECRETS_MANAGER_UNREACHABLE} ${documentCommand(template, sandbox.script, 'issue', 'alice')}`);
      expect(result.status).not.toBe(0);
      expect(result.stderr).toContain(`could not read the secret ${world.pkiSecret}`);
      expect(await world.secretValue(`${prefix}/alice`)).toBeUndefined();
      expect(await world.secretVersions(world.pkiSecret)).toEqual(stored);
    });
  });

  describe('IAM from both sides: the calls recorded at moto against the instance role\'s synthesized policies', () => {
    test.each([
      ['NAT mode', nat],
      ['routing mode', routed],
    ])('%s: every call of the boot and of the document is allowed, and every statement but the SSM Agent\'s and the key\'s is used', async (_name, variant) => {
      const box = await boot(variant);
      addBootStubs(box);
      await expectEveryStatementUsed(box);
    });
  });

  test('the first instance boots with its permissions: the group depends on the server\'s policy', () => {
    const stack = testStack();
    const network = new PrivateSubnetVpc(stack, 'Network');
    const vpn = new OpenVpnAccessServer(stack, 'Vpn', { vpc: network.vpc });
    const policy = Stack.of(vpn).getLogicalId(vpn.node.findChild('ServerPolicy').node.defaultChild as CfnResource);
    const group = Template.fromStack(stack).toJSON().Resources[Stack.of(vpn).getLogicalId(vpn.autoScalingGroup.node.defaultChild as CfnResource)];
    expect(group.DependsOn).toContain(policy);
  });

  test('the state secret starts with a value CloudFormation generates with its defaults, the placeholder the script recognizes', () => {
    const secrets = Object.values(template.Resources).filter((r) => r.Type === 'AWS::SecretsManager::Secret');
    expect(secrets).toHaveLength(1);
    expect(secrets[0].Properties.GenerateSecretString).toEqual({});
    expect(secrets[0].Properties.SecretString).toBeUndefined();
    expect(PLACEHOLDER).toMatch(/^[!-~]{32}$/);
  });
});

/** The logical ID of the template's (only) KMS key. */
function keyId(template: TemplateJson): string {
  const [[id]] = Object.entries(template.Resources).filter(([, r]) => r.Type === 'AWS::KMS::Key');
  return id;
}
