/**
 * An in-process ECS account behind aws-sdk-client-mock, written by this project, kept only for
 * what moto cannot do: throttling (ThrottlingException at a chosen rate, retries and jitter),
 * partial failures (an UpdateService or a DescribeServices batch that fails, failures other than
 * MISSING), states moto does not keep (a deployment in progress beside a new PRIMARY one, CODE_DEPLOY
 * and DRAINING services), and fleets of hundreds or thousands of services for the call budget and
 * the benchmark. Everything else, the ECS contract itself (the calls' shapes, the ARNs ECS, Secrets
 * Manager and Parameter Store form, forced deployments, which references make a service a reader),
 * is proven independently by test/recycler/recycle.moto.test.ts: the bundled handler and the real
 * SDK against moto's ECS, with its calls checked against the synthesized IAM policies.
 */
import {
  ContainerDefinition,
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  ECSClient,
  ListServicesCommand,
  UpdateServiceCommand,
} from '@aws-sdk/client-ecs';
import { AwsStub, mockClient } from 'aws-sdk-client-mock';

export const REGION = 'us-east-1';
export const ACCOUNT = '111111111111';
export const SECRET_ARN = `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:prod/db-AbCdEf`;
/** Another secret whose name starts like the watched one. */
export const OTHER_SECRET_ARN = `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:prod/db-replica-XyZ123`;
export const PARAMETER_NAME = '/prod/feature-flags';
export const PARAMETER_ARN = `arn:aws:ssm:${REGION}:${ACCOUNT}:parameter/prod/feature-flags`;

export interface FakeService {
  readonly name: string;
  readonly cluster: string;
  readonly containers: ContainerDefinition[];
  readonly controller?: 'ECS' | 'CODE_DEPLOY' | 'EXTERNAL';
  readonly deployments?: number;
  /** When its PRIMARY deployment was created (ISO 8601). */
  readonly deployedAt?: string;
  /** The service's status. */
  readonly status?: 'ACTIVE' | 'DRAINING' | 'INACTIVE';
  /** Shares the task definition of another service (by name). */
  readonly taskDefinitionOf?: string;
}

/** What the handler's configs share in the tests: this account, no waiting between retries, and the log lines kept. */
export function handlerContext() {
  const lines: any[] = [];
  return {
    region: REGION,
    account: ACCOUNT,
    metricsNamespace: 'Test/Recycler',
    sleep: async () => undefined,
    log: (line: string) => lines.push(JSON.parse(line)),
    lines,
  };
}

export const clusterArn = (name: string) => `arn:aws:ecs:${REGION}:${ACCOUNT}:cluster/${name}`;
export const serviceArn = (cluster: string, name: string) => `arn:aws:ecs:${REGION}:${ACCOUNT}:service/${cluster}/${name}`;
const taskDefinitionArn = (family: string) => `arn:aws:ecs:${REGION}:${ACCOUNT}:task-definition/${family}:3`;

/** A container injecting `valueFroms` as secrets. */
export function container(...valueFroms: string[]): ContainerDefinition {
  return { name: 'app', image: 'nginx', secrets: valueFroms.map((valueFrom, i) => ({ name: `S${i}`, valueFrom })) };
}

/**
 * `count` services spread evenly over `clusters`; unless listed in `special`, each injects an
 * unrelated secret, an unrelated parameter or nothing.
 */
export function fleet(clusters: string[], count: number, special: FakeService[]): FakeService[] {
  const services: FakeService[] = [...special];
  for (let i = services.length; i < count; i++) {
    // Fill the emptiest cluster, so that clusters stay even.
    const cluster = [...clusters].sort((a, b) => services.filter((s) => s.cluster === a).length - services.filter((s) => s.cluster === b).length)[0];
    const unrelated = i % 3 === 0
      ? container(`arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:svc-${i}-Qw12Er`, OTHER_SECRET_ARN)
      : i % 3 === 1 ? container(`/svc/${i}/config`) : container();
    services.push({ name: `svc-${i}`, cluster, containers: [unrelated] });
  }
  return services;
}

export interface FakeEcsOptions {
  /** Share of calls (any command) that fail with ThrottlingException. */
  readonly throttleRate?: number;
  /** Services (by name) whose UpdateService fails. */
  readonly failUpdates?: string[];
  /** Seed of the deterministic random sequence that decides throttling. */
  readonly seed?: number;
}

/** A small deterministic PRNG (a linear congruential generator), so that throttled runs repeat exactly. */
export function prng(seed: number): () => number {
  let state = Math.abs(Math.floor(seed)) % 4294967296;
  return () => {
    state = (state * 1664525 + 1013904223) % 4294967296;
    return state / 4294967296;
  };
}

