/**
 * `npm run bench`: synth time and peak memory of the patterns (with every check on) against
 * baselines measured alternately in the same run; how synth time grows from 1 to 32 copies of the
 * startup stack; resource counts. Writes docs/benchmarks.md.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { AppKind, buildApp } from './apps';

interface Sample {
  readonly ms: number;
  readonly maxRssMb: number;
  readonly resources: Record<string, number>;
}

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const REPETITIONS = 7;
/** Copies of the stack in each compared app: enough that fixed costs do not drown the difference. */
const COMPARE_COPIES = 8;
const SCALES = [1, 2, 4, 8, 16, 32];
const TARGET_RATIO = 1.10;
/** What the IAM policy checks may add to the pack's synth time. */
const IAM_TARGET_RATIO = 1.05;

// The startup stack's template, for the cloudformation-include baseline.
const workdir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-template-'));
const startup = buildApp('startup-unchecked', 1, workdir).synth().stacks[0];
const env = { ...process.env, BENCH_STARTUP_TEMPLATE: startup.templateFullPath, TS_NODE_PROJECT: path.join(__dirname, 'tsconfig.json') };

function measure(kind: AppKind, copies: number): Sample {
  const args = [path.join(__dirname, 'synth-once.ts'), kind, String(copies), String(REPETITIONS)];
  const out = execFileSync(process.execPath, ['-r', 'ts-node/register/transpile-only', ...args], {
    encoding: 'utf8',
    env,
    maxBuffer: 16 * 1024 * 1024,
  });
  return JSON.parse(out.trim().split('\n').pop()!) as Sample;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

const fmt = (n: number, digits = 0) => n.toFixed(digits);

/** Measures the kinds alternately, RUNS times each, so that drift in machine load hits all alike. */
function compare(kinds: AppKind[]): Map<AppKind, Sample[]> {
  const samples = new Map<AppKind, Sample[]>(kinds.map((k) => [k, []]));
  for (let i = 0; i < RUNS; i++) {
    for (const kind of kinds) {
      samples.get(kind)!.push(measure(kind, COMPARE_COPIES));
    }
  }
  return samples;
}

const vpc = compare(['vpc-baseline', 'vpc-guarded']);
const all = compare(['startup-plain', 'startup-unchecked', 'startup-guarded']);
const iam = compare(['startup-guarded-without-iam', 'startup-guarded']);
const time = (samples: Map<AppKind, Sample[]>, kind: AppKind) => median(samples.get(kind)!.map((s) => s.ms));
const rss = (samples: Map<AppKind, Sample[]>, kind: AppKind) => median(samples.get(kind)!.map((s) => s.maxRssMb));

function comparisonRows(samples: Map<AppKind, Sample[]>, baseline: AppKind, labels: Record<string, string>): string[] {
  const rows = [...samples.keys()].map((kind) => {
    const ratio = time(samples, kind) / time(samples, baseline);
    const memory = rss(samples, kind) / rss(samples, baseline);
    return `| ${labels[kind]} | ${fmt(time(samples, kind))} | ${fmt(ratio, 3)} | ${fmt(rss(samples, kind))} | ${fmt(memory, 3)} |`;
  });
  return ['| app | synth time (ms) | time ratio | peak memory (MiB) | memory ratio |', '| --- | --- | --- | --- | --- |', ...rows];
}

/**
 * The ratio of two kinds in each round of alternate measurements: their spread shows how much of a
 * difference the machine's noise can make.
 */
function pairedRatios(samples: Map<AppKind, Sample[]>, kind: AppKind, baseline: AppKind): number[] {
  const base = samples.get(baseline)!;
  return samples.get(kind)!.map((s, i) => s.ms / base[i].ms);
}

/** A verdict on a target that the spread cannot overturn, or says that it could. */
function verdict(ratios: number[], target = TARGET_RATIO): string {
  const range = `median ${fmt(median(ratios), 3)}, rounds from ${fmt(Math.min(...ratios), 3)} to ${fmt(Math.max(...ratios), 3)}`;
  if (Math.max(...ratios) <= target) {
    return `met in every round (${range})`;
  }
  if (Math.min(...ratios) > target) {
    return `not met in any round (${range})`;
  }
  return `not settled: the rounds fall on both sides of it (${range}), so this machine's noise is larger than the margin`;
}

const vpcRatios = pairedRatios(vpc, 'vpc-guarded', 'vpc-baseline');
const packRatios = pairedRatios(all, 'startup-guarded', 'startup-unchecked');
const iamRatios = pairedRatios(iam, 'startup-guarded', 'startup-guarded-without-iam');

const scaling = SCALES.map((copies) => {
  const ms = median(Array.from({ length: RUNS }, () => measure('startup-guarded', copies).ms));
  return { copies, ms, perCopy: ms / copies };
});
/** What one more copy costs between two sizes: flat for linear growth, doubling for quadratic. */
const marginal = scaling.slice(1).map((s, i) => ({
  from: scaling[i].copies,
  to: s.copies,
  ms: (s.ms - scaling[i].ms) / (s.copies - scaling[i].copies),
}));
const growth = marginal[marginal.length - 1].ms / marginal[marginal.length - 3].ms;

const lines = [
  '# Benchmarks',
  '',
  `Measured by \`npm run bench\` on ${new Date().toISOString().slice(0, 10)}: ${os.cpus().length} × ${os.cpus()[0]?.model.trim()}, ${fmt(os.totalmem() / 2 ** 30)} GiB, Node.js ${process.version}.`,
  `Each number is the median over ${RUNS} fresh processes of the median of ${REPETITIONS} synths in that process, after as many unmeasured warm-up synths (module loading, the JIT and the start of the CloudFormation validation engine are paid once per process, whatever the app).`,
  `Compared apps hold ${COMPARE_COPIES} copies of their stack, so that per-process fixed costs do not drown the difference; times are for the whole app.`,
  'The apps of a comparison are measured alternately, so that drift in machine load hits them alike. Every app runs aws-cdk-lib\'s built-in CloudFormation validation.',
  '',
  '## PrivateSubnetVpc against the same VPC from plain aws-cdk-lib',
  '',
  'The baseline builds the same resources with `ec2.Vpc`, a log group, a role and a managed policy, and no check.',
  '',
  ...comparisonRows(vpc, 'vpc-baseline', { 'vpc-baseline': `${COMPARE_COPIES} plain aws-cdk-lib VPC stacks (baseline)`, 'vpc-guarded': `${COMPARE_COPIES} PrivateSubnetVpc stacks with GuardedPatternsChecks` }),
  '',
  `Target: the patterns with all checks cost at most ${fmt((TARGET_RATIO - 1) * 100)}% more synth time than the plain baseline. Guarded over baseline in each of the ${RUNS} rounds: ${verdict(vpcRatios)}.`,
  '',
  '## The startup stack (every pattern)',
  '',
  'Baseline: the startup stack\'s own template read back through `cloudformation-include`, the same resources as plain L1 constructs with no pattern logic and no check.',
  'A baseline of L2 constructs would sit between the two; none is measured, so the first ratio is an upper bound of the cost of the patterns themselves.',
  'The unchecked app is the startup stack without `GuardedPatternsChecks` (the patterns\' embedded checks remain): guarded over unchecked is the cost of running the pack.',
  '',
  ...comparisonRows(all, 'startup-plain', {
    'startup-plain': `${COMPARE_COPIES} stacks: its template through cloudformation-include (baseline)`,
    'startup-unchecked': `${COMPARE_COPIES} startup stacks, embedded checks only`,
    'startup-guarded': `${COMPARE_COPIES} startup stacks with GuardedPatternsChecks`,
  }),
  '',
  `The pack over the whole stack, against the same ${fmt((TARGET_RATIO - 1) * 100)}% target, guarded over unchecked in each round: ${verdict(packRatios)}.`,
  '',
  '## The IAM policy checks in the pack',
  '',
  'The pack over the startup stack with its IAM policy checks (IamActionUnknown, IamResourceTypeMismatch, IamConditionKeyUnsupported: every identity policy read against the bundled Service Authorization Reference) against the same pack without them. '
    + 'The patterns that embed those checks (SecureFargateService, OpenVpnAccessServer, SecretRotationRecycler) run them in both apps; each process reads a service\'s data once, in its warm-up synths.',
  '',
  ...comparisonRows(iam, 'startup-guarded-without-iam', {
    'startup-guarded-without-iam': `${COMPARE_COPIES} startup stacks with GuardedPatternsChecks less its IAM checks (baseline)`,
    'startup-guarded': `${COMPARE_COPIES} startup stacks with GuardedPatternsChecks`,
  }),
  '',
  `Target: the IAM checks add at most ${fmt((IAM_TARGET_RATIO - 1) * 100)}% to the pack's synth time. With over without, in each of the ${RUNS} rounds: ${verdict(iamRatios, IAM_TARGET_RATIO)}.`,
  '',
  '## Scaling: 1 to 32 copies of the startup stack, with GuardedPatternsChecks',
  '',
  '| copies | synth time (ms) | per copy (ms) | each added copy since the previous row (ms) |',
  '| --- | --- | --- | --- |',
  ...scaling.map((s, i) => `| ${s.copies} | ${fmt(s.ms)} | ${fmt(s.perCopy, 1)} | ${i === 0 ? '' : fmt(marginal[i - 1].ms, 1)} |`),
  '',
  `What an added copy costs from ${marginal[marginal.length - 1].from} to ${marginal[marginal.length - 1].to} copies over what it cost from ${marginal[marginal.length - 3].from} to ${marginal[marginal.length - 3].to}: ${fmt(growth, 2)}.`,
  'Linear growth keeps it near 1; a check that walked the whole tree for every resource would make it about 4 (the cost of a copy doubling with every doubling of the app).',
  '',
  '## Resources per stack',
  '',
  '| type | PrivateSubnetVpc baseline | PrivateSubnetVpc | startup stack |',
  '| --- | --- | --- | --- |',
  ...(() => {
    const kinds: Array<[Map<AppKind, Sample[]>, AppKind]> = [[vpc, 'vpc-baseline'], [vpc, 'vpc-guarded'], [all, 'startup-guarded']];
    const counts = kinds.map(([m, k]) => m.get(k)![0].resources);
    const types = [...new Set(counts.flatMap((c) => Object.keys(c)))].sort();
    return types.map((t) => `| ${t} | ${counts.map((c) => c[t] ?? 0).join(' | ')} |`);
  })(),
  '',
];
fs.rmSync(workdir, { recursive: true, force: true });
const target = path.join(__dirname, '..', 'docs', 'benchmarks.md');
fs.writeFileSync(target, lines.join('\n'));
console.log(lines.join('\n'));
console.log(`written to ${path.relative(process.cwd(), target)}`);
