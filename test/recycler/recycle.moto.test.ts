/**
 * The bundled handler and the real AWS SDK against an ECS that the project did not write: moto's
 * server on loopback. It shows the calls the handler makes are ones ECS's model accepts, and that
 * a forced deployment becomes a new PRIMARY deployment with a later createdAt, which a second
 * event for the same change then leaves alone.
 */
import { ChildProcess, spawn, spawnSync } from 'child_process';
import * as net from 'net';
import * as path from 'path';
import { CreateClusterCommand, CreateServiceCommand, DescribeServicesCommand, ECSClient, RegisterTaskDefinitionCommand } from '@aws-sdk/client-ecs';

const REGION = 'us-east-1';
const CREDENTIALS = { AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing' };
const SECRET = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db-AbCdEf';
const BUNDLE = path.join(__dirname, '..', '..', 'assets', 'recycler', 'recycle.lambda', 'index.js');

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

/** moto_server takes tens of seconds to import moto on a busy machine. */
async function waitFor(url: string): Promise<void> {
  for (let i = 0; i < 600; i++) {
    try {
      await fetch(url, { headers: { connection: 'close' } });
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  throw new Error(`moto_server did not answer at ${url}`);
}

describe('the recycler bundle against moto', () => {
  let moto: ChildProcess;
  let endpoint: string;
  let ecs: ECSClient;

  beforeAll(async () => {
    const port = await freePort();
    endpoint = `http://127.0.0.1:${port}`;
    moto = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], { stdio: 'ignore' });
    await waitFor(endpoint);
    ecs = new ECSClient({ region: REGION, endpoint, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
  }, 180_000);

  afterAll(async () => {
    ecs?.destroy();
    if (moto && moto.exitCode === null) {
      const exited = new Promise((resolve) => moto.once('exit', resolve));
      moto.kill();
      await exited;
    }
  });

  function invoke(time: string, clusterArn: string): { result?: any; error?: string; logs: any[] } {
    const event = {
      'version': '0',
      'id': 'e6b1c2f4-0000-4000-8000-000000000000',
      'source': 'aws.secretsmanager',
      'detail-type': 'Secret Label Updated',
      time,
      'region': REGION,
      'account': '123456789012',
      'resources': [SECRET],
      'detail': { name: 'prod/db', labelUpdated: 'AWSCURRENT', versionId: 'a1b2c3d4-0000-4000-8000-000000000000' },
    };
    const run = spawnSync(process.execPath, [path.join(__dirname, '..', 'assets', 'run-bundle.js'), BUNDLE], {
      input: JSON.stringify({ event }),
      encoding: 'utf8',
      env: {
        PATH: process.env.PATH,
        ...CREDENTIALS,
        AWS_REGION: REGION,
        AWS_ENDPOINT_URL: endpoint,
        CLUSTERS: JSON.stringify([clusterArn]),
        ACCOUNT_ID: '123456789012',
      },
    });
    if (run.status !== 0) {
      throw new Error(run.stderr);
    }
    return JSON.parse(run.stdout);
  }

  const primary = async (cluster: string) => {
    const { services } = await ecs.send(new DescribeServicesCommand({ cluster, services: ['api'] }));
    return services![0].deployments!.find((d) => d.status === 'PRIMARY')!;
  };

  test('a change after the running deployment started redeploys the reader; the same change again leaves the new deployment alone', async () => {
    // GIVEN: a service that reads the secret, and one that does not.
    const { cluster } = await ecs.send(new CreateClusterCommand({ clusterName: 'web' }));
    for (const [family, valueFrom] of [['api', `${SECRET}:password::`], ['other', '/other/parameter']]) {
      await ecs.send(new RegisterTaskDefinitionCommand({ family, containerDefinitions: [{ name: 'app', image: 'nginx', memory: 128, secrets: [{ name: 'S', valueFrom }] }] }));
      await ecs.send(new CreateServiceCommand({ cluster: 'web', serviceName: family, taskDefinition: family, desiredCount: 1 }));
    }
    const first = await primary('web');
    // The change happened two seconds after the running deployment started.
    const changedAt = new Date(first.createdAt!.getTime() + 2_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
    await new Promise((r) => setTimeout(r, 3_000));

    // WHEN
    const recycled = invoke(changedAt, cluster!.clusterArn!);

    // THEN: a new PRIMARY deployment, created after the change.
    expect(recycled.error).toBeUndefined();
    expect(recycled.result).toMatchObject({ recycled: 1, failed: 0, servicesScanned: 2, taskDefinitionsRead: 2 });
    const second = await primary('web');
    expect(second.id).not.toBe(first.id);
    expect(second.createdAt!.getTime()).toBeGreaterThan(Date.parse(changedAt));

    // WHEN the same change arrives again (a retry, or a second event for it)
    const again = invoke(changedAt, cluster!.clusterArn!);

    // THEN the deployment that started after the change is left to finish.
    expect(again.error).toBeUndefined();
    expect(again.result).toMatchObject({ recycled: 0, skipped: 1, failed: 0 });
    expect(again.logs.find((l) => l.outcome === 'skipped').reason).toMatch(/after the change .*: its tasks read the new value/);
    expect((await primary('web')).id).toBe(second.id);
  });
});
