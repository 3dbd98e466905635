import {
  AspectPriority,
  Aspects,
  Duration,
  Lazy,
  RemovalPolicy,
  Stack,
  Token,
  Validations,
  aws_cloudwatch as cloudwatch,
  aws_ecs as ecs,
  aws_events as events,
  aws_events_targets as targets,
  aws_iam as iam,
  aws_kms as kms,
  aws_lambda as lambda,
  aws_logs as logs,
  aws_secretsmanager as secretsmanager,
  aws_sqs as sqs,
  aws_ssm as ssm,
  ArnFormat,
} from 'aws-cdk-lib';
import { Construct } from 'constructs';
import {
  API_CALL, LABEL_UPDATED, PARAMETER_CHANGE, PARAMETER_WRITES, ROTATION_SUCCEEDED, SECRETS_MANAGER_SOURCE, SECRET_WRITES, SERVICE_EVENT, SSM_SOURCE,
} from './change-event';
import { RECYCLER_METRICS_DIMENSION, RECYCLER_METRICS_NAMESPACE, RECYCLER_METRIC_NAMES, RECYCLER_STALE_TASKS_METRIC } from './metrics';
import { RecycleFunction } from './recycle-function';
import { CURRENT_STAGE, sameSecret } from './references';
import { cfnServiceOf, estimatedLength, servicesIn } from './watch-list';
import { PATTERN_CHECKS } from '../checks/catalogue';
import { EcsCodeDeployWithSecrets } from '../checks/ecs/ecs-code-deploy-with-secrets';
import { EcsSecretVersionPinned } from '../checks/ecs/ecs-secret-version-pinned';
import { embedChecks, pathOf, warnFinding } from '../checks/embed';
import { EVENT_PATTERN_QUOTA, RecyclerEventPatternSize, eventPatternSizeMessage } from '../checks/events/recycler-event-pattern-size';
import { RecyclerKeyPolicy, recyclerKeyPolicyMessage } from '../checks/kms/recycler-key-policy';
import { RecyclerUnusedSecret, unusedSecretMessage } from '../checks/secretsmanager/recycler-unused-secret';
import { GuardedPatternsError, PropErrors } from '../private/errors';
import { CLOUDWATCH_LOGS_KEY_ACTIONS, cloudWatchLogsPrincipal, letCloudWatchLogsUse } from '../private/kms';
import { ManagedPolicyRole } from '../private/managed-policy-role';
import { acknowledgeAll, complianceRuleIds } from '../private/nag';
import { OptionalStatement } from '../private/optional-statement';
import { Removal } from '../private/removal';
import { ResourceIndex, SynthesisIndexStart, literalString, referencedResource } from '../private/resource-index';
import { ScopedWildcard, acknowledgeScopedWildcards } from '../private/scoped-wildcards';
import { taskDefinitionOf, valueFromsOfTaskDefinition } from '../private/template/ecs';
import { WatchedValue, watchedValue } from '../private/template/value-from';

/** The construct ID of the per-stack recycler that `SecretRotationRecycler.ofStack()` returns. */
const STACK_RECYCLER_ID = 'SecretRotationRecycler';

/**
 * How often the staleness pass runs: the alarm's resolution. A pass costs a few ECS calls per
 * cluster; every 5 minutes is 8,640 invocations a month, within Lambda's free tier.
 */
const STALENESS_PASS_INTERVAL = Duration.minutes(5);

/** Longer than an ECS rolling deployment normally takes, target draining (300 seconds by default) included. */
const DEFAULT_STALENESS_GRACE = Duration.minutes(30);

/** CloudWatch evaluates an alarm whose period is under an hour over at most one day. */
const MAX_STALENESS_GRACE = Duration.days(1);

/**
 * Properties of a SecretRotationRecycler.
 */
export interface SecretRotationRecyclerProps {
  /**
   * The ECS clusters whose services are redeployed. The clusters of the services registered with
   * `addService()` are watched too. Synth fails when the recycler ends up watching no cluster.
   *
   * @default - the clusters of the services registered with `addService()`
   */
  readonly clusters?: ecs.ICluster[];

  /**
   * The Secrets Manager secrets whose changes trigger a redeployment.
   *
   * @default - every secret that the task definitions of the services in the watched clusters
   * inject (container secrets and log configuration secret options), found when the app is complete
   */
  readonly secrets?: secretsmanager.ISecret[];

  /**
   * The SSM parameters whose changes trigger a redeployment.
   *
   * @default - every parameter that the task definitions of the services in the watched clusters
   * inject, found when the app is complete
   */
  readonly parameters?: ssm.IParameter[];

