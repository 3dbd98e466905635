import {
  App,
  CfnParameter,
  Token,
  aws_applicationautoscaling as appscaling,
  aws_certificatemanager as acm,
  aws_cloudwatch as cloudwatch,
  aws_ecr as ecr,
  aws_ecs as ecs,
  aws_elasticloadbalancingv2 as elbv2,
} from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { FargateDeploymentAlarms, PrivateSubnetVpc, SecureFargateService, SecureFargateServiceProps } from '../../src';
import { testStack } from '../util';

const CERTIFICATE_ARN = 'arn:aws:acm:us-east-1:111111111111:certificate/11111111-2222-3333-4444-555555555555';

function setup() {
  const stack = testStack();
  const network = new PrivateSubnetVpc(stack, 'Network');
  const image = ecs.ContainerImage.fromEcrRepository(ecr.Repository.fromRepositoryName(stack, 'Repository', 'app'), 'v1');
  const certificate = acm.Certificate.fromCertificateArn(stack, 'Certificate', CERTIFICATE_ARN);
  return { stack, network, image, certificate };
}

function build(props: Partial<SecureFargateServiceProps> = {}) {
  const { stack, network, image, certificate } = setup();
  const web = new SecureFargateService(stack, 'Web', { vpc: network.vpc, image, certificate, ...props });
  return { stack, network, web };
}

function synth(props: Partial<SecureFargateServiceProps> = {}) {
  const { stack, web } = build(props);
  return { stack, web, template: Template.fromStack(stack) };
}

function warningsOf(stack: ReturnType<typeof setup>['stack'], id: string): string[] {
  return Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp(id)).map((w) => `${w.id}: ${w.entry.data}`);
}

describe('SecureFargateService deployment alarms', () => {
  test('by default, alarms on the target group\'s 5xx and unhealthy targets that ECS watches with rollback, the circuit breaker kept', () => {
    const { template, web, stack } = synth();
    template.resourceCountIs('AWS::CloudWatch::Alarm', 2);
    const group = { 'Fn::GetAtt': [Match.stringLikeRegexp('^WebLoadBalancerHttpsTasksGroup'), 'TargetGroupFullName'] };
    const common = {
      Namespace: 'AWS/ApplicationELB',
      Period: 60,
      EvaluationPeriods: 3,
      DatapointsToAlarm: 2,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
      Dimensions: Match.arrayWith([{ Name: 'TargetGroup', Value: group }]),
    };
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { ...common, MetricName: 'HTTPCode_Target_5XX_Count', Statistic: 'Sum', Threshold: 5 });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { ...common, MetricName: 'UnHealthyHostCount', Statistic: 'Maximum', Threshold: 1 });
    template.hasResourceProperties('AWS::ECS::Service', {
      DeploymentConfiguration: Match.objectLike({
        Alarms: {
          AlarmNames: [{ Ref: Match.stringLikeRegexp('^WebTarget5xxAlarm') }, { Ref: Match.stringLikeRegexp('^WebUnhealthyTargetsAlarm') }],
          Enable: true,
          Rollback: true,
        },
        DeploymentCircuitBreaker: { Enable: true, Rollback: true },
      }),
    });
    expect(web.deploymentAlarms.map((a) => a.node.path)).toEqual(['TestStack/Web/Target5xxAlarm', 'TestStack/Web/UnhealthyTargetsAlarm']);
    expect(warningsOf(stack, 'EcsDeploymentAlarmUndefined')).toEqual([]);
  });

  test('none(): no alarm, no deployment alarms, the circuit breaker kept', () => {
    const { template, web } = synth({ deploymentAlarms: FargateDeploymentAlarms.none() });
    template.resourceCountIs('AWS::CloudWatch::Alarm', 0);
    expect(web.deploymentAlarms).toEqual([]);
    const service = Object.values(template.findResources('AWS::ECS::Service'))[0] as any;
    expect(service.Properties.DeploymentConfiguration.Alarms?.Enable ?? false).toBe(false);
    expect(service.Properties.DeploymentConfiguration.DeploymentCircuitBreaker).toEqual({ Enable: true, Rollback: true });
  });

  test('named(): the user\'s alarms instead of the default ones, with rollback', () => {
    const { stack, network, image, certificate } = setup();
    const latency = new cloudwatch.Alarm(stack, 'Latency', {
      metric: new cloudwatch.Metric({ namespace: 'App', metricName: 'Latency' }), threshold: 1, evaluationPeriods: 1, alarmName: 'app-latency',
    });
    const web = new SecureFargateService(stack, 'Web', {
      vpc: network.vpc, image, certificate, deploymentAlarms: FargateDeploymentAlarms.named(latency.alarmName, 'app-latency'),
    });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::CloudWatch::Alarm', 1);
    expect(web.deploymentAlarms).toEqual([]);
    template.hasResourceProperties('AWS::ECS::Service', {
      DeploymentConfiguration: Match.objectLike({ Alarms: { AlarmNames: [{ Ref: Match.stringLikeRegexp('^Latency') }, 'app-latency'], Enable: true, Rollback: true } }),
    });
    expect(warningsOf(stack, 'EcsDeploymentAlarmUndefined')).toEqual([]);
  });

  test('named() with a name no alarm of the app defines warns', () => {
    const { stack } = synth({ deploymentAlarms: FargateDeploymentAlarms.named('app-latency') });
    expect(warningsOf(stack, 'EcsDeploymentAlarmUndefined')).toEqual([
      "/TestStack/Web/Service/Service: Service 'TestStack/Web/Service/Service': deployment alarm 'app-latency' is not defined by any CloudWatch alarm in this app, "
      + 'so a deployment may go ahead unwatched. Check the name; if the alarm lives outside the app (another stack or app, or the console), acknowledge this check. '
      + '[ack: Annotation::GuardedPatterns-EcsDeploymentAlarmUndefined]',
    ]);
  });

  test('fails when named() is given no alarm name, or an empty one', () => {
    expect(() => build({ deploymentAlarms: FargateDeploymentAlarms.named() })).toThrow(
      "SecureFargateService 'TestStack/Web': deploymentAlarms is FargateDeploymentAlarms.named() with no alarm name; give at least one, or use FargateDeploymentAlarms.none() for none.");
    expect(() => build({ deploymentAlarms: FargateDeploymentAlarms.named('ok', ' ') })).toThrow(
      'SecureFargateService \'TestStack/Web\': deploymentAlarms names an empty alarm name (["ok"," "]); give each alarm\'s name, such as alarm.alarmName.');
  });
});

