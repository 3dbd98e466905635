/**
 * `npm run bench`: synth time of the startup stack (every pattern) against the same resources in
 * plain aws-cdk-lib L2 constructs, measured alternately in the same run; what the pack and its IAM
 * checks add; how synth time grows from 1 to 32 copies; where the time goes (a CPU profile).
 * Writes docs/benchmarks.md.
 *
 * Settings (environment): BENCH_RUNS rounds of the comparisons (default 5), BENCH_SCALING_RUNS
 * rounds of the scaling (default 3), BENCH_COPIES the copies of the scaling (default 1,2,4,8,16,32).
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

type Times = Record<string, number[]>;
interface Measurements {
  readonly times: Times;
  readonly resources: Record<string, Record<string, number>>;
  readonly bytes: Record<string, Record<string, number>>;
  readonly cpuSeconds: number;
}

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const SCALING_RUNS = Number(process.env.BENCH_SCALING_RUNS ?? 3);
/** Copies of the stack in each compared app: enough that fixed costs do not drown the difference. */
const COMPARE_COPIES = 8;
const SCALES = (process.env.BENCH_COPIES ?? '1,2,4,8,16,32').split(',').map(Number);
/** What the patterns with every check may cost over the plain L2 baseline. */
const PATTERNS_TARGET = 1.10;
/** What running GuardedPatternsChecks may add to the startup stack with its embedded checks only. */
const PACK_TARGET = 1.03;
/** What the IAM policy checks may add to the pack's synth time. */
const IAM_TARGET = 1.05;
/** What an added copy may cost at 16 → 32 copies over its cost at 4 → 8. */
const GROWTH_TARGET = 1.2;

/** Clock ticks per second, the unit of /proc/stat and /proc/self/stat. */
const CLOCK_TICKS = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
/** The machine's busy CPU time (/proc/stat) and this process's with its finished children (/proc/self/stat), in ticks. */
function cpuTicks(): { wallMs: number; busy: number; own: number } {
  const [user, nice, system, , , irq, softirq, steal] = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  const self = fs.readFileSync('/proc/self/stat', 'utf8');
  // After the command name: state is field 3, utime, stime, cutime and cstime fields 14 to 17.
  const [utime, stime, cutime, cstime] = self.slice(self.lastIndexOf(')') + 2).split(' ').slice(11, 15).map(Number);
  return { wallMs: Date.now(), busy: user + nice + system + irq + softirq + steal, own: utime + stime + cutime + cstime };
}
/** Per phase, how many cores other processes kept busy on average: the machine's busy time less the benchmark's own. */
const otherCores: Array<{ phase: string; cores: number }> = [];
let lastTicks = cpuTicks();
const endPhase = (phase: string) => {
  const now = cpuTicks();
  const others = (now.busy - lastTicks.busy) - (now.own - lastTicks.own);
  otherCores.push({ phase, cores: Math.max(0, others / CLOCK_TICKS / ((now.wallMs - lastTicks.wallMs) / 1000)) });
  lastTicks = now;
};

const profileDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-profile-'));
/** Rounds of the profiled synths. */
const PROFILE_RUNS = 2;
const progress = (step: string) => console.error(`[bench] ${step} after ${fmt(process.uptime())} s, ${fmt(cpuSeconds)} s of CPU in the measuring processes`);

