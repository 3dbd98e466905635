import { aws_ec2 as ec2, aws_ecs as ecs } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { GuardedPatternsChecks, PrivateSubnetVpc } from '../../src';
import { findings, testApp, testStack } from '../util';

describe('GuardedPatternsChecks in the synth of an app', () => {
  /**
   * An app whose only finding of the pack is a warning (a plain VPC with one NAT gateway for three
   * AZs), with aws-cdk-lib's default for strictCfnValidateErrors (off), as a user's app has it: on,
   * it fails synth on any plugin's warning.
   */
  function warningOnlyApp(failOnWarnings?: boolean) {
    const pack = new GuardedPatternsChecks(undefined, { failOnWarnings });
    const app = testApp({ packs: [pack], context: { '@aws-cdk/core:strictCfnValidateErrors': false } });
    const stack = testStack(app);
    new ec2.Vpc(stack, 'Plain', { natGateways: 1, maxAzs: 3 }).addFlowLog('FlowLog');
    return { app, stack, pack };
  }

  test('warnings are reported and do not fail synth', () => {
    // GIVEN
    const { app, stack, pack } = warningOnlyApp();

    // WHEN
    const report = pack.validateScope(stack);

    // THEN: the warning is in the report, the report succeeds, and so does the app's synth.
    expect(findings(pack, stack).map((f) => `${f.rule} ${f.severity}`)).toEqual(['GuardedPatterns-VpcNatCrossAz warning']);
    expect(report.success).toBe(true);
    expect(() => app.synth()).not.toThrow();
  });

  test('failOnWarnings makes a warning fail synth', () => {
    // GIVEN
    const { app, stack, pack } = warningOnlyApp(true);

    // THEN
    expect(pack.validateScope(stack).success).toBe(false);
    expect(() => app.synth()).toThrow(/GuardedPatterns-VpcNatCrossAz/);
  });

  test('an error fails synth', () => {
    // GIVEN: an IPv4 VPC CIDR AWS refuses (/15): VpcCidrSize is an error.
    const pack = new GuardedPatternsChecks();
    const app = testApp({ packs: [pack] });
    const stack = testStack(app);
    new ec2.CfnVPC(stack, 'Raw', { cidrBlock: '10.0.0.0/15' });

    // THEN
    expect(pack.validateScope(stack).success).toBe(false);
    expect(() => app.synth()).toThrow(/GuardedPatterns-VpcCidrSize/);
  });
});

describe('one finding, once', () => {
  test('a finding the pattern reports on its own resources is not reported again by the pack; the same finding elsewhere is', () => {
    // GIVEN: the pattern and a plain VPC, each with one NAT gateway for three AZs.
    const app = testApp();
    const stack = testStack(app);
    new PrivateSubnetVpc(stack, 'Network', { natGateways: 1 });
    new ec2.Vpc(stack, 'Plain', { natGateways: 1, maxAzs: 3 }).addFlowLog('FlowLog');

    // WHEN
    const found = findings(new GuardedPatternsChecks(), stack).filter((f) => f.rule === 'GuardedPatterns-VpcNatCrossAz');

    // THEN: the pack names only the plain VPC's subnets; the pattern warns on its own.
    expect(found.length).toBeGreaterThan(0);
    expect(found.every((f) => f.path.startsWith('TestStack/Plain/'))).toBe(true);
    app.synth();
    const warnings = stack.node.findAll().flatMap((c) => c.node.metadata)
      .filter((m) => m.type === 'aws:cdk:warning' && String(m.data).includes('GuardedPatterns-VpcNatCrossAz'));
    expect(warnings.length).toBeGreaterThan(0);
  });

  test('a VPC without flow logs is left to AwsSolutions-VPC7, a Fargate CPU/memory pair to aws-cdk-lib\'s E3047', () => {
    // GIVEN: both mistakes in a plain app.
    const app = testApp();
    const stack = testStack(app);
    new ec2.CfnVPC(stack, 'Unlogged', { cidrBlock: '10.1.0.0/16' });
    new ecs.CfnTaskDefinition(stack, 'Task', {
      requiresCompatibilities: ['FARGATE'],
      networkMode: 'awsvpc',
      cpu: '256',
      memory: '4096',
      containerDefinitions: [{ name: 'app', image: 'public.ecr.aws/docker/library/busybox:stable', essential: true }],
    });

    // WHEN
    const rules = findings(new GuardedPatternsChecks(), stack).map((f) => f.rule);

    // THEN: the pack does not say it again; the others do, and the catalogue names them.
    expect(findings(new AwsSolutionsChecks(), stack).filter((f) => f.rule === 'AwsSolutions-VPC7').map((f) => f.path)).toEqual(['TestStack/Unlogged']);
    expect(() => app.synth()).toThrow(/E3047/);
    expect(rules).not.toContain('GuardedPatterns-VpcFlowLogsMissing');
    expect(rules).not.toContain('GuardedPatterns-FargateCpuMemory');
    const catalogue = GuardedPatternsChecks.catalogue();
    expect(catalogue.find((c) => c.id === 'GuardedPatterns-VpcFlowLogsMissing')?.alsoReportedBy).toEqual(['AwsSolutions-VPC7']);
    expect(catalogue.find((c) => c.id === 'GuardedPatterns-FargateCpuMemory')?.alsoReportedBy).toEqual(['CloudFormation-Validate::E3047']);
  });
});
