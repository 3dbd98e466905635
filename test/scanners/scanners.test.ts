/**
 * Two scanners the project did not write, over every example app and a representative variant of
 * each pattern: cfn-lint (the CloudFormation linter) and AWS Control Tower's proactive controls
 * (the cfn-guard rules that @cdklabs/cdk-validator-cfnguard bundles, which Control Tower runs as
 * CloudFormation Hooks).
 */
import { ExampleTemplate, synthesizeExamples } from './examples';
import { ControlFinding, LintFinding, Owner, ownerOf, runCfnLint, runControlTower } from './scan';
import { VariantTemplate, synthesizeVariants } from './variants';
import { CONTROL_EXCEPTIONS } from '../../scripts/controls';

/**
 * cfn-lint warnings accepted on resources that aws-cdk-lib shapes itself, or on an example's own
 * resources: the rule, where it is accepted (the pattern, or any owner when none is given, and the
 * resource's construct path below it), and why.
 */
const ACCEPTED_LINT_WARNINGS: Array<{ rule: string; pattern?: string; resource: RegExp; reason: string }> = [
  {
    rule: 'W3010',
    pattern: 'PrivateSubnetVpc',
    resource: /Subnet\d+\/(Subnet|NatInstance)$/,
    reason: 'Availability zone names in an environment-specific stack: aws-cdk-lib writes the names it looked up for the '
      + 'account and region (cdk.context.json), on purpose; the template is made for that one account and region.',
  },
  {
    rule: 'W3005',
    pattern: 'PrivateSubnetVpc',
    resource: /^Custom::VpcRestrictDefaultSGCustomResourceProvider\/Handler$/,
    reason: 'aws-cdk-lib\'s custom-resource provider (restrictDefaultSecurityGroup) declares DependsOn its role as well as GetAtt of it.',
  },
  {
    rule: 'W3005',
    pattern: 'SecureFargateService',
    resource: /^Service\/Service$/,
    reason: 'aws-cdk-lib\'s ECS service, registered as a load balancer target (service.loadBalancerTarget with listener.addTargets), '
      + 'declares DependsOn its target group as well as Ref of it; a plain aws-cdk-lib app does the same.',
  },
  {
    rule: 'W3005',
    resource: /^AWS679f53fac002430cb0da5b7982bd2287$/,
    reason: 'aws-cdk-lib\'s function behind every AwsCustomResource of a stack (here SecureFargateService\'s lookup of CloudFront\'s origin-facing prefix list), '
      + 'at the stack\'s root, declares DependsOn its role as well as GetAtt of it.',
  },
  {
    rule: 'W3045',
    resource: /^Assets$/,
    reason: 'The Fargate example\'s own bucket, not a pattern\'s: with serverAccessLogsPrefix and without the feature flag '
      + '@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy, aws-cdk-lib grants S3 log delivery with the LogDeliveryWrite ACL.',
  },
];

/**
 * Control Tower findings on resources that the example apps create themselves, outside any
 * pattern: the example, the resource and the controls.
 */
const EXAMPLE_OWN_RESOURCES: Array<{ example: string; resource: string; controls: string[]; reason: string }> = [
  {
    example: 'secret-rotation-recycler',
    resource: 'ApiLogs',
    controls: ['CT.CLOUDWATCH.PR.3'],
    reason: 'The example\'s own log group for a plain ECS service, encrypted by CloudWatch Logs.',
  },
  {
    example: 'secret-rotation-recycler',
    resource: 'ApiTask',
    controls: ['CT.ECS.PR.3', 'CT.ECS.PR.6', 'CT.ECS.PR.7'],
    reason: 'The example\'s own plain task definition (the service the recycler watches): image user, writable root filesystem, no container memory limit.',
  },
  {
    example: 'secure-fargate-service',
    resource: 'Assets',
    controls: ['CT.S3.PR.4', 'CT.S3.PR.5', 'CT.S3.PR.6', 'CT.S3.PR.9', 'CT.S3.PR.10', 'CT.S3.PR.11'],
    reason: 'The example\'s own assets bucket, which shows how a task role reads a bucket.',
  },
];

interface Scanned {
  readonly examples: ExampleTemplate[];
  readonly variants: VariantTemplate[];
  readonly lint: LintFinding[];
  readonly controls: ControlFinding[];
}

let scanned: Scanned;

