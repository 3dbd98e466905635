/**
 * The script the server runs: as user data on first boot, and afterwards as
 * `/usr/local/sbin/openvpn-guarded` for the client profile document. Internal; never exported.
 *
 * Its text lives in `scripts/*.sh`, real shell files that are shellchecked as files: `shared.sh`,
 * then the edition's own (`community.sh` or `access-server.sh`). At synth they become one script,
 * the settings first, so that a test can run the very text the template carries. The community
 * edition's commands are `configure` (PKI and server.conf), `network-up` (forwarding and NAT),
 * `take-over` (Elastic IP and routes, at every boot), `issue-client` and `revoke-client`; Access
 * Server's are `backup`, `take-over`, `issue-client` and `revoke-client`.
 */
import * as fs from 'fs';
import * as path from 'path';
import { OpenVpnEdition } from './edition';

/** Where the boot script installs itself, for the client profile document to call. */
export const SERVER_SCRIPT_PATH = '/usr/local/sbin/openvpn-guarded';

/** The first characters of the PKI secret once the community server has stored the PKI in it. */
export const PKI_MARKER = 'guarded-patterns-openvpn-pki-v1:';

/** The first characters of the PKI secret once Access Server has stored its databases in it. */
export const ACCESS_SERVER_MARKER = 'guarded-patterns-openvpn-as-v1:';

/** Deploy-time settings of the script: names, addresses and ARNs, never secrets. */
export interface ServerScriptSettings {
  readonly OVPN_REGION: string;
  readonly OVPN_STACK_NAME: string;
  readonly OVPN_SIGNAL_RESOURCE: string;
  readonly OVPN_SECRET_ID: string;
  readonly OVPN_KMS_KEY_ID: string;
  readonly OVPN_CLIENT_SECRET_PREFIX: string;
  readonly OVPN_EIP_ALLOCATION_ID: string;
  readonly OVPN_PUBLIC_ADDRESS: string;
  readonly OVPN_PORT: string;
  readonly OVPN_PROTOCOL: string;
  readonly OVPN_CLIENT_CIDR: string;
  readonly OVPN_ROUTES: string;
  readonly OVPN_DNS_SERVERS: string;
  readonly OVPN_PUSH_VPC_RESOLVER: string;
  readonly OVPN_VPC_CIDR: string;
  readonly OVPN_ROUTING_MODE: string;
  readonly OVPN_ROUTE_TABLES: string;
  /** Access Server only: the secret holding the administrator's password. */
  readonly OVPN_ADMIN_SECRET_ID?: string;
}

/**
 * Where the script files are: beside this module, in src/ for ts-jest and ts-node, and in lib/ of
 * the package, where the build copies them (jsii compiles only the TypeScript).
 */
const SCRIPTS_DIR = path.join(__dirname, 'scripts');

/** A script file: its first paragraph (the header, for readers of the file) and the text after it. */
interface ScriptFile {
  readonly header: string[];
  readonly body: string;
}

function readScript(name: string): ScriptFile {
  const file = path.join(SCRIPTS_DIR, name);
  const text = fs.readFileSync(file, 'utf8');
  const end = text.indexOf('\n\n');
  if (!text.startsWith('#!/bin/bash\n') || end < 0) {
    throw new Error(`${file} must start with #!/bin/bash and a first paragraph ended by a blank line`);
  }
  return { header: text.slice(0, end).split('\n'), body: text.slice(end + 2) };
}

/**
 * `NAME='value'`, the value single-quoted for the shell. A token's marker holds no quote, and
 * CloudFormation fills it in with a name, an address or an ARN, none of which holds one.
 */
function assignment(name: string, value: string): string {
  return `${name}='${value.replace(/'/g, "'\\''")}'`;
}

/**
 * The whole script: the edition file's shebang and `set` line, one assignment per setting, then
 * shared.sh and the edition's file, each after its header. Values may be tokens.
 */
export function serverScript(settings: ServerScriptSettings, edition: OpenVpnEdition = OpenVpnEdition.COMMUNITY): string {
  const accessServer = edition === OpenVpnEdition.ACCESS_SERVER;
  const shared = readScript('shared.sh');
  const own = readScript(accessServer ? 'access-server.sh' : 'community.sh');
  // The library's own constants, which the construct and the tests also use, come as settings too.
  const values: Record<string, string | undefined> = {
    ...settings,
    OVPN_SCRIPT_PATH: SERVER_SCRIPT_PATH,
    ...(accessServer ? { AS_MARKER: ACCESS_SERVER_MARKER } : { PKI_MARKER }),
  };
  const lines = Object.entries(values).flatMap(([name, value]) => (value === undefined ? [] : [assignment(name, value)]));
  const start = own.header.filter((line) => line.startsWith('#!') || !line.startsWith('#'));
  return [...start, ...lines, shared.body, own.body].join('\n');
}
