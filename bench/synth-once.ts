/**
 * One measurement, in a process of its own so that peak memory is this synth's alone:
 * `synth-once <guarded|baseline> <copies>` prints {ms, maxRssMb, resources} as JSON.
 * A first, unmeasured synth of one copy loads the modules and starts the CloudFormation
 * validation engine, costs every app pays once per process whatever its size.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { AppKind, buildApp } from './apps';

const kind = process.argv[2] as AppKind;
const copies = Number(process.argv[3]);
const warmup = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-'));
buildApp(kind, 1, warmup).synth();
fs.rmSync(warmup, { recursive: true, force: true });

const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-'));
const started = process.hrtime.bigint();
const assembly = buildApp(kind, copies, outdir).synth();
const ms = Number(process.hrtime.bigint() - started) / 1e6;
const resources: Record<string, number> = {};
for (const stack of assembly.stacks) {
  for (const resource of Object.values(stack.template.Resources ?? {}) as Array<{ Type: string }>) {
    resources[resource.Type] = (resources[resource.Type] ?? 0) + 1;
  }
}
fs.rmSync(outdir, { recursive: true, force: true });
console.log(JSON.stringify({ ms, maxRssMb: process.resourceUsage().maxRSS / 1024, resources }));
