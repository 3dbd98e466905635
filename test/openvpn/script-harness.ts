import { spawnSync, SpawnSyncReturns } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { SERVER_SCRIPT_PATH } from '../../src/openvpn/server-script';

/** A template as JSON. */
export type TemplateJson = { Resources: Record<string, { Type: string; Properties: any }> };

/** The address the tests give the Elastic IP: the server's end of the test network. */
export const FAKE_PUBLIC_ADDRESS = '198.18.0.1';

/** The ARNs the tests give the PKI secret and Access Server's admin password secret. */
export const PKI_SECRET = 'arn:aws:secretsmanager:us-east-1:111111111111:secret:pki-AbCdEf';
export const ADMIN_SECRET = 'arn:aws:secretsmanager:us-east-1:111111111111:secret:admin-AbCdEf';

/**
 * The PKI secret's first value, as CloudFormation generates one with GenerateSecretString's
 * defaults (32 characters, letters, digits and punctuation, no space), with the characters a
 * shell could trip on.
 */
export const PLACEHOLDER = 'q8"V\'2L\\`7$(Kp)4X;w9N|b3H&d6T*y1';

/** The admin password the tests put in the admin secret, as CloudFormation would generate one. */
export const ADMIN_PASSWORD = 'Zq8v2Lr7Kp4Xw9Nb3Hd6Ty1Fm5Gc0Js2';

/** Test stand-ins for the values CloudFormation fills in at deploy time. */
function fakeValue(template: TemplateJson, value: any): string {
  if (value && typeof value === 'object') {
    if ('Ref' in value) {
      const resource = template.Resources[value.Ref];
      switch (resource?.Type) {
        case 'AWS::SecretsManager::Secret': return value.Ref.includes('AdminPassword') ? ADMIN_SECRET : PKI_SECRET;
        case 'AWS::EC2::RouteTable': return `rtb-${value.Ref}`;
        default: return `fake-${value.Ref}`;
      }
    }
    if ('Fn::GetAtt' in value) {
      const [, attribute] = value['Fn::GetAtt'];
      switch (attribute) {
        case 'PublicIp': return FAKE_PUBLIC_ADDRESS;
        case 'AllocationId': return 'eipalloc-0123456789abcdef0';
        case 'CidrBlock': return template.Resources[value['Fn::GetAtt'][0]].Properties.CidrBlock;
        case 'Arn': return 'arn:aws:kms:us-east-1:111111111111:key/11111111-2222-3333-4444-555555555555';
        default: return `fake-${attribute}`;
      }
    }
    if ('Fn::Join' in value) {
      const [separator, parts] = value['Fn::Join'];
      return (parts as any[]).map((p) => fakeValue(template, p)).join(separator);
    }
  }
  if (typeof value === 'string') {
    return value;
  }
  throw new Error(`no test value for ${JSON.stringify(value)}`);
}

/** The user data of the (only) launch template, with deploy-time values filled in. */
export function serverScriptOf(template: TemplateJson): string {
  const templates = Object.values(template.Resources).filter((r) => r.Type === 'AWS::EC2::LaunchTemplate');
  expect(templates).toHaveLength(1);
  return fakeValue(template, templates[0].Properties.LaunchTemplateData.UserData['Fn::Base64']);
}

/** The client profile document's command for one action, as SSM would run it. */
export function documentCommand(template: TemplateJson, scriptPath: string, action: string, clientName: string): string {
  const documents = Object.values(template.Resources).filter((r) => r.Type === 'AWS::SSM::Document');
  expect(documents).toHaveLength(1);
  const content = documents[0].Properties.Content;
  expect(content.parameters.action.allowedValues).toContain(action);
  expect(clientName).toMatch(new RegExp(content.parameters.clientName.allowedPattern));
  const commands: string[] = content.mainSteps[0].inputs.runCommand;
  return commands.join('\n')
    .replace(/\{\{ action \}\}/g, action)
    .replace(/\{\{ clientName \}\}/g, clientName)
    .split(SERVER_SCRIPT_PATH).join(scriptPath);
}

/**
 * A scratch directory with the server script, the AWS CLI stand-in on PATH and a secret store
 * holding the PKI secret's first (placeholder) value, as CloudFormation creates it.
 */
