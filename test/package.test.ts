import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { EXAMPLE_CONTEXT, EXAMPLE_ENV, blockingFindings, exampleClass, exampleModule, smallestApp, smallestExamples } from './readme-code';

const root = path.join(__dirname, '..');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

/** The patterns whose README sections open with the smallest example, in the README's order. */
const PATTERNS = ['PrivateSubnetVpc', 'SecureFargateService', 'SecureS3Cdn', 'PrivateLinkConsumer', 'SecretRotationRecycler', 'OpenVpnAccessServer'];

/** The library's peers, taken from this repository's node_modules rather than downloaded again. */
const PEERS = ['aws-cdk-lib', 'constructs', 'cdk-nag'];

/** Runs a program and fails the test with its output when it fails. */
function run(command: string, args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv }): void {
  const result = spawnSync(command, args, { ...options, encoding: 'utf8' });
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} failed (${result.status}):\n${result.stdout}\n${result.stderr}`);
  }
}

/** A user's script that runs the pack's IAM checks, which read the Service Authorization Reference bundled in the package. */
const IAM_APP = `
const { App, Stack, aws_iam: iam } = require('aws-cdk-lib');
const { GuardedPatternsChecks } = require('cdk-guarded-patterns');
const stack = new Stack(new App(), 'IamStack');
const role = new iam.Role(stack, 'Role', { assumedBy: new iam.AccountRootPrincipal() });
role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['s3:GetObjects'], resources: ['arn:aws:s3:::bucket/key'] }));
const report = new GuardedPatternsChecks().validateScope(stack);
console.log(JSON.stringify(report.violations.map((v) => v.ruleName + ' ' + v.description)));
`;

describe('the npm package', () => {
  test('installs into a fresh TypeScript app that follows the README: the smallest app and each pattern\'s smallest example synthesize with both packs', () => {
    const started = Date.now();
    const elapsed: Record<string, number> = {};
    const lap = (step: string) => {
      elapsed[step] = Math.round((Date.now() - started) / 100) / 10 - Object.values(elapsed).reduce((a, b) => a + b, 0);
    };
    // `npm test` compiles with jsii first, so lib/ and .jsii are current.
    const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-guarded-patterns-user-'));
    try {
      // The tarball npm publishes (what jsii-pacmak's JavaScript target packs, without loading the assembly).
      const dist = path.join(scratch, 'dist');
      fs.mkdirSync(dist);
      execFileSync(npm, ['pack', '--ignore-scripts', '--pack-destination', dist, '--loglevel=error'], { cwd: root, stdio: 'pipe' });
      const packed = fs.readdirSync(dist).filter((f) => f.endsWith('.tgz'));
      expect(packed).toHaveLength(1);
      lap('pack');

      // The README's install, offline: the tarball from disk, the peers linked from this repository.
      const app = path.join(scratch, 'app');
      fs.mkdirSync(path.join(app, 'bin'), { recursive: true });
      fs.mkdirSync(path.join(app, 'lib'));
      fs.writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'user-app', private: true }));
      run(npm, ['install', path.join(dist, packed[0]), '--offline', '--legacy-peer-deps', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: app });
      for (const peer of PEERS) {
        fs.symlinkSync(path.join(root, 'node_modules', peer), path.join(app, 'node_modules', peer), 'dir');
      }
      lap('install');

      // bin/app.ts is the README's smallest app; each pattern's smallest example is a stack of its own in lib/.
      const examples = smallestExamples(PATTERNS);
      for (const example of examples) {
        fs.writeFileSync(path.join(app, 'lib', `${exampleClass(example)}.ts`), exampleModule(example));
      }
      fs.writeFileSync(path.join(app, 'bin', 'app.ts'), [
        smallestApp().code,
        ...examples.map((e) => `import { ${exampleClass(e)} } from '../lib/${exampleClass(e)}';\nnew ${exampleClass(e)}(app, '${exampleClass(e)}');`),
      ].join('\n'));
      fs.cpSync(path.join(__dirname, 'fargate', 'app'), path.join(app, 'app'), { recursive: true });
      // Type-checked against the installed package's declarations, as a user's editor and `cdk synth` do.
      fs.writeFileSync(path.join(app, 'tsconfig.json'), JSON.stringify({
        compilerOptions: {
          target: 'ES2022',
          module: 'commonjs',
          strict: true,
          esModuleInterop: true,
          skipLibCheck: true,
          outDir: 'out',
          rootDir: '.',
          types: ['node'],
          typeRoots: [path.join(root, 'node_modules', '@types')],
        },
        include: ['bin/**/*.ts', 'lib/**/*.ts'],
      }));
      run(process.execPath, [path.join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', '.'], { cwd: app });
      lap('compile');

      // What `cdk synth` runs, with the account, region and looked-up context it would pass.
      const outdir = path.join(app, 'cdk.out');
      const synth = spawnSync(process.execPath, [path.join('out', 'bin', 'app.js')], {
        cwd: app,
        encoding: 'utf8',
        env: {
          ...process.env,
          CDK_OUTDIR: outdir,
          CDK_DEFAULT_ACCOUNT: EXAMPLE_ENV.account,
          CDK_DEFAULT_REGION: EXAMPLE_ENV.region,
          CDK_CONTEXT_JSON: JSON.stringify(EXAMPLE_CONTEXT),
        },
      });
      lap('synth');
      // Only the validation plugins write a report: a failure without one is not a finding.
      if (synth.status !== 0 && !fs.existsSync(path.join(outdir, 'validation-report.json'))) {
        throw new Error(`The app failed to synthesize:\n${synth.stderr}`);
      }
      expect(blockingFindings(outdir)).toEqual([]);

      const stacks = fs.readdirSync(outdir).filter((f) => f.endsWith('.template.json')).sort();
      expect(stacks).toEqual(['Trial.template.json', ...examples.map((e) => `${exampleClass(e)}.template.json`)].sort());
      const trial = JSON.parse(fs.readFileSync(path.join(outdir, 'Trial.template.json'), 'utf8'));
      const types = Object.values(trial.Resources as Record<string, { Type: string }>).map((r) => r.Type);
      expect(types.filter((t) => t === 'AWS::EC2::NatGateway')).toHaveLength(3);
      // The recycler's handler is bundled in the package: its asset must be there.
      const assetDirs = fs.readdirSync(outdir).filter((f) => f.startsWith('asset.'));
      expect(assetDirs.some((dir) => fs.existsSync(path.join(outdir, dir, 'index.js')))).toBe(true);
      // The package holds the compiled library and its jsii assembly, not the sources or tests.
      const installed = path.join(app, 'node_modules', 'cdk-guarded-patterns');
      expect(fs.existsSync(path.join(installed, '.jsii'))).toBe(true);
      expect(fs.existsSync(path.join(installed, 'lib', 'index.js'))).toBe(true);
      expect(fs.existsSync(path.join(installed, 'test'))).toBe(false);
      expect(fs.existsSync(path.join(installed, 'examples'))).toBe(false);
      // The sources the compiled files' source maps name are there too.
      expect(fs.existsSync(path.join(installed, 'src', 'private', 'errors.ts'))).toBe(true);
      // The OpenVPN server's script files lie beside the compiled construct, which reads them at synth.
      expect(fs.readdirSync(path.join(installed, 'lib', 'openvpn', 'scripts')).sort()).toEqual(['access-server.sh', 'community.sh', 'shared.sh']);
      const templates = stacks.map((stack) => fs.readFileSync(path.join(outdir, stack), 'utf8')).join('\n');
      expect(templates).toContain('revoke-client) revoke_client \\"$2\\" ;;');
      // The reference ships inside the package (a bundled dependency), and the IAM checks read it there.
      expect(fs.existsSync(path.join(installed, 'node_modules', '@cloud-copilot', 'iam-data', 'data', 'actions', 's3.json'))).toBe(true);
      fs.writeFileSync(path.join(app, 'iam.js'), IAM_APP);
      const iam = spawnSync(process.execPath, ['iam.js'], { cwd: app, encoding: 'utf8' });
      expect(JSON.parse(iam.stdout)).toEqual([
        expect.stringMatching(/^GuardedPatterns-IamActionUnknown .*s3:GetObjects is not an action of s3.*@cloud-copilot\/iam-data 0\.21\.202609261/),
      ]);
      console.log(`package test, seconds per step: ${JSON.stringify(elapsed)}`);
    } finally {
      fs.rmSync(scratch, { recursive: true, force: true });
    }
  }, 300_000);
});
