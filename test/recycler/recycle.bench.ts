/**
 * Benchmark of the recycler's handler against the in-process ECS account: the calls it makes and
 * its wall time for a fleet of services.
 *
 *   npx ts-node --project test/tsconfig.json test/recycler/recycle.bench.ts [services] [throttle-rate]
 */
import { ECSClient } from '@aws-sdk/client-ecs';
import { labelUpdated } from './events';
import { ACCOUNT, FakeService, REGION, SECRET_ARN, clusterArn, container, fakeEcs, fleet } from './fake-ecs';
import { RecycleSummary, recycle } from '../../src/recycler/recycle.lambda';

export interface BenchResult {
  readonly services: number;
  readonly throttleRate: number;
  readonly calls: Record<string, number>;
  readonly throttled: number;
  readonly wallMs: number;
  readonly summary: RecycleSummary;
}

const CLUSTERS = ['web', 'workers'];
const READERS: FakeService[] = [
  { name: 'api', cluster: 'web', containers: [container(SECRET_ARN)] },
  { name: 'reports', cluster: 'workers', containers: [container(`${SECRET_ARN}:password::`)] },
  { name: 'ingest', cluster: 'workers', containers: [container(`${SECRET_ARN}:token::`)] },
];

/** One Secret Label Updated event through the handler, with real (jittered) waits on throttling. */
export async function bench(services = 1000, throttleRate = 0): Promise<BenchResult> {
  const ecs = fakeEcs(fleet(CLUSTERS, services, READERS), { throttleRate, seed: 11 });
  try {
    const started = process.hrtime.bigint();
    const summary = await recycle(labelUpdated(), {
      ecs: new ECSClient({ region: REGION }),
      clusters: CLUSTERS.map(clusterArn),
      dryRun: false,
      region: REGION,
      account: ACCOUNT,
      metricsNamespace: 'Bench/Recycler',
      log: () => undefined,
    });
    const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
    return { services, throttleRate, calls: { ...ecs.calls }, throttled: ecs.throttled, wallMs, summary };
  } finally {
    ecs.restore();
  }
}

export function report(result: BenchResult): string {
  const total = Object.values(result.calls).reduce((a, b) => a + b, 0);
  const calls = Object.entries(result.calls).map(([k, v]) => `${k} ${v}`).join(', ');
  return `recycler: ${result.services} services, ${Math.round(result.throttleRate * 100)}% throttled: `
    + `${total} ECS calls (${calls}) + ${result.throttled} throttled retries; `
    + `${result.summary.recycled} recycled; wall time ${result.wallMs.toFixed(0)} ms`;
}

if (require.main === module) {
  const services = Number(process.argv[2] ?? 1000);
  const throttleRate = Number(process.argv[3] ?? 0);
  void (async () => {
    for (const rate of throttleRate > 0 ? [0, throttleRate] : [0]) {
      console.log(report(await bench(services, rate)));
    }
  })();
}
