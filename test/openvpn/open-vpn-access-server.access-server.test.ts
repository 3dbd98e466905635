import { aws_ec2 as ec2 } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import {
  SECRETS_MANAGER_UNREACHABLE, ServerSandbox, addAccessServerStubs, documentCommand, expectEveryStatementUsed, expectFailedClosed, expectInOrder,
  expectTakenOverBy, motoPerFile, motoStack, requireInstalled, takesOver,
} from './script-harness';
import { ADMIN_PASSWORD, FAKE_PUBLIC_ADDRESS, PLACEHOLDER, ServerWorld, TemplateJson } from './server-world';
import { OpenVpnAccessServer, OpenVpnAccessServerProps, OpenVpnEdition, OpenVpnProtocol, OpenVpnRoutingMode, PrivateSubnetVpc } from '../../src';
import { secretsIn } from '../../src/checks/ec2/ec2-user-data-secrets';
import { ACCESS_SERVER_MARKER } from '../../src/openvpn/server-script';
import { expectAllAllowed } from '../aws/iam';

/**
 * The Access Server edition's boot script, taken from the template and run with bash, its AWS
 * calls made by the real AWS CLI against moto. Access Server itself cannot be installed here (its
 * packages and image come only from OpenVPN Inc. and AWS Marketplace), so sacli and ovpn-init are
 * stand-ins that accept only the documented commands, keys and values (sacli-stub.sh) and keep
 * their state in real SQLite databases; the script's backup and restore run the real sqlite3 on them.
 */
const IMAGE = ec2.MachineImage.genericLinux({ 'us-east-1': 'ami-0123456789abcdef0' });

interface Synthesized {
  readonly template: TemplateJson;
  readonly prefix: string;
  readonly clientCidr: string;
}

function synthesize(props: Partial<OpenVpnAccessServerProps> = {}): Synthesized {
  const stack = motoStack();
  const network = new PrivateSubnetVpc(stack, 'Network');
  const vpn = new OpenVpnAccessServer(stack, 'Vpn', { vpc: network.vpc, edition: OpenVpnEdition.ACCESS_SERVER, machineImage: IMAGE, ...props });
  return { template: Template.fromStack(stack).toJSON() as TemplateJson, prefix: vpn.clientProfilePrefix, clientCidr: vpn.clientCidr };
}

const tools = ['sqlite3', 'shellcheck', 'flock'];

// Each test runs the real AWS CLI many times, which takes seconds a call on a busy machine.
jest.setTimeout(600_000);

