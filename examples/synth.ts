/**
 * `npm run example`: synthesizes every example app through the CDK CLI, with no AWS credentials,
 * and prints where the templates went and what the checks reported. Exits non-zero when any
 * app fails to synthesize or any check fails.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

const examplesDir = __dirname;
const outRoot = path.join(examplesDir, 'cdk.out');
const cdk = require.resolve('aws-cdk/bin/cdk');

interface ReportedViolation {
  readonly ruleName: string;
  readonly severity?: string;
  readonly violatingConstructs?: Array<{ constructPath?: string }>;
}

interface ValidationReport {
  readonly pluginReports?: Array<{
    readonly pluginName: string;
    readonly conclusion: string;
    readonly violations: ReportedViolation[];
  }>;
}

const apps = fs.readdirSync(examplesDir)
  .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts') && f !== path.basename(__filename))
  .sort();

let failed = 0;
for (const file of apps) {
  const name = path.basename(file, '.ts');
  const out = path.join(outRoot, name);
  fs.rmSync(out, { recursive: true, force: true });
  console.log(`\n=== ${name}`);
  const result = spawnSync(process.execPath, [
    cdk, 'synth', '--quiet', '--ci',
    // Transpile-only: `npm test` type-checks the examples (its typecheck step), once for all of them.
    '--app', `npx ts-node --transpile-only --project ${path.join('..', 'test', 'tsconfig.json')} ${file}`,
    '--output', out,
  ], { cwd: examplesDir, stdio: 'inherit', env: { ...process.env, CDK_DISABLE_VERSION_CHECK: 'true', CDK_DISABLE_CLI_TELEMETRY: 'true' } });

  const templates = fs.existsSync(out) ? fs.readdirSync(out).filter((f) => f.endsWith('.template.json')) : [];
  for (const template of templates) {
    console.log(`template: ${path.relative(process.cwd(), path.join(out, template))}`);
  }
  const reportFile = path.join(out, 'validation-report.json');
  if (fs.existsSync(reportFile)) {
    const report = JSON.parse(fs.readFileSync(reportFile, 'utf8')) as ValidationReport;
    const plugins = report.pluginReports ?? [];
    console.log(`check report: ${path.relative(process.cwd(), reportFile)}: ${plugins.length === 0 ? 'no unacknowledged findings' : ''}`);
    for (const plugin of plugins) {
      console.log(`  ${plugin.pluginName}: ${plugin.conclusion}, ${plugin.violations.length} finding(s)`);
      for (const v of plugin.violations) {
        console.log(`    ${v.severity ?? ''} ${v.ruleName} at ${(v.violatingConstructs ?? []).map((c) => c.constructPath).join(', ')}`);
      }
    }
  }
  if (result.status !== 0 || templates.length === 0) {
    console.error(`${name}: synth failed (exit ${result.status})`);
    failed++;
  }
}

console.log(`\n${apps.length - failed} of ${apps.length} example apps synthesized with every check passing.`);
process.exit(failed === 0 ? 0 : 1);
