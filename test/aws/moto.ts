/**
 * moto's server on loopback, an AWS the project did not write, with its request recorder on: each
 * test reads back the calls its code made (who signed them, the operation and its parameters) as
 * moto received them, and test/aws/iam.ts asks IAM's own data whether the role's policies allow them.
 */
import { ChildProcess, spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';

/** The region and account moto serves by default. */
export const MOTO_REGION = 'us-east-1';
export const MOTO_ACCOUNT = '123456789012';

/** The credentials the tests' own set-up calls sign with: calls under test sign with their role's. */
export const SETUP_CREDENTIALS = { accessKeyId: 'testing', secretAccessKey: 'testing' };

/** One call moto received. */
export interface RecordedCall {
  /** The access key ID that signed it: which role's stand-in made the call. */
  readonly accessKeyId: string;
  /** The service's signing name, which is also its IAM prefix for the services tested here. */
  readonly service: string;
  /** The API operation, e.g. `UpdateService`. */
  readonly operation: string;
  /** The IAM action, e.g. `ecs:UpdateService`. */
  readonly action: string;
  /** The request parameters: the JSON body, the query-protocol form, or a POST's form fields. */
  readonly params: Record<string, any>;
  readonly method: string;
  readonly url: string;
  /** Its position among the requests moto recorded since the last `clearCalls`, from 0. */
  readonly sequence: number;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as net.AddressInfo).port;
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

/**
 * The fields of a multipart/form-data body (a presigned POST's policy fields, and its file). Text
 * fields are decoded as UTF-8 (a key may have any character); a file part is left as latin1, one
 * character per byte (`Buffer.from(value, 'latin1')` gives the bytes back).
 */
function multipartFields(body: Buffer, contentType: string): Record<string, string> {
  const boundary = /boundary="?([^";]+)"?/.exec(contentType)?.[1];
  const fields: Record<string, string> = {};
  if (!boundary) {
    return fields;
  }
  for (const part of body.toString('latin1').split(`--${boundary}`)) {
    const match = /^\r\nContent-Disposition: form-data; name="([^"]+)"(; filename="[^"]*")?\r\n(?:[^\r\n]+\r\n)*\r\n([\s\S]*)\r\n$/i.exec(part);
    if (match) {
      const [, name, file, value] = match;
      fields[name] = file ? value : Buffer.from(value, 'latin1').toString('utf8');
    }
  }
  return fields;
}

/**
 * The JSON objects of one line of moto's recording. moto writes an entry and its newline in two
 * writes, so entries of requests served at the same time (its server is threaded) can share a line.
 */
function jsonObjects(line: string): any[] {
  const objects: any[] = [];
  let depth = 0;
  let inString = false;
  let start = 0;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (inString) {
      if (c === '\\') {
        i++;
      } else if (c === '"') {
        inString = false;
      }
    } else if (c === '"') {
      inString = true;
    } else if (c === '{') {
      depth++;
    } else if (c === '}' && --depth === 0) {
      objects.push(JSON.parse(line.substring(start, i + 1)));
      start = i + 1;
    }
  }
  return objects;
}

/** Reads one entry of moto's recording into the call it was. */
function parseRecorded(entry: any, sequence: number): RecordedCall | undefined {
  const headers: Record<string, string> = Object.fromEntries(Object.entries(entry.headers ?? {}).map(([k, v]) => [k.toLowerCase(), String(v)]));
  const body: Buffer = entry.body_encoded ? Buffer.from(entry.body, 'base64') : Buffer.from(entry.body ?? '', 'utf8');
  const url = new URL(entry.url);
  const contentType = headers['content-type'] ?? '';
  let params: Record<string, any> = {};
  let operation: string | undefined;
  if (headers['x-amz-target']) {
    // JSON protocols: ECS, Secrets Manager, SSM.
    operation = headers['x-amz-target'].split('.').pop();
    params = body.length > 0 ? JSON.parse(body.toString('utf8')) : {};
  } else if (contentType.startsWith('application/x-www-form-urlencoded')) {
    // Query protocols: EC2, CloudFormation.
    params = Object.fromEntries(new URLSearchParams(body.toString('utf8')));
    operation = params.Action;
  } else if (contentType.startsWith('multipart/form-data') && entry.method === 'POST') {
    // A browser-style presigned POST to a bucket: S3 authorizes it as PutObject.
    params = multipartFields(body, contentType);
    operation = 'PutObject';
  }
  const credential = /Credential=([^/,\s]+)\/[^/]+\/[^/]+\/([^/]+)\//.exec(headers.authorization ?? '')
    ?? /^([^/]+)\/[^/]+\/[^/]+\/([^/]+)\//.exec(params['x-amz-credential'] ?? params['X-Amz-Credential'] ?? '');
  if (!operation || !credential) {
    return undefined;
  }
  const [, accessKeyId, service] = credential;
  return { accessKeyId, service, operation, action: `${service}:${operation}`, params, method: entry.method, url: url.toString(), sequence };
}

/** How to start moto. */
export interface MotoServerOptions {
  /**
   * Python files that moto's process runs before it serves: stand-ins for operations moto does
   * not implement, each saying at its top which and why (e.g. moto-signal-resource.py).
   */
  readonly standIns?: string[];
}

/** moto-signal-resource.py: CloudFormation's SignalResource, which moto does not implement. */
export const SIGNAL_RESOURCE_STAND_IN = path.join(__dirname, 'moto-signal-resource.py');

/** moto-task-started-at.py: the createdAt and startedAt of ECS tasks, which moto does not keep. */
export const TASK_STARTED_AT_STAND_IN = path.join(__dirname, 'moto-task-started-at.py');

