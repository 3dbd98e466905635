import {
  Duration,
  Token,
  Validations,
  aws_ecs as ecs,
  aws_elasticloadbalancingv2 as elbv2,
  aws_iam as iam,
} from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { FargateFrontEnd, FrontEndTarget } from './load-balancer-front-end';
import { FargateCanaryOptions, FargateLinearOptions } from './rollout-options';
import { GuardedPatternsError } from '../private/errors';
import { ManagedPolicyRole } from '../private/managed-policy-role';
import { iam5ResourceId } from '../private/nag';

/** What the pattern gets back from binding a rollout: the target groups and what shifts traffic between them. */
export interface FargateRolloutBinding {
  /** The target group the service's tasks serve production traffic from. */
  readonly targetGroup: elbv2.ApplicationTargetGroup;
  /** The target group ECS starts a new revision in, for a traffic-shifting strategy. */
  readonly alternateTargetGroup?: elbv2.ApplicationTargetGroup;
  /** The listener rule whose weights ECS changes, for a traffic-shifting strategy. */
  readonly productionListenerRule?: elbv2.ApplicationListenerRule;
  /** The role ECS assumes to shift traffic, for a traffic-shifting strategy. */
  readonly trafficShiftRole?: iam.IRole;
}

/** The deployment settings of the ECS service that a rollout decides. */
export interface RolloutServiceProps {
  readonly deploymentStrategy?: ecs.DeploymentStrategy;
  readonly bakeTime?: Duration;
  readonly canaryConfiguration?: ecs.TrafficShiftConfig;
  readonly linearConfiguration?: ecs.TrafficShiftConfig;
}

/** CloudFormation refuses a canary or linear deployment that it reckons would last longer than 33 hours. */
const CLOUDFORMATION_LIMIT_MINUTES = 33 * 60;
/** The most a canary or linear step may bake (CanaryBakeTimeInMinutes, StepBakeTimeInMinutes). */
const STEP_BAKE_LIMIT_MINUTES = 1440;
const DEFAULT_BAKE_TIME = Duration.minutes(10);

/** What differs between the traffic-shifting strategies: ECS's strategy, their options' names, the least percentage ECS takes. */
const SHIFTING = {
  canary: { strategy: ecs.DeploymentStrategy.CANARY, percentName: 'percent', leastPercent: 0.1, stepBakeName: 'canaryBakeTime' },
  linear: { strategy: ecs.DeploymentStrategy.LINEAR, percentName: 'stepPercent', leastPercent: 3, stepBakeName: 'stepBakeTime' },
} as const;

/**
 * How ECS rolls a new revision of a SecureFargateService out: a rolling update, or one of ECS's
 * own traffic-shifting strategies (canary, linear), which start the new revision beside the old
 * one in an alternate target group and move production traffic to it by the weights of a
 * listener rule, rolling back while a deployment alarm goes into ALARM.
 *
 * @see https://docs.aws.amazon.com/AmazonECS/latest/developerguide/deployment-type-ecs.html
 */
export class FargateRollout {
  /**
   * ECS replaces the tasks a few at a time (minimum healthy 100%, maximum 200%); the circuit
   * breaker and the deployment alarms roll back a deployment that fails.
   */
  public static rolling(): FargateRollout {
    return new FargateRollout(undefined, () => [], () => ({}));
  }

  /**
   * ECS starts the new revision beside the old one, shifts `percent` of production traffic to it
   * for `canaryBakeTime`, then the rest at once, and keeps the old revision for `bakeTime` before
   * stopping it. Adds an alternate target group, a production listener rule that forwards to both
   * groups by weight, and a role that ECS assumes to change the weights.
   *
   * @see https://docs.aws.amazon.com/AmazonECS/latest/developerguide/canary-deployment.html
   */
  public static canary(options: FargateCanaryOptions = {}): FargateRollout {
    return FargateRollout.shifting('canary', options.percent ?? 5, options.canaryBakeTime ?? Duration.minutes(10), options.bakeTime);
  }

