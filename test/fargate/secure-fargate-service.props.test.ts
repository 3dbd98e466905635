import { aws_certificatemanager as acm, aws_ec2 as ec2, aws_ecr as ecr, aws_ecs as ecs, aws_logs as logs, aws_route53 as route53, aws_secretsmanager as secretsmanager, aws_ssm as ssm } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as fc from 'fast-check';
import { PrivateSubnetVpc, SecureFargateService } from '../../src';
import * as ipv4 from '../props/ipv4';
import { Outcomes, Verdict, expectReached, holdToModel, propertyParameters } from '../props/settings';
import { testStack } from '../util';

/**
 * Fargate's task sizes, from AWS's table: CPU units to the memory sizes (MiB) allowed with them,
 * as first, last and step.
 * @see https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-tasks-services.html#fargate-tasks-size
 */
const FARGATE_TABLE: Record<number, [number, number, number]> = {
  256: [512, 2048, 512],
  512: [1024, 4096, 1024],
  1024: [2048, 8192, 1024],
  2048: [4096, 16384, 1024],
  4096: [8192, 30720, 1024],
  8192: [16384, 61440, 4096],
  16384: [32768, 122880, 8192],
};

function fargateAccepts(cpu: number, memory: number): boolean {
  const row = FARGATE_TABLE[cpu];
  if (!row) {
    return false;
  }
  const [first, last, step] = row;
  // 256 CPU units take 512, 1024 or 2048 MiB: not 1536.
  const allowed = cpu === 256 ? [512, 1024, 2048] : Array.from({ length: (last - first) / step + 1 }, (_, i) => first + i * step);
  return allowed.includes(memory);
}

const CPUS = Object.keys(FARGATE_TABLE).map(Number);
const anyCpu = fc.oneof({ arbitrary: fc.constantFrom(...CPUS), weight: 4 }, { arbitrary: fc.integer({ min: 0, max: 20000 }), weight: 1 });
/** Memory drawn from the CPU's own row (sometimes off its step), or anything. */
const anyMemory = (cpu: number) => {
  const row = FARGATE_TABLE[cpu] ?? [512, 2048, 512];
  return fc.oneof(
    { arbitrary: fc.integer({ min: 0, max: (row[1] - row[0]) / 512 }).map((i) => row[0] + i * 512), weight: 4 },
    { arbitrary: fc.integer({ min: 0, max: 130000 }), weight: 1 },
  );
};
const anyPort = fc.oneof(
  { arbitrary: fc.integer({ min: 1, max: 65535 }), weight: 6 },
  { arbitrary: fc.oneof(fc.integer({ min: -10, max: 70000 }), fc.double({ min: 0, max: 9000, noNaN: true })), weight: 1 },
);
const anyCount = fc.oneof(
  { arbitrary: fc.integer({ min: 1, max: 10 }), weight: 4 },
  { arbitrary: fc.oneof(fc.integer({ min: -3, max: 1 }), fc.double({ min: 0, max: 5, noNaN: true })), weight: 1 },
);
const octet = fc.integer({ min: 0, max: 255 });
const anyCidr = fc.oneof(
  { arbitrary: fc.constantFrom('0.0.0.0/0', '10.0.0.0/8', '203.0.113.0/24', '198.51.100.7/32'), weight: 4 },
  { arbitrary: fc.tuple(octet, octet, octet, octet, fc.integer({ min: 0, max: 40 })).map(([a, b, c, d, m]) => `${a}.${b}.${c}.${d}/${m}`), weight: 1 },
  { arbitrary: fc.string({ maxLength: 12 }), weight: 1 },
);
const anyPath = fc.oneof(
  { arbitrary: fc.constantFrom('/', '/health', '/api/ping'), weight: 4 },
  { arbitrary: fc.oneof(fc.string({ maxLength: 10 }), fc.constant('/a b')), weight: 1 },
);

/** How the service reaches its secrets: none, Secrets Manager, a pinned version, a Parameter Store parameter. */
type SecretKind = 'secrets-manager' | 'pinned' | 'parameter';
/** Where the service runs: subnets with NAT, isolated subnets (endpoints), or an imported VPC. */
type NetworkKind = 'nat' | 'isolated' | 'imported';
type TaskSubnets = 'default' | ec2.SubnetType;

