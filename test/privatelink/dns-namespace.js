/**
 * Runs the forwarders' unbound for real, inside a private network namespace (`unshare -rn`, so
 * nothing outside it is touched): a stub stands in for the VPC resolver on 169.254.169.253:53 and
 * answers the service names with a private address; unbound runs with the configuration from the
 * template; a client in a peer's block asks for each name, and one outside every block for the first.
 *
 * Usage: unshare -rn node dns-namespace.js <unbound.conf> <name,name,...> <answer> <allowed source> <refused source>
 * Prints one JSON line: { allowed: {name: {rcode, addresses}}, refused: {rcode, addresses}, stubQueries }.
 */
const { execFileSync, spawn } = require('child_process');
const dgram = require('dgram');
const fs = require('fs');
const os = require('os');
const path = require('path');

const [confPath, nameList, answer, allowedSource, refusedSource] = process.argv.slice(2);
const names = nameList.split(',').map((n) => n.toLowerCase());
const RESOLVER = '169.254.169.253';
const deadline = setTimeout(() => fail('timed out'), 20000);

function fail(message) {
  console.error(message);
  process.exit(2);
}

function encodeName(n) {
  const parts = n.replace(/\.$/, '').split('.').map((l) => Buffer.concat([Buffer.from([l.length]), Buffer.from(l)]));
  return Buffer.concat([...parts, Buffer.from([0])]);
}

function query(id, n) {
  const header = Buffer.alloc(12);
  header.writeUInt16BE(id, 0);
  header.writeUInt16BE(0x0100, 2); // recursion desired
  header.writeUInt16BE(1, 4);
  return Buffer.concat([header, encodeName(n), Buffer.from([0, 1, 0, 1])]);
}

/** The question's name and where it ends. */
function readQuestion(msg) {
  let offset = 12;
  const labels = [];
  while (offset < msg.length && msg[offset] !== 0) {
    labels.push(msg.subarray(offset + 1, offset + 1 + msg[offset]).toString());
    offset += msg[offset] + 1;
  }
  return { name: labels.join('.'), end: offset + 5 };
}

function parseAnswer(msg) {
  const rcode = msg.readUInt16BE(2) & 0xf;
  const count = msg.readUInt16BE(6);
  let offset = msg.readUInt16BE(4) > 0 ? readQuestion(msg).end : 12;
  const addresses = [];
  for (let i = 0; i < count && offset < msg.length; i++) {
    while (offset < msg.length && msg[offset] !== 0 && (msg[offset] & 0xc0) !== 0xc0) {
      offset += msg[offset] + 1;
    }
    offset += msg[offset] === 0 ? 1 : 2;
    const type = msg.readUInt16BE(offset);
    const length = msg.readUInt16BE(offset + 8);
    if (type === 1) {
      addresses.push([...msg.subarray(offset + 10, offset + 14)].join('.'));
    }
    offset += 10 + length;
  }
  return { rcode, addresses };
}

/** The stand-in for the VPC resolver. */
function startStub() {
  // Shares port 53 with unbound's wildcard socket: the more specific address gets the resolver's queries.
  const stub = dgram.createSocket({ type: 'udp4', reuseAddr: true });
  let queries = 0;
  stub.on('message', (msg, rinfo) => {
    queries++;
    const question = readQuestion(msg);
    const known = names.includes(question.name.toLowerCase()) && msg.readUInt16BE(question.end - 4) === 1;
    const header = Buffer.from(msg.subarray(0, 12));
    header.writeUInt16BE(known ? 0x8580 : 0x8583, 2); // response, authoritative, RD, RA; NXDOMAIN when unknown
    header.writeUInt16BE(1, 4);
    header.writeUInt16BE(known ? 1 : 0, 6);
    header.writeUInt16BE(0, 8);
    header.writeUInt16BE(0, 10);
    const record = Buffer.from([0xc0, 0x0c, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, ...answer.split('.').map(Number)]);
    stub.send(Buffer.concat([header, msg.subarray(12, question.end), known ? record : Buffer.alloc(0)]), rinfo.port, rinfo.address);
  });
  return new Promise((resolve) => stub.bind(53, RESOLVER, () => resolve({ stub, count: () => queries })));
}

function ask(source, name, attempt = 0) {
  return new Promise((resolve, reject) => {
    const client = dgram.createSocket('udp4');
    const timer = setTimeout(() => {
      client.close();
      if (attempt < 20) {
        setTimeout(() => ask(source, name, attempt + 1).then(resolve, reject), 200);
      } else {
        reject(new Error(`no answer for ${source}`));
      }
    }, 300);
    client.on('message', (msg) => {
      clearTimeout(timer);
      client.close();
      resolve(parseAnswer(msg));
    });
    client.on('error', () => undefined);
    client.bind(0, source, () => client.send(query(0x1234 + attempt, name), 53, source));
  });
}

async function main() {
  for (const address of [RESOLVER, allowedSource, refusedSource]) {
    execFileSync('ip', ['addr', 'add', `${address}/32`, 'dev', 'lo']);
  }
  execFileSync('ip', ['link', 'set', 'lo', 'up']);
  const { stub, count } = await startStub();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'unbound-'));
  // Only what running unprivileged in a namespace needs: no user switch, no chroot, no syslog.
  const conf = fs.readFileSync(confPath, 'utf8') + [
    'server:',
    '    username: ""',
    '    chroot: ""',
    `    directory: "${dir}"`,
    `    pidfile: "${dir}/unbound.pid"`,
    '    use-syslog: no',
    '',
  ].join('\n');
  fs.writeFileSync(path.join(dir, 'unbound.conf'), conf);
  const unbound = spawn('unbound', ['-d', '-c', path.join(dir, 'unbound.conf')], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  unbound.stderr.on('data', (d) => { stderr += d; });
  unbound.on('exit', (code) => fail(`unbound exited (${code}): ${stderr}`));
  try {
    const allowed = {};
    for (const name of names) {
      allowed[name] = await ask(allowedSource, name);
    }
    const refused = await ask(refusedSource, names[0]);
    console.log(JSON.stringify({ allowed, refused, stubQueries: count() }));
  } finally {
    unbound.removeAllListeners('exit');
    unbound.kill();
    stub.close();
    clearTimeout(deadline);
  }
}

main().catch((e) => fail(String(e)));