describe('SecureFargateService autoScaling', () => {
  const target = (template: Template) => template.findResources('AWS::ApplicationAutoScaling::ScalableTarget');
  const policies = (template: Template) => Object.values(template.findResources('AWS::ApplicationAutoScaling::ScalingPolicy')) as any[];

  test('none by default', () => {
    const { template, web } = synth();
    template.resourceCountIs('AWS::ApplicationAutoScaling::ScalableTarget', 0);
    expect(web.scaling).toBeUndefined();
  });

  test('CPU and requests per target, from desiredCount to maxCapacity', () => {
    const autoScaling = { maxCapacity: 10, targetCpuUtilizationPercent: 60, targetRequestsPerTarget: 1000 };
    const { template, web, stack } = synth({ desiredCount: 3, autoScaling });
    expect(Object.values(target(template)).map((t: any) => [t.Properties.MinCapacity, t.Properties.MaxCapacity, t.Properties.ScalableDimension]))
      .toEqual([[3, 10, 'ecs:service:DesiredCount']]);
    template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
      TargetTrackingScalingPolicyConfiguration: { PredefinedMetricSpecification: { PredefinedMetricType: 'ECSServiceAverageCPUUtilization' }, TargetValue: 60 },
    });
    template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
      TargetTrackingScalingPolicyConfiguration: {
        PredefinedMetricSpecification: {
          PredefinedMetricType: 'ALBRequestCountPerTarget',
          ResourceLabel: { 'Fn::Join': ['', Match.arrayWith([{ 'Fn::GetAtt': [Match.stringLikeRegexp('^WebLoadBalancerHttpsTasksGroup'), 'TargetGroupFullName'] }])] },
        },
        TargetValue: 1000,
      },
    });
    expect(policies(template)).toHaveLength(2);
    expect(web.scaling).toBeInstanceOf(ecs.ScalableTaskCount);
    expect(warningsOf(stack, 'EcsScaling')).toEqual([]);
  });

  test('CPU alone, with its own minimum', () => {
    const { template } = synth({ autoScaling: { minCapacity: 4, maxCapacity: 8, targetCpuUtilizationPercent: 50 } });
    expect(Object.values(target(template)).map((t: any) => [t.Properties.MinCapacity, t.Properties.MaxCapacity])).toEqual([[4, 8]]);
    expect(policies(template).map((p) => p.Properties.TargetTrackingScalingPolicyConfiguration.PredefinedMetricSpecification.PredefinedMetricType))
      .toEqual(['ECSServiceAverageCPUUtilization']);
  });

  test('a minimum below 2 warns', () => {
    const { stack } = synth({ autoScaling: { minCapacity: 1, maxCapacity: 4, targetCpuUtilizationPercent: 60 } });
    expect(warningsOf(stack, 'EcsScalingMinimumBelowTwo')).toEqual([
      "/TestStack/Web/Service/TaskCount/Target/Resource: Scalable target 'TestStack/Web/Service/TaskCount/Target': MinCapacity is 1, so auto scaling may leave the service with a single task, "
      + 'which does not survive the loss of its AZ or its own replacement. Use a minimum of 2 or more, or acknowledge this check for a service that may pause. '
      + '[ack: Annotation::GuardedPatterns-EcsScalingMinimumBelowTwo]',
    ]);
  });

  test('fails when the scalable target is changed to a maximum below its minimum', () => {
    const { stack, web } = build({ autoScaling: { maxCapacity: 4, targetCpuUtilizationPercent: 60 } });
    const cfnTarget = web.service.node.findChild('TaskCount').node.findChild('Target').node.defaultChild as appscaling.CfnScalableTarget;
    cfnTarget.maxCapacity = 1;
    expect(() => (stack.node.root as App).synth()).toThrow(
      "Scalable target 'TestStack/Web/Service/TaskCount/Target': MaxCapacity (1) is below MinCapacity (2), a range no task count is in. Make MaxCapacity at least 2. (GuardedPatterns-EcsScalingMaxBelowMin)");
  });

  test('fails when scaled on the requests of a target group the tasks are not in', () => {
    const { stack, network, web } = build({ autoScaling: { maxCapacity: 4, targetCpuUtilizationPercent: 60 } });
    const other = new elbv2.ApplicationTargetGroup(stack, 'Other', { vpc: network.vpc, port: 80, targetType: elbv2.TargetType.IP });
    web.listener.addTargetGroups('Other', { targetGroups: [other], priority: 10, conditions: [elbv2.ListenerCondition.pathPatterns(['/other/*'])] });
    web.scaling!.scaleOnRequestCount('OtherRequests', { targetGroup: other, requestsPerTarget: 100 });
    expect(() => (stack.node.root as App).synth()).toThrow(
      "Scaling policy 'TestStack/Web/Service/TaskCount/Target/OtherRequests' scales service 'TestStack/Web/Service/Service' on the requests of target group 'TestStack/Other', "
      + "which the service's tasks are not registered in. Name a target group of the service in the ResourceLabel (scaleOnRequestCount with the service's own target group). "
      + '(GuardedPatterns-EcsScalingRequestCountWithoutLoadBalancer)');
  });

  test('fails with every wrong autoScaling value at once', () => {
    expect(() => build({ autoScaling: { minCapacity: 3, maxCapacity: 2, targetCpuUtilizationPercent: 150, targetRequestsPerTarget: 0 } })).toThrow(
      "3 props are wrong:\n- SecureFargateService 'TestStack/Web': autoScaling.maxCapacity (2) is below minCapacity (3); make maxCapacity at least 3, or lower the minimum.\n"
      + "- SecureFargateService 'TestStack/Web': autoScaling.targetCpuUtilizationPercent (150) must be above 0 and at most 100, such as 60.\n"
      + "- SecureFargateService 'TestStack/Web': autoScaling.targetRequestsPerTarget (0) must be above 0, such as 1000.");
  });

  test('fails when the default minimum, desiredCount, is above maxCapacity', () => {
    expect(() => build({ desiredCount: 4, autoScaling: { maxCapacity: 3, targetCpuUtilizationPercent: 60 } })).toThrow(
      "SecureFargateService 'TestStack/Web': autoScaling.maxCapacity (3) is below minCapacity (4, desiredCount by default); make maxCapacity at least 4, or lower the minimum.");
  });

  test('fails when autoScaling gives nothing to scale on, or capacities that are not whole numbers', () => {
    expect(() => build({ autoScaling: { maxCapacity: 4 } })).toThrow(
      "SecureFargateService 'TestStack/Web': autoScaling gives nothing to scale on; set targetCpuUtilizationPercent (such as 60), targetRequestsPerTarget, or both.");
    expect(() => build({ autoScaling: { minCapacity: -1, maxCapacity: 2.5, targetCpuUtilizationPercent: 60 } })).toThrow(
      "2 props are wrong:\n- SecureFargateService 'TestStack/Web': autoScaling.minCapacity (-1) must be a whole number of at least 0; use 2 or more so that the service survives the loss of an AZ.\n"
      + "- SecureFargateService 'TestStack/Web': autoScaling.maxCapacity (2.5) must be a whole number of at least 1.");
  });

  test('tokens are left to deploy time', () => {
    const { stack, network, image, certificate } = setup();
    const number = (name: string) => Token.asNumber(new CfnParameter(stack, name, { type: 'Number' }).valueAsNumber);
    expect(() => new SecureFargateService(stack, 'Web', {
      vpc: network.vpc,
      image,
      certificate,
      autoScaling: { minCapacity: number('Min'), maxCapacity: number('Max'), targetCpuUtilizationPercent: number('Cpu'), targetRequestsPerTarget: number('Requests') },
    })).not.toThrow();
    expect(() => Template.fromStack(stack)).not.toThrow();
  });
});