export class ServerSandbox {
  public readonly root: string;
  public readonly script: string;
  public readonly store: string;
  public readonly serverDir: string;
  /** Where Access Server's stand-ins keep their installation. */
  public readonly asDir: string;

  constructor(public readonly scriptText: string) {
    this.root = fs.mkdtempSync(path.join(os.tmpdir(), 'openvpn-test-'));
    this.script = path.join(this.root, 'openvpn-guarded');
    this.store = path.join(this.root, 'secrets');
    this.serverDir = path.join(this.root, 'server');
    this.asDir = path.join(this.root, 'openvpn_as');
    fs.mkdirSync(path.join(this.root, 'bin'));
    fs.mkdirSync(this.store);
    fs.writeFileSync(this.script, scriptText, { mode: 0o700 });
    fs.copyFileSync(path.join(__dirname, 'aws-stub.sh'), path.join(this.root, 'bin', 'aws'));
    fs.chmodSync(path.join(this.root, 'bin', 'aws'), 0o755);
    this.putSecret(PKI_SECRET, PLACEHOLDER);
    this.putSecret(ADMIN_SECRET, ADMIN_PASSWORD);
  }

  /** The environment the script runs in: the stand-in first on PATH, the server directory here. */
  public get env(): NodeJS.ProcessEnv {
    return {
      PATH: `${path.join(this.root, 'bin')}:${process.env.PATH}`,
      AWS_STUB_STORE: this.store,
      OVPN_DIR: this.serverDir,
      AS_DIR: this.asDir,
      OVPN_BIN: path.join(this.root, 'bin', 'openvpn-guarded'),
      OVPN_SYSTEMD_DIR: path.join(this.root, 'systemd'),
      OVPN_RETRY_SECONDS: '0',
      HOME: this.root,
    };
  }

  /** Runs a shell command line with the sandbox's environment, in a network namespace if named; bounded in time. */
  public run(command: string, netns?: string): SpawnSyncReturns<string> {
    const [program, args] = netns ? ['ip', ['netns', 'exec', netns, 'bash', '-c', command]] : ['bash', ['-c', command]];
    return spawnSync(program as string, args as string[], { env: this.env, encoding: 'utf8', timeout: 240_000, cwd: this.root });
  }

  public secret(id: string): string | undefined {
    const file = path.join(this.store, id.replace(/[/:]/g, '_'));
    return fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : undefined;
  }

  public putSecret(id: string, value: string): void {
    fs.writeFileSync(path.join(this.store, id.replace(/[/:]/g, '_')), value);
  }

  public remove(): void {
    fs.rmSync(this.root, { recursive: true, force: true });
  }
}

/** Fails loudly, naming the Debian packages, when a program a test runs is not on PATH. */
export function requireInstalled(programs: string[], packages: string): void {
  const missing = programs.filter((program) => spawnSync('sh', ['-c', `command -v ${program}`]).status !== 0);
  if (missing.length > 0) {
    throw new Error(`These tests run ${missing.join(', ')}; install them (apt-get install ${packages}), as npm test does first when run as root on Debian.`);
  }
}

/** Asserts that each line starts some line of the log, in this order. */
export function expectInOrder(log: string[], lines: string[]): void {
  const order = lines.map((line) => log.findIndex((l) => l.startsWith(line)));
  expect(lines.filter((_, i) => order[i] < 0)).toEqual([]);
  expect([...order].sort((a, b) => a - b)).toEqual(order);
}

/**
 * Asserts that a boot whose state secret held `value` (neither this server's data nor the
 * placeholder) failed closed: it said why, wrote nothing, signalled FAILURE, and left the secret as it was.
 */
export function expectFailedClosed(sandbox: ServerSandbox, result: SpawnSyncReturns<string>, secretId: string, value: string): void {
  expect(result.status).not.toBe(0);
  expect(result.stderr).toContain(`the secret ${secretId} holds neither this server's data nor CloudFormation's first value`);
  const log = sandbox.run(`cat ${sandbox.store}/calls.log`).stdout.trim().split('\n');
  expect(log.filter((l) => l.startsWith('secretsmanager put-secret-value'))).toEqual([]);
  expect(log[log.length - 1]).toMatch(/--status FAILURE$/);
  expect(sandbox.secret(secretId)).toBe(value);
}