let cpuSeconds = 0;
/** Runs bench/synth-once.ts in a fresh process: `rounds` rounds of the cases, alternately. */
function measure(rounds: number, cases: string[], env: Record<string, string> = {}): Measurements {
  const out = execFileSync(process.execPath, ['--expose-gc', '-r', 'ts-node/register/transpile-only', path.join(__dirname, 'synth-once.ts'), String(rounds), ...cases], {
    encoding: 'utf8',
    env: { ...process.env, ...env, TS_NODE_PROJECT: path.join(__dirname, 'tsconfig.json') },
    maxBuffer: 16 * 1024 * 1024,
  });
  const measured = JSON.parse(out.trim().split('\n').pop()!) as Measurements;
  cpuSeconds += measured.cpuSeconds;
  return measured;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

const fmt = (n: number, digits = 0) => n.toFixed(digits);
const at = (kind: string, copies = COMPARE_COPIES) => `${kind}:${copies}`;

/** The ratio of two cases in each round: their spread shows how much of a difference the machine's noise can make. */
function pairedRatios(times: Times, kind: string, baseline: string): number[] {
  return times[kind].map((ms, i) => ms / times[baseline][i]);
}

/** A verdict on a target that the spread cannot overturn, or says that it could. */
function verdict(ratios: number[], target: number): string {
  const range = `median ${fmt(median(ratios), 3)}, rounds from ${fmt(Math.min(...ratios), 3)} to ${fmt(Math.max(...ratios), 3)}`;
  if (Math.max(...ratios) <= target) {
    return `met in every round (${range})`;
  }
  if (Math.min(...ratios) > target) {
    return `not met in any round (${range})`;
  }
  return `not settled: the rounds fall on both sides of it (${range}), so this machine's noise is larger than the margin`;
}

function comparisonRows(times: Times, baseline: string, labels: Record<string, string>): string[] {
  const rows = Object.entries(labels).map(([kind, label]) => {
    const ratios = pairedRatios(times, kind, baseline);
    return `| ${label} | ${fmt(median(times[kind]))} | ${fmt(median(ratios), 3)} | ${fmt(Math.min(...ratios), 3)} to ${fmt(Math.max(...ratios), 3)} |`;
  });
  return ['| app | synth time (ms, median) | time ratio (median of rounds) | ratio range over the rounds |', '| --- | --- | --- | --- |', ...rows];
}

// 1. The comparisons, all kinds alternately in one process.
const compared = ['startup-l2', 'startup-unchecked', 'startup-guarded', 'startup-guarded-without-iam', 'vpc-baseline', 'vpc-guarded'];
const comparison = measure(RUNS, compared.map((k) => at(k)));
endPhase('comparisons');
progress('comparisons');
const t = comparison.times;

// 2. Scaling of the guarded startup stack and of its L2 baseline, alternately in one process.
const scalingKinds = ['startup-guarded', 'startup-l2'];
const scalingRun = measure(SCALING_RUNS, scalingKinds.flatMap((k) => SCALES.map((c) => at(k, c))));
endPhase('scaling');
progress('scaling');

/** What one more copy costs between two sizes, per round: flat for linear growth, doubling for quadratic. */
function marginal(kind: string, from: number, to: number): number[] {
  const [a, b] = [scalingRun.times[at(kind, from)], scalingRun.times[at(kind, to)]];
  return b.map((ms, i) => (ms - a[i]) / (to - from));
}
const growthRatios = (kind: string) => marginal(kind, 16, 32).map((ms, i) => ms / marginal(kind, 4, 8)[i]);
const hasGrowth = [4, 8, 16, 32].every((c) => SCALES.includes(c));

/** Whether the guarded stack's growth missed its target in some round: then its profile at 4 and 32 copies says why. */
const growthMissed = hasGrowth && Math.max(...growthRatios('startup-guarded')) > GROWTH_TARGET;

// 3. Where the time goes: CPU profiles of the baseline and the guarded stack (and of the guarded stack at 4 and 32 copies).
const profiledCases = [at('startup-l2'), at('startup-guarded'), ...(growthMissed ? [at('startup-guarded', 4), at('startup-guarded', 32)] : [])];
measure(PROFILE_RUNS, profiledCases, { BENCH_PROFILE_DIR: profileDir });
endPhase('profiles');
progress('profiles');

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string };
}
interface Profile {
  readonly nodes: ProfileNode[];
  readonly samples: number[];
  readonly timeDeltas: number[];
}