  /**
   * Also react to the CloudTrail-based events: PutSecretValue and UpdateSecret calls (writes to
   * AWSCURRENT only; rotation's AWSPENDING writes are ignored) and RotationSucceeded. They need a
   * CloudTrail trail in the account. Secrets Manager's own `Secret Label Updated` event already
   * covers rotations and manual updates; with both, the second event of a change finds the
   * deployments that the first started after the change, and leaves them alone.
   *
   * @default false
   * @see https://docs.aws.amazon.com/secretsmanager/latest/userguide/monitoring-eventbridge.html
   */
  readonly cloudTrailEvents?: boolean;

  /**
   * Log which services would be redeployed, and redeploy none.
   *
   * @default false
   */
  readonly dryRun?: boolean;

  /**
   * What the recycler's alarms do, typically `new cloudwatch_actions.SnsAction(topic)` for the
   * on-call team: the alarm on the dead-letter queue (an event there is a change whose services
   * were not all redeployed, or a staleness pass that could not read everything) and the staleness
   * alarm (tasks kept an old secret or parameter value longer than `stalenessGracePeriod`).
   * An alarm without an action notifies no one, and AWS Control Tower's proactive control
   * CT.CLOUDWATCH.PR.1 refuses it at deploy time. For the stack's recycler (`ofStack()`, which
   * SecureFargateService uses), call `addAlarmAction()` instead.
   *
   * @default - no action: add one with `addAlarmAction()`
   * @see https://docs.aws.amazon.com/controltower/latest/controlreference/cloudwatch-rules.html
   */
  readonly alarmActions?: cloudwatch.IAlarmAction[];

  /**
   * A KMS key for the dead-letter queue and the function's log group. The pattern adds the
   * statements that let EventBridge and CloudWatch Logs use it to the key policy (for an imported
   * key it warns instead).
   *
   * @default - the queue is encrypted with SQS-managed keys and the log group by CloudWatch Logs
   */
  readonly encryptionKey?: kms.IKey;

  /**
   * How long the function's logs (one line per redeployed service) are kept.
   *
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly logRetention?: logs.RetentionDays;

  /**
   * What happens to what the recycler would keep after the stack is deleted: its log group.
   * `RemovalPolicy.DESTROY` makes a trial that `cdk destroy` removes entirely.
   *
   * @default - RemovalPolicy.RETAIN; for the stack's recycler (`ofStack()`), the `removalPolicy`
   * of the SecureFargateServices that register with it when they all give the same one
   */
  readonly removalPolicy?: RemovalPolicy;

  /**
   * Reserved concurrency of the function: Lambda keeps that many executions for it and runs no more
   * at once. Lambda refuses a reservation that leaves the account's unreserved concurrency under its
   * minimum (100, or less in accounts whose total concurrency is low: an account whose total is 10
   * can reserve nothing), and a reservation of 0 throttles every invocation, so 0 is refused.
   *
   * Without a reservation, simultaneous changes run side by side; the function caps its own ECS
   * calls at 4 at a time and retries throttled calls with jittered backoff, and a change it could
   * not finish is retried by Lambda, then kept in the dead-letter queue.
   *
   * @default - no reservation
   * @see https://docs.aws.amazon.com/lambda/latest/dg/configuration-concurrency.html
   */
  readonly reservedConcurrentExecutions?: number;

  /**
   * How long running tasks may keep an old value of a watched secret or parameter before the
   * staleness alarm fires. Every 5 minutes, the function counts the running tasks of the services
   * that read each watched secret or parameter that started before its current value was written (a
   * secret's AWSCURRENT version, a parameter's last modification; a parameter read with a version or
   * label, `name:3`, never refreshes and is not counted) (`metricStaleTasks()`); the alarm fires
   * when the count stays above 0 for this long: a change event was missed, or the redeployment it
   * started did not finish. Rounded up to a multiple of the 5-minute pass; at least 5 minutes, at
   * most 1 day (CloudWatch's longest evaluation for 5-minute periods). Keep it longer than your
   * deployments take: tasks of a deployment in progress are still stale.
   *
   * @default Duration.minutes(30)
   */
  readonly stalenessGracePeriod?: Duration;
}

/** What the rule watches, read from the complete app. */
interface WatchList {
  readonly secrets: WatchedValue[];
  readonly parameters: WatchedValue[];
  /** Everything the watched task definitions read, pinned versions included. */
  readonly referenced: WatchedValue[];
  readonly taskDefinitions: ecs.CfnTaskDefinition[];
  readonly services: ecs.CfnService[];
}

/**
 * Redeploys exactly the ECS services whose task definitions inject a secret or parameter when it
 * changes. ECS reads secrets only when a task starts: without a new deployment, a rotated password
 * stays old in every running task.
 *
 * An EventBridge rule matches Secrets Manager's `Secret Label Updated` (AWSCURRENT) and Parameter
 * Store's `Parameter Store Change` events for exactly the watched ARNs and names; a function lists
 * the services of the watched clusters, reads each distinct task definition once and forces a new
 * deployment of those that read the changed value. Failures keep the event in an encrypted
 * dead-letter queue with an alarm.
 *
 * @example
 * declare const service: ecs.FargateService;
 * const recycler = new SecretRotationRecycler(this, 'Recycler');
 * recycler.addService(service); // an ecs.FargateService whose containers inject secrets
 */
