/**
 * One measurement, in a process of its own so that peak memory is this app's alone:
 * `synth-once <kind> <copies> <repetitions>` prints {ms, maxRssMb, resources} as JSON, where ms is
 * the median of `repetitions` synths after as many unmeasured warm-up synths of the same app
 * (module loading, the JIT and the CloudFormation validation engine's start are paid once per
 * process).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { AppKind, buildApp } from './apps';

const kind = process.argv[2] as AppKind;
const copies = Number(process.argv[3]);
const repetitions = Number(process.argv[4] ?? 5);

function synthOnce(): { ms: number; resources: Record<string, number> } {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-'));
  try {
    const started = process.hrtime.bigint();
    const assembly = buildApp(kind, copies, outdir).synth();
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    const resources: Record<string, number> = {};
    for (const resource of Object.values(assembly.stacks[0].template.Resources ?? {}) as Array<{ Type: string }>) {
      resources[resource.Type] = (resources[resource.Type] ?? 0) + 1;
    }
    return { ms, resources };
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

for (let i = 0; i < repetitions; i++) {
  synthOnce();
}
const runs = Array.from({ length: repetitions }, synthOnce);
const times = runs.map((r) => r.ms).sort((a, b) => a - b);
const median = times[Math.floor(times.length / 2)];
console.log(JSON.stringify({ ms: median, maxRssMb: process.resourceUsage().maxRSS / 1024, resources: runs[0].resources }));
