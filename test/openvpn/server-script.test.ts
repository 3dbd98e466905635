import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { requireInstalled } from './script-harness';
import { OpenVpnEdition } from '../../src';
import { ACCESS_SERVER_MARKER, PKI_MARKER, SERVER_SCRIPT_PATH, ServerScriptSettings, serverScript } from '../../src/openvpn/server-script';

/** Where the server script's files are, as the package ships them (the build copies them into lib/). */
const SCRIPTS_DIR = path.join(__dirname, '..', '..', 'src', 'openvpn', 'scripts');
const files = fs.readdirSync(SCRIPTS_DIR).filter((f) => f.endsWith('.sh')).sort();
const read = (file: string) => fs.readFileSync(path.join(SCRIPTS_DIR, file), 'utf8');
/** A file's text after its header (its first paragraph). */
const body = (file: string) => read(file).split('\n\n').slice(1).join('\n\n');

/** Every setting but Access Server's, each set to its own name in lower case: what the values are does not matter here. */
const NAMES: Array<keyof ServerScriptSettings> = [
  'OVPN_REGION', 'OVPN_STACK_NAME', 'OVPN_SIGNAL_RESOURCE', 'OVPN_SECRET_ID', 'OVPN_KMS_KEY_ID', 'OVPN_CLIENT_SECRET_PREFIX',
  'OVPN_EIP_ALLOCATION_ID', 'OVPN_PUBLIC_ADDRESS', 'OVPN_PORT', 'OVPN_PROTOCOL', 'OVPN_CLIENT_CIDR', 'OVPN_ROUTES',
  'OVPN_DNS_SERVERS', 'OVPN_PUSH_VPC_RESOLVER', 'OVPN_VPC_CIDR', 'OVPN_ROUTING_MODE', 'OVPN_ROUTE_TABLES',
];
const SETTINGS = Object.fromEntries(NAMES.map((name) => [name, name.toLowerCase()])) as unknown as ServerScriptSettings;

/** What the settings lines at the top of a script (after the shebang and set line) assign, as bash sees it: `NAME=value` lines. */
function assignedValues(script: string, names: string[]): string[] {
  const lines = script.split('\n').slice(2);
  const assignments = lines.slice(0, lines.findIndex((line) => !/^[A-Z_]+='/.test(line)));
  const result = spawnSync('bash', ['-c', [...assignments, ...names.map((n) => `printf '%s=%s\\n' ${n} "$${n}"`)].join('\n')], { encoding: 'utf8' });
  expect(result.stderr).toBe('');
  return result.stdout.split('\n').filter(Boolean);
}

describe('the OpenVPN server script files', () => {
  beforeAll(() => {
    requireInstalled(['shellcheck'], 'shellcheck');
  });

  test('are the shared part and one file per edition', () => {
    expect(files).toEqual(['access-server.sh', 'community.sh', 'shared.sh']);
  });

  test.each(files)('%s starts with the shebang and set line, and passes bash -n and shellcheck as a file', (file) => {
    expect(read(file).startsWith('#!/bin/bash\nset -Eeo pipefail\n')).toBe(true);
    const syntax = spawnSync('bash', ['-n', path.join(SCRIPTS_DIR, file)], { encoding: 'utf8' });
    expect(syntax.stderr).toBe('');
    expect(syntax.status).toBe(0);
    const lint = spawnSync('shellcheck', ['--shell=bash', path.join(SCRIPTS_DIR, file)], { encoding: 'utf8' });
    expect(lint.stdout).toBe('');
    expect(lint.status).toBe(0);
  });
});

describe('serverScript', () => {
  test('the community script: the shebang and set line, a line per setting, then shared.sh and community.sh after their headers', () => {
    const script = serverScript(SETTINGS);
    expect(script).toBe([
      '#!/bin/bash',
      'set -Eeo pipefail',
      ...Object.entries(SETTINGS).map(([name, value]) => `${name}='${value}'`),
      `OVPN_SCRIPT_PATH='${SERVER_SCRIPT_PATH}'`,
      `PKI_MARKER='${PKI_MARKER}'`,
      body('shared.sh'),
      body('community.sh'),
    ].join('\n'));
    expect(script).not.toContain('first paragraph');
  });

  test('the Access Server script: its admin secret and marker, then shared.sh and access-server.sh after their headers', () => {
    const script = serverScript({ ...SETTINGS, OVPN_ADMIN_SECRET_ID: 'arn:aws:secretsmanager:us-east-1:111111111111:secret:admin' }, OpenVpnEdition.ACCESS_SERVER);
    expect(assignedValues(script, ['OVPN_ADMIN_SECRET_ID', 'OVPN_SCRIPT_PATH', 'AS_MARKER', 'PKI_MARKER'])).toEqual([
      'OVPN_ADMIN_SECRET_ID=arn:aws:secretsmanager:us-east-1:111111111111:secret:admin',
      `OVPN_SCRIPT_PATH=${SERVER_SCRIPT_PATH}`,
      `AS_MARKER=${ACCESS_SERVER_MARKER}`,
      'PKI_MARKER=',
    ]);
    expect(script.endsWith(`\n${body('shared.sh')}\n${body('access-server.sh')}`)).toBe(true);
  });

  test('a setting is single-quoted for the shell, whatever it holds', () => {
    const odd = 'it\'s "quoted" $(true) `x` \\ $HOME ;|&';
    const script = serverScript({ ...SETTINGS, OVPN_STACK_NAME: odd });
    expect(script).toContain('OVPN_STACK_NAME=\'it\'\\\'\'s "quoted" $(true) `x` \\ $HOME ;|&\'\n');
    expect(assignedValues(script, ['OVPN_STACK_NAME'])).toEqual([`OVPN_STACK_NAME=${odd}`]);
  });

  test('a setting left undefined gets no line', () => {
    expect(serverScript(SETTINGS)).not.toContain('OVPN_ADMIN_SECRET_ID');
  });
});