export class SecretRotationRecycler extends Construct implements iam.IGrantable {
  /**
   * The stack's own recycler (a child of the stack), created with defaults when absent. Patterns
   * register their services with it.
   */
  public static ofStack(scope: Construct): SecretRotationRecycler {
    const stack = Stack.of(scope);
    const existing = stack.node.tryFindChild(STACK_RECYCLER_ID);
    if (existing !== undefined && !(existing instanceof SecretRotationRecycler)) {
      throw new GuardedPatternsError(`SecretRotationRecycler.ofStack: '${existing.node.path}' is not a SecretRotationRecycler; rename that construct, the ID '${STACK_RECYCLER_ID}' is reserved for the stack's recycler.`);
    }
    return existing ?? new SecretRotationRecycler(stack, STACK_RECYCLER_ID);
  }

  /**
   * The function that redeploys the services. It runs as `role`, which it takes by ARN: grant to
   * `role` (or to the recycler, an `iam.IGrantable`), not to the function.
   */
  public readonly function: lambda.Function;
  /** The function's role. */
  public readonly role: iam.Role;
  /** The managed policy that holds the role's permissions. */
  public readonly policy: iam.ManagedPolicy;
  /**
   * The rule that matches changes of the watched secrets and parameters. Its event pattern is
   * computed from the complete app when the template is written.
   */
  public readonly rule: events.Rule;
  /** Where events go when the function fails for them (after its retries) or cannot be invoked. */
  public readonly deadLetterQueue: sqs.Queue;
  /** Alarms as soon as an event is in the dead-letter queue. */
  public readonly deadLetterAlarm: cloudwatch.Alarm;
  /** Runs the function's staleness pass every 5 minutes. */
  public readonly stalenessSchedule: events.Rule;
  /**
   * Alarms when running tasks have kept an old value of a watched secret or parameter for longer
   * than `stalenessGracePeriod` (`metricStaleTasks()` above 0).
   */
  public readonly staleTasksAlarm: cloudwatch.Alarm;
  /** The function's log group: one JSON line per service and a summary per change. */
  public readonly logGroup: logs.LogGroup;
  /** The principal that calls ECS. */
  public readonly grantPrincipal: iam.IPrincipal;

  private readonly props: SecretRotationRecyclerProps;
  private readonly watchedClusters: ecs.ICluster[] = [];
  private readonly services: ecs.BaseService[] = [];
  /** The statements whose wildcard resources are acknowledged, with the reason for each. */
  private readonly scopedWildcards: ScopedWildcard[] = [];
  private readonly subject: string;
  /** The removal policies of the patterns that registered with this recycler. */
  private readonly requestedRemovalPolicies = new Set<RemovalPolicy>();

