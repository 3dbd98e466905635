/**
 * `npm run bench`: synth time and peak memory of the example stack built from the patterns (with
 * every check on) against a baseline of plain aws-cdk-lib constructs, measured alternately in the
 * same run; how synth time grows from 1 to 32 copies; resource counts. Writes docs/benchmarks.md.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { AppKind } from './apps';

interface Sample {
  readonly ms: number;
  readonly maxRssMb: number;
  readonly resources: Record<string, number>;
}

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const SCALES = [1, 2, 4, 8, 16, 32];

function measure(kind: AppKind, copies: number): Sample {
  const out = execFileSync(process.execPath, ['-r', 'ts-node/register/transpile-only', path.join(__dirname, 'synth-once.ts'), kind, String(copies)], {
    encoding: 'utf8',
    env: { ...process.env, TS_NODE_PROJECT: path.join(__dirname, 'tsconfig.json') },
  });
  return JSON.parse(out.trim().split('\n').pop()!) as Sample;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

const fmt = (n: number, digits = 0) => n.toFixed(digits);

// Alternate the two apps so that drift in machine load hits both alike.
const samples: Record<AppKind, Sample[]> = { guarded: [], baseline: [] };
for (let i = 0; i < RUNS; i++) {
  for (const kind of ['baseline', 'guarded'] as const) {
    samples[kind].push(measure(kind, 1));
  }
}
const time = (kind: AppKind) => median(samples[kind].map((s) => s.ms));
const rss = (kind: AppKind) => median(samples[kind].map((s) => s.maxRssMb));
const timeRatio = time('guarded') / time('baseline');
const rssRatio = rss('guarded') / rss('baseline');

const scaling = SCALES.map((copies) => {
  const guarded = median(Array.from({ length: Math.max(1, Math.ceil(RUNS / 2)) }, () => measure('guarded', copies).ms));
  return { copies, ms: guarded, perCopy: guarded / copies };
});
const linearity = scaling[scaling.length - 1].perCopy / scaling[0].perCopy;

const types = [...new Set([...Object.keys(samples.guarded[0].resources), ...Object.keys(samples.baseline[0].resources)])].sort();

const lines = [
  '# Benchmarks',
  '',
  `Measured by \`npm run bench\` on ${new Date().toISOString().slice(0, 10)}, ${os.cpus().length} × ${os.cpus()[0]?.model.trim()}, ${fmt(os.totalmem() / 2 ** 30)} GiB, Node.js ${process.version}.`,
  `Each number is the median of ${RUNS} synths, each in a fresh process after one unmeasured warm-up synth (module loading and the validation engine's start are paid once per process); the two apps alternate so that machine load hits both alike.`,
  'The guarded app is the example stack built from the patterns, with their embedded checks and `GuardedPatternsChecks` registered;',
  'the baseline builds the same resources from plain aws-cdk-lib constructs with no checks. Both run aws-cdk-lib\'s built-in CloudFormation validation.',
  '',
  '## One stack: guarded against baseline',
  '',
  '| app | synth time (ms) | peak memory (MiB) |',
  '| --- | --- | --- |',
  `| baseline | ${fmt(time('baseline'))} | ${fmt(rss('baseline'))} |`,
  `| guarded | ${fmt(time('guarded'))} | ${fmt(rss('guarded'))} |`,
  `| **ratio** | **${fmt(timeRatio, 3)}** | **${fmt(rssRatio, 3)}** |`,
  '',
  `Target: synth-time ratio at most 1.10. ${timeRatio <= 1.10 ? 'Met.' : 'Not met.'}`,
  '',
  '## Scaling: 1 to 32 copies of the guarded stack',
  '',
  '| copies | synth time (ms) | per copy (ms) |',
  '| --- | --- | --- |',
  ...scaling.map((s) => `| ${s.copies} | ${fmt(s.ms)} | ${fmt(s.perCopy, 1)} |`),
  '',
  `Per-copy time at ${SCALES[SCALES.length - 1]} copies over per-copy time at 1: ${fmt(linearity, 2)} (1.00 is perfectly linear; checks index each app once, never the whole tree per resource).`,
  '',
  '## Resources per stack',
  '',
  '| type | baseline | guarded |',
  '| --- | --- | --- |',
  ...types.map((t) => `| ${t} | ${samples.baseline[0].resources[t] ?? 0} | ${samples.guarded[0].resources[t] ?? 0} |`),
  '',
];
const target = path.join(__dirname, '..', 'docs', 'benchmarks.md');
fs.writeFileSync(target, lines.join('\n'));
console.log(lines.join('\n'));
console.log(`written to ${path.relative(process.cwd(), target)}`);
