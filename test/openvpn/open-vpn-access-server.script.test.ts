import * as fs from 'fs';
import { CfnResource, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { OpenVpnAccessServer, OpenVpnAccessServerProps, OpenVpnProtocol, OpenVpnRoutingMode, PrivateSubnetVpc } from '../../src';
import { PKI_MARKER } from '../../src/openvpn/server-script';
import { testStack } from '../util';
import {
  PKI_SECRET, PLACEHOLDER, ServerSandbox, TemplateJson, addBootStubs, documentCommand, expectFailedClosed, expectInOrder,
  requireInstalled, serverScriptOf,
} from './script-harness';

function synthesize(props: Partial<OpenVpnAccessServerProps> = {}): { template: TemplateJson; prefix: string; signal: string } {
  const stack = testStack();
  const network = new PrivateSubnetVpc(stack, 'Network');
  const vpn = new OpenVpnAccessServer(stack, 'Vpn', { vpc: network.vpc, ...props });
  const signal = stack.resolve(stack.getLogicalId(vpn.autoScalingGroup.node.defaultChild as any));
  return { template: Template.fromStack(stack).toJSON() as TemplateJson, prefix: vpn.clientProfilePrefix, signal };
}

// The tests run the real easy-rsa, openssl and openvpn: npm test provisions them (scripts/provision.sh).
const tools = ['openvpn', 'openssl', 'shellcheck', '/usr/share/easy-rsa/easyrsa'];

describe('OpenVpnAccessServer boot script, run for real', () => {
  const { template, prefix, signal } = synthesize();
  let sandbox: ServerSandbox;

  beforeAll(() => {
    requireInstalled(tools, 'openvpn easy-rsa shellcheck');
  });
  beforeEach(() => {
    sandbox = new ServerSandbox(serverScriptOf(template));
  });
  afterEach(() => sandbox.remove());

  test.each([
    ['defaults', {}],
    ['TCP on 443, routing mode, pushed DNS servers', { protocol: OpenVpnProtocol.TCP, port: 443, routingMode: OpenVpnRoutingMode.ROUTED, dnsServers: ['10.0.0.53'] }],
  ])('the user data (%s) passes bash -n and shellcheck', (_name, props) => {
    const variant = new ServerSandbox(serverScriptOf(synthesize(props as Partial<OpenVpnAccessServerProps>).template));
    try {
      const syntax = variant.run(`bash -n ${variant.script}`);
      expect(syntax.stderr).toBe('');
      expect(syntax.status).toBe(0);
      const lint = variant.run(`shellcheck --shell=bash ${variant.script}`);
      expect(lint.stdout).toBe('');
      expect(lint.status).toBe(0);
      // The user data fits EC2's 16 KB limit.
      expect(Buffer.byteLength(variant.scriptText)).toBeLessThan(16 * 1024);
    } finally {
      variant.remove();
    }
  });

  test('the first boot creates the PKI, stores it in the secret and writes server.conf', () => {
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
    expect(sandbox.secret(PKI_SECRET)).toMatch(new RegExp(`^${PKI_MARKER}[A-Za-z0-9+/=]+$`));
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

  test('the document issues a profile whose certificate verifies, and keeps the client key out of the PKI secret', () => {
    expect(sandbox.run(`${sandbox.script} configure`).status).toBe(0);
    const issue = sandbox.run(documentCommand(template, sandbox.script, 'issue', 'alice'));
    expect(issue.stderr).toContain(`issued alice: the profile is in the secret ${prefix}/alice`);
    expect(issue.status).toBe(0);

    const profile = sandbox.secret(`${prefix}/alice`)!;
    expect(profile).toContain('remote 198.18.0.1 1194');
    expect(profile).toMatch(/<key>\n-----BEGIN PRIVATE KEY-----/);
    expect(profile).toMatch(/<tls-crypt>\n(#.*\n)*-----BEGIN OpenVPN Static key V1-----/);
    const cert = /<cert>\n([\s\S]*?)<\/cert>/.exec(profile)![1];
    fs.writeFileSync(`${sandbox.root}/alice.crt`, cert);
    expect(sandbox.run(`openssl verify -CAfile ${sandbox.serverDir}/pki/ca.crt alice.crt`).stdout).toContain('alice.crt: OK');

    const contents = sandbox.run(`cut -c${PKI_MARKER.length + 1}- < "${sandbox.store}/${PKI_SECRET.replace(/[/:]/g, '_')}" | base64 -d | tar tzf -`);
    expect(contents.status).toBe(0);
    expect(contents.stdout).toContain('pki/private/ca.key');
    expect(contents.stdout).not.toContain('alice');
  });

  test('issuing a name twice fails and leaves the first profile in place', () => {
    sandbox.run(`${sandbox.script} configure`);
    expect(sandbox.run(documentCommand(template, sandbox.script, 'issue', 'alice')).status).toBe(0);
    const first = sandbox.secret(`${prefix}/alice`);
    const again = sandbox.run(documentCommand(template, sandbox.script, 'issue', 'alice'));
    expect(again.status).not.toBe(0);
    expect(again.stderr).toContain('a profile for alice exists already');
    expect(sandbox.secret(`${prefix}/alice`)).toBe(first);
  });

  test('the script refuses a client name the document would refuse, and the server\'s own name', () => {
    sandbox.run(`${sandbox.script} configure`);
    expect(sandbox.run(`${sandbox.script} issue-client '-rf'`).stderr).toContain("client name '-rf' must be 1 to 64 letters");
    expect(sandbox.run(`${sandbox.script} issue-client server`).stderr).toContain("'server' is the server's own name: choose another client name");
  });

  test('revoking puts the certificate on the CRL and deletes the profile', () => {
    sandbox.run(`${sandbox.script} configure`);
    expect(sandbox.run(documentCommand(template, sandbox.script, 'issue', 'bob')).status).toBe(0);
    const cert = /<cert>\n([\s\S]*?)<\/cert>/.exec(sandbox.secret(`${prefix}/bob`)!)![1];
    fs.writeFileSync(`${sandbox.root}/bob.crt`, cert);

    const revoke = sandbox.run(documentCommand(template, sandbox.script, 'revoke', 'bob'));
    expect(revoke.stderr).toContain('revoked bob');
    expect(revoke.status).toBe(0);
    expect(sandbox.secret(`${prefix}/bob`)).toBeUndefined();

    // A replacement instance restores the CRL with the PKI.
    sandbox.run(`rm -rf ${sandbox.serverDir}`);
    expect(sandbox.run(`${sandbox.script} configure`).status).toBe(0);
    const check = sandbox.run(`openssl verify -crl_check -CRLfile ${sandbox.serverDir}/pki/crl.pem -CAfile ${sandbox.serverDir}/pki/ca.crt bob.crt`);
    expect(check.status).not.toBe(0);
    expect(check.stdout + check.stderr).toContain('certificate revoked');
    // The name can be issued again.
    expect(sandbox.run(documentCommand(template, sandbox.script, 'issue', 'bob')).status).toBe(0);
  });

  test('issuing before the first boot stored a PKI fails with the reason', () => {
    const result = sandbox.run(documentCommand(template, sandbox.script, 'issue', 'alice'));
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain('holds no PKI yet');
  });

  describe('first boot, with the AWS CLI, apt, systemd and the metadata service stood in for', () => {
    const calls = (box: ServerSandbox) => box.run(`cat ${box.store}/calls.log`).stdout.trim().split('\n');

    const ASSOCIATE = 'ec2 associate-address --allocation-id eipalloc-0123456789abcdef0 --instance-id i-0123456789abcdef0 --allow-reassociation';
    const SUCCESS = `cloudformation signal-resource --stack-name TestStack --logical-resource-id ${signal} --unique-id i-0123456789abcdef0 --status SUCCESS`;
    const IS_ACTIVE = 'systemctl is-active --quiet openvpn-server@server.service';
    const takesOver = (l: string) => /^ec2 (associate-address|replace-route|create-route|modify-instance-attribute)/.test(l);

    test('NAT mode: installs the packages and itself, starts OpenVPN, takes the Elastic IP last, signals success', () => {
      addBootStubs(sandbox);
      const result = sandbox.run(`bash ${sandbox.script}`);
      expect(result.stderr).toContain('PKI created and stored in');
      expect(result.status).toBe(0);
      const log = calls(sandbox);
      expectInOrder(log, [
        'apt-get -o DPkg::Lock::Timeout=600 install -y -q openvpn easy-rsa iptables netcat-openbsd',
        `secretsmanager get-secret-value --secret-id ${PKI_SECRET}`,
        `secretsmanager put-secret-value --secret-id ${PKI_SECRET} --secret-string file://`,
        'systemctl enable --now openvpn-guarded-network.service openvpn-server@server.service',
        'systemctl enable openvpn-guarded-address.service',
        IS_ACTIVE,
      ]);
      // Once the server runs, and only then: the Elastic IP, then the signal.
      expect(log.slice(log.indexOf(IS_ACTIVE) + 1)).toEqual([ASSOCIATE, SUCCESS]);
      expect(log.filter((l) => /modify-instance-attribute|route/.test(l))).toEqual([]);
      expect(sandbox.run(`cat ${sandbox.root}/systemd/openvpn-guarded-network.service`).stdout).toContain(`ExecStart=${sandbox.env.OVPN_BIN} network-up`);
      expect(sandbox.run(`cmp ${sandbox.script} ${sandbox.env.OVPN_BIN}`).status).toBe(0);
    });

    test('routing mode: turns off the source/destination check and points every route table at the interface', () => {
      const routed = synthesize({ routingMode: OpenVpnRoutingMode.ROUTED });
      const box = new ServerSandbox(serverScriptOf(routed.template));
      try {
        addBootStubs(box);
        const result = box.run(`AWS_STUB_NO_ROUTES=1 bash ${box.script}`);
        expect(result.status).toBe(0);
        const log = calls(box);
        expect(log).toContain('ec2 modify-instance-attribute --instance-id i-0123456789abcdef0 --no-source-dest-check');
        const tables = Object.entries(routed.template.Resources).filter(([, r]) => r.Type === 'AWS::EC2::RouteTable').map(([id]) => `rtb-${id}`);
        expect(tables).toHaveLength(6);
        for (const table of tables) {
          // The table has no client route yet: replace fails, create follows.
          const replace = log.indexOf(`ec2 replace-route --route-table-id ${table} --destination-cidr-block 10.255.240.0/20 --network-interface-id eni-0123456789abcdef0`);
          const create = log.indexOf(`ec2 create-route --route-table-id ${table} --destination-cidr-block 10.255.240.0/20 --network-interface-id eni-0123456789abcdef0`);
          expect(replace).toBeGreaterThanOrEqual(0);
          expect(create).toBeGreaterThan(replace);
        }
        // The routes and the Elastic IP come last, once the server runs, right before the signal.
        const last = log.slice(log.indexOf(IS_ACTIVE) + 1);
        expect(last[0]).toBe('ec2 modify-instance-attribute --instance-id i-0123456789abcdef0 --no-source-dest-check');
        expect(last.slice(1, -2).every((l) => /^ec2 (replace|create)-route /.test(l))).toBe(true);
        expect(last.slice(1, -2)).toHaveLength(12);
        expect(last.slice(-2)).toEqual([ASSOCIATE, SUCCESS.replace(signal, routed.signal)]);
      } finally {
        box.remove();
      }
    });

    test('a server that does not start fails the boot and signals failure at once, leaving the Elastic IP and the routes where they are', () => {
      const routed = synthesize({ routingMode: OpenVpnRoutingMode.ROUTED });
      const box = new ServerSandbox(serverScriptOf(routed.template));
      try {
        addBootStubs(box);
        const result = box.run(`STUB_SERVICE_FAILS=1 bash ${box.script}`);
        expect(result.status).not.toBe(0);
        expect(result.stderr).toContain('openvpn-server@server did not start');
        const log = calls(box);
        expect(log[log.length - 1]).toMatch(/cloudformation signal-resource .* --status FAILURE$/);
        expect(log.some((l) => l.endsWith('--status SUCCESS'))).toBe(false);
        expect(log.filter(takesOver)).toEqual([]);
      } finally {
        box.remove();
      }
    });

    test.each([
      ['NAT mode', {}],
      ['routing mode', { routingMode: OpenVpnRoutingMode.ROUTED }],
    ])('%s: a unit takes the Elastic IP (and the routes) again at every boot, after OpenVPN', (_name, props) => {
      const variant = synthesize(props as Partial<OpenVpnAccessServerProps>);
      const box = new ServerSandbox(serverScriptOf(variant.template));
      try {
        addBootStubs(box);
        expect(box.run(`bash ${box.script}`).status).toBe(0);
        expect(calls(box)).toContain('systemctl enable openvpn-guarded-address.service');
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
        box.run(`: > ${box.store}/calls.log`);
        const execStart = unit.find((l) => l.startsWith('ExecStart='))!.slice('ExecStart='.length);
        const again = box.run(execStart);
        expect(again.stderr).toBe('');
        expect(again.status).toBe(0);
        const log = calls(box);
        expect(log[log.length - 1]).toBe(ASSOCIATE);
        const routes = log.filter((l) => /^ec2 (replace|create)-route /.test(l));
        expect(routes.length > 0).toBe(props !== undefined && 'routingMode' in props);
        expect(log.filter((l) => !takesOver(l))).toEqual([]);
      } finally {
        box.remove();
      }
    });

    test('a Secrets Manager read that fails ends the first boot: failure signalled, nothing created or stored, the Elastic IP left alone', () => {
      addBootStubs(sandbox);
      const result = sandbox.run(`AWS_STUB_FAILS='secretsmanager get-secret-value' bash ${sandbox.script}`);
      expect(result.status).not.toBe(0);
      expect(result.stderr).toContain(`could not read the secret ${PKI_SECRET}`);
      expect(result.stderr).not.toContain('PKI created');
      const log = calls(sandbox);
      // The read was retried, then given up.
      expect(log.filter((l) => l.startsWith('secretsmanager get-secret-value'))).toHaveLength(10);
      expect(log.filter((l) => l.startsWith('secretsmanager put-secret-value'))).toEqual([]);
      expect(log.filter(takesOver)).toEqual([]);
      expect(log[log.length - 1]).toMatch(/cloudformation signal-resource .* --status FAILURE$/);
      expect(sandbox.secret(PKI_SECRET)).toBe(PLACEHOLDER);
      expect(fs.existsSync(`${sandbox.serverDir}/pki`)).toBe(false);
    });

    test.each([
      ['a binary secret (the CLI prints None)', 'None'],
      ['an empty value', ''],
      ['another program\'s data', `{"username":"admin","password":"${PLACEHOLDER}"}`],
    ])('a secret that holds %s is neither a PKI nor the placeholder: the boot fails and stores nothing', (_name, value) => {
      addBootStubs(sandbox);
      sandbox.putSecret(PKI_SECRET, value);
      expectFailedClosed(sandbox, sandbox.run(`bash ${sandbox.script}`), PKI_SECRET, value);
    });

    test('a replacement\'s first boot restores the stored PKI and stores nothing', () => {
      expect(sandbox.run(`${sandbox.script} configure`).status).toBe(0);
      const stored = sandbox.secret(PKI_SECRET);
      const ca = fs.readFileSync(`${sandbox.serverDir}/pki/ca.crt`, 'utf8');
      sandbox.run(`rm -rf ${sandbox.serverDir}; : > ${sandbox.store}/calls.log`);
      addBootStubs(sandbox);
      const result = sandbox.run(`bash ${sandbox.script}`);
      expect(result.stderr).toContain(`PKI restored from ${PKI_SECRET}`);
      expect(result.stderr).not.toContain('PKI created');
      expect(result.status).toBe(0);
      expect(calls(sandbox).filter((l) => l.startsWith('secretsmanager put-secret-value'))).toEqual([]);
      expect(sandbox.secret(PKI_SECRET)).toBe(stored);
      expect(fs.readFileSync(`${sandbox.serverDir}/pki/ca.crt`, 'utf8')).toBe(ca);
    });

    test('issuing a profile while the secret cannot be read fails and creates nothing', () => {
      expect(sandbox.run(`${sandbox.script} configure`).status).toBe(0);
      const stored = sandbox.secret(PKI_SECRET);
      const result = sandbox.run(`AWS_STUB_FAILS='secretsmanager get-secret-value' ${documentCommand(template, sandbox.script, 'issue', 'alice')}`);
      expect(result.status).not.toBe(0);
      expect(result.stderr).toContain(`could not read the secret ${PKI_SECRET}`);
      expect(sandbox.secret(`${prefix}/alice`)).toBeUndefined();
      expect(sandbox.secret(PKI_SECRET)).toBe(stored);
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