  constructor(scope: Construct, id: string, props: SecretRotationRecyclerProps = {}) {
    super(scope, id);
    this.props = props;
    this.subject = `SecretRotationRecycler '${this.node.path}'`;
    const errors = new PropErrors();
    const removal = Removal.of(errors, this.subject, props.removalPolicy);
    const stack = Stack.of(this);
    const concurrency = props.reservedConcurrentExecutions;
    if (concurrency !== undefined && !Token.isUnresolved(concurrency) && (!Number.isInteger(concurrency) || concurrency < 1)) {
      const why = concurrency === 0 ? ': a reservation of 0 throttles every invocation, so no change would ever be recycled' : '';
      errors.add(`${this.subject}: reservedConcurrentExecutions (${concurrency}) must be a whole number of at least 1${why}; `
        + 'leave it unset for no reservation, or use 1 or more where the account\'s unreserved concurrency allows it.');
    }
    for (const cluster of props.clusters ?? []) {
      errors.check(() => this.checkClusterEnv(cluster, 'clusters'));
    }
    const grace = props.stalenessGracePeriod ?? DEFAULT_STALENESS_GRACE;
    errors.check(() => this.checkGracePeriod(grace));
    errors.throwIfAny();

    if (props.encryptionKey) {
      this.letServicesUse(props.encryptionKey);
    }
    const queue = new sqs.Queue(this, 'DeadLetterQueue', {
      encryption: props.encryptionKey ? sqs.QueueEncryption.KMS : sqs.QueueEncryption.SQS_MANAGED,
      encryptionMasterKey: props.encryptionKey,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    this.deadLetterQueue = queue;
    Validations.of(queue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: 'This queue is the dead-letter queue of the rule target and the function; a dead-letter queue has none of its own.',
    });

    this.logGroup = new logs.LogGroup(this, 'LogGroup', {
      retention: props.logRetention ?? logs.RetentionDays.ONE_YEAR,
      encryptionKey: props.encryptionKey,
      removalPolicy: removal.policy,
    });

    const role = new ManagedPolicyRole(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Lets ${this.node.path} redeploy the ECS services that read a changed secret`,
      policyId: 'Policy',
    });
    this.role = role;
    this.grantPrincipal = role;
    this.policy = role.addToManagedPolicy(
      new iam.PolicyStatement({ actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [this.logGroup.logGroupArn] }),
      new iam.PolicyStatement({ actions: ['sqs:SendMessage'], resources: [queue.queueArn] }),
    );
    acknowledgeScopedWildcards(this.policy, this.scopedWildcards);
    this.addScopedWildcard(new iam.PolicyStatement({ actions: ['ecs:DescribeTaskDefinition'], resources: ['*'] }),
      'ecs:DescribeTaskDefinition has no resource-level permissions in ECS.');
    // The staleness pass reads when each watched secret's current version was created, and nothing of its value.
    this.policy.addStatements(new iam.PolicyStatement({
      sid: 'ReadSecretVersions',
      actions: ['secretsmanager:ListSecretVersionIds'],
      resources: Lazy.uncachedList({ produce: () => this.watchedSecretArns().map((s) => s.resource) }),
    }));
    // And when each watched parameter was last modified. GetParameters also returns the values: the
    // function asks for no decryption (a SecureString stays encrypted) and logs none.
    this.policy.addStatements(new OptionalStatement({
      sid: 'ReadParameterDates',
      actions: ['ssm:GetParameters'],
      resources: Lazy.uncachedList({ produce: () => this.stalenessParameters().map((p) => p.resource) }),
    }, () => this.stalenessParameters().length > 0));
    if (props.encryptionKey) {
      this.policy.addStatements(new iam.PolicyStatement({
        actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
        resources: [props.encryptionKey.keyArn],
      }));
    }

    const fn = new RecycleFunction(this, 'Function', {
      description: `Redeploys the ECS services that read a changed secret or parameter (${this.node.path})`,
      role: role.byArn(this, 'FunctionRole'),
      timeout: Duration.minutes(5),
      memorySize: 256,
      logGroup: this.logGroup,
      reservedConcurrentExecutions: concurrency,
      deadLetterQueue: queue,
      retryAttempts: 2,
      environment: {
        CLUSTERS: Lazy.string({ produce: () => stack.toJsonString(this.watchedClusters.map((c) => c.clusterArn)) }),
        ACCOUNT_ID: stack.account,
        DRY_RUN: props.dryRun ? 'true' : 'false',
        METRICS_NAMESPACE: RECYCLER_METRICS_NAMESPACE,
        WATCHED_SECRETS: Lazy.uncachedString({ produce: () => stack.toJsonString(this.watchedSecretArns().flatMap((s) => s.secretId ?? [])) }),
        WATCHED_PARAMETERS: Lazy.uncachedString({ produce: () => stack.toJsonString(this.stalenessParameters().map((p) => p.name)) }),
      },
    });
    fn.node.addDependency(this.policy);
    this.function = fn;
    acknowledgeAll(fn, complianceRuleIds('LambdaInsideVPC'),
      'The function only calls the ECS control-plane API and touches no data in a VPC; inside one it would need a NAT gateway or an ECS interface endpoint and gain nothing.');

    if (concurrency === undefined) {
      acknowledgeAll(fn, complianceRuleIds('LambdaConcurrency'),
        'No reservation by default: Lambda refuses one that leaves the account\'s unreserved concurrency under its minimum, which fails the deployment in new and low-quota accounts. '
        + 'The function caps its own ECS calls and backs off when ECS throttles; set reservedConcurrentExecutions where the account allows it.');
    }

    const rule = new events.Rule(this, 'Rule', {
      description: `Changes of the secrets and parameters that the services watched by ${this.node.path} read`,
      // Replaced below by the pattern computed when the app is complete.
      eventPattern: { source: [SECRETS_MANAGER_SOURCE, SSM_SOURCE] },
    });
    // Read from the app each time it is resolved (when the app is prepared, then when the template
    // is written), never from what validation saw: uncached, so an early resolution cannot freeze it.
    // The lazy values share one index of the app per synthesis, which the aspect starts.
    Aspects.of(this).add(new SynthesisIndexStart(this), { priority: AspectPriority.READONLY });
    (rule.node.defaultChild as events.CfnRule).eventPattern = Lazy.uncachedAny({
      produce: () => this.eventPattern(this.watchList(ResourceIndex.ofSynthesis(this.node.root))),
    });
    rule.addTarget(new targets.LambdaFunction(fn, {
      deadLetterQueue: queue,
      retryAttempts: 185,
      maxEventAge: Duration.hours(24),
    }));
    this.rule = rule;

    const alarm = new cloudwatch.Alarm(this, 'DeadLetterAlarm', {
      alarmDescription: `Changes of secrets or parameters whose services ${this.node.path} could not all redeploy: see the function's log lines with outcome "failed", then redrive the queue.`,
      metric: queue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1), statistic: 'Maximum' }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    alarm.addAlarmAction(...(props.alarmActions ?? []));
    this.deadLetterAlarm = alarm;

    this.stalenessSchedule = new events.Rule(this, 'StalenessSchedule', {
      description: `Runs the staleness pass of ${this.node.path}: counts the running tasks that hold an old value of a watched secret or parameter`,
      schedule: events.Schedule.rate(STALENESS_PASS_INTERVAL),
    });
    this.stalenessSchedule.addTarget(new targets.LambdaFunction(fn, {
      deadLetterQueue: queue,
      retryAttempts: 2,
      // The next pass supersedes this one.
      maxEventAge: STALENESS_PASS_INTERVAL,
    }));
    const periods = Token.isUnresolved(grace.toSeconds()) ? 1 : Math.ceil(grace.toSeconds() / STALENESS_PASS_INTERVAL.toSeconds());
    this.staleTasksAlarm = new cloudwatch.Alarm(this, 'StaleTasksAlarm', {
      alarmDescription: `Running tasks of services watched by ${this.node.path} have held an old value of a watched secret or parameter for ${periods * STALENESS_PASS_INTERVAL.toMinutes()} minutes: `
        + 'a change event was missed, or the deployment it started did not finish. The function\'s "staleness" log lines name the secrets and parameters; redeploy the services that read them.',
      metric: this.metricStaleTasks(),
      threshold: 0,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: periods,
      datapointsToAlarm: periods,
      // A pass that cannot read everything publishes nothing and fails into the dead-letter queue, whose alarm fires.
      treatMissingData: cloudwatch.TreatMissingData.MISSING,
    });
    this.staleTasksAlarm.addAlarmAction(...(props.alarmActions ?? []));

    for (const cluster of props.clusters ?? []) {
      this.watchCluster(cluster, 'clusters');
    }
    this.node.addValidation({ validate: () => this.validateWatchList() });
    // Its role's policies, grants to it included: the IAM checks as warnings. The services it
    // watches and their task definitions are the user's, outside this subtree, and its concern.
    embedChecks(this, PATTERN_CHECKS.SecretRotationRecycler, {
      checks: [EcsSecretVersionPinned],
      find: (index) => this.watchList(index).taskDefinitions,
    }, {
      checks: [EcsCodeDeployWithSecrets],
      find: (index) => this.watchList(index).services,
    });
  }