export interface FakeEcs {
  readonly mock: AwsStub<any, any, any>;
  /** Successful calls per command. */
  readonly calls: Record<string, number>;
  /** Calls that were throttled. */
  readonly throttled: number;
  /** Services (by name) that UpdateService redeployed. */
  readonly redeployed: string[];
  /** The inputs of every DescribeServices call. */
  readonly describeBatches: number[];
  restore(): void;
}

function throttling(): Error {
  const error = new Error('Rate exceeded');
  error.name = 'ThrottlingException';
  return error;
}

/** Mocks every ECSClient with an account holding `services`. */
export function fakeEcs(services: FakeService[], options: FakeEcsOptions = {}): FakeEcs {
  const mock = mockClient(ECSClient);
  const random = prng(options.seed ?? 42);
  const state = {
    calls: { ListServices: 0, DescribeServices: 0, DescribeTaskDefinition: 0, UpdateService: 0 } as Record<string, number>,
    throttled: 0,
    redeployed: [] as string[],
    describeBatches: [] as number[],
  };
  const byArn = new Map(services.map((s) => [serviceArn(s.cluster, s.name), s]));
  const family = (s: FakeService) => s.taskDefinitionOf ?? s.name;
  const definitions = new Map(services.filter((s) => !s.taskDefinitionOf).map((s) => [taskDefinitionArn(s.name), s.containers]));
  const maybeThrottle = () => {
    if (options.throttleRate && random() < options.throttleRate) {
      state.throttled++;
      throw throttling();
    }
  };
  const clusterName = (cluster: string | undefined) => (cluster ?? '').split('/').pop();

  mock.on(ListServicesCommand).callsFake((input) => {
    maybeThrottle();
    state.calls.ListServices++;
    const inCluster = services.filter((s) => s.cluster === clusterName(input.cluster));
    const start = Number(input.nextToken ?? 0);
    const size = Math.min(input.maxResults ?? 10, 100);
    const page = inCluster.slice(start, start + size);
    return {
      serviceArns: page.map((s) => serviceArn(s.cluster, s.name)),
      nextToken: start + size < inCluster.length ? String(start + size) : undefined,
    };
  });
  mock.on(DescribeServicesCommand).callsFake((input) => {
    maybeThrottle();
    if ((input.services ?? []).length > 10) {
      throw Object.assign(new Error('services can have at most 10 items'), { name: 'InvalidParameterException' });
    }
    state.calls.DescribeServices++;
    state.describeBatches.push(input.services.length);
    const found = (input.services ?? []).map((arn: string) => byArn.get(arn))
      .filter((s: FakeService | undefined): s is FakeService => s !== undefined);
    return {
      services: found.map((s: FakeService) => ({
        serviceArn: serviceArn(s.cluster, s.name),
        serviceName: s.name,
        clusterArn: clusterArn(s.cluster),
        status: s.status ?? 'ACTIVE',
        taskDefinition: taskDefinitionArn(family(s)),
        deploymentController: { type: s.controller ?? 'ECS' },
        deployments: Array.from({ length: s.deployments ?? 1 }, (_, i) => ({
          id: `ecs-svc/${s.name}-${i}`,
          status: i === 0 ? 'PRIMARY' : 'ACTIVE',
          rolloutState: (s.deployments ?? 1) > 1 && i === 0 ? 'IN_PROGRESS' : 'COMPLETED',
          createdAt: new Date(i === 0 && s.deployedAt ? s.deployedAt : Date.parse('2026-11-01T00:00:00Z') - i * 3_600_000),
        })),
      })),
      failures: [],
    };
  });
  mock.on(DescribeTaskDefinitionCommand).callsFake((input) => {
    maybeThrottle();
    state.calls.DescribeTaskDefinition++;
    const containers = definitions.get(input.taskDefinition);
    if (!containers) {
      throw Object.assign(new Error(`Unable to describe task definition ${input.taskDefinition}`), { name: 'ClientException' });
    }
    return { taskDefinition: { taskDefinitionArn: input.taskDefinition, containerDefinitions: containers } };
  });
  mock.on(UpdateServiceCommand).callsFake((input) => {
    maybeThrottle();
    const service = byArn.get(input.service);
    if (!service || options.failUpdates?.includes(service.name)) {
      throw Object.assign(new Error('Service was not ACTIVE.'), { name: 'ServiceNotActiveException' });
    }
    if (input.forceNewDeployment !== true) {
      throw new Error('the handler must force a new deployment');
    }
    state.calls.UpdateService++;
    state.redeployed.push(service.name);
    return { service: { serviceArn: input.service } };
  });

  return {
    mock,
    get calls() { return state.calls; },
    get throttled() { return state.throttled; },
    get redeployed() { return [...state.redeployed].sort(); },
    get describeBatches() { return state.describeBatches; },
    restore: () => mock.restore(),
  };
}
