import { aws_ec2 as ec2 } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { OpenVpnAccessServer, OpenVpnAccessServerProps, OpenVpnEdition, OpenVpnProtocol, OpenVpnRoutingMode, PrivateSubnetVpc } from '../../src';
import { secretsIn } from '../../src/checks/openvpn/ec2-user-data-secrets';
import { ACCESS_SERVER_MARKER } from '../../src/openvpn/server-script';
import { testStack } from '../util';
import {
  ADMIN_PASSWORD, FAKE_PUBLIC_ADDRESS, PKI_SECRET, PLACEHOLDER, ServerSandbox, TemplateJson,
  addAccessServerStubs, documentCommand, expectFailedClosed, expectInOrder, requireInstalled, serverScriptOf,
} from './script-harness';

/**
 * The Access Server edition's boot script, taken from the template and run with bash. Access
 * Server itself cannot be installed here (its packages and image come only from OpenVPN Inc. and
 * AWS Marketplace), so sacli and ovpn-init are stand-ins that accept only the documented commands,
 * keys and values (sacli-stub.sh) and keep their state in real SQLite databases; the script's
 * backup and restore run the real sqlite3 on them.
 */
const IMAGE = ec2.MachineImage.genericLinux({ 'us-east-1': 'ami-0123456789abcdef0' });

function synthesize(props: Partial<OpenVpnAccessServerProps> = {}): { template: TemplateJson; prefix: string } {
  const stack = testStack();
  const network = new PrivateSubnetVpc(stack, 'Network');
  const vpn = new OpenVpnAccessServer(stack, 'Vpn', { vpc: network.vpc, edition: OpenVpnEdition.ACCESS_SERVER, machineImage: IMAGE, ...props });
  return { template: Template.fromStack(stack).toJSON() as TemplateJson, prefix: vpn.clientProfilePrefix };
}

const tools = ['sqlite3', 'shellcheck', 'flock'];

