import * as fs from 'fs';
import * as path from 'path';
import { App, Stack, Validations, aws_ec2 as ec2 } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { GuardedPatternsChecks, PrivateSubnetVpc } from '../../src';
import { testApp, testStack } from '../util';

/**
 * The three ways of writing a check's ID in `Validations.of(scope).acknowledge({ id, reason })`,
 * as the README documents them: which of the two reports each one silences, a pattern's own
 * warning on its resources (an annotation, printed as `Annotation::GuardedPatterns-X`) and the
 * pack's violation on resources no pattern checks (printed as `GuardedPatterns::GuardedPatterns-X`).
 */
const CHECK = 'GuardedPatterns-VpcNatCrossAz';
const MESSAGE = Match.stringLikeRegexp('through a NAT gateway in another AZ');

/**
 * Two VPCs, each with one NAT gateway for its AZs: the pattern's, whose finding the pattern reports,
 * and a plain one, whose finding only the pack reports. The acknowledgement is on the stack, above both.
 */
function network(app: App, id: string | undefined): void {
  const stack = testStack(app);
  new PrivateSubnetVpc(stack, 'Network', { natGateways: 1 });
  new ec2.Vpc(stack, 'Plain', { natGateways: 1, maxAzs: 3 }).addFlowLog('FlowLog');
  if (id) {
    Validations.of(stack).acknowledge({ id, reason: 'A development account: one NAT gateway is enough.' });
  }
}

/** Whether the pattern's own warning is left, with no pack registered. */
function patternWarns(id: string | undefined): boolean {
  const app = testApp();
  network(app, id);
  const warnings = Annotations.fromStack(app.node.findChild('TestStack') as Stack).findWarning('*', MESSAGE);
  return warnings.some((warning) => warning.id.startsWith('/TestStack/Network/'));
}

/**
 * Whether the pack reports the plain VPC's finding, unacknowledged, when the app synthesizes with
 * it registered: among the violations of the validation report (acknowledged ones are listed apart,
 * as `suppressedViolations`), whether or not they fail the synth. The pattern's VPC is never among
 * them: the pattern reports its own finding, and the pack does not repeat it.
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
    pluginReports: Array<{ pluginName: string; violations: Array<{ ruleName: string; violatingConstructs: Array<{ constructPath: string }> }> }>;
  };
  const violating = report.pluginReports
    .filter((plugin) => plugin.pluginName === 'GuardedPatterns')
    .flatMap((plugin) => plugin.violations.filter((v) => v.ruleName === CHECK))
    .flatMap((v) => v.violatingConstructs.map((c) => c.constructPath));
  expect(violating.filter((constructPath) => constructPath.startsWith('TestStack/Network/'))).toEqual([]);
  return violating.some((constructPath) => constructPath.startsWith('TestStack/Plain/'));
}

describe('acknowledgement IDs', () => {
  test.each<[string, string | undefined, { pattern: boolean; pack: boolean }]>([
    ['nothing acknowledged: each reports its own', undefined, { pattern: true, pack: true }],
    [`'${CHECK}', as the README writes it: silences both`, CHECK, { pattern: false, pack: false }],
    [`'Annotation::${CHECK}', as the CLI prints the pattern's warning: silences both`, `Annotation::${CHECK}`, { pattern: false, pack: false }],
    [`'GuardedPatterns::${CHECK}', as the CLI prints the pack's finding: silences the pack's only`, `GuardedPatterns::${CHECK}`, { pattern: true, pack: false }],
  ])('%s', (_name, id, expected) => {
    expect({ pattern: patternWarns(id), pack: packReports(id) }).toEqual(expected);
  });
});
