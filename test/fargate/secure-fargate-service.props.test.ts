import { aws_certificatemanager as acm, aws_ecr as ecr, aws_ecs as ecs } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as fc from 'fast-check';
import { PrivateSubnetVpc, SecureFargateService } from '../../src';
import { FARGATE_CPUS, fargateMemoryFor } from '../../src/checks/fargate/fargate-cpu-memory';
import { testStack } from '../util';

/** A clear error names the pattern, its path and the prop. */
const CLEAR_ERROR = /^SecureFargateService 'TestStack\/Web': (cpu|memoryLimitMiB|containerPort|healthCheckPort|desiredCount|healthCheckPath|allowedCidrs|without a certificate) /;

const anyCpu = fc.oneof(
  { arbitrary: fc.constantFrom(...FARGATE_CPUS), weight: 4 },
  { arbitrary: fc.integer({ min: 0, max: 20000 }), weight: 1 },
);
/** Memory that often fits the CPU, sometimes not. */
const anyMemory = (cpu: number) => fc.oneof(
  { arbitrary: fargateMemoryFor(cpu).length > 0 ? fc.constantFrom(...fargateMemoryFor(cpu)) : fc.constant(512), weight: 4 },
  { arbitrary: fc.integer({ min: 0, max: 130000 }), weight: 1 },
);
const anyPort = fc.oneof(
  { arbitrary: fc.integer({ min: 1024, max: 65535 }), weight: 4 },
  { arbitrary: fc.integer({ min: -10, max: 70000 }), weight: 1 },
);
const anyCount = fc.oneof(
  { arbitrary: fc.integer({ min: 2, max: 10 }), weight: 4 },
  { arbitrary: fc.oneof(fc.integer({ min: -3, max: 1 }), fc.double({ min: 0, max: 5, noNaN: true })), weight: 1 },
);
const octet = fc.integer({ min: 0, max: 255 });
const anyCidr = fc.oneof(
  { arbitrary: fc.constantFrom('0.0.0.0/0', '10.0.0.0/8', '203.0.113.0/24', '198.51.100.7/32'), weight: 4 },
  { arbitrary: fc.tuple(octet, octet, octet, octet, fc.integer({ min: 0, max: 40 })).map(([a, b, c, d, m]) => `${a}.${b}.${c}.${d}/${m}`), weight: 1 },
  { arbitrary: fc.string({ maxLength: 12 }), weight: 1 },
);
const anyPath = fc.oneof({ arbitrary: fc.constantFrom('/', '/health', '/api/ping'), weight: 4 }, { arbitrary: fc.string({ maxLength: 10 }), weight: 1 });

describe('SecureFargateService with random props', () => {
  test('either synthesizes a template CloudFormation accepts, or fails with a clear error', () => {
    const outcomes = { synthesized: 0, refused: 0 };
    fc.assert(fc.property(
      anyCpu.chain((cpu) => fc.tuple(fc.constant(cpu), anyMemory(cpu))),
      anyPort,
      fc.option(anyPort, { nil: undefined, freq: 3 }),
      anyCount,
      fc.option(fc.array(anyCidr, { minLength: 0, maxLength: 3 }), { nil: undefined, freq: 3 }),
      anyPath,
      fc.boolean(),
      ([cpu, memoryLimitMiB], containerPort, healthCheckPort, desiredCount, allowedCidrs, healthCheckPath, withCertificate) => {
        const stack = testStack();
        const network = new PrivateSubnetVpc(stack, 'Network', { maxAzs: 2 });
        const image = ecs.ContainerImage.fromEcrRepository(ecr.Repository.fromRepositoryName(stack, 'Repository', 'app'));
        const certificate = withCertificate
          ? acm.Certificate.fromCertificateArn(stack, 'Certificate', 'arn:aws:acm:us-east-1:111111111111:certificate/11111111-2222-3333-4444-555555555555')
          : undefined;
        let web: SecureFargateService;
        try {
          web = new SecureFargateService(stack, 'Web', {
            vpc: network.vpc, image, certificate, cpu, memoryLimitMiB, containerPort, healthCheckPort, desiredCount, healthCheckPath, allowedCidrs,
          });
        } catch (e) {
          expect((e as Error).name).toBe('GuardedPatternsError');
          expect((e as Error).message).toMatch(CLEAR_ERROR);
          outcomes.refused++;
          return;
        }
        // Strict CloudFormation validation runs in Template.fromStack: it throws on a bad template.
        const template = Template.fromStack(stack);
        template.hasResourceProperties('AWS::ECS::TaskDefinition', { Cpu: String(cpu), Memory: String(memoryLimitMiB) });
        template.hasResourceProperties('AWS::ECS::Service', { DesiredCount: desiredCount });
        expect(web.certificate === undefined).toBe(!withCertificate);
        outcomes.synthesized++;
      },
    ), { numRuns: 40 });
    // Both paths were exercised: the generators are not all-bad or all-good.
    expect(outcomes.synthesized).toBeGreaterThan(0);
    expect(outcomes.refused).toBeGreaterThan(0);
  });
});
