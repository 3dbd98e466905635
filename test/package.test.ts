import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const root = path.join(__dirname, '..');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

/** A user's app, in plain JavaScript, that imports the installed package by name. */
const USER_APP = `
const { App, Stack, Validations, aws_iam: iam } = require('aws-cdk-lib');
const { AwsSolutionsChecks } = require('cdk-nag');
const { GuardedPatternsChecks, PrivateSubnetVpc, SecureS3Cdn } = require('cdk-guarded-patterns');

const app = new App({ context: { 'availability-zones:account=111111111111:region=us-east-1': ['us-east-1a', 'us-east-1b', 'us-east-1c'] } });
Validations.of(app).addPlugins(new GuardedPatternsChecks(app), new AwsSolutionsChecks(app));
const stack = new Stack(app, 'UserStack', { env: { account: '111111111111', region: 'us-east-1' } });
new PrivateSubnetVpc(stack, 'Network');
// A pattern with a bundled handler: its asset must ship in the package.
const cdn = new SecureS3Cdn(stack, 'Cdn', { uploads: {} });
Validations.of(cdn).acknowledge(
  { id: 'AwsSolutions-CFR1', reason: 'Files for every country: no geo restriction.' },
  { id: 'AwsSolutions-CFR2', reason: 'A web ACL is the owner\\'s choice; this app serves public files.' },
);
app.synth();

// The IAM checks read the Service Authorization Reference bundled in the package.
const other = new Stack(new App(), 'IamStack');
const role = new iam.Role(other, 'Role', { assumedBy: new iam.AccountRootPrincipal() });
role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['s3:GetObjects'], resources: ['arn:aws:s3:::bucket/key'] }));
const report = new GuardedPatternsChecks().validateScope(other);
require('fs').writeFileSync('iam-findings.json', JSON.stringify(report.violations.map((v) => v.ruleName + ' ' + v.description)));
`;

describe('the npm package', () => {
  test('installs into a scratch app and synthesizes there, as a user would', () => {
    // `npm test` compiles with jsii first, so lib/ and .jsii are current.
    const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-guarded-patterns-user-'));
    try {
      // What `npx projen package:js` does: jsii-pacmak's JavaScript target, the tarball npm publishes.
      const dist = path.join(scratch, 'dist');
      execFileSync(path.join(root, 'node_modules', '.bin', 'jsii-pacmak'), ['--target', 'js', '--outdir', dist], { cwd: root, stdio: 'pipe' });
      const packed = fs.readdirSync(path.join(dist, 'js')).filter((f) => f.endsWith('.tgz'));
      expect(packed).toHaveLength(1);
      const tarball = path.join(dist, 'js', packed[0]);
      const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
      fs.writeFileSync(path.join(scratch, 'package.json'), JSON.stringify({
        name: 'user-app',
        private: true,
        dependencies: {
          'cdk-guarded-patterns': `file:${tarball}`,
          'aws-cdk-lib': pkg.devDependencies['aws-cdk-lib'],
          'constructs': pkg.devDependencies.constructs,
          'cdk-nag': pkg.devDependencies['cdk-nag'],
        },
      }));
      execFileSync(npm, ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: scratch, stdio: 'pipe' });
      fs.writeFileSync(path.join(scratch, 'app.js'), USER_APP);
      execFileSync(process.execPath, ['app.js'], { cwd: scratch, env: { ...process.env, CDK_OUTDIR: path.join(scratch, 'cdk.out') }, stdio: 'pipe' });

      const template = JSON.parse(fs.readFileSync(path.join(scratch, 'cdk.out', 'UserStack.template.json'), 'utf8'));
      const types = Object.values(template.Resources as Record<string, { Type: string }>).map((r) => r.Type);
      expect(types.filter((t) => t === 'AWS::EC2::NatGateway')).toHaveLength(3);
      expect(types).toContain('AWS::EC2::FlowLog');
      expect(types).toContain('AWS::Lambda::Url');
      const assetDirs = fs.readdirSync(path.join(scratch, 'cdk.out')).filter((f) => f.startsWith('asset.'));
      expect(assetDirs.some((dir) => fs.existsSync(path.join(scratch, 'cdk.out', dir, 'index.js')))).toBe(true);
      // The package holds the compiled library and its jsii assembly, not the sources or tests.
      const installed = path.join(scratch, 'node_modules', 'cdk-guarded-patterns');
      expect(fs.existsSync(path.join(installed, '.jsii'))).toBe(true);
      expect(fs.existsSync(path.join(installed, 'lib', 'index.js'))).toBe(true);
      expect(fs.existsSync(path.join(installed, 'test'))).toBe(false);
      // The reference ships inside the package (a bundled dependency), and the IAM checks read it there.
      expect(fs.existsSync(path.join(installed, 'node_modules', '@cloud-copilot', 'iam-data', 'data', 'actions', 's3.json'))).toBe(true);
      expect(JSON.parse(fs.readFileSync(path.join(scratch, 'iam-findings.json'), 'utf8'))).toEqual([
        expect.stringMatching(/^GuardedPatterns-IamActionUnknown .*s3:GetObjects is not an action of s3.*@cloud-copilot\/iam-data 0\.21\.202609261/),
      ]);
      expect(fs.existsSync(path.join(installed, 'examples'))).toBe(false);
      // The sources the compiled files' source maps name are there too.
      expect(fs.existsSync(path.join(installed, 'src', 'private', 'errors.ts'))).toBe(true);
    } finally {
      fs.rmSync(scratch, { recursive: true, force: true });
    }
  }, 300_000);
});