describe('OpenVpnAccessServer (Access Server edition) boot script, run against sacli and ovpn-init stand-ins', () => {
  const { template, prefix } = synthesize();
  let sandbox: ServerSandbox;
  const calls = (box: ServerSandbox) => box.run(`cat ${box.store}/calls.log`).stdout.trim().split('\n');
  const setting = (box: ServerSandbox, name: string) => box.run(`sqlite3 ${box.asDir}/etc/db/config.db "SELECT value FROM config WHERE name = '${name}';"`).stdout.trim();
  const settings = (box: ServerSandbox, prefixOfName: string) =>
    box.run(`sqlite3 ${box.asDir}/etc/db/config.db "SELECT name || '=' || value FROM config WHERE name LIKE '${prefixOfName}%' ORDER BY name;"`).stdout.trim().split('\n');
  const sql = (box: ServerSandbox, db: string, query: string) => box.run(`sqlite3 ${box.asDir}/etc/db/${db} "${query}"`).stdout.trim();
  const document = (action: string, name: string) => documentCommand(template, sandbox.script, action, name);
  const ASSOCIATE = 'ec2 associate-address --allocation-id eipalloc-0123456789abcdef0 --instance-id i-0123456789abcdef0 --allow-reassociation';
  const TIMER = 'systemctl enable --now openvpn-guarded-backup.timer';
  const takesOver = (l: string) => /^ec2 (associate-address|replace-route|create-route|modify-instance-attribute)/.test(l);

  beforeAll(() => {
    requireInstalled(tools, 'sqlite3 shellcheck util-linux');
  });
  beforeEach(() => {
    sandbox = new ServerSandbox(serverScriptOf(template));
  });
  afterEach(() => sandbox.remove());

  test.each([
    ['defaults', {}],
    ['TCP on 443, routing mode, pushed DNS servers', { protocol: OpenVpnProtocol.TCP, port: 443, routingMode: OpenVpnRoutingMode.ROUTED, dnsServers: ['10.0.0.53'] }],
  ])('the user data (%s) passes bash -n and shellcheck, and holds no secret', (_name, props) => {
    const variant = new ServerSandbox(serverScriptOf(synthesize(props as Partial<OpenVpnAccessServerProps>).template));
    try {
      expect(variant.run(`bash -n ${variant.script}`)).toMatchObject({ status: 0, stderr: '' });
      expect(variant.run(`shellcheck --shell=bash ${variant.script}`)).toMatchObject({ status: 0, stdout: '' });
      expect(secretsIn(variant.scriptText)).toEqual([]);
      expect(variant.scriptText).not.toContain(ADMIN_PASSWORD);
      // The user data fits EC2's 16 KB limit.
      expect(Buffer.byteLength(variant.scriptText)).toBeLessThan(16 * 1024);
    } finally {
      variant.remove();
    }
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

  test('the first boot initializes Access Server, writes the construct\'s settings over its defaults, sets the admin password, saves the databases and signals success', () => {
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

    const digest = sandbox.run(`printf '%s' '${ADMIN_PASSWORD}' | sha256sum | cut -d' ' -f1`).stdout.trim();
    expect(sql(sandbox, 'userprop.db', "SELECT value FROM props WHERE user = 'openvpn' AND name = 'pvt_password_digest';")).toBe(digest);
    expect(sql(sandbox, 'userprop.db', "SELECT value FROM props WHERE user = 'openvpn' AND name = 'user_auth_type';")).toBe('local');
    expect(sandbox.secret(PKI_SECRET)).toMatch(new RegExp(`^${ACCESS_SERVER_MARKER}[A-Za-z0-9+/=]+$`));

    const log = calls(sandbox);
    expectInOrder(log, [
      'ovpn-init --batch --force',
      `secretsmanager get-secret-value --secret-id ${PKI_SECRET}`,
      'sacli --key host.name --value 198.18.0.1 ConfigPut',
      'sacli --user openvpn --new_pass **** SetLocalPassword',
      'sacli start',
      `secretsmanager put-secret-value --secret-id ${PKI_SECRET} --secret-string file://`,
      TIMER,
    ]);
    // Once Access Server runs and its databases are saved, and only then: the Elastic IP, then the signal.
    const last = log.slice(log.indexOf(TIMER) + 1);
    expect(last.slice(0, 2)).toEqual(['systemctl enable openvpn-guarded-address.service', ASSOCIATE]);
    expect(last[2]).toMatch(/^cloudformation signal-resource --stack-name TestStack .* --status SUCCESS$/);
    expect(last).toHaveLength(3);
    expect(log.filter((l) => /^ec2 (modify-instance-attribute|create-route|replace-route)/.test(l))).toEqual([]);
    expect(sandbox.run(`cat ${sandbox.root}/systemd/openvpn-guarded-backup.service`).stdout).toContain(`ExecStart=${sandbox.env.OVPN_BIN} backup`);
  });

  test('a unit takes the Elastic IP again at every boot, after Access Server', () => {
    addAccessServerStubs(sandbox);
    expect(sandbox.run(`bash ${sandbox.script}`).status).toBe(0);
    const file = `${sandbox.root}/systemd/openvpn-guarded-address.service`;
    const unit = sandbox.run(`cat ${file}`).stdout.split('\n');
    expect(unit).toEqual(expect.arrayContaining([
      'After=network-online.target openvpnas.service',
      `ExecStart=${sandbox.env.OVPN_BIN} take-over`,
      'WantedBy=multi-user.target',
    ]));
    sandbox.run(`: > ${sandbox.store}/calls.log`);
    const again = sandbox.run(`${sandbox.env.OVPN_BIN} take-over`);
    expect(again.status).toBe(0);
    expect(calls(sandbox)).toEqual([ASSOCIATE]);
  });

  test('a Secrets Manager read that fails ends the first boot: failure signalled, the databases neither replaced nor stored, the Elastic IP left alone', () => {
    addAccessServerStubs(sandbox);
    const result = sandbox.run(`AWS_STUB_FAILS='secretsmanager get-secret-value' bash ${sandbox.script}`);
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain(`could not read the secret ${PKI_SECRET}`);
    const log = calls(sandbox);
    expect(log.filter((l) => l.startsWith('secretsmanager put-secret-value'))).toEqual([]);
    expect(log.filter((l) => l.startsWith('sacli') && l.endsWith('ConfigPut'))).toEqual([]);
    expect(log.filter(takesOver)).toEqual([]);
    expect(log[log.length - 1]).toMatch(/cloudformation signal-resource .* --status FAILURE$/);
    expect(sandbox.secret(PKI_SECRET)).toBe(PLACEHOLDER);
  });

  test('a secret that holds neither Access Server\'s databases nor the placeholder fails the boot and stores nothing', () => {
    addAccessServerStubs(sandbox);
    sandbox.putSecret(PKI_SECRET, 'None');
    expectFailedClosed(sandbox, sandbox.run(`bash ${sandbox.script}`), PKI_SECRET, 'None');
  });

  test('an image that ran its own first-boot setup is not initialized again', () => {
    addAccessServerStubs(sandbox, true);
    const ca = sql(sandbox, 'certs.db', 'SELECT pem FROM ca;');
    sandbox.run(`: > ${sandbox.store}/calls.log`);
    expect(sandbox.run(`bash ${sandbox.script}`).status).toBe(0);
    expect(calls(sandbox).filter((l) => l.startsWith('ovpn-init'))).toEqual([]);
    expect(sql(sandbox, 'certs.db', 'SELECT pem FROM ca;')).toBe(ca);
  });

  test('a replacement instance restores the databases: the same CA, users and certificates, with the settings written again', () => {
    addAccessServerStubs(sandbox);
    expect(sandbox.run(`bash ${sandbox.script}`).status).toBe(0);
    expect(sandbox.run(document('issue', 'alice')).status).toBe(0);
    const before = ['SELECT pem FROM ca;', 'SELECT serial, cn, revoked FROM certs;'].map((q) => sql(sandbox, 'certs.db', q));

    // A new instance: a fresh image with a CA of its own, and the same secret.
    sandbox.run(`rm -rf ${sandbox.asDir}`);
    addAccessServerStubs(sandbox, true);
    expect(sql(sandbox, 'certs.db', 'SELECT pem FROM ca;')).not.toBe(before[0]);
    const result = sandbox.run(`bash ${sandbox.script}`);
    expect(result.stderr).toContain(`Access Server databases restored from ${PKI_SECRET}`);
    expect(result.status).toBe(0);
    expect(['SELECT pem FROM ca;', 'SELECT serial, cn, revoked FROM certs;'].map((q) => sql(sandbox, 'certs.db', q))).toEqual(before);
    // What the secret holds afterwards is the restored CA, not the new image's.
    sandbox.run(`rm -rf ${sandbox.asDir}`);
    addAccessServerStubs(sandbox, true);
    expect(sandbox.run(`bash ${sandbox.script}`).status).toBe(0);
    expect(sql(sandbox, 'certs.db', 'SELECT pem FROM ca;')).toBe(before[0]);
    expect(sql(sandbox, 'userprop.db', "SELECT value FROM props WHERE user = 'alice' AND name = 'prop_autologin';")).toBe('true');
    expect(setting(sandbox, 'host.name')).toBe(FAKE_PUBLIC_ADDRESS);
    const log = calls(sandbox);
    expect(log.indexOf('systemctl stop openvpnas')).toBeLessThan(log.indexOf('systemctl start openvpnas'));
  });

  test('the document issues an auto-login profile into its own secret and saves the new certificate', () => {
    addAccessServerStubs(sandbox);
    sandbox.run(`bash ${sandbox.script}`);
    const saved = sandbox.secret(PKI_SECRET);
    const result = sandbox.run(document('issue', 'alice'));
    expect(result.stderr).toContain(`issued alice: the profile is in the secret ${prefix}/alice`);
    expect(result.status).toBe(0);
    const profile = sandbox.secret(`${prefix}/alice`)!;
    expect(profile).toContain(`remote ${FAKE_PUBLIC_ADDRESS}`);
    expect(profile).toContain(sql(sandbox, 'certs.db', 'SELECT pem FROM ca;'));
    expect(sql(sandbox, 'userprop.db', "SELECT name || '=' || value FROM props WHERE user = 'alice' ORDER BY name;").split('\n'))
      .toEqual(['prop_autologin=true', 'type=user_connect']);
    expect(sandbox.secret(PKI_SECRET)).not.toBe(saved);
  });

  test('issuing a name twice fails and leaves the first profile; the admin\'s name is refused', () => {
    addAccessServerStubs(sandbox);
    sandbox.run(`bash ${sandbox.script}`);
    sandbox.run(document('issue', 'alice'));
    const first = sandbox.secret(`${prefix}/alice`);
    const again = sandbox.run(document('issue', 'alice'));
    expect(again.status).not.toBe(0);
    expect(again.stderr).toContain(`a profile for alice exists already (secret ${prefix}/alice)`);
    expect(sandbox.secret(`${prefix}/alice`)).toBe(first);
    const admin = sandbox.run(document('issue', 'openvpn'));
    expect(admin.status).not.toBe(0);
    expect(admin.stderr).toContain("'openvpn' is the server's own name: choose another client name");
  });

  test('revoking revokes the user\'s certificates, deletes the user and the profile, and saves the change', () => {
    addAccessServerStubs(sandbox);
    sandbox.run(`bash ${sandbox.script}`);
    sandbox.run(document('issue', 'bob'));
    const saved = sandbox.secret(PKI_SECRET);
    const result = sandbox.run(document('revoke', 'bob'));
    expect(result.stderr).toContain('revoked bob');
    expect(result.status).toBe(0);
    expect(sql(sandbox, 'certs.db', "SELECT revoked FROM certs WHERE cn = 'bob_AUTOLOGIN';")).toBe('1');
    expect(sql(sandbox, 'userprop.db', "SELECT count(*) FROM props WHERE user = 'bob';")).toBe('0');
    expect(sandbox.secret(`${prefix}/bob`)).toBeUndefined();
    expect(sandbox.secret(PKI_SECRET)).not.toBe(saved);
    const missing = sandbox.run(document('revoke', 'carol'));
    expect(missing.status).not.toBe(0);
    expect(missing.stderr).toContain(`no profile for carol (secret ${prefix}/carol)`);
  });

  test('the backup timer saves only when the databases changed', () => {
    addAccessServerStubs(sandbox);
    sandbox.run(`bash ${sandbox.script}`);
    const puts = () => calls(sandbox).filter((l) => l.startsWith('secretsmanager put-secret-value')).length;
    const before = puts();
    expect(sandbox.run(`${sandbox.script} backup`).status).toBe(0);
    expect(puts()).toBe(before);
    // A change made in the admin UI.
    sql(sandbox, 'userprop.db', "INSERT INTO props VALUES ('dave', 'type', 'user_connect');");
    expect(sandbox.run(`${sandbox.script} backup`).status).toBe(0);
    expect(puts()).toBe(before + 1);
  });

  test('databases larger than a secret holds fail the backup with the reason, and store nothing', () => {
    addAccessServerStubs(sandbox);
    sandbox.run(`bash ${sandbox.script}`);
    const saved = sandbox.secret(PKI_SECRET);
    sql(sandbox, 'certs.db', 'INSERT INTO certs (cn, revoked) SELECT hex(randomblob(400)), 0 FROM (WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 200) SELECT i FROM n);');
    const result = sandbox.run(`${sandbox.script} backup`);
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(/the Access Server databases take \d+ bytes, more than the 65536 a secret holds/);
    expect(sandbox.secret(PKI_SECRET)).toBe(saved);
  });

  test('routing mode: Access Server routes, the source/destination check goes off, and the route tables point at the interface', () => {
    const routed = synthesize({ routingMode: OpenVpnRoutingMode.ROUTED, protocol: OpenVpnProtocol.TCP, port: 443, dnsServers: ['10.0.0.53'] });
    const box = new ServerSandbox(serverScriptOf(routed.template));
    try {
      addAccessServerStubs(box);
      expect(box.run(`AWS_STUB_NO_ROUTES=1 bash ${box.script}`).status).toBe(0);
      expect(setting(box, 'vpn.server.routing.private_access')).toBe('route');
      expect(setting(box, 'vpn.server.daemon.protocols')).toBe('tcp');
      expect(setting(box, 'vpn.server.daemon.tcp.port')).toBe('443');
      expect(settings(box, 'vpn.server.dhcp_option.dns.')).toEqual(['vpn.server.dhcp_option.dns.0=10.0.0.53']);
      const log = calls(box);
      expect(log).toContain('ec2 modify-instance-attribute --instance-id i-0123456789abcdef0 --no-source-dest-check');
      expect(log.filter((l) => l.startsWith('ec2 create-route'))).toHaveLength(6);
      // The routes and the Elastic IP come last, right before the signal.
      const last = log.slice(log.indexOf('systemctl enable openvpn-guarded-address.service') + 1);
      expect(last.slice(0, -2).every(takesOver)).toBe(true);
      expect(last.slice(0, -2)).toHaveLength(13);
      expect(last.slice(-2, -1)).toEqual([ASSOCIATE]);
      expect(last[last.length - 1]).toMatch(/--status SUCCESS$/);
    } finally {
      box.remove();
    }
  });

  test('a server that does not come up fails the boot and signals failure at once', () => {
    addAccessServerStubs(sandbox);
    const result = sandbox.run(`STUB_AS_DOWN=1 OVPN_RETRY_SECONDS=0 bash ${sandbox.script}`);
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain("Access Server does not answer 'sacli status'");
    const log = calls(sandbox);
    expect(log[log.length - 1]).toMatch(/cloudformation signal-resource .* --status FAILURE$/);
    expect(log.filter(takesOver)).toEqual([]);
  });
});