interface Choice {
  readonly network: NetworkKind;
  readonly useCluster: boolean;
  readonly alsoVpc: boolean;
  readonly cpu: number;
  readonly memory: number;
  readonly containerPort: number | undefined;
  readonly healthCheckPort: number | undefined;
  readonly desiredCount: number | undefined;
  readonly allowedCidrs: string[] | undefined;
  readonly healthCheckPath: string | undefined;
  readonly https: 'none' | 'certificate' | 'zone' | 'name-only' | 'zone-only';
  readonly secrets: SecretKind[];
  readonly recycle: boolean | undefined;
  readonly taskSubnets: TaskSubnets;
  readonly logs: 'default' | 'retention' | 'group' | 'group-and-retention';
}

function model(c: Choice) {
  const verdict = new Verdict();
  verdict.refuse(c.useCluster && c.alsoVpc, 'vpc', 'cluster');
  const port = (p: number) => !Number.isInteger(p) || p < 1 || p > 65535;
  verdict.refuse(port(c.containerPort ?? 8080), 'containerPort');
  // The default user is not root, and only root may bind a port below 1024.
  verdict.refuse(!port(c.containerPort ?? 8080) && (c.containerPort ?? 8080) < 1024, 'containerPort', 'user');
  verdict.refuse(c.healthCheckPort !== undefined && port(c.healthCheckPort), 'healthCheckPort');
  verdict.refuse(!fargateAccepts(c.cpu, c.memory), 'cpu', 'memoryLimitMiB');
  const desired = c.desiredCount ?? 2;
  verdict.refuse(!Number.isInteger(desired) || desired < 1, 'desiredCount');
  // A load balancer health check path is an absolute path.
  verdict.refuse(!/^\/\S*$/.test(c.healthCheckPath ?? '/'), 'healthCheckPath');
  verdict.refuse(c.logs === 'group-and-retention', 'logRetention');
  verdict.refuse(c.https === 'name-only' || c.https === 'zone-only', 'domainName', 'hostedZone');
  const allowed = c.allowedCidrs ?? ['0.0.0.0/0'];
  verdict.refuse(allowed.length === 0 || allowed.some((a) => ipv4.block(a) === undefined), 'allowedCidrs');
  // With neither a certificate, a domain nor allowedCidrs, the front end is CloudFront, which serves HTTPS on its own domain.
  const cloudFront = c.https === 'none' && c.allowedCidrs === undefined;
  // Plain HTTP to the whole internet from a public load balancer is what the pattern exists to prevent.
  verdict.refuse(!cloudFront && (c.https === 'none' || c.https === 'name-only') && allowed.includes('0.0.0.0/0'), 'allowedCidrs');
  // Tasks never run in public subnets, nor in subnets the VPC does not have.
  const has: Record<NetworkKind, ec2.SubnetType[]> = {
    nat: [ec2.SubnetType.PUBLIC, ec2.SubnetType.PRIVATE_WITH_EGRESS],
    isolated: [ec2.SubnetType.PUBLIC, ec2.SubnetType.PRIVATE_ISOLATED],
    imported: [ec2.SubnetType.PUBLIC, ec2.SubnetType.PRIVATE_WITH_EGRESS],
  };
  if (c.taskSubnets !== 'default') {
    verdict.refuse(c.taskSubnets === ec2.SubnetType.PUBLIC || !has[c.network].includes(c.taskSubnets), 'taskSubnets');
  }
  // Recycling on a change needs a secret that can change.
  verdict.refuse(c.recycle === true && !c.secrets.some((s) => s !== 'pinned'), 'recycleOnSecretChange');
  return verdict.expected;
}

const CERTIFICATE_ARN = 'arn:aws:acm:us-east-1:111111111111:certificate/11111111-2222-3333-4444-555555555555';

