import {
  Duration,
  Token,
  aws_cloudwatch as cloudwatch,
  aws_ecs as ecs,
  aws_elasticloadbalancingv2 as elbv2,
} from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { HIPAA_SECURITY, NIST_800_53_R5, acknowledgeAll, complianceRuleIds } from '../private/nag';

/** What `FargateDeploymentAlarms` needs from the pattern. */
interface DeploymentAlarmsContext {
  readonly scope: Construct;
  readonly service: ecs.FargateService;
  readonly targetGroup: elbv2.ApplicationTargetGroup;
  /** The alternate target group of a canary or linear rollout, whose tasks the alarms watch too. */
  readonly alternateTargetGroup?: elbv2.ApplicationTargetGroup;
}

/**
 * The CloudWatch alarms that ECS watches during a deployment of the service: when one goes into
 * ALARM, ECS fails the deployment and rolls back to the last one that completed. The deployment
 * circuit breaker stays on whichever is chosen.
 *
 * @see https://docs.aws.amazon.com/AmazonECS/latest/developerguide/deployment-alarm-failure.html
 */
export class FargateDeploymentAlarms {
  /**
   * Two alarms on the service's target group, which ECS watches with rollback:
   *
   * - target 5xx: the tasks answered 5 or more requests with a 5xx status (`HTTPCode_Target_5XX_Count`,
   *   sum per minute) in 2 of 3 minutes;
   * - unhealthy targets: a task failed the load balancer's health check (`UnHealthyHostCount`,
   *   maximum per minute, 1 or more) in 2 of 3 minutes.
   *
   * With a canary or linear `rollout`, each alarm adds up the metric of both target groups, the
   * service's and the alternate one, since the new revision's tasks may be in either.
   *
   * Missing data (no request at all) is not breaching. The alarms have no action: add one to
   * the pattern's `deploymentAlarms`. About $0.10 a month each.
   */
  public static defaults(): FargateDeploymentAlarms {
    return new FargateDeploymentAlarms((context) => {
      const alarms = defaultAlarms(context);
      return { alarms, names: alarms.map((alarm) => alarm.alarmName) };
    });
  }

  /** No deployment alarms: the deployment circuit breaker alone decides whether a deployment failed. */
  public static none(): FargateDeploymentAlarms {
    return new FargateDeploymentAlarms(() => ({ alarms: [], names: [] }));
  }

  /**
   * Your own alarms, by name (`alarm.alarmName`), instead of the default ones: ECS rolls back
   * when any of them goes into ALARM. `GuardedPatterns-EcsDeploymentAlarmUndefined` warns about a
   * literal name that no alarm in the app defines.
   *
   * @param alarmNames at least one alarm name
   */
  public static named(...alarmNames: string[]): FargateDeploymentAlarms {
    return new FargateDeploymentAlarms(() => ({ alarms: [], names: alarmNames }), alarmNames);
  }

  private constructor(
    private readonly setUp: (context: DeploymentAlarmsContext) => { alarms: cloudwatch.Alarm[]; names: string[] },
    private readonly givenNames?: string[],
  ) {}

  /**
   * What is wrong with the alarms as given, naming the prop, the value and the fix.
   *
   * @internal
   */
  public _problem(subject: string): string | undefined {
    if (this.givenNames === undefined) {
      return undefined;
    }
    if (this.givenNames.length === 0) {
      return `${subject}: deploymentAlarms is FargateDeploymentAlarms.named() with no alarm name; give at least one, or use FargateDeploymentAlarms.none() for none.`;
    }
    const blank = this.givenNames.filter((name) => !Token.isUnresolved(name) && name.trim() === '');
    if (blank.length > 0) {
      return `${subject}: deploymentAlarms names an empty alarm name (${JSON.stringify(this.givenNames)}); give each alarm's name, such as alarm.alarmName.`;
    }
    return undefined;
  }

  /**
   * Creates the alarms, if any, and tells ECS to watch them with rollback; returns the alarms it created.
   *
   * @internal
   */
  public _bind(context: DeploymentAlarmsContext): cloudwatch.Alarm[] {
    const { alarms, names } = this.setUp(context);
    if (names.length > 0) {
      context.service.enableDeploymentAlarms(names, { behavior: ecs.AlarmBehavior.ROLLBACK_ON_ALARM });
    }
    return alarms;
  }
}

/**
 * A target group metric over the service's target group and, in a canary or linear rollout, the
 * alternate one too: ECS swaps their roles at each deployment, so the new revision's tasks are in
 * either. Periods without data in one group count as 0.
 */
function overGroups(context: DeploymentAlarmsContext, metric: (group: elbv2.ApplicationTargetGroup) => cloudwatch.Metric): cloudwatch.IMetric {
  const { targetGroup, alternateTargetGroup } = context;
  if (!alternateTargetGroup) {
    return metric(targetGroup);
  }
  return new cloudwatch.MathExpression({
    expression: 'FILL(primary, 0) + FILL(alternate, 0)',
    usingMetrics: { primary: metric(targetGroup), alternate: metric(alternateTargetGroup) },
    period: Duration.minutes(1),
  });
}

function defaultAlarms(context: DeploymentAlarmsContext): cloudwatch.Alarm[] {
  const { scope } = context;
  const common = {
    evaluationPeriods: 3,
    datapointsToAlarm: 2,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
  };
  const perMinute = (statistic: string) => ({ period: Duration.minutes(1), statistic });
  const alarms = [
    new cloudwatch.Alarm(scope, 'Target5xxAlarm', {
      ...common,
      metric: overGroups(context, (group) => group.metrics.httpCodeTarget(elbv2.HttpCodeTarget.TARGET_5XX_COUNT, perMinute(cloudwatch.Stats.SUM))),
      threshold: 5,
      alarmDescription: `The tasks of ${scope.node.path} answered 5 or more requests a minute with a 5xx status in 2 of 3 minutes; ECS rolls a deployment back on it.`,
    }),
    new cloudwatch.Alarm(scope, 'UnhealthyTargetsAlarm', {
      ...common,
      metric: overGroups(context, (group) => group.metrics.unhealthyHostCount(perMinute(cloudwatch.Stats.MAXIMUM))),
      threshold: 1,
      alarmDescription: `A task of ${scope.node.path} failed the load balancer's health check in 2 of 3 minutes; ECS rolls a deployment back on it.`,
    }),
  ];
  for (const alarm of alarms) {
    acknowledgeAll(alarm, complianceRuleIds('CloudWatchAlarmAction', [NIST_800_53_R5, HIPAA_SECURITY]),
      'ECS watches this alarm during deployments and rolls the service back when it goes into ALARM (DeploymentConfiguration.Alarms): that is its action. '
      + 'A notification is the team\'s choice (alarm.addAlarmAction on the pattern\'s deploymentAlarms).');
  }
  return alarms;
}