  /**
   * ECS starts the new revision beside the old one and shifts `stepPercent` of production traffic
   * to it at each step, waiting `stepBakeTime` between steps, then keeps the old revision for
   * `bakeTime` before stopping it. Adds an alternate target group, a production listener rule that
   * forwards to both groups by weight, and a role that ECS assumes to change the weights.
   *
   * @see https://docs.aws.amazon.com/AmazonECS/latest/developerguide/linear-deployment-implementation.html
   */
  public static linear(options: FargateLinearOptions = {}): FargateRollout {
    return FargateRollout.shifting('linear', options.stepPercent ?? 10, options.stepBakeTime ?? Duration.minutes(6), options.bakeTime);
  }

  /** A traffic-shifting strategy: its options checked, and the ECS settings they make. */
  private static shifting(name: keyof typeof SHIFTING, percent: number, stepBakeTime: Duration,
    bakeTime: Duration = DEFAULT_BAKE_TIME): FargateRollout {
    const { strategy, percentName, leastPercent, stepBakeName } = SHIFTING[name];
    const factory = `FargateRollout.${name}()`;
    // A canary shifts once, then the rest; a linear rollout shifts stepPercent at each step.
    const steps = name === 'canary' ? 1 : linearSteps(percent);
    const configuration: ecs.TrafficShiftConfig = { stepPercent: percent, stepBakeTime };
    return new FargateRollout(name, (subject) => [
      percentProblem(subject, factory, percentName, percent, leastPercent),
      stepBakeProblem(subject, factory, stepBakeName, stepBakeTime),
      bakeTimeProblem(subject, factory, bakeTime, stepBakeTime, steps),
    ], () => ({
      deploymentStrategy: strategy,
      bakeTime,
      ...(name === 'canary' ? { canaryConfiguration: configuration } : { linearConfiguration: configuration }),
    }));
  }

  private constructor(
    private readonly strategyName: string | undefined,
    private readonly problems: (subject: string) => Array<string | undefined>,
    private readonly serviceProps: () => RolloutServiceProps,
  ) {}

  /**
   * What is wrong with the options, each naming the option, the value and the fix.
   *
   * @internal
   */
  public _problems(subject: string): string[] {
    return this.problems(subject).filter((p): p is string => p !== undefined);
  }

  /**
   * The deployment settings to give the ECS service.
   *
   * @internal
   */
  public _serviceProps(): RolloutServiceProps {
    return this.serviceProps();
  }

  /**
   * Routes the front end to the service's tasks: for a traffic-shifting strategy, through an
   * alternate target group and a production listener rule, with the role ECS assumes to shift
   * traffic between them.
   *
   * @internal
   */
  public _bind(scope: Construct, subject: string, frontEnd: FargateFrontEnd, target: FrontEndTarget): FargateRolloutBinding {
    if (this.strategyName === undefined) {
      return { targetGroup: frontEnd.addTarget(target) };
    }
    const role = new ManagedPolicyRole(scope, 'TrafficShiftRole', {
      assumedBy: new iam.ServicePrincipal('ecs.amazonaws.com'),
      description: `Lets ECS shift the traffic of ${scope.node.path} between its target groups during a ${this.strategyName} deployment`,
    });
    const targetGroup = frontEnd.addTarget({ ...target, trafficShiftRole: role });
    const { alternateTargetGroup, productionListenerRule } = frontEnd;
    if (!alternateTargetGroup || !productionListenerRule) {
      throw new GuardedPatternsError(`${subject}: rollout is FargateRollout.${this.strategyName}(), which needs a load balancer listener rule to shift traffic by, `
        + 'but the front end made no alternate target group or production listener rule; use FargateRollout.rolling() with this front end.');
    }
    // The load balancer actions of AmazonECSInfrastructureRolePolicyForLoadBalancers, on this service's resources only.
    role.addToManagedPolicy(
      new iam.PolicyStatement({
        sid: 'ReadLoadBalancer',
        actions: ['elasticloadbalancing:DescribeListeners', 'elasticloadbalancing:DescribeRules', 'elasticloadbalancing:DescribeTargetGroups', 'elasticloadbalancing:DescribeTargetHealth'],
        resources: ['*'],
      }),
      new iam.PolicyStatement({
        sid: 'RegisterTasks',
        actions: ['elasticloadbalancing:RegisterTargets', 'elasticloadbalancing:DeregisterTargets'],
        resources: [targetGroup.targetGroupArn, alternateTargetGroup.targetGroupArn],
      }),
      new iam.PolicyStatement({
        sid: 'ShiftTraffic',
        actions: ['elasticloadbalancing:ModifyListener'],
        resources: [frontEnd.listener.listenerArn],
      }),
      new iam.PolicyStatement({
        sid: 'ShiftTrafficRule',
        actions: ['elasticloadbalancing:ModifyRule'],
        resources: [productionListenerRule.listenerRuleArn],
      }),
    );
    // ECS assumes the role when the service is created: its policy must be attached by then.
    target.service.node.addDependency(role);
    Validations.of(role).acknowledge({
      id: iam5ResourceId('*'),
      reason: 'elasticloadbalancing:DescribeListeners, DescribeRules, DescribeTargetGroups and DescribeTargetHealth accept no resource but *; '
        + 'the statements that change anything name this service\'s target groups, listener and listener rule.',
    });
    return { targetGroup, alternateTargetGroup, productionListenerRule, trafficShiftRole: role };
  }
}