/** Where a function's code lives, in a few groups that say whose the time is. */
function owner(frame: ProfileNode['callFrame']): string {
  const url = frame.url;
  if (!url) {
    return frame.functionName === '(garbage collector)' ? 'V8 garbage collection' : 'native functions (asset hashing, file system, JSON)';
  }
  if (url.startsWith('wasm://') || url.includes('/@aws/cloudformation-validate/')) {
    return 'aws-cdk-lib: CloudFormation validation (its wasm engine)';
  }
  if (url.includes('/source-map-support/')) {
    return 'ts-node source maps (stack traces; absent from compiled apps)';
  }
  const inModules = url.match(/node_modules\/(@[^/]+\/[^/]+|[^/]+)\/(.*)$/);
  if (inModules) {
    const [, pkg, rest] = inModules;
    if (pkg !== 'aws-cdk-lib') {
      return pkg;
    }
    if (rest.startsWith('core/lib/validation/')) {
      return 'aws-cdk-lib: validation plugins and reports';
    }
    return rest.startsWith('core/') ? 'aws-cdk-lib: core (tokens, synthesis, tree)' : 'aws-cdk-lib: service constructs (L1 and L2)';
  }
  if (url.includes('/src/checks/')) {
    return 'this library: checks';
  }
  if (url.includes('/src/private/')) {
    return 'this library: template readers (src/private)';
  }
  if (url.includes('/src/')) {
    return 'this library: patterns';
  }
  if (url.includes('/bench/') || url.includes('/examples/')) {
    return 'the benchmark\'s stacks';
  }
  return 'Node.js built-in modules (fs, path, url)';
}

/** Self time per owner, in ms per synth per stack copy, over the profiled rounds. */
function selfTime(name: string): Map<string, number> {
  const copies = Number(name.split(':')[1]);
  const totals = new Map<string, number>();
  for (let round = 0; round < PROFILE_RUNS; round++) {
    const profile = JSON.parse(fs.readFileSync(path.join(profileDir, `${name}.${round}.cpuprofile`), 'utf8')) as Profile;
    const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
    profile.samples.forEach((id, i) => {
      const frame = nodes.get(id)!.callFrame;
      // The profiler's own start and stop, and the idle time in between.
      if (frame.url === 'node:inspector' || ['dispatch', '(idle)', '(root)'].includes(frame.functionName)) {
        return;
      }
      const key = owner(frame);
      totals.set(key, (totals.get(key) ?? 0) + profile.timeDeltas[i] / 1000 / copies / PROFILE_RUNS);
    });
  }
  return totals;
}
const profiles = profiledCases.map((c) => ({ name: c, self: selfTime(c) }));
const owners = [...new Set(profiles.flatMap((p) => [...p.self.keys()]))]
  .sort((a, b) => (profiles[1].self.get(b) ?? 0) - (profiles[1].self.get(a) ?? 0));
const profileTotal = (self: Map<string, number>) => [...self.values()].reduce((a, b) => a + b, 0);
/** The time per copy in this library's code and in cdk-nag's engine. */
const ownCode = (self: Map<string, number>) => [...self].filter(([o]) => o.startsWith('this library') || o === 'cdk-nag').reduce((a, [, ms]) => a + ms, 0);
/** The owners whose time per copy differs most from one profile to another, largest first. */
function largestDifferences(from: Map<string, number>, to: Map<string, number>): string {
  const total = profileTotal(to) - profileTotal(from);
  const differences = owners.map((o) => ({ o, ms: (to.get(o) ?? 0) - (from.get(o) ?? 0) })).sort((a, b) => Math.abs(b.ms) - Math.abs(a.ms));
  return `${total >= 0 ? '+' : ''}${fmt(total, 1)} ms per copy in all, of which ${differences.slice(0, 3).map((d) => `${d.o} ${d.ms >= 0 ? '+' : ''}${fmt(d.ms, 1)}`).join(', ')}`;
}
fs.rmSync(profileDir, { recursive: true, force: true });

// The resource counts of both stacks, by type.
const l2Resources = comparison.resources['startup-l2'];
const startupResources = comparison.resources['startup-guarded'];
const count = (r: Record<string, number>) => Object.values(r).reduce((a, b) => a + b, 0);
const types = [...new Set([...Object.keys(l2Resources), ...Object.keys(startupResources)])].sort();
const differing = types.filter((type) => (l2Resources[type] ?? 0) !== (startupResources[type] ?? 0));
// Their size in the template, by type: what aws-cdk-lib's CloudFormation validation reads.
const l2Bytes = comparison.bytes['startup-l2'];
const startupBytes = comparison.bytes['startup-guarded'];
const largerTypes = types.map((type) => ({ type, more: (startupBytes[type] ?? 0) - (l2Bytes[type] ?? 0) })).sort((a, b) => b.more - a.more);

