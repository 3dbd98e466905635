import { ChildProcess, spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { Template } from 'aws-cdk-lib/assertions';
import { ServerSandbox, documentCommand, motoPerFile, motoStack } from './script-harness';
import { FAKE_PUBLIC_ADDRESS, ServerWorld, TemplateJson } from './server-world';
import { OpenVpnAccessServer, OpenVpnAccessServerProps, OpenVpnProtocol, OpenVpnRoutingMode, PrivateSubnetVpc } from '../../src';
import { cidrContains, parseCidr } from '../../src/private/cidr';

/**
 * The server and a client, each in its own network namespace, joined by a veth pair; a third
 * namespace stands for a host in the VPC behind the server. Nothing leaves these namespaces but
 * the server script's AWS calls (its PKI and the client profiles in Secrets Manager), which the
 * real AWS CLI makes to moto on loopback from the host's namespace.
 *
 *   client 198.18.0.2 ── 198.18.0.1 server 10.0.5.1 ── 10.0.5.10 VPC host
 */
const VPC_HOST = '10.0.5.10';
const tag = `gp${process.pid % 1_000_000}`;
const ns = { server: `${tag}-srv`, client: `${tag}-cli`, vpc: `${tag}-vpc` };

function sh(command: string): { status: number | null; out: string } {
  const result = spawnSync('bash', ['-c', command], { encoding: 'utf8', timeout: 120_000 });
  return { status: result.status, out: `${result.stdout}${result.stderr}` };
}

/** Whether this machine lets us make network namespaces and tun devices. */
function namespacesUsable(): string | undefined {
  const probe = `${tag}-probe`;
  const result = sh(`ip netns add ${probe} && ip netns exec ${probe} ip tuntap add dev tun0 mode tun; rc=$?; ip netns del ${probe} 2>/dev/null; exit $rc`);
  return result.status === 0 ? undefined : result.out.trim() || `exit ${result.status}`;
}

function createNetwork(): void {
  const steps = [
    ...Object.values(ns).map((n) => `ip netns add ${n} && ip -n ${n} link set lo up`),
    `ip link add ${tag}c type veth peer name ${tag}s`,
    `ip link set ${tag}c netns ${ns.client} && ip link set ${tag}s netns ${ns.server}`,
    `ip link add ${tag}v type veth peer name ${tag}w`,
    `ip link set ${tag}v netns ${ns.vpc} && ip link set ${tag}w netns ${ns.server}`,
    `ip -n ${ns.client} addr add 198.18.0.2/24 dev ${tag}c && ip -n ${ns.client} link set ${tag}c up`,
    `ip -n ${ns.server} addr add ${FAKE_PUBLIC_ADDRESS}/24 dev ${tag}s && ip -n ${ns.server} link set ${tag}s up`,
    `ip -n ${ns.server} addr add 10.0.5.1/24 dev ${tag}w && ip -n ${ns.server} link set ${tag}w up`,
    // Like an instance's eth0, the VPC side carries the default route.
    `ip -n ${ns.server} route add default via ${VPC_HOST}`,
    `ip -n ${ns.vpc} addr add ${VPC_HOST}/24 dev ${tag}v && ip -n ${ns.vpc} link set ${tag}v up`,
  ];
  for (const step of steps) {
    const result = sh(step);
    if (result.status !== 0) {
      throw new Error(`${step}: ${result.out}`);
    }
  }
}

function removeNetwork(): void {
  for (const n of Object.values(ns)) {
    sh(`ip netns pids ${n} 2>/dev/null | xargs -r kill; ip netns del ${n} 2>/dev/null`);
  }
}

async function waitFor(file: string, pattern: RegExp, seconds: number): Promise<string> {
  for (let i = 0; i < seconds * 4; i++) {
    const text = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
    if (pattern.test(text)) {
      return text;
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${path.basename(file)} never showed ${pattern} within ${seconds}s:\n${fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '(no log)'}`);
}

/** The part of a log written after `mark` characters. */
function since(file: string, mark: number): string {
  return fs.readFileSync(file, 'utf8').slice(mark);
}

/** Waits until the log, from `mark` on, shows the pattern; returns that part of the log. */
async function waitSince(file: string, mark: number, pattern: RegExp, seconds: number): Promise<string> {
  for (let i = 0; i < seconds * 4; i++) {
    const text = fs.existsSync(file) ? since(file, mark) : '';
    if (pattern.test(text)) {
      return text;
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${path.basename(file)} never showed ${pattern} within ${seconds}s after the mark:\n${fs.existsSync(file) ? since(file, mark) : '(no log)'}`);
}

/**
 * The server's own account of refusing a revoked certificate, after `mark`: the CRL check fails
 * for that client's address, and the handshake from that address fails.
 */
async function expectRefused(serverLog: string, mark: number, name: string): Promise<void> {
  const log = await waitSince(serverLog, mark, new RegExp(`(\\S+) VERIFY ERROR: depth=0, error=certificate revoked: CN=${name}, serial=`), 60);
  const peer = new RegExp(`(\\S+) VERIFY ERROR: depth=0, error=certificate revoked: CN=${name}, serial=`).exec(log)![1];
  expect(peer).toMatch(/^198\.18\.0\.2:\d+$/);
  await waitSince(serverLog, mark, new RegExp(`${peer.replace(/\./g, '\\.')} TLS Error: TLS handshake failed`), 30);
}

const problem = namespacesUsable();
const NEEDS = 'The OpenVPN tunnel tests need root, network namespaces and tun devices (run them as root, or in a container with CAP_NET_ADMIN and /dev/net/tun)';

describe('OpenVpnAccessServer: a real client through a real server', () => {
  const moto = motoPerFile();

  test('network namespaces and tun devices work here', () => {
    if (problem) {
      throw new Error(`${NEEDS}: ${problem}`);
    }
  });

  const variants: Array<[string, Partial<OpenVpnAccessServerProps>]> = [
    ['UDP 1194, NAT mode (defaults)', {}],
    ['TCP 443, routing mode', { protocol: OpenVpnProtocol.TCP, port: 443, routingMode: OpenVpnRoutingMode.ROUTED, dnsServers: ['10.0.0.53'] }],
  ];

  test.each(variants)('%s: the client gets an address from clientCidr and reaches a VPC host; a revoked client is refused, a connected one cut off', async (_name, props) => {
    const stack = motoStack();
    const network = new PrivateSubnetVpc(stack, 'Network');
    const vpn = new OpenVpnAccessServer(stack, 'Vpn', { vpc: network.vpc, ...props });
    const template = Template.fromStack(stack).toJSON() as TemplateJson;
    const world = await ServerWorld.create(moto(), template);
    const sandbox = new ServerSandbox(world);
    const processes: ChildProcess[] = [];
    const routed = props.routingMode === OpenVpnRoutingMode.ROUTED;
    try {
      if (problem) {
        throw new Error(`${NEEDS}: ${problem}`);
      }
      createNetwork();
      const step = (command: string) => {
        const result = sandbox.run(command);
        expect(result.stderr).not.toContain('openvpn-guarded: usage');
        expect(result.status).toBe(0);
      };
      step(`${sandbox.script} configure`);
      step(documentCommand(template, sandbox.script, 'issue', 'alice'));
      step(documentCommand(template, sandbox.script, 'issue', 'bob'));
      // Bob keeps the profile he was given; then he is revoked.
      fs.writeFileSync(path.join(sandbox.root, 'bob.ovpn'), (await world.secretValue(`${vpn.clientProfilePrefix}/bob`))!);
      step(documentCommand(template, sandbox.script, 'revoke', 'bob'));
      fs.writeFileSync(path.join(sandbox.root, 'alice.ovpn'), (await world.secretValue(`${vpn.clientProfilePrefix}/alice`))!);

      const up = sandbox.run(`${sandbox.script} network-up`, ns.server);
      expect(up.status).toBe(0);
      const nat = sandbox.run('iptables -t nat -S POSTROUTING', ns.server).stdout;
      expect(nat.includes(`-s ${vpn.clientCidr} -o ${tag}w -j MASQUERADE`)).toBe(!routed);

      const serverLog = path.join(sandbox.root, 'server.log');
      const clientLog = path.join(sandbox.root, 'client.log');
      processes.push(spawn('ip', ['netns', 'exec', ns.server, 'timeout', '600', 'openvpn', '--config', `${sandbox.serverDir}/server.conf`, '--log', serverLog]));
      await waitFor(serverLog, /Initialization Sequence Completed/, 20);
      processes.push(spawn('ip', ['netns', 'exec', ns.client, 'timeout', '600', 'openvpn', '--config', path.join(sandbox.root, 'alice.ovpn'), '--hand-window', '10', '--log', clientLog]));
      const log = await waitFor(clientLog, /Initialization Sequence Completed/, 30);

      // The pushed routes and DNS servers arrived.
      const dns = routed ? '10.0.0.53' : '10.0.0.2';
      expect(log).toMatch(new RegExp(`PUSH_REPLY,.*route 10\\.0\\.0\\.0 255\\.255\\.0\\.0.*dhcp-option DNS ${dns.replace(/\./g, '\\.')}`));
      const address = /inet (\d+\.\d+\.\d+\.\d+)\/(\d+)/.exec(sh(`ip -n ${ns.client} -4 addr show dev tun0`).out);
      expect(address).not.toBeNull();
      expect(cidrContains(parseCidr(vpn.clientCidr)!, parseCidr(`${address![1]}/32`)!)).toBe(true);

      if (routed) {
        // Without the VPC route for the client block (what the server adds at boot), replies are lost.
        expect(sh(`ip netns exec ${ns.client} ping -c 1 -W 2 ${VPC_HOST}`).status).not.toBe(0);
        sh(`ip -n ${ns.vpc} route add ${vpn.clientCidr} via 10.0.5.1`);
      }
      const ping = sh(`ip netns exec ${ns.client} ping -c 3 -W 2 ${VPC_HOST}`);
      expect(ping.out).toContain('3 received');

      // The server names an accepted client in brackets: "<address>:<port> [alice] Peer Connection Initiated with ...".
      expect(fs.readFileSync(serverLog, 'utf8')).toMatch(/ 198\.18\.0\.2:\d+ \[alice\] Peer Connection Initiated with \[AF_INET\]198\.18\.0\.2:\d+/);

      // Bob's certificate is on the CRL: the server refuses it, and never initiates a connection with him.
      const bobLog = path.join(sandbox.root, 'bob.log');
      const bobMark = fs.readFileSync(serverLog, 'utf8').length;
      processes.push(spawn('ip', ['netns', 'exec', ns.client, 'timeout', '300', 'openvpn', '--config', path.join(sandbox.root, 'bob.ovpn'), '--route-noexec', '--ifconfig-noexec', '--log', bobLog]));
      await expectRefused(serverLog, bobMark, 'bob');
      expect(fs.readFileSync(serverLog, 'utf8')).not.toMatch(/\[bob\] Peer Connection Initiated/);
      expect(fs.readFileSync(bobLog, 'utf8')).not.toContain('Initialization Sequence Completed');

      // Alice is revoked while she is connected and the server runs: the document writes a new CRL
      // where the server reads it, and ends her session.
      const crl = path.join(sandbox.serverDir, 'pki', 'crl.pem');
      const crlBefore = fs.readFileSync(crl, 'utf8');
      const serverMark = fs.readFileSync(serverLog, 'utf8').length;
      const clientMark = fs.readFileSync(clientLog, 'utf8').length;
      step(documentCommand(template, sandbox.script, 'revoke', 'alice'));
      expect(fs.readFileSync(crl, 'utf8')).not.toBe(crlBefore);
      expect(processes[0].exitCode).toBeNull();

      // (a) Her open session ends: the server tells her client to restart, and it does.
      await waitSince(serverLog, serverMark, /MANAGEMENT: CMD 'client-kill \d+'[\s\S]*SENT CONTROL \[alice\]: 'RESTART'/, 30);
      const restart = await waitSince(clientLog, clientMark, /SIGUSR1\[soft,server-pushed-connection-reset\] received, process restarting/, 30);
      // (b) Her next attempt meets the new CRL: the same server refuses her certificate, and her
      // client, which tried again after its restart, gets no tunnel (over UDP its handshake times
      // out; over TCP the server closes the connection).
      await expectRefused(serverLog, serverMark, 'alice');
      const again = await waitSince(clientLog, clientMark + restart.search(/process restarting/), /TLS Error: TLS handshake failed|Connection reset, restarting/, 60);
      expect(again).toMatch(/TLS: Initial packet from \[AF_INET\]198\.18\.0\.1:/);
      expect(again).not.toContain('Initialization Sequence Completed');
      expect(since(serverLog, serverMark)).not.toMatch(/\[alice\] Peer Connection Initiated/);
    } finally {
      for (const child of processes) {
        child.kill();
      }
      removeNetwork();
      sandbox.remove();
    }
  }, 900_000);
});
