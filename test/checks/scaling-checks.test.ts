import {
  Duration,
  Stack,
  aws_applicationautoscaling as appscaling,
  aws_cloudwatch as cloudwatch,
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

/** A plain Fargate service, as aws-cdk-lib makes it, in a plain VPC. */
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
  return { vpc, service };
}

/** An internet-facing ALB with a listener whose default target group `group` is. */
function loadBalancer(stack: Stack, vpc: ec2.IVpc, groups: elbv2.ApplicationTargetGroup[]) {
  const alb = new elbv2.ApplicationLoadBalancer(stack, 'Alb', { vpc, internetFacing: false });
  const listener = alb.addListener('Listener', { port: 80, open: false, defaultTargetGroups: [groups[0]] });
  groups.slice(1).forEach((group, i) => listener.addTargetGroups(`Other${i}`, {
    targetGroups: [group], priority: 10 + i, conditions: [elbv2.ListenerCondition.pathPatterns([`/other${i}/*`])],
  }));
  return alb;
}

function targetGroup(stack: Stack, vpc: ec2.IVpc, id: string) {
  return new elbv2.ApplicationTargetGroup(stack, id, { vpc, port: 8080, protocol: elbv2.ApplicationProtocol.HTTP, targetType: elbv2.TargetType.IP });
}