/** moto-secret-version-dates.py: the CreatedDate of each version in ListSecretVersionIds, which moto reports as the time of the call. */
export const SECRET_VERSION_DATES_STAND_IN = path.join(__dirname, 'moto-secret-version-dates.py');

/** moto-ssm-parameters-by-arn.py: parameters named by ARN in GetParameters, which moto reports as invalid. */
export const SSM_PARAMETERS_BY_ARN_STAND_IN = path.join(__dirname, 'moto-ssm-parameters-by-arn.py');

/** Runs the stand-in files given before `--`, then moto_server with the arguments after it. */
const MOTO_WITH_STAND_INS = [
  'import runpy, sys',
  'split = sys.argv.index("--")',
  'for stand_in in sys.argv[1:split]: runpy.run_path(stand_in)',
  'from moto.server import main',
  'main(sys.argv[split + 1:])',
].join('\n');

/** A moto server of its own for one test file, recording every request. */
export class MotoServer {
  /** Starts moto_server on a free loopback port and waits until it answers. */
  public static async start(options: MotoServerOptions = {}): Promise<MotoServer> {
    const port = await freePort();
    const recording = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'moto-')), 'recording.jsonl');
    const args = ['-H', '127.0.0.1', '-p', String(port)];
    const standIns = options.standIns ?? [];
    const [program, programArgs] = standIns.length > 0 ? ['python3', ['-c', MOTO_WITH_STAND_INS, ...standIns, '--', ...args]] : ['moto_server', args];
    const child = spawn(program, programArgs, {
      stdio: 'ignore',
      env: { ...process.env, MOTO_ENABLE_RECORDING: 'True', MOTO_RECORDER_FILEPATH: recording },
    });
    const server = new MotoServer(child, `http://127.0.0.1:${port}`, recording);
    await server.waitUntilUp();
    return server;
  }

  /**
   * @param recording the file moto appends each request to, one line each: a stand-in outside
   * moto that counts its lines tells which requests came before it (RecordedCall.sequence).
   */
  private constructor(private readonly child: ChildProcess, public readonly endpoint: string, public readonly recording: string) {}

  /** moto_server takes tens of seconds to import moto on a busy machine. */
  private async waitUntilUp(): Promise<void> {
    for (let i = 0; i < 600; i++) {
      if (this.child.exitCode !== null) {
        throw new Error(`moto_server exited with ${this.child.exitCode}; is moto[server] installed (python3 -m pip install 'moto[server]')?`);
      }
      try {
        await fetch(`${this.endpoint}/moto-api/`, { headers: { connection: 'close' } });
        return;
      } catch {
        await new Promise((r) => setTimeout(r, 200));
      }
    }
    throw new Error(`moto_server did not answer at ${this.endpoint}`);
  }

  /** The environment that points the AWS CLI and the SDKs at this server, signing as the given key. */
  public env(accessKeyId: string = SETUP_CREDENTIALS.accessKeyId): Record<string, string> {
    return {
      AWS_ENDPOINT_URL: this.endpoint,
      AWS_ACCESS_KEY_ID: accessKeyId,
      AWS_SECRET_ACCESS_KEY: 'testing',
      AWS_REGION: MOTO_REGION,
      AWS_DEFAULT_REGION: MOTO_REGION,
      // No profile, config or metadata lookups outside the test.
      AWS_CONFIG_FILE: '/dev/null',
      AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
      AWS_EC2_METADATA_DISABLED: 'true',
    };
  }

  /**
   * Set-up calls through boto3 (an SDK the project did not write either), signed with the set-up
   * key, for services whose JavaScript client is not a dev dependency: each `operation` is a boto3
   * method name (`create_secret`). Returns the responses, dates as strings. All run in one Python
   * process, which takes a second or more to start.
   */
  public boto3(calls: Array<{ service: string; operation: string; params?: Record<string, unknown> }>): any[] {
    const script = [
      'import json, sys, boto3',
      'out = [getattr(boto3.client(c["service"]), c["operation"])(**c.get("params", {})) for c in json.load(sys.stdin)]',
      'json.dump(out, sys.stdout, default=str)',
    ].join('\n');
    const run = spawnSync('python3', ['-c', script], { input: JSON.stringify(calls), encoding: 'utf8', env: { ...process.env, ...this.env() } });
    if (run.status !== 0) {
      throw new Error(`boto3 set-up calls failed (${run.status}): ${run.stderr}`);
    }
    return JSON.parse(run.stdout);
  }

  /** The calls recorded since the last `clearCalls`, signed with the given access key ID if named. */
  public calls(accessKeyId?: string): RecordedCall[] {
    const lines = fs.existsSync(this.recording) ? fs.readFileSync(this.recording, 'utf8').split('\n').filter(Boolean) : [];
    return lines
      .flatMap(jsonObjects)
      .map((entry, sequence) => parseRecorded(entry, sequence))
      .filter((call): call is RecordedCall => call !== undefined && (accessKeyId === undefined || call.accessKeyId === accessKeyId));
  }

  public clearCalls(): void {
    fs.writeFileSync(this.recording, '');
  }

  /** Empties moto's state: every resource in every service. */
  public async reset(): Promise<void> {
    await fetch(`${this.endpoint}/moto-api/reset`, { method: 'POST', headers: { connection: 'close' } });
    this.clearCalls();
  }

  public async stop(): Promise<void> {
    if (this.child.exitCode === null) {
      const exited = new Promise((resolve) => this.child.once('exit', resolve));
      this.child.kill();
      await exited;
    }
    fs.rmSync(path.dirname(this.recording), { recursive: true, force: true });
  }
}
