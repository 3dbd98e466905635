/**
 * Runs a handler bundle of assets/ (built by `npx projen bundle`) as Lambda runs it: in a fresh
 * Node.js process, with only the environment given (test/assets/run-bundle.js does the work).
 */
import { spawnSync } from 'child_process';
import * as path from 'path';

/** What running a bundle showed: the modules it required, and its handler's result. */
export interface BundleRun {
  readonly requires: string[];
  readonly handler: string;
  readonly result?: any;
  readonly error?: string;
  /** The ECS calls, when the request mocked ECS (`request.ecs`). */
  readonly calls?: any[];
  /** The JSON lines the handler logged with console.log. */
  readonly logs: any[];
}

/** The bundle of a handler, e.g. `recycler/recycle.lambda`. */
export function bundlePath(name: string): string {
  return path.join(__dirname, '..', '..', 'assets', name, 'index.js');
}

/** Loads `name`'s bundle in a child process, and invokes its handler with `request.event` if given. */
export function runBundle(name: string, request: object = {}, env: Record<string, string | undefined> = {}): BundleRun {
  const result = spawnSync(process.execPath, [path.join(__dirname, 'run-bundle.js'), bundlePath(name)], {
    input: JSON.stringify(request),
    encoding: 'utf8',
    env: { PATH: process.env.PATH, ...env },
  });
  if (result.status !== 0) {
    throw new Error(`run-bundle.js ${name} exited with ${result.status}: ${result.stderr}`);
  }
  return JSON.parse(result.stdout);
}