describe('OpenVpnAccessServer (Access Server edition) boot script, run against moto and the sacli and ovpn-init stand-ins', () => {
  const moto = motoPerFile();
  const nat = synthesize();
  const routed = synthesize({ routingMode: OpenVpnRoutingMode.ROUTED, protocol: OpenVpnProtocol.TCP, port: 443, dnsServers: ['10.0.0.53'] });
  const { template, prefix } = nat;
  let world: ServerWorld;
  let sandbox: ServerSandbox;
  const boxes: ServerSandbox[] = [];
  /**
   * A sandbox for another instance, or for a variant of the template in a world of its own (which
   * replaces the default one in moto), removed after the test.
   */
  const another = async (variant?: Synthesized) => {
    if (variant) {
      await moto().reset();
    }
    const box = variant
      ? new ServerSandbox(await ServerWorld.create(moto(), variant.template))
      : new ServerSandbox(world, await world.launchInstance());
    boxes.push(box);
    return box;
  };
  const setting = (box: ServerSandbox, name: string) => box.run(`sqlite3 ${box.asDir}/etc/db/config.db "SELECT value FROM config WHERE name = '${name}';"`).stdout.trim();
  const settings = (box: ServerSandbox, prefixOfName: string) =>
    box.run(`sqlite3 ${box.asDir}/etc/db/config.db "SELECT name || '=' || value FROM config WHERE name LIKE '${prefixOfName}%' ORDER BY name;"`).stdout.trim().split('\n');
  const sql = (box: ServerSandbox, db: string, query: string) => box.run(`sqlite3 ${box.asDir}/etc/db/${db} "${query}"`).stdout.trim();
  const document = (action: string, name: string) => documentCommand(template, sandbox.script, action, name);
  const action = (line: string) => line.split(' ')[0];
  const TIMER = 'systemctl enable --now openvpn-guarded-backup.timer';

  beforeAll(() => {
    requireInstalled(tools, 'sqlite3 shellcheck util-linux');
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
    ['defaults', nat],
    ['TCP on 443, routing mode, pushed DNS servers', routed],
  ])('the user data (%s) passes bash -n and shellcheck, and holds no secret', async (_name, variant) => {
    const box = await another(variant);
    expect(box.run(`bash -n ${box.script}`)).toMatchObject({ status: 0, stderr: '' });
    expect(box.run(`shellcheck --shell=bash ${box.script}`)).toMatchObject({ status: 0, stdout: '' });
    expect(secretsIn(box.scriptText)).toEqual([]);
    expect(box.scriptText).not.toContain(ADMIN_PASSWORD);
    // The user data fits EC2's 16 KB limit.
    expect(Buffer.byteLength(box.scriptText)).toBeLessThan(16 * 1024);
  });

  test('the sacli stand-in refuses what Access Server\'s documentation does not describe', () => {
    addAccessServerStubs(sandbox, true);
    const sacli = `${sandbox.asDir}/scripts/sacli`;
    for (const command of [
      '--key vpn.server.daemon.protocol --value udp ConfigPut',
      '--key vpn.server.daemon.protocols --value udp6 ConfigPut',
      '--key vpn.server.routing.private_network.0 --value 10.0.0.0 ConfigPut',
      '--user alice --key prop_autologin --value yes UserPropPut',
      '--user alice GetAutologin',
      '--user alice --password x SetLocalPassword',
      '--user alice GetProfile',
    ]) {
      expect([command, sandbox.run(`${sacli} ${command}`).status]).not.toEqual([command, 0]);
    }
    expect(sandbox.run(`${sacli} --key vpn.server.daemon.protocols --value udp ConfigPut`).status).toBe(0);
  });

  test('the first boot initializes Access Server, writes the construct\'s settings over its defaults, sets the admin password, saves the databases, takes the Elastic IP and signals success', async () => {
    addAccessServerStubs(sandbox);
    const result = sandbox.run(`bash ${sandbox.script}`);
    expect(result.stderr).toContain('Access Server databases saved in');
    expect(result.status).toBe(0);

    expect(setting(sandbox, 'host.name')).toBe(FAKE_PUBLIC_ADDRESS);
    expect(setting(sandbox, 'vpn.server.daemon.protocols')).toBe('udp');
    expect(setting(sandbox, 'vpn.server.daemon.udp.port')).toBe('1194');
    expect(setting(sandbox, 'vpn.server.port_share.enable')).toBe('false');
    expect(setting(sandbox, 'vpn.daemon.0.client.network')).toBe('10.255.240.0');
    expect(setting(sandbox, 'vpn.daemon.0.client.netmask_bits')).toBe('20');
    expect(setting(sandbox, 'vpn.server.routing.private_access')).toBe('nat');
    expect(setting(sandbox, 'vpn.client.routing.reroute_gw')).toBe('false');
    // The image's two private networks are gone; the VPC's block is the only one.
    expect(settings(sandbox, 'vpn.server.routing.private_network.')).toEqual(['vpn.server.routing.private_network.0=10.0.0.0/16']);
    // NAT mode pushes the VPC's Amazon DNS server.
    expect(settings(sandbox, 'vpn.server.dhcp_option.dns.')).toEqual(['vpn.server.dhcp_option.dns.0=10.0.0.2']);
    expect(setting(sandbox, 'vpn.client.routing.reroute_dns')).toBe('custom');

    // The admin password is the admin secret's, read from Secrets Manager.
    const digest = sandbox.run(`printf '%s' '${ADMIN_PASSWORD}' | sha256sum | cut -d' ' -f1`).stdout.trim();
    expect(sql(sandbox, 'userprop.db', "SELECT value FROM props WHERE user = 'openvpn' AND name = 'pvt_password_digest';")).toBe(digest);
    expect(sql(sandbox, 'userprop.db', "SELECT value FROM props WHERE user = 'openvpn' AND name = 'user_auth_type';")).toBe('local');
    expect(await world.secretValue(world.pkiSecret)).toMatch(new RegExp(`^${ACCESS_SERVER_MARKER}[A-Za-z0-9+/=]+$`));

    const log = sandbox.timeline();
    expectInOrder(log, [
      'ovpn-init --batch --force',
      `secretsmanager:GetSecretValue SecretId=${world.pkiSecret}`,
      `sacli --key host.name --value ${FAKE_PUBLIC_ADDRESS} ConfigPut`,
      `secretsmanager:GetSecretValue SecretId=${world.adminSecret}`,
      'sacli --user openvpn --new_pass **** SetLocalPassword',
      'sacli start',
      `secretsmanager:PutSecretValue SecretId=${world.pkiSecret}`,
      TIMER,
    ]);
    // Once Access Server runs and its databases are saved, and only then: the Elastic IP, then the signal.
    const last = log.slice(log.indexOf(TIMER) + 1);
    expect(last.map(action)).toEqual(['systemctl', 'ec2:AssociateAddress', 'cloudformation:SignalResource']);
    expect(last[0]).toBe('systemctl enable openvpn-guarded-address.service');
    expect(last[1]).toBe(`ec2:AssociateAddress AllocationId=${world.allocationId} InstanceId=${world.instance.id} AllowReassociation=true`);
    expect(last[2]).toMatch(new RegExp(`^cloudformation:SignalResource StackName=TestStack .* UniqueId=${world.instance.id} Status=SUCCESS$`));
    expect(log.filter((l) => /^ec2:(ModifyInstanceAttribute|CreateRoute|ReplaceRoute) /.test(l))).toEqual([]);
    await expectTakenOverBy(world, world.instance, nat.clientCidr, false);
    expectAllAllowed(await world.serverDecisions());
    expect(sandbox.run(`cat ${sandbox.root}/systemd/openvpn-guarded-backup.service`).stdout).toContain(`ExecStart=${sandbox.env.OVPN_BIN} backup`);
  });

  test('a unit takes the Elastic IP again at every boot, after Access Server', async () => {
    addAccessServerStubs(sandbox);
    expect(sandbox.run(`bash ${sandbox.script}`).status).toBe(0);
    const file = `${sandbox.root}/systemd/openvpn-guarded-address.service`;
    const unit = sandbox.run(`cat ${file}`).stdout.split('\n');
    expect(unit).toEqual(expect.arrayContaining([
      'After=network-online.target openvpnas.service',
      `ExecStart=${sandbox.env.OVPN_BIN} take-over`,
      'WantedBy=multi-user.target',
    ]));
    sandbox.clearLog();
    const again = sandbox.run(`${sandbox.env.OVPN_BIN} take-over`);
    expect(again.status).toBe(0);
    expect(sandbox.timeline()).toEqual([`ec2:AssociateAddress AllocationId=${world.allocationId} InstanceId=${world.instance.id} AllowReassociation=true`]);
    await expectTakenOverBy(world, world.instance, nat.clientCidr, false);
  });

  test('a Secrets Manager read that fails ends the first boot: failure signalled, the databases neither replaced nor stored, the Elastic IP left alone', async () => {
    const before = await world.launchInstance();
    await world.associateElasticIp(before);
    addAccessServerStubs(sandbox);
    const result = sandbox.run(`${SECRETS_MANAGER_UNREACHABLE} bash ${sandbox.script}`);
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain(`could not read the secret ${world.pkiSecret}`);
    const log = sandbox.timeline();
    expect(log.filter((l) => l.startsWith('secretsmanager:'))).toEqual([]);
    expect(log.filter((l) => l.startsWith('sacli') && l.endsWith('ConfigPut'))).toEqual([]);
    expect(log.filter(takesOver)).toEqual([]);
    expect(log[log.length - 1]).toMatch(/^cloudformation:SignalResource .*Status=FAILURE$/);
    expect(await world.secretValue(world.pkiSecret)).toBe(PLACEHOLDER);
    expect(await world.secretVersions(world.pkiSecret)).toHaveLength(1);
    expect(await world.elasticIp()).toEqual({ instance: before.id, eni: before.eni });
    expectAllAllowed(await world.serverDecisions());
  });

  test('a secret that holds neither Access Server\'s databases nor the placeholder fails the boot and stores nothing', async () => {
    addAccessServerStubs(sandbox);
    // A binary secret: the CLI prints None for its SecretString.
    await world.putSecretValue(world.pkiSecret, new Uint8Array([0x50, 0x4b, 0x03, 0x04]));
    const versions = await world.secretVersions(world.pkiSecret);
    await expectFailedClosed(sandbox, sandbox.run(`bash ${sandbox.script}`), versions);
  });

  test('an image that ran its own first-boot setup is not initialized again', () => {
    addAccessServerStubs(sandbox, true);
    const ca = sql(sandbox, 'certs.db', 'SELECT pem FROM ca;');
    sandbox.clearLog();
    expect(sandbox.run(`bash ${sandbox.script}`).status).toBe(0);
    expect(sandbox.timeline().filter((l) => l.startsWith('ovpn-init'))).toEqual([]);
    expect(sql(sandbox, 'certs.db', 'SELECT pem FROM ca;')).toBe(ca);
  });

  test('a replacement instance restores the databases: the same CA, users and certificates, with the settings written again', async () => {
    addAccessServerStubs(sandbox);
    expect(sandbox.run(`bash ${sandbox.script}`).status).toBe(0);
    expect(sandbox.run(document('issue', 'alice')).status).toBe(0);
    const before = ['SELECT pem FROM ca;', 'SELECT serial, cn, revoked FROM certs;'].map((q) => sql(sandbox, 'certs.db', q));

    // A new instance: a fresh image with a CA of its own, and the same secret.
    const replacement = await another();
    addAccessServerStubs(replacement, true);
    expect(sql(replacement, 'certs.db', 'SELECT pem FROM ca;')).not.toBe(before[0]);
    const result = replacement.run(`bash ${replacement.script}`);
    expect(result.stderr).toContain(`Access Server databases restored from ${world.pkiSecret}`);
    expect(result.status).toBe(0);
    expect(['SELECT pem FROM ca;', 'SELECT serial, cn, revoked FROM certs;'].map((q) => sql(replacement, 'certs.db', q))).toEqual(before);
    const log = replacement.timeline();
    expect(log.indexOf('systemctl stop openvpnas')).toBeLessThan(log.indexOf('systemctl start openvpnas'));
    await expectTakenOverBy(world, replacement.instance, nat.clientCidr, false);
    // What the secret holds afterwards is the restored CA, not the new image's.
    const third = await another();
    addAccessServerStubs(third, true);
    expect(third.run(`bash ${third.script}`).status).toBe(0);
    expect(sql(third, 'certs.db', 'SELECT pem FROM ca;')).toBe(before[0]);
    expect(sql(third, 'userprop.db', "SELECT value FROM props WHERE user = 'alice' AND name = 'prop_autologin';")).toBe('true');
    expect(setting(third, 'host.name')).toBe(FAKE_PUBLIC_ADDRESS);
    expectAllAllowed(await world.serverDecisions());
  });

  test('the document issues an auto-login profile into its own secret and saves the new certificate', async () => {
    addAccessServerStubs(sandbox);
    sandbox.run(`bash ${sandbox.script}`);
    const saved = await world.secretValue(world.pkiSecret);
    const result = sandbox.run(document('issue', 'alice'));
    expect(result.stderr).toContain(`issued alice: the profile is in the secret ${prefix}/alice`);
    expect(result.status).toBe(0);
    const profile = (await world.secretValue(`${prefix}/alice`))!;
    expect(profile).toContain(`remote ${FAKE_PUBLIC_ADDRESS}`);
    expect(profile).toContain(sql(sandbox, 'certs.db', 'SELECT pem FROM ca;'));
    expect(sql(sandbox, 'userprop.db', "SELECT name || '=' || value FROM props WHERE user = 'alice' ORDER BY name;").split('\n'))
      .toEqual(['prop_autologin=true', 'type=user_connect']);
    expect(await world.secretValue(world.pkiSecret)).not.toBe(saved);
  });

  test('issuing a name twice fails and leaves the first profile; the admin\'s name is refused', async () => {
    addAccessServerStubs(sandbox);
    sandbox.run(`bash ${sandbox.script}`);
    sandbox.run(document('issue', 'alice'));
    const first = await world.secretVersions(`${prefix}/alice`);
    const again = sandbox.run(document('issue', 'alice'));
    expect(again.status).not.toBe(0);
    expect(again.stderr).toContain(`a profile for alice exists already (secret ${prefix}/alice)`);
    expect(await world.secretVersions(`${prefix}/alice`)).toEqual(first);
    const admin = sandbox.run(document('issue', 'openvpn'));
    expect(admin.status).not.toBe(0);
    expect(admin.stderr).toContain("'openvpn' is the server's own name: choose another client name");
  });

  test('revoking revokes the user\'s certificates, deletes the user and the profile, and saves the change', async () => {
    addAccessServerStubs(sandbox);
    sandbox.run(`bash ${sandbox.script}`);
    sandbox.run(document('issue', 'bob'));
    const saved = await world.secretValue(world.pkiSecret);
    const result = sandbox.run(document('revoke', 'bob'));
    expect(result.stderr).toContain('revoked bob');
    expect(result.status).toBe(0);
    expect(sql(sandbox, 'certs.db', "SELECT revoked FROM certs WHERE cn = 'bob_AUTOLOGIN';")).toBe('1');
    expect(sql(sandbox, 'userprop.db', "SELECT count(*) FROM props WHERE user = 'bob';")).toBe('0');
    expect(await world.secretValue(`${prefix}/bob`)).toBeUndefined();
    expect(await world.secretValue(world.pkiSecret)).not.toBe(saved);
    const missing = sandbox.run(document('revoke', 'carol'));
    expect(missing.status).not.toBe(0);
    expect(missing.stderr).toContain(`no profile for carol (secret ${prefix}/carol)`);
  });

  test('the backup timer saves only when the databases changed', () => {
    addAccessServerStubs(sandbox);
    sandbox.run(`bash ${sandbox.script}`);
    const puts = () => world.serverCalls().filter((c) => c.action === 'secretsmanager:PutSecretValue').length;
    const before = puts();
    expect(sandbox.run(`${sandbox.script} backup`).status).toBe(0);
    expect(puts()).toBe(before);
    // A change made in the admin UI.
    sql(sandbox, 'userprop.db', "INSERT INTO props VALUES ('dave', 'type', 'user_connect');");
    expect(sandbox.run(`${sandbox.script} backup`).status).toBe(0);
    expect(puts()).toBe(before + 1);
  });

  test('databases larger than a secret holds fail the backup with the reason, and store nothing', async () => {
    addAccessServerStubs(sandbox);
    sandbox.run(`bash ${sandbox.script}`);
    const saved = await world.secretVersions(world.pkiSecret);
    sql(sandbox, 'certs.db', 'INSERT INTO certs (cn, revoked) SELECT hex(randomblob(400)), 0 FROM (WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 200) SELECT i FROM n);');
    const result = sandbox.run(`${sandbox.script} backup`);
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(/the Access Server databases take \d+ bytes, more than the 65536 a secret holds/);
    expect(await world.secretVersions(world.pkiSecret)).toEqual(saved);
  });

  test('routing mode: Access Server routes, the source/destination check goes off, and the route tables point at the interface', async () => {
    const box = await another(routed);
    addAccessServerStubs(box);
    expect(box.run(`bash ${box.script}`).status).toBe(0);
    expect(setting(box, 'vpn.server.routing.private_access')).toBe('route');
    expect(setting(box, 'vpn.server.daemon.protocols')).toBe('tcp');
    expect(setting(box, 'vpn.server.daemon.tcp.port')).toBe('443');
    expect(settings(box, 'vpn.server.dhcp_option.dns.')).toEqual(['vpn.server.dhcp_option.dns.0=10.0.0.53']);
    const log = box.timeline();
    expect(log).toContain(`ec2:ModifyInstanceAttribute InstanceId=${box.instance.id} SourceDestCheck.Value=false`);
    // No table has the client route yet: EC2 (moto) refuses to replace it, and the script creates it.
    expect(log.filter((l) => l.startsWith('ec2:CreateRoute '))).toHaveLength(6);
    // The routes and the Elastic IP come last, right before the signal.
    const last = log.slice(log.indexOf('systemctl enable openvpn-guarded-address.service') + 1);
    expect(last.slice(0, -2).every(takesOver)).toBe(true);
    expect(last.slice(0, -2)).toHaveLength(13);
    expect(last.slice(-2).map(action)).toEqual(['ec2:AssociateAddress', 'cloudformation:SignalResource']);
    expect(last[last.length - 1]).toMatch(/Status=SUCCESS$/);
    await expectTakenOverBy(box.world, box.instance, routed.clientCidr, true);
    expectAllAllowed(await box.world.serverDecisions());
  });

  test('a server that does not come up fails the boot and signals failure at once', () => {
    addAccessServerStubs(sandbox);
    const result = sandbox.run(`STUB_AS_DOWN=1 OVPN_RETRY_SECONDS=0 bash ${sandbox.script}`);
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain("Access Server does not answer 'sacli status'");
    const log = sandbox.timeline();
    expect(log[log.length - 1]).toMatch(/^cloudformation:SignalResource .*Status=FAILURE$/);
    expect(log.filter(takesOver)).toEqual([]);
  });

  describe('IAM from both sides: the calls recorded at moto against the instance role\'s synthesized policies', () => {
    test.each([
      ['NAT mode', nat],
      ['routing mode', routed],
    ])('%s: every call of the boot, the backup and the document is allowed, and every statement but the SSM Agent\'s and the key\'s is used', async (_name, variant) => {
      const box = await another(variant);
      addAccessServerStubs(box);
      await expectEveryStatementUsed(box);
    });
  });
});