type Rest = Omit<Choice, 'cpu' | 'memory'>;
const VALID: Rest = {
  network: 'nat',
  useCluster: false,
  alsoVpc: false,
  containerPort: undefined,
  healthCheckPort: undefined,
  desiredCount: undefined,
  allowedCidrs: undefined,
  healthCheckPath: undefined,
  https: 'certificate',
  secrets: [],
  recycle: undefined,
  taskSubnets: 'default',
  logs: 'default',
};
/** Run on every seed: one thing changed from valid props, for each branch that matters. */
const EXAMPLES: Array<[[number, number], Rest]> = [
  [[256, 512], VALID],
  [[512, 3072], { ...VALID, network: 'isolated', secrets: ['parameter', 'secrets-manager'], https: 'zone' }],
  [[1024, 2048], { ...VALID, network: 'imported', useCluster: true, taskSubnets: ec2.SubnetType.PRIVATE_WITH_EGRESS, logs: 'group' }],
  [[256, 1536], VALID],
  [[8192, 20480], VALID],
  [[256, 512], { ...VALID, network: 'nat', taskSubnets: ec2.SubnetType.PRIVATE_ISOLATED }],
  [[256, 512], { ...VALID, network: 'isolated', taskSubnets: ec2.SubnetType.PRIVATE_WITH_EGRESS }],
  [[256, 512], { ...VALID, taskSubnets: ec2.SubnetType.PUBLIC }],
  [[256, 512], { ...VALID, secrets: ['pinned'], recycle: true }],
  [[256, 512], { ...VALID, https: 'none' }],
  [[256, 512], { ...VALID, https: 'none', allowedCidrs: ['0.0.0.0/0'] }],
  [[256, 512], { ...VALID, https: 'none', allowedCidrs: ['10.0.0.0/8'] }],
  [[256, 512], { ...VALID, logs: 'group-and-retention' }],
  [[256, 512], { ...VALID, useCluster: true, alsoVpc: true }],
  [[256, 512], { ...VALID, containerPort: 80 }],
];

