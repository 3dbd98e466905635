import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as cdk from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import * as ts from 'typescript';
import { EXAMPLE_CONTEXT, EXAMPLE_ENV, README, ReadmeExample, blockingFindings, exampleModule, readmeExamples, smallestApp } from './readme-code';
import * as library from '../src';

/**
 * Every TypeScript example of the README runs, and synthesizes with the checks the README
 * recommends registered (GuardedPatternsChecks and AwsSolutionsChecks) and CloudFormation's own
 * validation in strict mode. An example fails on any unacknowledged finding of AwsSolutionsChecks
 * or CloudFormation, and on the errors of GuardedPatternsChecks, read from the validation report
 * the synth writes; the pack's warnings are only reported (`blockingFindings`). jsii-rosetta
 * type-checks the same examples (`npm run rosetta`); this test runs them.
 */

/** Runs TypeScript source as a CommonJS module, with `cdk-guarded-patterns` read from src/. */
function runModule(source: string, modules: Record<string, unknown> = {}): Record<string, any> {
  const js = ts.transpileModule(source, {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
  }).outputText;
  const load = (name: string) => {
    if (name in modules) {
      return modules[name];
    }
    // The modules an example imports, by name, as its own program would.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return name === 'cdk-guarded-patterns' ? library : require(name);
  };
  const module = { exports: {} as Record<string, any> };
  new Function('require', 'module', 'exports', js)(load, module, module.exports);
  return module.exports;
}

/** A Dockerfile directory at ./app, for `ContainerImage.fromAsset('./app')`. */
const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'readme-examples-'));
fs.cpSync(path.join(__dirname, 'fargate', 'app'), path.join(workDir, 'app'), { recursive: true });
afterAll(() => fs.rmSync(workDir, { recursive: true, force: true }));

/** Builds the apps an example makes: its stack in a test app for the default fixture, its own apps for a bare one. */
function appsOf(example: ReadmeExample): cdk.App[] {
  if (example.fixture === 'default') {
    const exported = runModule(exampleModule(example));
    const app = new cdk.App({ context: EXAMPLE_CONTEXT });
    cdk.Validations.of(app).addPlugins(new library.GuardedPatternsChecks(app), new AwsSolutionsChecks(app));
    new (Object.values(exported)[0] as new (scope: cdk.App, id: string) => cdk.Stack)(app, 'Example');
    return [app];
  }
  // A complete program: its apps get the test context, and its stacks the test account and region
  // (what the CDK CLI passes with credentials).
  const apps: cdk.App[] = [];
  class ExampleApp extends cdk.App {
    constructor(props: cdk.AppProps = {}) {
      super({ ...props, context: { ...EXAMPLE_CONTEXT, ...props.context } });
      apps.push(this);
    }
  }
  const lib = new Proxy(cdk, { get: (target, name) => (name === 'App' ? ExampleApp : (target as any)[name]) });
  runModule(`${example.code}\nexport {};`, { 'aws-cdk-lib': lib });
  return apps;
}

/** Synthesizes an app and returns what its validation report blocks; any other failure throws. */
function synthesize(app: cdk.App): string[] {
  try {
    app.synth();
  } catch (e) {
    // Only the validation plugins write a report; a failure before them (a pattern's error) has none.
    if (!fs.existsSync(path.join(app.outdir, 'validation-report.json'))) {
      throw e;
    }
  }
  return blockingFindings(app.outdir);
}

/** The fixtures whose examples are CDK code this test runs; `client` examples run outside CDK, and jsii-rosetta only compiles them. */
const RUN = ['default', 'bare'];
const readme = fs.readFileSync(README, 'utf8');
const examples = readmeExamples(readme);

describe('README examples', () => {
  const env = { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION, cwd: process.cwd() };
  beforeAll(() => {
    process.env.CDK_DEFAULT_ACCOUNT = EXAMPLE_ENV.account;
    process.env.CDK_DEFAULT_REGION = EXAMPLE_ENV.region;
    process.chdir(workDir);
  });
  afterAll(() => {
    process.chdir(env.cwd);
    for (const [name, value] of [['CDK_DEFAULT_ACCOUNT', env.account], ['CDK_DEFAULT_REGION', env.region]] as const) {
      if (value === undefined) {
        delete process.env[name];
      } else {
        process.env[name] = value;
      }
    }
  });

  test.each(examples.filter((e) => RUN.includes(e.fixture)).map((e) => [`line ${e.line} (${e.section})`, e] as const))('%s synthesizes with the recommended checks', (_name, example) => {
    const apps = appsOf(example);
    expect(apps.length).toBeGreaterThan(0);
    for (const app of apps) {
      expect(synthesize(app)).toEqual([]);
    }
  });

  test('every example is in a fixture this test runs, or in `client`', () => {
    expect(examples.filter((e) => ![...RUN, 'client'].includes(e.fixture)).map((e) => `line ${e.line}: ${e.fixture}`)).toEqual([]);
  });

  test('the smallest app registers both recommended packs on the whole app, and has as many resources as the README says', () => {
    const app = smallestApp(examples);
    expect(app.code).toContain('Validations.of(app).addPlugins(new GuardedPatternsChecks(app), new AwsSolutionsChecks(app));');
    const [built] = appsOf(app);
    const resources = Object.keys(built.synth().stacks[0].template.Resources);
    expect(readme).toContain(`of ${resources.length} resources`);
  });
});
