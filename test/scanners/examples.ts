import * as fs from 'fs';
import * as path from 'path';
import { App } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import {
  OpenVpnAccessServer, PrivateLinkConsumer, PrivateSubnetVpc, SecretRotationRecycler, SecureFargateService, SecureS3Cdn,
} from '../../src';

const PATTERNS = { OpenVpnAccessServer, PrivateLinkConsumer, PrivateSubnetVpc, SecretRotationRecycler, SecureFargateService, SecureS3Cdn };

/** The construct path of every pattern under a scope, mapped to the pattern's class name. */
export function patternsOf(scope: IConstruct): Record<string, string> {
  const found: Record<string, string> = {};
  for (const c of scope.node.findAll()) {
    const name = Object.entries(PATTERNS).find(([, cls]) => c instanceof cls)?.[0];
    if (name) {
      found[c.node.path] = name;
    }
  }
  return found;
}

/** aws-cdk-lib calls the function stored under this symbol with every App it constructs. */
const APP_INIT_HOOK = Symbol.for('@aws-cdk/core.App#initHook');

const EXAMPLES_DIR = path.join(__dirname, '..', '..', 'examples');

/** A stack template written by synthesizing an example app. */
export interface ExampleTemplate {
  /** The example app's file name without `.ts`. */
  readonly example: string;
  readonly stackName: string;
  readonly templatePath: string;
  /** The construct path of every pattern in the app, mapped to the pattern's class name. */
  readonly patterns: Record<string, string>;
}

/** Every example app: the `.ts` files in examples/ that construct an App. */
export function exampleApps(): string[] {
  return fs.readdirSync(EXAMPLES_DIR)
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts') && f !== 'synth.ts')
    .map((f) => path.basename(f, '.ts'))
    .sort();
}

/** An example app, constructed and not yet synthesized. */
export interface ExampleApp {
  /** The example app's file name without `.ts`. */
  readonly example: string;
  readonly app: App;
}

/**
 * Constructs every example app in this process, as `cdk synth` would: with the context the CLI
 * passes (examples/cdk.context.json) and every validation plugin the app registers.
 */
export function loadExamples(): ExampleApp[] {
  const context = fs.readFileSync(path.join(EXAMPLES_DIR, 'cdk.context.json'), 'utf8');
  const global = globalThis as Record<symbol, unknown>;
  const saved = { hook: global[APP_INIT_HOOK], context: process.env.CDK_CONTEXT_JSON };
  const loaded: ExampleApp[] = [];
  try {
    // As the CDK CLI does: each resource's construct path goes into its aws:cdk:path metadata.
    process.env.CDK_CONTEXT_JSON = JSON.stringify({ ...JSON.parse(context), 'aws:cdk:enable-path-metadata': true });
    for (const example of exampleApps()) {
      const apps: App[] = [];
      global[APP_INIT_HOOK] = (app: App) => apps.push(app);
      // Loading an example app runs it: it builds its App, which the hook above records.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      require(path.join(EXAMPLES_DIR, example));
      if (apps.length !== 1) {
        throw new Error(`examples/${example}.ts constructed ${apps.length} apps; expected one`);
      }
      loaded.push({ example, app: apps[0] });
    }
  } finally {
    global[APP_INIT_HOOK] = saved.hook;
    if (saved.context === undefined) {
      delete process.env.CDK_CONTEXT_JSON;
    } else {
      process.env.CDK_CONTEXT_JSON = saved.context;
    }
  }
  return loaded;
}

/**
 * Synthesizes every example app in this process (`loadExamples`), so synth fails on any
 * unacknowledged finding. Each app's templates go to a new temporary directory.
 */
export function synthesizeExamples(): ExampleTemplate[] {
  return loadExamples().flatMap(({ example, app }) => {
    const patterns = patternsOf(app);
    return app.synth().stacks.map((stack) => ({ example, stackName: stack.stackName, templatePath: stack.templateFullPath, patterns }));
  });
}