/** A traffic percentage: a multiple of 0.1 from `least` to 100. */
function percentProblem(subject: string, factory: string, name: string, value: number, least: number): string | undefined {
  if (Token.isUnresolved(value) || (value >= least && value <= 100 && Math.abs(Math.round(value * 10) - value * 10) < 1e-9)) {
    return undefined;
  }
  return `${subject}: rollout ${factory} has ${name} ${value}, but ECS takes a multiple of 0.1 from ${least} to 100; use a value such as ${least === 3 ? 10 : 5}.`;
}

/** A canary or step bake time: whole minutes from 0 to 1440. */
function stepBakeProblem(subject: string, factory: string, name: string, value: Duration): string | undefined {
  if (value.isUnresolved()) {
    return undefined;
  }
  const minutes = value.toMinutes({ integral: false });
  if (Number.isInteger(minutes) && minutes >= 0 && minutes <= STEP_BAKE_LIMIT_MINUTES) {
    return undefined;
  }
  return `${subject}: rollout ${factory} has ${name} ${minutes} minutes, but ECS takes whole minutes from 0 to ${STEP_BAKE_LIMIT_MINUTES} (24 hours); use a value such as Duration.minutes(10).`;
}

/**
 * The bake time after the last shift: whole minutes, and with the bake times of the steps within
 * the 33 hours CloudFormation allows a canary or linear deployment.
 */
function bakeTimeProblem(subject: string, factory: string, bakeTime: Duration, stepBake: Duration, steps: number): string | undefined {
  if (bakeTime.isUnresolved()) {
    return undefined;
  }
  const minutes = bakeTime.toMinutes({ integral: false });
  if (!Number.isInteger(minutes) || minutes < 0) {
    return `${subject}: rollout ${factory} has bakeTime ${minutes} minutes, but ECS takes whole minutes of at least 0; use a value such as Duration.minutes(10).`;
  }
  if (stepBake.isUnresolved()) {
    return undefined;
  }
  const total = minutes + stepBake.toMinutes({ integral: false }) * steps;
  if (total > CLOUDFORMATION_LIMIT_MINUTES) {
    return `${subject}: rollout ${factory} would take ${total} minutes (bakeTime ${minutes} and ${steps} step bake time${steps === 1 ? '' : 's'} of ${stepBake.toMinutes({ integral: false })}), `
      + `more than the ${CLOUDFORMATION_LIMIT_MINUTES} (33 hours) CloudFormation accepts for a deployment; shorten bakeTime or the step bake time.`;
  }
  return undefined;
}

/**
 * The number of steps CloudFormation counts for a linear deployment: 100 / stepPercent - 1 when it
 * divides evenly (no bake after the last shift), else its floor.
 */
function linearSteps(stepPercent: number): number {
  if (Token.isUnresolved(stepPercent) || stepPercent <= 0) {
    return 0;
  }
  const shifts = 100 / stepPercent;
  return Math.abs(shifts - Math.round(shifts)) < 1e-9 ? Math.round(shifts) - 1 : Math.floor(shifts);
}