  /**
   * Called by a pattern that registers a service, with the pattern's own `removalPolicy`: the log
   * group follows what the patterns ask when they all agree, and is retained when they differ.
   * A `removalPolicy` given to the recycler itself wins.
   *
   * @internal
   */
  public _requestRemovalPolicy(policy: RemovalPolicy): void {
    if (this.props.removalPolicy !== undefined) {
      return;
    }
    this.requestedRemovalPolicies.add(policy);
    const [only, ...others] = this.requestedRemovalPolicies;
    this.logGroup.applyRemovalPolicy(others.length === 0 ? only : RemovalPolicy.RETAIN);
  }

  /** The clusters the recycler watches. */
  public get clusters(): ecs.ICluster[] {
    return [...this.watchedClusters];
  }

  /**
   * Registers a service: its cluster is watched and, unless `secrets` and `parameters` were
   * given, what its task definition injects is watched too.
   */
  public addService(service: ecs.BaseService): void {
    if (!this.services.includes(service)) {
      this.services.push(service);
    }
    this.watchCluster(service.cluster, `addService('${service.node.path}')`);
  }

  /**
   * Adds actions to the recycler's alarms, the dead-letter alarm and the staleness alarm (for
   * example an SNS topic of the on-call team), as `alarmActions` does: the way to reach the stack's
   * recycler that `ofStack()` creates.
   */
  public addAlarmAction(...actions: cloudwatch.IAlarmAction[]): void {
    this.deadLetterAlarm.addAlarmAction(...actions);
    this.staleTasksAlarm.addAlarmAction(...actions);
  }

  /** Watches one more cluster. */
  public addCluster(cluster: ecs.ICluster): void {
    this.watchCluster(cluster, 'addCluster');
  }

  /**
   * The number of services redeployed, per period (from the handler's embedded metrics).
   */
  public metricRecycled(props: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
    return this.metric(RECYCLER_METRIC_NAMES.recycled, props);
  }

  /**
   * The number of services that read the changed value and were left alone, per period: pinned to
   * a version, or already running a deployment that started after the change (each with its reason
   * in the function's log line).
   */
  public metricSkipped(props: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
    return this.metric(RECYCLER_METRIC_NAMES.skipped, props);
  }

  /**
   * The number of services that failed to redeploy, per period (from the handler's embedded metrics).
   */
  public metricFailed(props: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
    return this.metric(RECYCLER_METRIC_NAMES.failed, props);
  }

