import * as fs from 'fs';
import * as path from 'path';
import { App, Validations } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { GuardedPatternsChecks, PrivateSubnetVpc } from '../../src';
import { testApp, testStack } from '../util';

/**
 * The three ways of writing a check's ID in `Validations.of(scope).acknowledge({ id, reason })`,
 * as the README documents them: which of the two reports of one finding each one silences, the
 * pattern's own warning (an annotation, printed as `Annotation::GuardedPatterns-X`) and the
 * pack's violation (printed as `GuardedPatterns::GuardedPatterns-X`).
 */
const CHECK = 'GuardedPatterns-VpcNatCrossAz';
const MESSAGE = Match.stringLikeRegexp('through a NAT gateway in another AZ');

/** A VPC whose single NAT gateway both the pattern and the pack report. */
function network(app: App, id: string | undefined): void {
  const vpc = new PrivateSubnetVpc(testStack(app), 'Network', { natGateways: 1 });
  if (id) {
    Validations.of(vpc).acknowledge({ id, reason: 'A development VPC: one NAT gateway is enough.' });
  }
}

/** Whether the pattern's own warning is left, with no pack registered. */
function patternWarns(id: string | undefined): boolean {
  const app = testApp();
  network(app, id);
  return Annotations.fromStack(app.node.findChild('TestStack') as any).findWarning('*', MESSAGE).length > 0;
}

/**
 * Whether the pack reports the finding, unacknowledged, when the app synthesizes with it
 * registered: among the violations of the validation report (acknowledged ones are listed apart,
 * as `suppressedViolations`), whether or not they fail the synth.
 */
function packReports(id: string | undefined): boolean {
  const app = testApp({ packs: [new GuardedPatternsChecks()] });
  network(app, id);
  try {
    app.synth();
  } catch {
    // Read from the report below.
  }
  const report = JSON.parse(fs.readFileSync(path.join(app.outdir, 'validation-report.json'), 'utf8')) as {
    pluginReports: Array<{ pluginName: string; violations: Array<{ ruleName: string }> }>;
  };
  return report.pluginReports.some((plugin) => plugin.pluginName === 'GuardedPatterns' && plugin.violations.some((v) => v.ruleName === CHECK));
}

describe('acknowledgement IDs', () => {
  test.each<[string, string | undefined, { pattern: boolean; pack: boolean }]>([
    ['nothing acknowledged: both report it', undefined, { pattern: true, pack: true }],
    [`'${CHECK}', as the README writes it: silences both`, CHECK, { pattern: false, pack: false }],
    [`'Annotation::${CHECK}', as the CLI prints the pattern's warning: silences both`, `Annotation::${CHECK}`, { pattern: false, pack: false }],
    [`'GuardedPatterns::${CHECK}', as the CLI prints the pack's finding: silences the pack's only`, `GuardedPatterns::${CHECK}`, { pattern: true, pack: false }],
  ])('%s', (_name, id, expected) => {
    expect({ pattern: patternWarns(id), pack: packReports(id) }).toEqual(expected);
  });
});
