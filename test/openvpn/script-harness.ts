import { spawnSync, SpawnSyncReturns } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Stack } from 'aws-cdk-lib';
import { SERVER_SCRIPT_PATH } from '../../src/openvpn/server-script';
import { expectAllAllowed } from '../aws/iam';
import { MOTO_ACCOUNT, MOTO_REGION, MotoServer, RecordedCall, SIGNAL_RESOURCE_STAND_IN } from '../aws/moto';
import { TEST_AZS, testApp, testStack } from '../util';
import { SERVER_ACCESS_KEY, ServerInstance, ServerWorld, TemplateJson } from './server-world';

/** A stack in moto's account and region, so that the policies name moto's ARNs. */
export function motoStack(): Stack {
  const app = testApp({ context: { [`availability-zones:account=${MOTO_ACCOUNT}:region=${MOTO_REGION}`]: TEST_AZS } });
  return testStack(app, 'TestStack', { env: { account: MOTO_ACCOUNT, region: MOTO_REGION } });
}

/**
 * One moto server for the test file, with the SignalResource stand-in: started before the first
 * test, emptied before each, stopped after the last.
 */
export function motoPerFile(): () => MotoServer {
  let server: MotoServer | undefined;
  beforeAll(async () => {
    server = await MotoServer.start({ standIns: [SIGNAL_RESOURCE_STAND_IN] });
  }, 300_000);
  beforeEach(async () => server!.reset());
  afterAll(async () => server?.stop());
  return () => server!;
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

let awsCli: string | undefined;

/** The real AWS CLI, past pyenv's shim when there is one (the shim costs a second a call on a busy machine). */
function realAwsCli(): string {
  awsCli ??= spawnSync('bash', ['-c', '{ command -v pyenv > /dev/null && pyenv which aws; } 2> /dev/null || command -v aws'], { encoding: 'utf8' }).stdout.trim();
  if (!awsCli) {
    throw new Error('These tests run the AWS CLI against moto: install it (python3 -m pip install awscli \'moto[server]\').');
  }
  return awsCli;
}

/**
 * A scratch directory in which the server script boots as one instance of a ServerWorld: the
 * script is the template's user data filled with moto's values, the real AWS CLI on PATH signs
 * with the server's access key and reaches moto (AWS_ENDPOINT_URL), and `curl` answers the
 * instance metadata service for that instance.
 */
export class ServerSandbox {
  public readonly root: string;
  public readonly script: string;
  public readonly scriptText: string;
  public readonly serverDir: string;
  /** Where Access Server's stand-ins keep their installation. */
  public readonly asDir: string;
  /** What the stand-ins did (stub-log). */
  public readonly log: string;

  constructor(public readonly world: ServerWorld, public readonly instance: ServerInstance = world.instance) {
    this.root = fs.mkdtempSync(path.join(os.tmpdir(), 'openvpn-test-'));
    this.script = path.join(this.root, 'openvpn-guarded');
    this.serverDir = path.join(this.root, 'server');
    this.asDir = path.join(this.root, 'openvpn_as');
    this.log = path.join(this.root, 'calls.log');
    this.scriptText = world.userData;
    const bin = path.join(this.root, 'bin');
    fs.mkdirSync(bin);
    fs.writeFileSync(this.script, this.scriptText, { mode: 0o700 });
    fs.symlinkSync(realAwsCli(), path.join(bin, 'aws'));
    fs.writeFileSync(path.join(bin, 'curl'), metadataStandIn(instance), { mode: 0o755 });
    fs.copyFileSync(path.join(__dirname, 'stub-log.sh'), path.join(bin, 'stub-log'));
    fs.chmodSync(path.join(bin, 'stub-log'), 0o755);
    fs.writeFileSync(this.log, '');
  }

  /** The environment the script runs in: the stand-ins first on PATH, moto as AWS, the server directory here. */
  public get env(): NodeJS.ProcessEnv {
    return {
      ...this.world.server.env(SERVER_ACCESS_KEY),
      PATH: `${path.join(this.root, 'bin')}:${process.env.PATH}`,
      STUB_LOG: this.log,
      MOTO_RECORDING: this.world.server.recording,
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
    return spawnSync(program as string, args as string[], { env: this.env, encoding: 'utf8', timeout: 600_000, cwd: this.root });
  }

  /**
   * Everything that happened, in order: the stand-ins' calls (apt-get, systemctl, sacli, ...) and
   * the server's AWS calls as moto received them (`ec2:AssociateAddress AllocationId=...`).
   */
  public timeline(): string[] {
    // A stand-in's line says how many requests moto had recorded before it: it goes before the next one.
    const stands = fs.readFileSync(this.log, 'utf8').split('\n').filter(Boolean).map((line) => {
      const [, position, text] = /^(\d+) (.*)$/.exec(line)!;
      return { at: Number(position), text };
    });
    const calls = this.world.serverCalls().map((call) => ({ at: call.sequence + 0.5, text: describeCall(call) }));
    return [...stands, ...calls].sort((a, b) => a.at - b.at).map((e) => e.text);
  }

  /** Forgets what happened so far (the timeline starts again). */
  public clearLog(): void {
    fs.writeFileSync(this.log, '');
    this.world.server.clearCalls();
  }

  public remove(): void {
    fs.rmSync(this.root, { recursive: true, force: true });
  }
}

/** A recorded call as one line: the action and its parameters, secret values left out. */
export function describeCall(call: RecordedCall): string {
  const params = Object.entries(call.params)
    .filter(([name]) => !['Action', 'Version', 'SecretString', 'ClientRequestToken'].includes(name))
    .map(([name, value]) => `${name}=${typeof value === 'string' ? value : JSON.stringify(value)}`);
  return [call.action, ...params].join(' ');
}

/**
 * A stand-in for the instance metadata service, which answers only on an EC2 instance (moto's own
 * answers fixed values such as `i-fake`, no interfaces, and takes no session token): `curl` for
 * http://169.254.169.254 answers with the moto instance the sandbox boots as, in version 2 only, as
 * the launch template requires; every other URL goes to the real curl.
 */
function metadataStandIn(instance: ServerInstance): string {
  const curl = spawnSync('bash', ['-c', 'command -v curl'], { encoding: 'utf8' }).stdout.trim();
  return [
    '#!/bin/bash',
    '# The instance metadata service of the sandbox\'s moto instance (see metadataStandIn in script-harness.ts).',
    'for arg; do case "$arg" in http://*|https://*) url=$arg ;; esac; done',
    `case "$url" in http://169.254.169.254/*) ;; *) exec ${curl} "$@" ;; esac`,
    // IMDSv2: a session token by PUT, then sent with every read.
    'case "$url $*" in',
    '  *"/api/token "*"-X PUT"*"X-aws-ec2-metadata-token-ttl-seconds: "*) echo token; exit ;;',
    '  *"/meta-data/"*"X-aws-ec2-metadata-token: token"*) ;;',
    '  *) echo "metadata stand-in: 401 Unauthorized, no IMDSv2 token: $*" >&2; exit 22 ;;',
    'esac',
    'case "$url" in',
    `  */meta-data/instance-id) echo ${instance.id} ;;`,
    `  */meta-data/mac) echo ${instance.mac} ;;`,
    `  */meta-data/network/interfaces/macs/${instance.mac}/interface-id) echo ${instance.eni} ;;`,
    '  *) echo "metadata stand-in: 404 $url" >&2; exit 22 ;;',
    'esac',
    '',
  ].join('\n');
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

/** The server's calls that take the Elastic IP or the routes. */
export const takesOver = (line: string) => /^ec2:(AssociateAddress|ReplaceRoute|CreateRoute|ModifyInstanceAttribute) /.test(line);

/**
 * Asserts that a boot whose state secret held something that is neither this server's data nor
 * the placeholder failed closed: it said why, wrote nothing (the secret has the versions it had),
 * took nothing over and signalled FAILURE.
 */
export async function expectFailedClosed(sandbox: ServerSandbox, result: SpawnSyncReturns<string>, versions: string[]): Promise<void> {
  const secretId = sandbox.world.pkiSecret;
  expect(result.status).not.toBe(0);
  expect(result.stderr).toContain(`the secret ${secretId} holds neither this server's data nor CloudFormation's first value`);
  const log = sandbox.timeline();
  expect(log.filter((l) => l.startsWith('secretsmanager:PutSecretValue'))).toEqual([]);
  expect(log.filter(takesOver)).toEqual([]);
  expect(log[log.length - 1]).toMatch(/^cloudformation:SignalResource .*Status=FAILURE/);
  expect(await sandbox.world.secretVersions(secretId)).toEqual(versions);
}

/**
 * Stand-ins for what the first boot touches beyond AWS and the metadata service: apt-get, snap
 * and systemctl only log their calls (systemctl is-active fails when STUB_SERVICE_FAILS is set).
 */
export function addBootStubs(sandbox: ServerSandbox): void {
  const bin = path.join(sandbox.root, 'bin');
  const stubs: Record<string, string> = {
    'apt-get': 'stub-log "apt-get $*"',
    'snap': 'stub-log "snap $*"',
    'systemctl': 'stub-log "systemctl $*"\nif [ "$1" = is-active ] && [ -n "$STUB_SERVICE_FAILS" ]; then exit 3; fi',
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
  for (const dir of ['scripts', 'bin']) {
    fs.mkdirSync(path.join(sandbox.asDir, dir), { recursive: true });
  }
  fs.copyFileSync(path.join(__dirname, 'sacli-stub.sh'), path.join(sandbox.asDir, 'scripts', 'sacli'));
  fs.copyFileSync(path.join(__dirname, 'ovpn-init-stub.sh'), path.join(sandbox.asDir, 'bin', 'ovpn-init'));
  fs.chmodSync(path.join(sandbox.asDir, 'scripts', 'sacli'), 0o755);
  fs.chmodSync(path.join(sandbox.asDir, 'bin', 'ovpn-init'), 0o755);
  fs.writeFileSync(path.join(sandbox.root, 'bin', 'systemctl'), [
    '#!/bin/bash',
    'stub-log "systemctl $*"',
    `if [ "$*" = 'stop openvpnas' ]; then touch ${sandbox.asDir}/stopped; fi`,
    `if [ "$*" = 'start openvpnas' ]; then rm -f ${sandbox.asDir}/stopped; fi`,
    '',
  ].join('\n'), { mode: 0o755 });
  if (initialized) {
    const result = sandbox.run(`${sandbox.asDir}/bin/ovpn-init --batch --force`);
    expect(result.stderr).toBe('');
  }
}

/**
 * A command-line prefix that points only Secrets Manager at a loopback port where nothing listens
 * (port 1, tcpmux), so that the real CLI fails to connect; with the CLI's own retries off
 * (AWS_MAX_ATTEMPTS=1) the script's ten attempts take seconds.
 */
export const SECRETS_MANAGER_UNREACHABLE = 'AWS_ENDPOINT_URL_SECRETS_MANAGER=http://127.0.0.1:1 AWS_MAX_ATTEMPTS=1';

/**
 * Asserts moto's state once `instance` has taken the server's place: the Elastic IP on it (its
 * attached interface), and in routing mode every route table's route for the client block to
 * that interface and its source/destination check off; in NAT mode no such route, the check on.
 */
export async function expectTakenOverBy(world: ServerWorld, instance: ServerInstance, clientCidr: string, routed: boolean): Promise<void> {
  expect(await world.elasticIp()).toEqual({ instance: instance.id, eni: instance.eni });
  expect(await world.attachment(instance.eni)).toEqual({ instance: instance.id, status: 'attached' });
  const routes = await world.routesFor(clientCidr);
  expect(Object.keys(routes)).toHaveLength(world.routeTables.length);
  expect(Object.values(routes)).toEqual(world.routeTables.map(() => (routed ? instance.eni : undefined)));
  expect(await world.sourceDestCheck(instance)).toBe(!routed);
}

/**
 * IAM from both sides: boots the sandbox's server (its stand-ins added), issues and revokes a
 * profile through the document, and asserts that the instance role's policies allow every call
 * moto recorded, and that every statement is used but two whose calls no program here makes:
 * SsmAgent (the SSM Agent's heartbeat and message channels) and Encryption (the calls Secrets
 * Manager makes to KMS on the server's behalf, which moto's Secrets Manager does not make).
 */
export async function expectEveryStatementUsed(box: ServerSandbox): Promise<void> {
  expect(box.run(`bash ${box.script}`).status).toBe(0);
  for (const action of ['issue', 'revoke']) {
    expect(box.run(documentCommand(box.world.template, box.script, action, 'alice')).status).toBe(0);
  }
  const decisions = await box.world.serverDecisions();
  expectAllAllowed(decisions);
  expect(box.world.unusedServerStatements(decisions)).toEqual(['SsmAgent', 'Encryption']);
}