// Synthesizing seven example apps and eighteen variants, then both scanners, takes about two
// minutes of CPU; the time limit leaves room for a busy machine.
beforeAll(async () => {
  const examples = synthesizeExamples();
  const variants = synthesizeVariants();
  // cfn-lint runs in its own process while cfn-guard runs through the plugin.
  const lint = runCfnLint([...examples, ...variants].map((t) => t.templatePath));
  const controls = runControlTower(examples.map((t) => t.templatePath));
  scanned = { examples, variants, lint: await lint, controls };
}, 900_000);

function owner(templatePath: string, logicalId: string): Owner {
  const template = [...scanned.examples, ...scanned.variants].find((t) => t.templatePath === templatePath);
  if (!template) {
    throw new Error(`a finding in ${templatePath}, which this test did not synthesize`);
  }
  return ownerOf(templatePath, logicalId, template.patterns);
}

function describeOwner(o: Owner): string {
  return `${o.pattern ?? '(no pattern)'} ${o.resource}`;
}

describe('cfn-lint', () => {
  test('scans every example app and every variant', () => {
    expect(scanned.examples.length).toBeGreaterThanOrEqual(7);
    expect(scanned.variants.length).toBeGreaterThanOrEqual(15);
  });

  test('reports no error', () => {
    const errors = scanned.lint.filter((f) => f.level === 'Error');
    expect(errors.map((f) => `${f.rule} ${f.templatePath} ${f.logicalId}: ${f.message}`)).toEqual([]);
  });

  test('reports no warning that is not accepted above', () => {
    const unexpected = scanned.lint
      .filter((f) => f.level !== 'Error')
      .filter((f) => {
        const o = f.logicalId ? owner(f.templatePath, f.logicalId) : undefined;
        return !ACCEPTED_LINT_WARNINGS.some((a) => a.rule === f.rule
          && (a.pattern === undefined || a.pattern === o?.pattern)
          && (a.resource === undefined || (o !== undefined && a.resource.test(o.resource))));
      })
      .map((f) => `${f.rule} on ${f.logicalId ? describeOwner(owner(f.templatePath, f.logicalId)) : '(template)'}: ${f.message}`);
    expect([...new Set(unexpected)]).toEqual([]);
  });

  test('every accepted warning is still reported', () => {
    const stale = ACCEPTED_LINT_WARNINGS.filter((a) => !scanned.lint.some((f) => {
      const o = f.logicalId ? owner(f.templatePath, f.logicalId) : undefined;
      return f.rule === a.rule && (a.pattern === undefined || a.pattern === o?.pattern)
        && (a.resource === undefined || (o !== undefined && a.resource.test(o.resource)));
    }));
    expect(stale.map((a) => `${a.rule} ${a.pattern ?? ''} ${a.resource ?? ''}`)).toEqual([]);
  });
});

describe('AWS Control Tower proactive controls', () => {
  /** Each finding with its owner; one on no resource stays without a pattern and matches nothing listed. */
  function located(): Array<ControlFinding & Owner & { example: string }> {
    return scanned.controls.map((f) => ({
      ...f,
      ...(f.logicalId ? owner(f.templatePath, f.logicalId) : { resource: '(no resource named)' }),
      example: scanned.examples.find((t) => t.templatePath === f.templatePath)!.example,
    }));
  }

  test('every control an example fails is in the README table or on a resource the example creates itself', () => {
    const unexplained = located().filter((f) => f.pattern
      ? !CONTROL_EXCEPTIONS.some((e) => e.control === f.control && e.pattern === f.pattern && e.resources.includes(f.resource))
      : !EXAMPLE_OWN_RESOURCES.some((e) => e.example === f.example && e.resource === f.resource && e.controls.includes(f.control))
        && !CONTROL_EXCEPTIONS.some((e) => e.control === f.control && e.example === f.example && e.resources.includes(f.resource)));
    expect([...new Set(unexplained.map((f) => `${f.control} on ${describeOwner(f)} (${f.example})`))].sort()).toEqual([]);
  });

  test('every row of the README table still fails in some example', () => {
    const findings = located();
    const stale = CONTROL_EXCEPTIONS.flatMap((e) => e.resources
      .filter((r) => !findings.some((f) => f.control === e.control && f.pattern === e.pattern && f.resource === r
        && (e.example === undefined || f.example === e.example)))
      .map((r) => `${e.control} on ${e.pattern ?? e.example} ${r}`));
    expect(stale).toEqual([]);
  });

  test('every example resource listed still fails', () => {
    const findings = located();
    const stale = EXAMPLE_OWN_RESOURCES.flatMap((e) => e.controls
      .filter((c) => !findings.some((f) => !f.pattern && f.example === e.example && f.resource === e.resource && f.control === c))
      .map((c) => `${c} on ${e.example} ${e.resource}`));
    expect(stale).toEqual([]);
  });
});
