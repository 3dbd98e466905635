import {
  Duration,
  aws_certificatemanager as acm,
  aws_ecr as ecr,
  aws_ecs as ecs,
} from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { FargateRollout, PrivateSubnetVpc, SecureFargateService, SecureFargateServiceProps } from '../../src';
import { EcsBakeTimeBelowGracePeriod } from '../../src/checks/ecs/ecs-bake-time-below-grace-period';
import { EcsRolloutWithoutAlternateTarget } from '../../src/checks/ecs/ecs-rollout-without-alternate-target';
import { checkHits, testStack } from '../util';

const CERTIFICATE_ARN = 'arn:aws:acm:us-east-1:111111111111:certificate/11111111-2222-3333-4444-555555555555';

function build(props: Partial<SecureFargateServiceProps> = {}) {
  const stack = testStack();
  const network = new PrivateSubnetVpc(stack, 'Network');
  const image = ecs.ContainerImage.fromEcrRepository(ecr.Repository.fromRepositoryName(stack, 'Repository', 'app'), 'v1');
  const certificate = acm.Certificate.fromCertificateArn(stack, 'Certificate', CERTIFICATE_ARN);
  const web = new SecureFargateService(stack, 'Web', { vpc: network.vpc, image, certificate, ...props });
  return { stack, web };
}

function synth(props: Partial<SecureFargateServiceProps> = {}) {
  const { stack, web } = build(props);
  return { stack, web, template: Template.fromStack(stack) };
}

const BLUE = { Ref: Match.stringLikeRegexp('^WebLoadBalancerHttpsTasksGroup') };
const GREEN = { Ref: Match.stringLikeRegexp('^WebAlternateTargetGroup') };
const RULE = { Ref: Match.stringLikeRegexp('^WebProductionListenerRule') };