  /**
   * The number of running tasks of the watched services that started before the current value of
   * a watched secret or parameter they read, from the staleness pass every 5 minutes: the greatest
   * total a pass published in the period. For one secret, add the dimension `SecretId` (its ARN as
   * the recycler watches it) with `dimensionsMap`; for one parameter, `ParameterName` (its name or
   * ARN as the recycler watches it, as the function's "staleness" log line gives it).
   */
  public metricStaleTasks(props: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
    return this.metric(RECYCLER_STALE_TASKS_METRIC, { statistic: 'Maximum', period: STALENESS_PASS_INTERVAL, ...props });
  }

  /** One of the handler's metrics for this function, summed per period. */
  private metric(metricName: string, props: cloudwatch.MetricOptions): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: RECYCLER_METRICS_NAMESPACE,
      metricName,
      dimensionsMap: { [RECYCLER_METRICS_DIMENSION]: this.function.functionName },
      statistic: 'Sum',
      ...props,
    });
  }

  /** Refuses a grace period the alarm cannot evaluate. */
  private checkGracePeriod(grace: Duration): void {
    if (Token.isUnresolved(grace.toSeconds())) {
      return;
    }
    const seconds = grace.toSeconds({ integral: false });
    if (seconds < STALENESS_PASS_INTERVAL.toSeconds() || seconds > MAX_STALENESS_GRACE.toSeconds()) {
      throw new GuardedPatternsError(`${this.subject}: stalenessGracePeriod (${grace.toHumanString()}) must be from 5 minutes to 1 day: `
        + 'the staleness pass runs every 5 minutes, and CloudWatch evaluates a 5-minute alarm over at most one day. '
        + 'Use at least Duration.minutes(5), longer than your deployments take (the default is 30 minutes).');
    }
  }

  /** The watched secrets: the ID the function passes to Secrets Manager, and the ARN the policy names. */
  private watchedSecretArns(): Array<{ secretId?: string; resource: string }> {
    const secrets = this.watchList(ResourceIndex.ofSynthesis(this.node.root)).secrets.flatMap((s) => s.matchers)
      .map((m) => (typeof m === 'string' ? { secretId: m, resource: m } : { secretId: m.prefix.replace(/-$/, ''), resource: `${m.prefix}??????` }));
    const unique_ = unique(secrets);
    // A policy statement needs a resource: with no secret watched, one that names no secret.
    return unique_.length > 0 ? unique_ : [{
      resource: Stack.of(this).formatArn({ service: 'secretsmanager', resource: 'secret', resourceName: `${this.node.addr}-watches-no-secret`, arnFormat: ArnFormat.COLON_RESOURCE_NAME }),
    }];
  }

  /**
   * The watched parameters the staleness pass measures: the name or ARN the function passes to
   * GetParameters, and the ARN the policy names. Given parameters by their ARN (aws-cdk-lib's);
   * found ones as their `valueFrom` reads them, except those pinned to a version or label
   * (`name:3`), which never refresh, and those in another Region, which the function's Parameter
   * Store is not (their changes do not reach the rule either).
   */
  private stalenessParameters(): Array<{ name: string; resource: string }> {
    if (this.props.parameters) {
      return unique(this.props.parameters.map((p) => ({ name: p.parameterArn, resource: p.parameterArn })));
    }
    const stack = Stack.of(this);
    return unique(this.watchList(ResourceIndex.ofSynthesis(this.node.root)).parameters.flatMap(({ text }) => {
      if (text.startsWith('arn:')) {
        // Split here rather than with parseValueFrom: aws-cdk-lib writes a parameter's ARN as
        // `parameter${name}` when the name is a token, which that parser does not take for a parameter.
        const [, , , region, , , ...selector] = text.split(':');
        const otherRegion = !Token.isUnresolved(region) && !Token.isUnresolved(stack.region) && region !== stack.region;
        return selector.length > 0 || otherRegion ? [] : [{ name: text, resource: text }];
      }
      if (text.includes(':')) {
        return [];
      }
      // A parameter's ARN drops the leading slash of its name, as aws-cdk-lib's own ARNs do.
      const target = referencedResource(text);
      const slash = text.startsWith('/') || (target instanceof ssm.CfnParameter && literalString(target, target.name)?.startsWith('/'));
      return [{ name: text, resource: stack.formatArn({ service: 'ssm', resource: `parameter${slash ? '' : '/'}${text}` }) }];
    }));
  }

  /** Refuses a cluster in another account or region: the function calls ECS in its own. */
  private checkClusterEnv(cluster: ecs.ICluster, where: string): void {
    const stack = Stack.of(this);
    for (const [field, theirs, ours] of [['account', cluster.env.account, stack.account], ['region', cluster.env.region, stack.region]] as const) {
      if (!Token.isUnresolved(theirs) && !Token.isUnresolved(ours) && theirs !== ours) {
        throw new GuardedPatternsError(`${this.subject}: ${where}: cluster '${cluster.node.path}' is in ${field} ${theirs}, the recycler in ${ours}. `
          + `The function calls ECS in its own ${field}: create a SecretRotationRecycler in the cluster's stack (SecretRotationRecycler.ofStack).`);
      }
    }
  }

  private watchCluster(cluster: ecs.ICluster, where: string): void {
    if (this.watchedClusters.includes(cluster)) {
      return;
    }
    this.checkClusterEnv(cluster, where);
    this.watchedClusters.push(cluster);
    const id = this.watchedClusters.length;
    // A listing ECS authorizes on `*`, limited to the cluster by the ecs:cluster condition.
    const listing = (sid: string, action: string, reason: string) => this.addScopedWildcard(new iam.PolicyStatement({
      sid: `${sid}${id}`,
      actions: [action],
      resources: ['*'],
      conditions: { ArnEquals: { 'ecs:cluster': cluster.clusterArn } },
    }), reason);
    // Resources of the cluster, named in their ARN.
    const ofCluster = (sid: string, actions: string[], resource: string, reason: string) => this.addScopedWildcard(new iam.PolicyStatement({
      sid: `${sid}${id}`,
      actions,
      resources: [Stack.of(this).formatArn({ service: 'ecs', resource, resourceName: `${cluster.clusterName}/*`, arnFormat: ArnFormat.SLASH_RESOURCE_NAME })],
    }), reason);
    listing('ListServices', 'ecs:ListServices',
      'ecs:ListServices has no resource-level permissions in ECS, and the ecs:cluster condition limits it to a watched cluster.');
    ofCluster('RedeployServices', ['ecs:DescribeServices', 'ecs:UpdateService'], 'service',
      'The services of one watched cluster, named in the ARN: the recycler must redeploy services created after it was deployed.');
    listing('ListTasks', 'ecs:ListTasks',
      'ecs:ListTasks is authorized on container instances, which a Fargate task has none of; the ecs:cluster condition limits it to a watched cluster.');
    ofCluster('DescribeTasks', ['ecs:DescribeTasks'], 'task',
      'The tasks of one watched cluster, named in the ARN: the staleness pass reads the start time of tasks that start after it was deployed.');
  }

  /** Adds a statement whose wildcard resource is as narrow as it can be, and acknowledges it for that reason. */
  private addScopedWildcard(statement: iam.PolicyStatement, reason: string): void {
    this.policy.addStatements(statement);
    this.scopedWildcards.push({ statement, reason });
  }

  /** Reads the complete app: the services in the watched clusters and what they inject. */
  private watchList(index: ResourceIndex): WatchList {
    const services = [...servicesIn(index, this.watchedClusters)];
    for (const added of this.services) {
      const cfn = cfnServiceOf(added);
      if (cfn && !services.includes(cfn)) {
        services.push(cfn);
      }
    }
    const taskDefinitions = [...new Set(services.map((s) => taskDefinitionOf(s, index)).filter((t): t is ecs.CfnTaskDefinition => t !== undefined))];
    const referenced = taskDefinitions.flatMap(valueFromsOfTaskDefinition).map(watchedValue).filter((w): w is WatchedValue => w !== undefined);
    const refreshing = referenced.filter((w) => w.pinned === undefined);
    const secrets = this.props.secrets
      ? this.props.secrets.map((s): WatchedValue => ({
        kind: 'secret',
        matchers: [s.secretFullArn ?? { prefix: `${s.secretArn}-` }],
        text: s.secretArn,
      }))
      : refreshing.filter((w) => w.kind === 'secret');
    const parameters = this.props.parameters
      ? this.props.parameters.map((p): WatchedValue => ({ kind: 'parameter', matchers: [p.parameterName], text: p.parameterName }))
      : refreshing.filter((w) => w.kind === 'parameter');
    return { secrets, parameters, referenced, taskDefinitions, services };
  }

  /** The rule's pattern: one branch per event shape, each listing exactly the watched ARNs or names. */
  private eventPattern({ secrets, parameters }: WatchList): any {
    const secretMatchers = unique(secrets.flatMap((s) => s.matchers));
    const parameterNames = unique(parameters.flatMap((p) => p.matchers));
    const branches: any[] = [];
    if (secretMatchers.length > 0) {
      branches.push({
        'source': [SECRETS_MANAGER_SOURCE],
        'detail-type': [LABEL_UPDATED],
        'resources': secretMatchers,
        'detail': { labelUpdated: [CURRENT_STAGE] },
      });
      if (this.props.cloudTrailEvents) {
        // Older events spell the response field aRN.
        for (const field of ['arn', 'aRN']) {
          branches.push({
            'source': [SECRETS_MANAGER_SOURCE],
            'detail-type': [API_CALL],
            'detail': { eventSource: ['secretsmanager.amazonaws.com'], eventName: SECRET_WRITES, responseElements: { [field]: secretMatchers } },
          });
        }
        branches.push({
          'source': [SECRETS_MANAGER_SOURCE],
          'detail-type': [SERVICE_EVENT],
          'detail': { eventName: [ROTATION_SUCCEEDED], additionalEventData: { SecretId: secretMatchers } },
        });
      }
    }
    if (parameterNames.length > 0) {
      branches.push({
        'source': [SSM_SOURCE],
        'detail-type': [PARAMETER_CHANGE],
        'detail': { name: parameterNames, operation: PARAMETER_WRITES },
      });
    }
    if (branches.length === 0) {
      // Never deployed: validation fails synth first. A pattern that matches no event keeps the template valid.
      return { source: [SECRETS_MANAGER_SOURCE], resources: [`${this.node.addr}-watches-nothing`] };
    }
    return branches.length === 1 ? branches[0] : { $or: branches };
  }

  private validateWatchList(): string[] {
    if (this.watchedClusters.length === 0) {
      return [`${this.subject} watches no cluster: pass clusters, or register services with addService(service).`];
    }
    const watch = this.watchList(ResourceIndex.ofCompleteTree(this.node.root));
    if (watch.secrets.length + watch.parameters.length === 0) {
      const pinned = watch.referenced.length > 0 ? ` (the only ones they read are pinned to a version, which never refreshes: ${EcsSecretVersionPinned.id})` : '';
      return [`${this.subject} watches no secret or parameter: the task definitions of the ${watch.services.length} service(s) in its clusters inject none that can refresh${pinned}. `
        + 'Inject secrets with ecs.Secret.fromSecretsManager() or ecs.Secret.fromSsmParameter(), pass secrets or parameters, or remove the recycler.'];
    }
    this.warnUnused(watch);
    const estimate = estimatedLength(Stack.of(this).resolve(this.eventPattern(watch)), Stack.of(this));
    if (estimate > EVENT_PATTERN_QUOTA) {
      warnFinding(this, RecyclerEventPatternSize, eventPatternSizeMessage(this.subject, estimate, watch.secrets.length, watch.parameters.length));
    }
    return [];
  }

  /** RecyclerUnusedSecret: given secrets or parameters that no watched task definition reads. */
  private warnUnused(watch: WatchList): void {
    const read = watch.referenced.flatMap((w) => w.matchers.map(matcherText));
    const literal = (text: string) => !Token.isUnresolved(text);
    const isRead = (value: WatchedValue) => value.matchers.map(matcherText)
      .some((m) => read.some((r) => r === m || (literal(r) && literal(m) && sameSecret(m, r))));
    // An imported cluster's services are not in the app: what they read cannot be seen.
    const imported = this.watchedClusters.filter((c) => !(c.node.defaultChild instanceof ecs.CfnCluster))
      .map((c) => `'${c.node.path}'${Token.isUnresolved(c.clusterName) ? '' : ` (${c.clusterName})`}`);
    const check = (values: WatchedValue[] | undefined, given: boolean, prop: string, describe: (index: number) => string) => {
      if (!given || !values) {
        return;
      }
      values.forEach((value, i) => {
        if (!isRead(value)) {
          warnFinding(this, RecyclerUnusedSecret, unusedSecretMessage(this.subject, describe(i), prop, imported));
        }
      });
    };
    check(watch.secrets, this.props.secrets !== undefined, 'secrets', (i) => `secret '${pathOf(this.props.secrets![i])}'`);
    check(watch.parameters, this.props.parameters !== undefined, 'parameters', (i) => `parameter '${pathOf(this.props.parameters![i])}'`);
  }

  /** Without these statements in the key policy, EventBridge cannot write to the queue, nor CloudWatch Logs create the log group. */
  private letServicesUse(key: kms.IKey): void {
    const stack = Stack.of(this);
    const logs_ = letCloudWatchLogsUse(this, key);
    const events_ = key.addToResourcePolicy(new iam.PolicyStatement({
      principals: [new iam.ServicePrincipal('events.amazonaws.com')],
      actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
      resources: ['*'],
      conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
    }));
    if (!logs_ || !events_.statementAdded) {
      warnFinding(this, RecyclerKeyPolicy, recyclerKeyPolicyMessage(this.subject, cloudWatchLogsPrincipal(this), CLOUDWATCH_LOGS_KEY_ACTIONS));
    }
  }
}

function matcherText(matcher: string | { prefix: string }): string {
  return typeof matcher === 'string' ? matcher : matcher.prefix.replace(/-$/, '');
}

function unique<T>(values: T[]): T[] {
  const seen = new Set<string>();
  return values.filter((v) => {
    const key = JSON.stringify(v);
    return seen.has(key) ? false : (seen.add(key), true);
  });
}
