import {
  Duration,
  Stack,
  aws_ec2 as ec2,
  aws_ecr as ecr,
  aws_ecs as ecs,
  aws_elasticloadbalancingv2 as elbv2,
} from 'aws-cdk-lib';
import { GuardedPatternsChecks } from '../../src';
import { findings, testStack } from '../util';

/** The pack's findings for one check over a stack, as `path: message (severity)`. */
function ruleHits(stack: Stack, rule: string): string[] {
  return findings(new GuardedPatternsChecks(), stack).filter((f) => f.rule === `GuardedPatterns-${rule}`).map((f) => `${f.path}: ${f.message} (${f.severity})`);
}

/** A plain Fargate service, as aws-cdk-lib makes it, in a plain VPC, with an internal ALB listener. */
function plainService(stack: Stack, props: Partial<ecs.FargateServiceProps> = {}) {
  const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2 });
  const task = new ecs.FargateTaskDefinition(stack, 'Task');
  task.addContainer('App', {
    image: ecs.ContainerImage.fromEcrRepository(ecr.Repository.fromRepositoryName(stack, 'Repository', 'app')),
    portMappings: [{ containerPort: 8080 }],
    logging: ecs.LogDriver.awsLogs({ streamPrefix: 'app' }),
  });
  const cluster = new ecs.Cluster(stack, 'Cluster', { vpc });
  const service = new ecs.FargateService(stack, 'Service', { cluster, taskDefinition: task, minHealthyPercent: 100, ...props });
  const alb = new elbv2.ApplicationLoadBalancer(stack, 'Alb', { vpc, internetFacing: false });
  const listener = alb.addListener('Listener', { port: 80, open: false });
  const group = (id: string) => new elbv2.ApplicationTargetGroup(stack, id, {
    vpc, port: 8080, protocol: elbv2.ApplicationProtocol.HTTP, targetType: elbv2.TargetType.IP,
  });
  return { service, listener, group };
}

/** Attaches the service to a blue target group, with a green one and a weighted production rule when `alternate`. */
function attach(stack: Stack, { service, listener, group }: ReturnType<typeof plainService>, alternate: boolean) {
  const blue = group('Blue');
  listener.addTargetGroups('Default', { targetGroups: [blue] });
  if (!alternate) {
    blue.addTarget(service.loadBalancerTarget({ containerName: 'App', containerPort: 8080 }));
    return;
  }
  const green = group('Green');
  const rule = new elbv2.ApplicationListenerRule(stack, 'Production', {
    listener,
    priority: 1,
    conditions: [elbv2.ListenerCondition.pathPatterns(['/*'])],
    action: elbv2.ListenerAction.weightedForward([{ targetGroup: blue, weight: 100 }, { targetGroup: green, weight: 0 }]),
  });
  blue.addTarget(service.loadBalancerTarget({
    containerName: 'App',
    containerPort: 8080,
    alternateTarget: new ecs.AlternateTarget('Alternate', {
      alternateTargetGroup: green,
      productionListener: ecs.ListenerRuleConfiguration.applicationListenerRule(rule),
    }),
  }));
}

const CANARY: Partial<ecs.FargateServiceProps> = {
  deploymentStrategy: ecs.DeploymentStrategy.CANARY,
  canaryConfiguration: { stepPercent: 10, stepBakeTime: Duration.minutes(5) },
  bakeTime: Duration.minutes(10),
};

describe('GuardedPatternsChecks: rollout checks on plain aws-cdk-lib resources', () => {
  describe('EcsRolloutWithoutAlternateTarget', () => {
    test('a canary service with no load balancer target', () => {
      const stack = testStack();
      plainService(stack, CANARY);
      expect(ruleHits(stack, 'EcsRolloutWithoutAlternateTarget')).toEqual([
        "TestStack/Service/Service: Service 'TestStack/Service/Service': its deployment strategy is CANARY, which shifts traffic between target groups, but it has no load balancer target. "
        + 'Attach it to a target group with an alternate target group (service.loadBalancerTarget({ alternateTarget })), or use the ROLLING strategy. (error)',
      ]);
    });

    test('a linear service whose load balancer target has no alternate target group', () => {
      const stack = testStack();
      attach(stack, plainService(stack, { deploymentStrategy: ecs.DeploymentStrategy.LINEAR, bakeTime: Duration.minutes(10) }), false);
      expect(ruleHits(stack, 'EcsRolloutWithoutAlternateTarget')).toEqual([
        "TestStack/Service/Service: Service 'TestStack/Service/Service': its deployment strategy is LINEAR, which shifts traffic between target groups, but no load balancer target names an alternate target group and role (AdvancedConfiguration). "
        + 'Give its target one (service.loadBalancerTarget({ alternateTarget: new ecs.AlternateTarget(...) })), or use the ROLLING strategy. (error)',
      ]);
    });

    test('a canary service with an alternate target group, and a rolling one with no load balancer, pass', () => {
      const stack = testStack();
      attach(stack, plainService(stack, CANARY), true);
      const other = testStack(undefined, 'Other');
      plainService(other, { deploymentStrategy: ecs.DeploymentStrategy.ROLLING });
      expect(ruleHits(stack, 'EcsRolloutWithoutAlternateTarget')).toEqual([]);
      expect(ruleHits(other, 'EcsRolloutWithoutAlternateTarget')).toEqual([]);
    });
  });

  describe('EcsBakeTimeBelowGracePeriod', () => {
    test('a canary service that bakes 1 minute with a 5-minute grace period', () => {
      const stack = testStack();
      attach(stack, plainService(stack, { ...CANARY, bakeTime: Duration.minutes(1), healthCheckGracePeriod: Duration.minutes(5) }), true);
      expect(ruleHits(stack, 'EcsBakeTimeBelowGracePeriod')).toEqual([
        "TestStack/Service/Service: Service 'TestStack/Service/Service': the bake time (1 minutes) is shorter than the health-check grace period (300 seconds). "
        + 'ECS ignores the load balancer\'s health checks of a new task during the grace period, so the deployment can finish, and the old revision be stopped, '
        + 'before an unhealthy new task is noticed. Make the bake time at least the grace period. (warning)',
      ]);
    });

    test('a bake time as long as the grace period, and a rolling service with a grace period, pass', () => {
      const stack = testStack();
      attach(stack, plainService(stack, { ...CANARY, bakeTime: Duration.minutes(5), healthCheckGracePeriod: Duration.minutes(5) }), true);
      const other = testStack(undefined, 'Other');
      attach(other, plainService(other, { healthCheckGracePeriod: Duration.minutes(5) }), false);
      expect(ruleHits(stack, 'EcsBakeTimeBelowGracePeriod')).toEqual([]);
      expect(ruleHits(other, 'EcsBakeTimeBelowGracePeriod')).toEqual([]);
    });
  });
});