describe('SecureFargateService rollout', () => {
  test('by default, a rolling update: no strategy, bake time, alternate target group, listener rule or traffic-shift role', () => {
    const { template, web } = synth();
    const service = Object.values(template.findResources('AWS::ECS::Service'))[0];
    expect(Object.keys(service.Properties.DeploymentConfiguration).sort()).toEqual(['Alarms', 'DeploymentCircuitBreaker', 'MaximumPercent', 'MinimumHealthyPercent']);
    expect(service.Properties.LoadBalancers).toEqual([{ ContainerName: 'App', ContainerPort: 8080, TargetGroupArn: BLUE_REF(template) }]);
    template.resourceCountIs('AWS::ElasticLoadBalancingV2::TargetGroup', 1);
    template.resourceCountIs('AWS::ElasticLoadBalancingV2::ListenerRule', 0);
    expect(web.alternateTargetGroup).toBeUndefined();
    expect(web.productionListenerRule).toBeUndefined();
    expect(web.trafficShiftRole).toBeUndefined();
  });

  test('canary(): ECS\'s defaults, the alternate target group, a production rule forwarding to both by weight, and a role with the load balancer actions ECS needs', () => {
    const { template, web, stack } = synth({ rollout: FargateRollout.canary() });
    template.hasResourceProperties('AWS::ECS::Service', {
      DeploymentController: { Type: 'ECS' },
      DeploymentConfiguration: Match.objectLike({
        Strategy: 'CANARY',
        BakeTimeInMinutes: 10,
        CanaryConfiguration: { CanaryPercent: 5, CanaryBakeTimeInMinutes: 10 },
        DeploymentCircuitBreaker: { Enable: true, Rollback: true },
        Alarms: Match.objectLike({ Enable: true, Rollback: true }),
      }),
      LoadBalancers: [{
        ContainerName: 'App',
        ContainerPort: 8080,
        TargetGroupArn: BLUE,
        AdvancedConfiguration: {
          AlternateTargetGroupArn: GREEN,
          ProductionListenerRule: RULE,
          RoleArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^WebTrafficShiftRole'), 'Arn'] },
        },
      }],
    });
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', { TargetType: 'ip', Port: 8080, Protocol: 'HTTP', HealthCheckPath: '/', Matcher: { HttpCode: '200-399' } });
    template.resourceCountIs('AWS::ElasticLoadBalancingV2::TargetGroup', 2);
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::ListenerRule', {
      ListenerArn: { Ref: Match.stringLikeRegexp('^WebLoadBalancerHttps') },
      Priority: 1,
      Conditions: [{ Field: 'path-pattern', PathPatternConfig: { Values: ['/*'] } }],
      Actions: [{ Type: 'forward', ForwardConfig: { TargetGroups: [{ TargetGroupArn: BLUE, Weight: 100 }, { TargetGroupArn: GREEN, Weight: 0 }] } }],
    });
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: { Statement: [{ Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'ecs.amazonaws.com' } }] },
      Description: Match.stringLikeRegexp('canary deployment'),
    });
    template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      Roles: [{ Ref: Match.stringLikeRegexp('^WebTrafficShiftRole') }],
      PolicyDocument: {
        Statement: [
          {
            Sid: 'ReadLoadBalancer',
            Effect: 'Allow',
            Action: ['elasticloadbalancing:DescribeListeners', 'elasticloadbalancing:DescribeRules', 'elasticloadbalancing:DescribeTargetGroups', 'elasticloadbalancing:DescribeTargetHealth'],
            Resource: '*',
          },
          { Sid: 'RegisterTasks', Effect: 'Allow', Action: ['elasticloadbalancing:RegisterTargets', 'elasticloadbalancing:DeregisterTargets'], Resource: [BLUE, GREEN] },
          { Sid: 'ShiftTraffic', Effect: 'Allow', Action: 'elasticloadbalancing:ModifyListener', Resource: { Ref: Match.stringLikeRegexp('^WebLoadBalancerHttps') } },
          { Sid: 'ShiftTrafficRule', Effect: 'Allow', Action: 'elasticloadbalancing:ModifyRule', Resource: RULE },
        ],
        Version: '2012-10-17',
      },
    });
    // The default deployment alarms watch the tasks in both target groups.
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Threshold: 5,
      Metrics: Match.arrayWith([
        Match.objectLike({ Expression: 'FILL(primary, 0) + FILL(alternate, 0)', ReturnData: true }),
        Match.objectLike({ Id: 'alternate', MetricStat: Match.objectLike({ Metric: Match.objectLike({ MetricName: 'HTTPCode_Target_5XX_Count', Dimensions: Match.arrayWith([{ Name: 'TargetGroup', Value: { 'Fn::GetAtt': [Match.stringLikeRegexp('^WebAlternateTargetGroup'), 'TargetGroupFullName'] } }]) }) }) }),
      ]),
    });
    expect(web.alternateTargetGroup?.node.path).toBe('TestStack/Web/AlternateTargetGroup');
    expect(web.productionListenerRule?.node.path).toBe('TestStack/Web/ProductionListenerRule');
    expect(web.trafficShiftRole?.node.path).toBe('TestStack/Web/TrafficShiftRole');
    expect(checkHits(stack, EcsRolloutWithoutAlternateTarget)).toEqual([]);
    expect(checkHits(stack, EcsBakeTimeBelowGracePeriod)).toEqual([]);
  });

  test('canary() behind CloudFront (no certificate or domain): the internal load balancer gets the alternate target group and the production rule', () => {
    const stack = testStack();
    const network = new PrivateSubnetVpc(stack, 'Network');
    const image = ecs.ContainerImage.fromEcrRepository(ecr.Repository.fromRepositoryName(stack, 'Repository', 'app'), 'v1');
    const web = new SecureFargateService(stack, 'Web', { vpc: network.vpc, image, rollout: FargateRollout.canary() });
    const template = Template.fromStack(stack);
    expect(web.distribution).toBeDefined();
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', { Scheme: 'internal' });
    template.resourceCountIs('AWS::ElasticLoadBalancingV2::TargetGroup', 2);
    template.resourceCountIs('AWS::ElasticLoadBalancingV2::ListenerRule', 1);
    template.hasResourceProperties('AWS::ECS::Service', {
      DeploymentConfiguration: Match.objectLike({ Strategy: 'CANARY' }),
      LoadBalancers: [Match.objectLike({
        AdvancedConfiguration: Match.objectLike({ AlternateTargetGroupArn: Match.anyValue(), ProductionListenerRule: Match.anyValue() }),
      })],
    });
    expect(web.alternateTargetGroup).toBeDefined();
    expect(web.productionListenerRule).toBeDefined();
  });

  test('linear() with its options', () => {
    const rollout = FargateRollout.linear({ stepPercent: 20, stepBakeTime: Duration.minutes(3), bakeTime: Duration.minutes(15) });
    const { template } = synth({ rollout });
    template.hasResourceProperties('AWS::ECS::Service', {
      DeploymentConfiguration: Match.objectLike({
        Strategy: 'LINEAR',
        BakeTimeInMinutes: 15,
        LinearConfiguration: { StepPercent: 20, StepBakeTimeInMinutes: 3 },
      }),
    });
    template.resourceCountIs('AWS::ElasticLoadBalancingV2::ListenerRule', 1);
  });

  test('warns when the bake time is shorter than the health-check grace period', () => {
    const { stack } = build({ rollout: FargateRollout.canary({ percent: 10, canaryBakeTime: Duration.minutes(5), bakeTime: Duration.minutes(0) }) });
    const warnings = Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('EcsBakeTimeBelowGracePeriod')).map((w) => `${w.id}: ${w.entry.data}`);
    expect(warnings).toEqual([
      "/TestStack/Web/Service/Service: Service 'TestStack/Web/Service/Service': the bake time (0 minutes) is shorter than the health-check grace period (60 seconds). "
      + "ECS ignores the load balancer's health checks of a new task during the grace period, so the deployment can finish, and the old revision be stopped, "
      + 'before an unhealthy new task is noticed. Make the bake time at least the grace period. [ack: Annotation::GuardedPatterns-EcsBakeTimeBelowGracePeriod]',
    ]);
  });

  test('fails when percentages or bake times are outside what ECS and CloudFormation accept, naming each', () => {
    expect(() => build({ rollout: FargateRollout.canary({ percent: 0.05, canaryBakeTime: Duration.minutes(1441), bakeTime: Duration.seconds(90) }) })).toThrow('3 props are wrong:\n' + [
      "SecureFargateService 'TestStack/Web': rollout FargateRollout.canary() has percent 0.05, but ECS takes a multiple of 0.1 from 0.1 to 100; use a value such as 5.",
      "SecureFargateService 'TestStack/Web': rollout FargateRollout.canary() has canaryBakeTime 1441 minutes, but ECS takes whole minutes from 0 to 1440 (24 hours); use a value such as Duration.minutes(10).",
      "SecureFargateService 'TestStack/Web': rollout FargateRollout.canary() has bakeTime 1.5 minutes, but ECS takes whole minutes of at least 0; use a value such as Duration.minutes(10).",
    ].map((m) => `- ${m}`).join('\n'));
    expect(() => build({ rollout: FargateRollout.linear({ stepPercent: 2.5 }) })).toThrow(
      "SecureFargateService 'TestStack/Web': rollout FargateRollout.linear() has stepPercent 2.5, but ECS takes a multiple of 0.1 from 3 to 100; use a value such as 10.");
    const tooLong = FargateRollout.linear({ stepPercent: 3, stepBakeTime: Duration.minutes(60), bakeTime: Duration.minutes(100) });
    expect(() => build({ rollout: tooLong })).toThrow(
      "SecureFargateService 'TestStack/Web': rollout FargateRollout.linear() would take 2080 minutes (bakeTime 100 and 33 step bake times of 60), "
      + 'more than the 1980 (33 hours) CloudFormation accepts for a deployment; shorten bakeTime or the step bake time.');
  });
});

/** The primary target group's reference, as the template has it. */
function BLUE_REF(template: Template): { Ref: string } {
  return { Ref: Object.keys(template.findResources('AWS::ElasticLoadBalancingV2::TargetGroup'))[0] };
}