const packRatios = pairedRatios(t, at('startup-guarded'), at('startup-unchecked'));
const patternRatios = pairedRatios(t, at('startup-unchecked'), at('startup-l2'));
endPhase('report');
const wallMinutes = process.uptime() / 60;
const otherLoad = Math.max(...otherCores.map((l) => l.cores));

const lines = [
  '# Benchmarks',
  '',
  `Measured by \`npm run bench\` on ${new Date().toISOString().slice(0, 10)}: ${os.cpus().length} × ${os.cpus()[0]?.model.trim()}, ${fmt(os.totalmem() / 2 ** 30)} GiB, Node.js ${process.version}.`,
  `The run took ${fmt(wallMinutes, 1)} minutes (bench/run.ts from its start, with its compile by ts-node; the handler bundling before it takes a few seconds more); its measuring processes used ${fmt(cpuSeconds / 60, 1)} minutes of CPU.`,
  `Cores kept busy by other processes, on average over each phase (the machine's busy time in /proc/stat less the benchmark's own, with its measuring processes): ${otherCores.map((l) => `${l.phase} ${fmt(l.cores, 2)}`).join('; ')}.`,
  otherLoad > 0.25
    ? `**This run was under load**: other processes kept up to ${fmt(otherLoad, 2)} of the ${os.cpus().length} cores busy over a phase, so absolute times are inflated and the spread of the rounds is wider than on an idle machine; the ratios come from alternate measurements, which the load hits alike.`
    : 'No other process loaded the machine noticeably during this run.',
  '',
  'How it measures: each set of apps runs in one fresh process, which first synthesizes one copy of each kind of app unmeasured (module loading, the JIT, the start of aws-cdk-lib\'s CloudFormation validation engine and the checks\' data are paid once per process, whatever the app). '
    + 'Then each round synthesizes every app of the set once, in an order that rotates from round to round, after a full garbage collection so that one app\'s garbage is not charged to the next. '
    + 'The ratios are taken within each round, so that drift in machine load hits both sides alike; the median and the range over the rounds are given. '
    + `Compared apps hold ${COMPARE_COPIES} copies of their stack, so that per-synth fixed costs do not drown the difference; times are for the whole app. Every app runs aws-cdk-lib's built-in CloudFormation validation (\`@aws-cdk/core:validateAgainstDefaultRules\`).`,
  'Peak memory is no longer reported: it needed one process per app and round, and that design made the run take more than 30 minutes.',
  '',
  '## The startup stack against the same resources in plain aws-cdk-lib L2 constructs',
  '',
  'The baseline, `bench/startup-l2.ts`, builds the startup stack\'s resources (examples/lib/startup-stack.ts) by hand: `ec2.Vpc` with flow logs, interface endpoints, the peering, DNS forwarder launch templates and groups, the VPN\'s key, secret, Elastic IP and group, an ECS Fargate service behind an HTTPS ALB, the recycler\'s function, rule, queue and alarm, and the CloudFront distribution with OAC, standard logging v2 and the upload function, '
    + 'with L1 constructs only where aws-cdk-lib has no L2 (peering, routes, network interfaces, DHCP options, Elastic IP, SSM document, log delivery) and no check. '
    + 'It replaces the earlier baseline, the startup template read back through `cloudformation-include`, which measured L1 resources rather than what a user would write.',
  '',
  `Resources per stack: ${count(l2Resources)} in the L2 baseline, ${count(startupResources)} in the startup stack; `
    + (differing.length === 0
      ? `the same ${Object.keys(startupResources).length} types in the same numbers. The templates differ in properties (user data, policy statements, descriptions, tags), not in resources.`
      : `they differ in ${differing.map((type) => `${type} (${l2Resources[type] ?? 0} against ${startupResources[type] ?? 0})`).join(', ')}.`),
  '',
  `Their size in the template (JSON): ${fmt(count(l2Bytes))} bytes in the L2 baseline, ${fmt(count(startupBytes))} in the startup stack (${fmt(count(startupBytes) / count(l2Bytes), 2)}×); `
    + `the types that take most more: ${largerTypes.slice(0, 3).map(({ type, more }) => `${type} +${fmt(more)}`).join(', ')}. `
    + 'The baseline\'s launch templates carry two commands of user data each where the patterns\' carry their complete boot scripts; '
    + 'aws-cdk-lib\'s CloudFormation validation reads every template, so its time grows with their size.',
  '',
  '<details><summary>Resources per type</summary>',
  '',
  '| type | L2 baseline | startup stack | L2 baseline (bytes) | startup stack (bytes) |',
  '| --- | --- | --- | --- | --- |',
  ...types.map((type) => `| ${type} | ${l2Resources[type] ?? 0} | ${startupResources[type] ?? 0} | ${fmt(l2Bytes[type] ?? 0)} | ${fmt(startupBytes[type] ?? 0)} |`),
  '',
  '</details>',
  '',
  ...comparisonRows(t, at('startup-l2'), {
    [at('startup-l2')]: `(a) ${COMPARE_COPIES} plain aws-cdk-lib L2 stacks (baseline)`,
    [at('startup-unchecked')]: `(b) ${COMPARE_COPIES} startup stacks, the patterns' embedded checks only`,
    [at('startup-guarded')]: `(c) ${COMPARE_COPIES} startup stacks with GuardedPatternsChecks`,
  }),
  '',
  `- Target: the patterns with their embedded checks within ${fmt(PATTERNS_TARGET, 2)}× of the L2 baseline. (b) over (a), in each of the ${RUNS} rounds: ${verdict(patternRatios, PATTERNS_TARGET)}.`,
  `- Target: the pack within ${fmt(PACK_TARGET, 2)}× of the same app without it. (c) over (b), in each of the ${RUNS} rounds: ${verdict(packRatios, PACK_TARGET)}.`,
  `- Every check on, (c) over (a): median ${fmt(median(pairedRatios(t, at('startup-guarded'), at('startup-l2'))), 3)}.`,
  '',
  '## The IAM policy checks in the pack',
  '',
  'The pack over the startup stack with its IAM policy checks (IamActionUnknown, IamResourceTypeMismatch, IamConditionKeyUnsupported: every identity policy read against the bundled Service Authorization Reference) against the same pack without them, in the same rounds as above. '
    + 'The patterns that embed those checks (SecureFargateService, OpenVpnAccessServer, SecretRotationRecycler) run them in both apps.',
  '',
  ...comparisonRows(t, at('startup-guarded-without-iam'), {
    [at('startup-guarded-without-iam')]: `${COMPARE_COPIES} startup stacks with GuardedPatternsChecks less its IAM checks (baseline)`,
    [at('startup-guarded')]: `${COMPARE_COPIES} startup stacks with GuardedPatternsChecks`,
  }),
  '',
  `Target: the IAM checks add at most ${fmt((IAM_TARGET - 1) * 100)}% to the pack's synth time. With over without, in each of the ${RUNS} rounds: ${verdict(pairedRatios(t, at('startup-guarded'), at('startup-guarded-without-iam')), IAM_TARGET)}.`,
  '',
  '## PrivateSubnetVpc against the same VPC from plain aws-cdk-lib',
  '',
  'The baseline builds the same resources with `ec2.Vpc`, a log group, a role and a managed policy (`plainVpc` in bench/startup-l2.ts), and no check; in the same rounds as above.',
  '',
  ...comparisonRows(t, at('vpc-baseline'), {
    [at('vpc-baseline')]: `${COMPARE_COPIES} plain aws-cdk-lib VPC stacks (baseline)`,
    [at('vpc-guarded')]: `${COMPARE_COPIES} PrivateSubnetVpc stacks with GuardedPatternsChecks`,
  }),
  '',
  `Target: at most ${fmt(PATTERNS_TARGET, 2)}× the baseline. Guarded over baseline, in each of the ${RUNS} rounds: ${verdict(pairedRatios(t, at('vpc-guarded'), at('vpc-baseline')), PATTERNS_TARGET)}.`,
  '',
  `## Scaling: ${SCALES.join(', ')} copies of the startup stack`,
  '',
  `The guarded startup stack (GuardedPatternsChecks) and its L2 baseline, ${SCALING_RUNS} rounds in one process, alternately; medians over the rounds.`,
  '',
  '| copies | guarded: synth time (ms) | per copy (ms) | each added copy since the previous row (ms) | L2 baseline: synth time (ms) | per copy (ms) | each added copy (ms) |',
  '| --- | --- | --- | --- | --- | --- | --- |',
  ...SCALES.map((copies, i) => `| ${copies} | ${scalingKinds.map((kind) => {
    const ms = median(scalingRun.times[at(kind, copies)]);
    const added = i === 0 ? '' : fmt(median(marginal(kind, SCALES[i - 1], copies)), 1);
    return `${fmt(ms)} | ${fmt(ms / copies, 1)} | ${added}`;
  }).join(' | ')} |`),
  '',
  ...(hasGrowth ? [
    `Target: what an added copy costs from 16 to 32 copies within ${fmt(GROWTH_TARGET, 1)}× of what it costs from 4 to 8 (the ratio per round). `
      + `Guarded: ${verdict(growthRatios('startup-guarded'), GROWTH_TARGET)}. L2 baseline, for comparison: ${verdict(growthRatios('startup-l2'), GROWTH_TARGET)}.`,
    'Linear growth keeps the ratio near 1; a check that walked the whole tree for every resource would make it about 4 (the cost of a copy doubling with every doubling of the app).',
  ] : ['The growth target needs 4, 8, 16 and 32 copies in BENCH_COPIES.']),
  '',
  '## Where the time goes',
  '',
  `Self time from the V8 sampling profiler over ${PROFILE_RUNS} synths of each app, alternately (in a process of their own, after the same unmeasured warm-up, without the forced garbage collections, so each synth also pays for the garbage of the one before), `
    + `grouped by whose code it is, in ms per synth and stack copy. ${PROFILE_RUNS} synths per app: read the large rows, not differences of a few ms.`,
  '',
  `| whose code | ${profiles.map((p) => p.name.replace(':', ', ') + ' copies').join(' | ')} |`,
  `| --- | ${profiles.map(() => '---').join(' | ')} |`,
  ...owners.map((o) => `| ${o} | ${profiles.map((p) => fmt(p.self.get(o) ?? 0, 1)).join(' | ')} |`),
  `| total | ${profiles.map((p) => fmt(profileTotal(p.self), 1)).join(' | ')} |`,
  '',
  `- This library's own code (its patterns, checks and template readers) and cdk-nag's engine under the pack: ${fmt(ownCode(profiles[1].self), 1)} ms per copy of the guarded stack's ${fmt(profileTotal(profiles[1].self), 1)} at ${COMPARE_COPIES} copies (${fmt(100 * ownCode(profiles[1].self) / profileTotal(profiles[1].self), 1)}%). `
    + 'The rest is aws-cdk-lib building and resolving the constructs, its CloudFormation validation engine (which reads every template), garbage collection, and ts-node\'s source maps, which format the stack traces that aws-cdk-lib records in construct metadata (the context `aws:cdk:disable-stack-trace` is not set; through ts-node on both sides, absent from compiled apps).',
  `- The guarded stack over the L2 baseline at ${COMPARE_COPIES} copies: ${largestDifferences(profiles[0].self, profiles[1].self)}.`,
  ...(growthMissed ? [`- The guarded stack at 32 copies over 4 copies: ${largestDifferences(profiles[2].self, profiles[3].self)}.`] : []),
  ...(hasGrowth && !growthMissed ? ['- The growth target was met in every round, so the guarded stack at 4 and 32 copies was not profiled.'] : []),
  '',
];
const target = path.join(__dirname, '..', 'docs', 'benchmarks.md');
fs.writeFileSync(target, lines.join('\n'));
console.log(lines.join('\n'));
console.log(`written to ${path.relative(process.cwd(), target)}`);