describe('SecureFargateService with random props', () => {
  test('builds a template exactly when the model accepts the props, and otherwise names the prop at fault', () => {
    const outcomes: Outcomes = { synthesized: 0, refused: 0 };
    fc.assert(fc.property(
      anyCpu.chain((cpu) => fc.tuple(fc.constant(cpu), anyMemory(cpu))),
      fc.record<Rest>({
        network: fc.constantFrom<NetworkKind>('nat', 'isolated', 'imported'),
        useCluster: fc.boolean(),
        alsoVpc: fc.oneof({ arbitrary: fc.constant(false), weight: 6 }, { arbitrary: fc.constant(true), weight: 1 }),
        containerPort: fc.option(anyPort, { nil: undefined }),
        healthCheckPort: fc.option(anyPort, { nil: undefined, freq: 3 }),
        desiredCount: fc.option(anyCount, { nil: undefined }),
        allowedCidrs: fc.option(fc.array(anyCidr, { maxLength: 3 }), { nil: undefined, freq: 3 }),
        healthCheckPath: fc.option(anyPath, { nil: undefined }),
        https: fc.oneof(
          { arbitrary: fc.constantFrom<Choice['https']>('certificate', 'zone'), weight: 6 },
          { arbitrary: fc.constantFrom<Choice['https']>('none', 'name-only', 'zone-only'), weight: 2 },
        ),
        secrets: fc.array(fc.constantFrom<SecretKind>('secrets-manager', 'pinned', 'parameter'), { maxLength: 2 }),
        recycle: fc.constantFrom(undefined, true, false),
        taskSubnets: fc.oneof(
          { arbitrary: fc.constant<TaskSubnets>('default'), weight: 6 },
          {
            arbitrary: fc.constantFrom<TaskSubnets>(ec2.SubnetType.PUBLIC, ec2.SubnetType.PRIVATE_WITH_EGRESS, ec2.SubnetType.PRIVATE_ISOLATED),
            weight: 2,
          },
        ),
        logs: fc.oneof(
          { arbitrary: fc.constantFrom<Choice['logs']>('default', 'retention', 'group'), weight: 6 },
          { arbitrary: fc.constant<Choice['logs']>('group-and-retention'), weight: 1 },
        ),
      }),
      ([cpu, memory], r) => {
        const c: Choice = { ...r, cpu, memory };
        const expected = model(c);
        const stack = testStack();
        const vpc = c.network === 'imported'
          ? ec2.Vpc.fromVpcAttributes(stack, 'Network', {
            vpcId: 'vpc-0123456789abcdef0',
            vpcCidrBlock: '10.1.0.0/16',
            availabilityZones: ['us-east-1a', 'us-east-1b'],
            publicSubnetIds: ['subnet-0aaaaaaaaaaaaaaa1', 'subnet-0aaaaaaaaaaaaaaa2'],
            privateSubnetIds: ['subnet-0bbbbbbbbbbbbbbb1', 'subnet-0bbbbbbbbbbbbbbb2'],
          })
          : new PrivateSubnetVpc(stack, 'Network', { maxAzs: 2, natGateways: c.network === 'isolated' ? 0 : undefined }).vpc;
        const cluster = c.useCluster ? new ecs.Cluster(stack, 'Cluster', { vpc, containerInsightsV2: ecs.ContainerInsights.ENABLED }) : undefined;
        const zone = c.https === 'zone' || c.https === 'zone-only' ? route53.PublicHostedZone.fromHostedZoneAttributes(stack, 'Zone', { hostedZoneId: 'Z0123456789ABCDEFGHIJ', zoneName: 'example.com' }) : undefined;
        const secret = secretsmanager.Secret.fromSecretCompleteArn(stack, 'Secret', 'arn:aws:secretsmanager:us-east-1:111111111111:secret:app/db-AbCdEf');
        const parameter = ssm.StringParameter.fromSecureStringParameterAttributes(stack, 'Parameter', { parameterName: '/app/token' });
        const secrets = Object.fromEntries(c.secrets.map((kind, i) => [`S${i}`, {
          'secrets-manager': () => ecs.Secret.fromSecretsManager(secret, 'password'),
          'pinned': () => ecs.Secret.fromSecretsManagerVersion(secret, { versionId: '11111111-2222-3333-4444-555555555555' }),
          'parameter': () => ecs.Secret.fromSsmParameter(parameter),
        }[kind]()]));
        const built = holdToModel(expected, "SecureFargateService 'TestStack/Web': ", () => {
          const web = new SecureFargateService(stack, 'Web', {
            vpc: cluster && !c.alsoVpc ? undefined : vpc,
            cluster,
            image: ecs.ContainerImage.fromEcrRepository(ecr.Repository.fromRepositoryName(stack, 'Repository', 'app')),
            cpu: c.cpu,
            memoryLimitMiB: c.memory,
            containerPort: c.containerPort,
            healthCheckPort: c.healthCheckPort,
            desiredCount: c.desiredCount,
            allowedCidrs: c.allowedCidrs,
            healthCheckPath: c.healthCheckPath,
            certificate: c.https === 'certificate' ? acm.Certificate.fromCertificateArn(stack, 'Certificate', CERTIFICATE_ARN) : undefined,
            domainName: c.https === 'zone' || c.https === 'name-only' ? 'app.example.com' : undefined,
            hostedZone: zone,
            secrets: c.secrets.length > 0 ? secrets : undefined,
            recycleOnSecretChange: c.recycle,
            taskSubnets: c.taskSubnets === 'default' ? undefined : { subnetType: c.taskSubnets },
            logGroup: c.logs.startsWith('group') ? new logs.LogGroup(stack, 'Logs', { retention: logs.RetentionDays.ONE_MONTH }) : undefined,
            logRetention: c.logs === 'retention' || c.logs === 'group-and-retention' ? logs.RetentionDays.THREE_MONTHS : undefined,
          });
          return { web, template: Template.fromStack(stack) };
        }, outcomes);
        if (!built) {
          return;
        }
        const { template } = built;
        template.hasResourceProperties('AWS::ECS::TaskDefinition', { Cpu: String(c.cpu), Memory: String(c.memory) });
        template.hasResourceProperties('AWS::ECS::Service', { DesiredCount: c.desiredCount ?? 2 });
        template.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', { Port: c.containerPort ?? 8080, TargetType: 'ip' });
      },
    ), propertyParameters<[[number, number], Rest]>('SecureFargateService', 20, EXAMPLES));
    expect(outcomes.synthesized).toBeGreaterThan(0);
    expect(outcomes.refused).toBeGreaterThan(0);
    expectReached(outcomes, ['taskSubnets', 'cpu', 'recycleOnSecretChange', 'allowedCidrs', 'logRetention', 'vpc']);
  });
});
