/**
 * The measurements of one process: `synth-once <rounds> <kind>:<copies>...` synthesizes one copy of
 * each kind of app unmeasured (module loading, the JIT, the CloudFormation validation engine's start
 * and the checks' data are paid once per process, whatever the app), then `rounds` times each case
 * in turn, rotating the order every round so that no case always follows the same one. A full
 * garbage collection before each synth keeps one app's garbage off the next app's time.
 * Prints {times: {"kind:copies": ms[]}, resources: {kind: {type: count}}, bytes: {kind: {type: JSON bytes}}, cpuSeconds}
 * as JSON (resources and their size in the template of one stack; CPU time of the whole process). With BENCH_PROFILE_DIR=<dir>, also writes <dir>/<kind>:<copies>.<round>.cpuprofile,
 * a CPU profile of each measured synth.
 */
import * as fs from 'fs';
import * as inspector from 'inspector';
import * as os from 'os';
import * as path from 'path';
import { AppKind, buildApp } from './apps';

const rounds = Number(process.argv[2]);
const cases = process.argv.slice(3).map((arg) => {
  const [kind, copies] = arg.split(':');
  return { name: arg, kind: kind as AppKind, copies: Number(copies) };
});
/** The V8 sampling profiler of this process, started and stopped around each measured synth. */
const profiler = process.env.BENCH_PROFILE_DIR ? new inspector.Session() : undefined;
// Profiled synths pay for the garbage of the synth before them: a steady state, as in a long run.
const gc = profiler ? () => undefined : (globalThis as { gc?: () => void }).gc ?? (() => undefined);

function synth(kind: AppKind, copies: number): { ms: number; resources: Record<string, number>; bytes: Record<string, number> } {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-'));
  try {
    gc();
    const started = process.hrtime.bigint();
    const assembly = buildApp(kind, copies, outdir).synth();
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    const resources: Record<string, number> = {};
    const bytes: Record<string, number> = {};
    for (const resource of Object.values(assembly.stacks[0].template.Resources ?? {}) as Array<{ Type: string }>) {
      resources[resource.Type] = (resources[resource.Type] ?? 0) + 1;
      bytes[resource.Type] = (bytes[resource.Type] ?? 0) + JSON.stringify(resource).length;
    }
    return { ms, resources, bytes };
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

function post(method: string, write?: string): void {
  // The profiler of the process's own thread answers synchronously.
  profiler!.post(method, (err, result) => {
    if (err) throw err;
    if (write) fs.writeFileSync(write, JSON.stringify((result as { profile: unknown }).profile));
  });
}

const resources: Record<string, Record<string, number>> = {};
const bytes: Record<string, Record<string, number>> = {};
for (const kind of new Set(cases.map((c) => c.kind))) {
  ({ resources: resources[kind], bytes: bytes[kind] } = synth(kind, 1));
}
const times: Record<string, number[]> = Object.fromEntries(cases.map((c) => [c.name, []]));
if (profiler) {
  profiler.connect();
  post('Profiler.enable');
}
for (let round = 0; round < rounds; round++) {
  for (let i = 0; i < cases.length; i++) {
    const c = cases[(i + round) % cases.length];
    if (profiler) {
      post('Profiler.start');
    }
    times[c.name].push(synth(c.kind, c.copies).ms);
    if (profiler) {
      post('Profiler.stop', path.join(process.env.BENCH_PROFILE_DIR!, `${c.name}.${round}.cpuprofile`));
    }
  }
}
const cpu = process.cpuUsage();
console.log(JSON.stringify({ times, resources, bytes, cpuSeconds: (cpu.user + cpu.system) / 1e6 }));
