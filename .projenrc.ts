import { awscdk, javascript } from 'projen';

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
  devDeps: [
    `aws-cdk@${CDK_CLI_VERSION}`,
    'fast-check@^4',
    'aws-sdk-client-mock@^4',
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

  jestOptions: {
    // Snapshots are reviewed, never rewritten by a test run.
    updateSnapshot: javascript.UpdateSnapshot.NEVER,
    jestConfig: {
      testMatch: ['<rootDir>/test/**/*.test.ts'],
      collectCoverage: false,
      // Synthesizing with the built-in CloudFormation validation takes a few seconds per app.
      testTimeout: 120_000,
    },
  },
  tsconfigDev: {
    compilerOptions: {},
    include: ['../examples/**/*.ts'],
  },
  gitignore: ['cdk.out', '/examples/cdk.out', '.cdk.staging'],
});

project.addPackageIgnore('/examples/');
project.addPackageIgnore('/.ci/');
project.addPackageIgnore('/bench/');
project.addPackageIgnore('cdk.out');

// `npm run example`: synthesize every example app through the CDK CLI with all checks on.
project.addTask('example', {
  description: 'Synthesize the example apps through the CDK CLI with every check registered',
  exec: 'ts-node --project test/tsconfig.json examples/synth.ts',
});

project.synth();