describe('GuardedPatternsChecks: auto scaling and deployment alarm checks on plain aws-cdk-lib resources', () => {
  describe('EcsScalingMinimumBelowTwo', () => {
    test('a service that may scale in to one task', () => {
      const stack = testStack();
      const { service } = plainService(stack, { desiredCount: 2 });
      service.autoScaleTaskCount({ minCapacity: 1, maxCapacity: 4 }).scaleOnCpuUtilization('Cpu', { targetUtilizationPercent: 60 });
      expect(ruleHits(stack, 'EcsScalingMinimumBelowTwo')).toEqual([
        "TestStack/Service/TaskCount/Target/Resource: Scalable target 'TestStack/Service/TaskCount/Target': MinCapacity is 1, so auto scaling may leave the service with a single task, "
        + 'which does not survive the loss of its AZ or its own replacement. Use a minimum of 2 or more, or acknowledge this check for a service that may pause. (warning)',
      ]);
    });

    test('a minimum of 2, and a scalable target of another service (DynamoDB), pass', () => {
      const stack = testStack();
      const { service } = plainService(stack);
      service.autoScaleTaskCount({ minCapacity: 2, maxCapacity: 4 }).scaleOnCpuUtilization('Cpu', { targetUtilizationPercent: 60 });
      new appscaling.CfnScalableTarget(stack, 'Table', {
        minCapacity: 1, maxCapacity: 10, resourceId: 'table/orders', scalableDimension: 'dynamodb:table:ReadCapacityUnits', serviceNamespace: 'dynamodb',
      });
      expect(ruleHits(stack, 'EcsScalingMinimumBelowTwo')).toEqual([]);
    });
  });

  describe('EcsScalingMaxBelowMin', () => {
    test('a maximum below the minimum', () => {
      const stack = testStack();
      const { service } = plainService(stack);
      const scaling = service.autoScaleTaskCount({ minCapacity: 2, maxCapacity: 4 });
      (scaling.node.findChild('Target').node.defaultChild as appscaling.CfnScalableTarget).maxCapacity = 1;
      expect(ruleHits(stack, 'EcsScalingMaxBelowMin')).toEqual([
        "TestStack/Service/TaskCount/Target/Resource: Scalable target 'TestStack/Service/TaskCount/Target': MaxCapacity (1) is below MinCapacity (2), a range no task count is in. "
        + 'Make MaxCapacity at least 2. (error)',
      ]);
    });

    test('a maximum equal to the minimum passes', () => {
      const stack = testStack();
      const { service } = plainService(stack);
      service.autoScaleTaskCount({ minCapacity: 3, maxCapacity: 3 });
      expect(ruleHits(stack, 'EcsScalingMaxBelowMin')).toEqual([]);
    });
  });

  describe('EcsScalingRequestCountWithoutLoadBalancer', () => {
    test('scaled on the requests of a target group the service is not registered in', () => {
      const stack = testStack();
      const { vpc, service } = plainService(stack);
      const own = targetGroup(stack, vpc, 'Own');
      const other = targetGroup(stack, vpc, 'Other');
      loadBalancer(stack, vpc, [own, other]);
      own.addTarget(service);
      service.autoScaleTaskCount({ minCapacity: 2, maxCapacity: 4 }).scaleOnRequestCount('Requests', { targetGroup: other, requestsPerTarget: 500 });
      expect(ruleHits(stack, 'EcsScalingRequestCountWithoutLoadBalancer')).toEqual([
        "TestStack/Service/TaskCount/Target/Requests/Resource: Scaling policy 'TestStack/Service/TaskCount/Target/Requests' scales service 'TestStack/Service/Service' on the requests of target group 'TestStack/Other', "
        + "which the service's tasks are not registered in. Name a target group of the service in the ResourceLabel (scaleOnRequestCount with the service's own target group). (error)",
      ]);
    });

    test('scaled on requests, with no load balancer at all', () => {
      const stack = testStack();
      const { vpc, service } = plainService(stack);
      const other = targetGroup(stack, vpc, 'Other');
      loadBalancer(stack, vpc, [other]);
      service.autoScaleTaskCount({ minCapacity: 2, maxCapacity: 4 }).scaleOnRequestCount('Requests', { targetGroup: other, requestsPerTarget: 500 });
      expect(ruleHits(stack, 'EcsScalingRequestCountWithoutLoadBalancer')).toEqual([
        "TestStack/Service/TaskCount/Target/Requests/Resource: Scaling policy 'TestStack/Service/TaskCount/Target/Requests' scales service 'TestStack/Service/Service' on ALBRequestCountPerTarget, "
        + 'but the service has no load balancer, so the metric never counts its requests. Register the service in the target group (service.attachToApplicationTargetGroup) or scale on CPU or memory. (error)',
      ]);
    });

    test('scaled on the requests of its own target group, or on CPU, passes', () => {
      const stack = testStack();
      const { vpc, service } = plainService(stack);
      const own = targetGroup(stack, vpc, 'Own');
      loadBalancer(stack, vpc, [own]);
      own.addTarget(service);
      const scaling = service.autoScaleTaskCount({ minCapacity: 2, maxCapacity: 4 });
      scaling.scaleOnRequestCount('Requests', { targetGroup: own, requestsPerTarget: 500 });
      scaling.scaleOnCpuUtilization('Cpu', { targetUtilizationPercent: 60 });
      expect(ruleHits(stack, 'EcsScalingRequestCountWithoutLoadBalancer')).toEqual([]);
    });
  });

  describe('EcsDeploymentAlarmUndefined', () => {
    test('a deployment alarm name that no alarm of the app defines', () => {
      const stack = testStack();
      plainService(stack, { deploymentAlarms: { alarmNames: ['web-5xx'] } });
      expect(ruleHits(stack, 'EcsDeploymentAlarmUndefined')).toEqual([
        "TestStack/Service/Service: Service 'TestStack/Service/Service': deployment alarm 'web-5xx' is not defined by any CloudWatch alarm in this app, so a deployment may go ahead unwatched. "
        + 'Check the name; if the alarm lives outside the app (another stack or app, or the console), acknowledge this check. (warning)',
      ]);
    });

    test('names of alarms the app defines, by literal name or by reference, pass; so do services without alarms', () => {
      const stack = testStack();
      const metric = new cloudwatch.Metric({ namespace: 'App', metricName: 'Errors' });
      const named = new cloudwatch.Alarm(stack, 'Named', { metric, threshold: 1, evaluationPeriods: 1, alarmName: 'web-5xx' });
      const generated = new cloudwatch.Alarm(stack, 'Generated', { metric, threshold: 1, evaluationPeriods: 1 });
      const composite = new cloudwatch.CompositeAlarm(stack, 'Composite', { alarmRule: cloudwatch.AlarmRule.anyOf(named, generated), compositeAlarmName: 'web-any' });
      plainService(stack, { deploymentAlarms: { alarmNames: ['web-5xx', generated.alarmName, 'web-any'] } });
      expect(composite.alarmName).toBeDefined();
      const other = testStack(undefined, 'Other');
      plainService(other);
      expect(ruleHits(stack, 'EcsDeploymentAlarmUndefined')).toEqual([]);
      expect(ruleHits(other, 'EcsDeploymentAlarmUndefined')).toEqual([]);
    });
  });
});

/**
 * Attaches the service to a blue target group, the default of an ALB listener, with a green one and
 * a weighted production rule when `alternate`.
 */
function attach(stack: Stack, { vpc, service }: ReturnType<typeof plainService>, alternate: boolean) {
  const blue = targetGroup(stack, vpc, 'Blue');
  const listener = loadBalancer(stack, vpc, [blue]).listeners[0];
  if (!alternate) {
    blue.addTarget(service.loadBalancerTarget({ containerName: 'App', containerPort: 8080 }));
    return;
  }
  const green = targetGroup(stack, vpc, 'Green');
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