/**
 * Stand-ins for what the first boot touches beyond the AWS CLI: apt-get, snap and systemctl
 * only log their calls (systemctl is-active fails when STUB_SERVICE_FAILS is set), and curl
 * answers the instance metadata service (version 2 only, as the launch template requires) with a
 * fixed instance, MAC and interface.
 */
export function addBootStubs(sandbox: ServerSandbox): void {
  const bin = path.join(sandbox.root, 'bin');
  const log = path.join(sandbox.store, 'calls.log');
  const stubs: Record<string, string> = {
    'apt-get': `echo "apt-get $*" >> ${log}`,
    'snap': `echo "snap $*" >> ${log}`,
    'systemctl': `echo "systemctl $*" >> ${log}\nif [ "$1" = is-active ] && [ -n "$STUB_SERVICE_FAILS" ]; then exit 3; fi`,
    'curl': [
      'for arg; do case "$arg" in http://*) url=$arg ;; esac; done',
      // IMDSv2, which the launch template requires: a session token by PUT, then sent with every read.
      'case "$url $*" in',
      '  *"/api/token "*"-X PUT"*"X-aws-ec2-metadata-token-ttl-seconds: "*) echo token; exit ;;',
      '  *"/meta-data/"*"X-aws-ec2-metadata-token: token"*) ;;',
      '  *) echo "stub curl: 401 Unauthorized, no IMDSv2 token: $*" >&2; exit 22 ;;',
      'esac',
      'case "$url" in',
      '  */meta-data/instance-id) echo i-0123456789abcdef0 ;;',
      '  */meta-data/mac) echo 0a:00:00:00:00:01 ;;',
      '  */meta-data/network/interfaces/macs/0a:00:00:00:00:01/interface-id) echo eni-0123456789abcdef0 ;;',
      '  *) echo "stub curl: unexpected $url" >&2; exit 22 ;;',
      'esac',
    ].join('\n'),
  };
  for (const [name, body] of Object.entries(stubs)) {
    fs.writeFileSync(path.join(bin, name), `#!/bin/bash\n${body}\n`, { mode: 0o755 });
  }
  fs.mkdirSync(path.join(sandbox.root, 'systemd'), { recursive: true });
}

/**
 * Stand-ins for an Access Server image on top of the boot stubs: sacli and ovpn-init (see their
 * files), and systemctl stopping and starting the openvpnas service. `initialized` is an image
 * whose own first-boot setup has already run.
 */
export function addAccessServerStubs(sandbox: ServerSandbox, initialized = false): void {
  addBootStubs(sandbox);
  const log = path.join(sandbox.store, 'calls.log');
  for (const dir of ['scripts', 'bin']) {
    fs.mkdirSync(path.join(sandbox.asDir, dir), { recursive: true });
  }
  fs.copyFileSync(path.join(__dirname, 'sacli-stub.sh'), path.join(sandbox.asDir, 'scripts', 'sacli'));
  fs.copyFileSync(path.join(__dirname, 'ovpn-init-stub.sh'), path.join(sandbox.asDir, 'bin', 'ovpn-init'));
  fs.chmodSync(path.join(sandbox.asDir, 'scripts', 'sacli'), 0o755);
  fs.chmodSync(path.join(sandbox.asDir, 'bin', 'ovpn-init'), 0o755);
  fs.writeFileSync(path.join(sandbox.root, 'bin', 'systemctl'), [
    '#!/bin/bash',
    `echo "systemctl $*" >> ${log}`,
    `if [ "$*" = 'stop openvpnas' ]; then touch ${sandbox.asDir}/stopped; fi`,
    `if [ "$*" = 'start openvpnas' ]; then rm -f ${sandbox.asDir}/stopped; fi`,
    '',
  ].join('\n'), { mode: 0o755 });
  if (initialized) {
    const result = sandbox.run(`${sandbox.asDir}/bin/ovpn-init --batch --force`);
    expect(result.stderr).toBe('');
  }
}
