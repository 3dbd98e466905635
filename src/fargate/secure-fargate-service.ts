import {
  RemovalPolicy,
  Stack,
  Token,
  Validations,
  aws_certificatemanager as acm,
  aws_cloudfront as cloudfront,
  aws_cloudwatch as cloudwatch,
  aws_ec2 as ec2,
  aws_ecs as ecs,
  aws_elasticloadbalancingv2 as elbv2,
  aws_iam as iam,
  aws_logs as logs,
  aws_route53 as route53,
  aws_s3 as s3,
} from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { FargateAutoScalingOptions } from './auto-scaling';
import { CloudFrontFrontEnd } from './cloudfront-front-end';
import { ContainerUser } from './container-user';
import { FargateDeploymentAlarms } from './deployment-alarms';
import { FargateIngress } from './ingress';
import { FargateRollout } from './rollout';
import { addAutoScaling, checkAutoScaling } from './task-count-scaling';
import { TMP_VOLUME, WritableTmp } from './writable-tmp';
import { PATTERN_CHECKS } from '../checks/catalogue';
import { EcsVolumeNotWritable } from '../checks/ecs/ecs-volume-not-writable';
import { FargateCpuMemory, fargateSizeProblem } from '../checks/ecs/fargate-cpu-memory';
import { FargateEndpointsUnverified, endpointsUnverifiedMessage } from '../checks/ecs/fargate-endpoints-unverified';
import { FargateNoEgress, neededEndpoints } from '../checks/ecs/fargate-no-egress';
import { FargatePublicTasks } from '../checks/ecs/fargate-public-tasks';
import { embedChecks, throwFinding, warnFinding } from '../checks/embed';
import { GuardedPatternsError, PropErrors } from '../private/errors';
import { ManagedPolicyRole } from '../private/managed-policy-role';
import { iam5ResourceId } from '../private/nag';
import { Removal } from '../private/removal';
import { ResourceIndex } from '../private/resource-index';
import { endpointServicesFor } from '../private/template/endpoints';
import { watchedValue } from '../private/template/value-from';
import { SecretRotationRecycler } from '../recycler/secret-rotation-recycler';

/** The interface endpoints the pattern can add, by the service name's ending. */
const INTERFACE_ENDPOINTS: Record<string, { id: string; service: ec2.InterfaceVpcEndpointAwsService }> = {
  'ecr.api': { id: 'EcrApiEndpoint', service: ec2.InterfaceVpcEndpointAwsService.ECR },
  'ecr.dkr': { id: 'EcrDockerEndpoint', service: ec2.InterfaceVpcEndpointAwsService.ECR_DOCKER },
  'logs': { id: 'LogsEndpoint', service: ec2.InterfaceVpcEndpointAwsService.CLOUDWATCH_LOGS },
  'secretsmanager': { id: 'SecretsManagerEndpoint', service: ec2.InterfaceVpcEndpointAwsService.SECRETS_MANAGER },
  'ssm': { id: 'SsmEndpoint', service: ec2.InterfaceVpcEndpointAwsService.SSM },
};

/**
 * Properties of a SecureFargateService.
 */
export interface SecureFargateServiceProps {
  /**
   * The VPC to run in: the tasks in its private subnets, the load balancer in its private ones
   * behind CloudFront (or in its public ones with `FargateIngress.publicLoadBalancer()`).
   * Give either `vpc` or `cluster`.
   *
   * @default - the cluster's VPC
   */
  readonly vpc?: ec2.IVpc;

  /**
   * An existing ECS cluster to run in. Give either `vpc` or `cluster`.
   *
   * @default - a new cluster in `vpc`, with Container Insights
   */
  readonly cluster?: ecs.ICluster;

  /**
   * The application's container image.
   */
  readonly image: ecs.ContainerImage;

  /**
   * The port the application listens on. Above 1023 unless `user` is `ContainerUser.fromImage()`:
   * only root may bind a port below 1024, and a lower port with a non-root `user` is an error.
   *
   * @default 8080
   */
  readonly containerPort?: number;

  /**
   * CPU units for the task (1024 = 1 vCPU): 256, 512, 1024, 2048, 4096, 8192 or 16384.
   *
   * @default 256
   * @see https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-tasks-services.html#fargate-tasks-size
   */
  readonly cpu?: number;

  /**
   * Memory for the task, in MiB; the CPU size decides which values Fargate accepts.
   *
   * @default 512
   */
  readonly memoryLimitMiB?: number;

  /**
   * How many tasks to run. Fargate spreads them over the availability zones of the tasks'
   * subnets; fewer than 2 leaves the service down while its one task is replaced (a warning).
   *
   * @default 2
   */
  readonly desiredCount?: number;

  /**
   * Environment variables for the container. Never put secrets here: they show in the task
   * definition; use `secrets`.
   *
   * @default - none
   */
  readonly environment?: { [name: string]: string };

  /**
   * Secrets ECS injects into the container as environment variables when a task starts, from
   * Secrets Manager or Parameter Store. The execution role, not the task role, may read them.
   *
   * @default - none
   * @see https://docs.aws.amazon.com/AmazonECS/latest/developerguide/specifying-sensitive-data.html
   */
  readonly secrets?: { [name: string]: ecs.Secret };

  /**
   * Whether to redeploy the service when one of its `secrets` changes, through the stack's
   * SecretRotationRecycler (`SecretRotationRecycler.ofStack`): ECS reads secrets only when a task
   * starts, so running tasks keep a rotated password's old value until they are replaced.
   *
   * The recycler is one per stack, shared by its services: an EventBridge rule, a Lambda function
   * (with its role, managed policy, log group, invoke configuration and permission), an SQS
   * dead-letter queue (and its policy) and a CloudWatch alarm on that queue, about $0.10 a month
   * for the alarm, the rest by use. The alarm has no action: add one with the pattern's
   * `recycler.addAlarmAction()`. `false` adds none of it; then redeploy the service yourself
   * after a rotation.
   *
   * @default - true when `secrets` holds any that is not pinned to a version
   */
  readonly recycleOnSecretChange?: boolean;

  /**
   * The path the load balancer health-checks on each task.
   *
   * @default '/'
   */
  readonly healthCheckPath?: string;

  /**
   * The port the load balancer health-checks on each task; the tasks' security group admits it
   * from the load balancer.
   *
   * @default - the container port
   */
  readonly healthCheckPort?: number;

  /**
   * How users reach the service: `FargateIngress.cloudFront()`, a CloudFront distribution in
   * front of an internal load balancer (HTTPS on the distribution's domain with no certificate of
   * your own), or `FargateIngress.publicLoadBalancer()`, an internet-facing load balancer.
   *
   * @default - `FargateIngress.publicLoadBalancer()` when `certificate`, `domainName`,
   * `hostedZone` or `allowedCidrs` is given (what these props have always built);
   * `FargateIngress.cloudFront()` otherwise
   */
  readonly ingress?: FargateIngress;

  /**
   * The ARN of an AWS WAF web ACL (scope CLOUDFRONT, in us-east-1) for the distribution; only
   * with `FargateIngress.cloudFront()`.
   *
   * @default - no web ACL
   */
  readonly webAclArn?: string;

  /**
   * The certificate for `domainName`. With a public load balancer, its HTTPS listener presents it
   * and HTTP only redirects to HTTPS; without a certificate (and without `domainName` and
   * `hostedZone`) that load balancer serves plain HTTP, which is an error when `allowedCidrs`
   * admits the internet and a warning otherwise. With `FargateIngress.cloudFront()`, CloudFront
   * and the internal load balancer both present it, so it must be in us-east-1, as the stack.
   *
   * @default - one issued by ACM for `domainName`, validated in `hostedZone`; none without them
   */
  readonly certificate?: acm.ICertificate;

  /**
   * The name the service answers to. With `hostedZone`, the pattern adds an alias record to the
   * load balancer (to the distribution with `FargateIngress.cloudFront()`), and a certificate for
   * the name unless `certificate` is given.
   *
   * @default - none: the distribution's (or the load balancer's) own DNS name
   */
  readonly domainName?: string;

  /**
   * The public hosted zone that holds `domainName`.
   *
   * @default - none
   */
  readonly hostedZone?: route53.IHostedZone;

  /**
   * The IPv4 networks that may reach the public load balancer; not with
   * `FargateIngress.cloudFront()`, whose load balancer admits CloudFront alone (limit viewers
   * there with `webAclArn`).
   *
   * @default ['0.0.0.0/0']
   */
  readonly allowedCidrs?: string[];

  /**
   * Where the tasks run. Public subnets are refused.
   *
   * @default - the VPC's private subnets with egress, or its isolated subnets when it has none
   */
  readonly taskSubnets?: ec2.SubnetSelection;

  /**
   * Whether to add the VPC endpoints Fargate needs (ecr.api, ecr.dkr, the S3 gateway, logs, and
   * secretsmanager or ssm for injected secrets) when the tasks' subnets have no route to the
   * internet. Only missing ones are added.
   *
   * @default - added for a VPC defined in the app, whose endpoints the pattern can see; for an
   * imported VPC, none are added and the pattern warns (`GuardedPatterns-FargateEndpointsUnverified`)
   */
  readonly vpcEndpoints?: boolean;

  /**
   * The log group for the container's output.
   *
   * @default - a new group, kept for `logRetention`
   */
  readonly logGroup?: logs.ILogGroup;

  /**
   * How long the new log group keeps the container's output. Not used with `logGroup`.
   *
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly logRetention?: logs.RetentionDays;

  /**
   * Whether the container's root filesystem is read-only. The pattern then mounts a task volume
   * at /tmp, made writable for the container's user as `writableTmp` says. `false` warns
   * (`GuardedPatterns-FargateContainerNotHardened`).
   *
   * @default true
   */
  readonly readonlyRootFilesystem?: boolean;

  /**
   * How the /tmp volume becomes writable for the container's user: Fargate creates it owned by
   * root with mode 0755. Not used when `readonlyRootFilesystem` is false.
   *
   * @default WritableTmp.initContainer(): an init container runs `chmod 1777 /tmp` as root before
   * the application starts (busybox from ECR Public, or the application's image in isolated subnets)
   * @see https://docs.aws.amazon.com/AmazonECS/latest/developerguide/bind-mounts.html
   */
  readonly writableTmp?: WritableTmp;

  /**
   * The application container's memory hard limit, in MiB: ECS stops the container when it
   * uses more. AWS Control Tower's CT.ECS.PR.7 requires one on every container.
   *
   * @default - the task's memory less the init container's 32 MiB (all of it without one)
   */
  readonly containerMemoryLimitMiB?: number;

  /**
   * Who the application container runs as. A non-root user (`nonRoot()`, `named()`) cannot bind a
   * `containerPort` below 1024; `ContainerUser.fromImage()` runs as the image's USER, root when it
   * sets none, and warns (`GuardedPatterns-FargateContainerNotHardened`).
   *
   * @default ContainerUser.nonRoot() (1000:1000)
   */
  readonly user?: ContainerUser;

  /**
   * What happens to what the pattern would keep after the stack is deleted: the container's log
   * group and the access log bucket it creates (and the log group of the stack's recycler, when
   * every service that registers with it says DESTROY). `RemovalPolicy.DESTROY` makes a trial that
   * `cdk destroy` removes entirely: the access log bucket is emptied first (`autoDeleteObjects`),
   * and the load balancer's deletion protection is off unless `deletionProtection` says otherwise.
   *
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;

  /**
   * Whether the load balancer refuses to be deleted. Turn it off before deleting the stack or
   * replacing the load balancer.
   *
   * @default - true, unless `removalPolicy` is DESTROY
   */
  readonly deletionProtection?: boolean;

  /**
   * The bucket for the load balancer's access logs. It must use S3 managed encryption (SSE-S3):
   * Elastic Load Balancing writes no access logs to a bucket encrypted with SSE-KMS, and the
   * pattern refuses one it can see.
   *
   * @see https://docs.aws.amazon.com/elasticloadbalancing/latest/application/enable-access-logging.html
   * @default - a new bucket, private, SSL only, versioned, logs expiring after a year
   */
  readonly accessLogBucket?: s3.IBucket;

  /**
   * Scales the task count with Application Auto Scaling between `minCapacity` and
   * `maxCapacity`, on CPU, on requests per task, or both. `service.autoScaleTaskCount()` is
   * there for anything else, instead of this prop.
   *
   * @default - no auto scaling: `desiredCount` tasks
   */
  readonly autoScaling?: FargateAutoScalingOptions;

  /**
   * The CloudWatch alarms ECS watches during a deployment, rolling back when one goes into
   * ALARM; the deployment circuit breaker is on in any case.
   *
   * @default FargateDeploymentAlarms.defaults(): alarms on the target group's 5xx responses and
   * unhealthy targets, about $0.20 a month for the two
   * @see https://docs.aws.amazon.com/AmazonECS/latest/developerguide/deployment-alarm-failure.html
   */
  readonly deploymentAlarms?: FargateDeploymentAlarms;

  /**
   * How ECS rolls a new revision out: a rolling update, or ECS's own canary or linear traffic
   * shifting between the service's target group and an alternate one (`FargateRollout.canary()`,
   * `FargateRollout.linear()`), which also adds the alternate target group, a production listener
   * rule and the role ECS assumes to shift traffic. The deployment alarms and the circuit breaker
   * roll back either way.
   *
   * @default FargateRollout.rolling()
   * @see https://docs.aws.amazon.com/AmazonECS/latest/developerguide/canary-deployment.html
   */
  readonly rollout?: FargateRollout;
}

/**
 * An ECS Fargate service in the private subnets of a VPC, behind an Application Load Balancer:
 * by default an internal one behind a CloudFront distribution (HTTPS on its own domain, through
 * a CloudFront VPC origin), or an internet-facing one in the public subnets
 * (`FargateIngress.publicLoadBalancer()`, the default with a domain or certificate). The
 * application task role is kept apart from the execution role.
 *
 * The task role starts with no permissions: grant what the application needs to the service
 * (`bucket.grantRead(service)`). The execution role holds only the image pull, the log group and
 * the injected secrets.
 *
 * @example
 * declare const network: PrivateSubnetVpc;
 * declare const bucket: s3.Bucket;
 * const web = new SecureFargateService(this, 'Web', {
 *   vpc: network.vpc,
 *   image: ecs.ContainerImage.fromAsset('./app'),
 * });
 * bucket.grantRead(web);
 * new CfnOutput(this, 'Url', { value: web.url });
 */
export class SecureFargateService extends Construct implements ec2.IConnectable, iam.IGrantable {
  /** The ECS service. */
  public readonly service: ecs.FargateService;

  /**
   * The stack's recycler that redeploys this service when its secrets change, if any
   * (`recycleOnSecretChange`). Its dead-letter alarm has no action until you add one:
   * `web.recycler?.addAlarmAction(new cloudwatch_actions.SnsAction(topic))`; the recycler is
   * shared by the stack's services, so an action added through one serves all.
   */
  public readonly recycler?: SecretRotationRecycler;

  /**
   * The task definition. Containers added to it (`addContainer`) are checked like the
   * application's: `GuardedPatterns-FargateContainerNotHardened` warns about one that may run as
   * root or has a writable root filesystem.
   */
  public readonly taskDefinition: ecs.FargateTaskDefinition;

  /** The application container. */
  public readonly container: ecs.ContainerDefinition;

  /** The container that makes /tmp writable before the application starts, if there is one. */
  public readonly initContainer?: ecs.ContainerDefinition;

  /** The cluster the service runs in. */
  public readonly cluster: ecs.ICluster;

  /** The role the application's AWS calls use; empty until something is granted to it. */
  public readonly taskRole: iam.Role;

  /** The role ECS uses to pull the image, write the logs and read the injected secrets. */
  public readonly executionRole: iam.Role;

  /** The load balancer: internal behind CloudFront, or internet-facing. */
  public readonly loadBalancer: elbv2.ApplicationLoadBalancer;

  /** The CloudFront distribution users reach, with `FargateIngress.cloudFront()`. */
  public readonly distribution?: cloudfront.Distribution;

  /** The VPC origin through which the distribution reaches the internal load balancer, with `FargateIngress.cloudFront()`. */
  public readonly vpcOrigin?: cloudfront.VpcOrigin;

  /** The listener that serves the application: HTTPS with a certificate, plain HTTP without. */
  public readonly listener: elbv2.ApplicationListener;

  /** The target group of the tasks. */
  public readonly targetGroup: elbv2.ApplicationTargetGroup;

  /** The target group ECS starts a new revision in during a canary or linear rollout, if `rollout` is one. */
  public readonly alternateTargetGroup?: elbv2.ApplicationTargetGroup;

  /**
   * The listener rule whose weights ECS changes to shift traffic during a canary or linear rollout,
   * if `rollout` is one. ECS changes the weights outside CloudFormation: leave its action alone.
   */
  public readonly productionListenerRule?: elbv2.ApplicationListenerRule;

  /** The role ECS assumes to shift traffic during a canary or linear rollout, if `rollout` is one. */
  public readonly trafficShiftRole?: iam.IRole;

  /** The certificate the HTTPS listener presents, when there is one. */
  public readonly certificate?: acm.ICertificate;

  /** The log group of the container's output. */
  public readonly logGroup: logs.ILogGroup;

  /** The bucket of the load balancer's access logs. */
  public readonly accessLogBucket: s3.IBucket;

  /** The tasks' security group. */
  public readonly securityGroup: ec2.SecurityGroup;

  /** The load balancer's security group. */
  public readonly loadBalancerSecurityGroup: ec2.SecurityGroup;

  /** The tasks' network connections: open to the load balancer only. */
  public readonly connections: ec2.Connections;

  /** The task role: what is granted to the service, the application may do. */
  public readonly grantPrincipal: iam.IPrincipal;

  /** The URL of the service: `https://domainName`, or the distribution's (or load balancer's) own DNS name. */
  public readonly url: string;

  /** The task count's auto scaling, when `autoScaling` is given: add policies to it with its `scaleOnXxx` methods. */
  public readonly scaling?: ecs.ScalableTaskCount;

  /**
   * The deployment alarms the pattern created (none with `FargateDeploymentAlarms.none()` or
   * `named()`). They have no action: `alarm.addAlarmAction(new cloudwatch_actions.SnsAction(topic))`.
   */
  public readonly deploymentAlarms: cloudwatch.Alarm[];

  constructor(scope: Construct, id: string, props: SecureFargateServiceProps) {
    super(scope, id);
    const subject = `SecureFargateService '${this.node.path}'`;
    const stack = Stack.of(this);
    const settings = checkProps(this, subject, props);
    const { removal, containerPort, healthCheckPort } = settings;

    this.cluster = props.cluster ?? new ecs.Cluster(this, 'Cluster', {
      vpc: props.vpc,
      containerInsightsV2: ecs.ContainerInsights.ENABLED,
    });
    const vpc = this.cluster.vpc;

    // The task role: what the application may do. Empty; users grant to it.
    this.taskRole = new ManagedPolicyRole(this, 'TaskRole', {
      assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com', {
        conditions: {
          ArnLike: { 'aws:SourceArn': stack.formatArn({ service: 'ecs', resource: '*' }) },
          StringEquals: { 'aws:SourceAccount': stack.account },
        },
      }),
      description: `The application's own AWS calls in ${this.node.path}`,
    });
    // The execution role: what ECS does to start a task. aws-cdk-lib grants the image pull, the
    // log group and the secrets to it as the task definition needs them.
    this.executionRole = new ManagedPolicyRole(this, 'ExecutionRole', {
      assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com'),
      description: `Lets ECS pull the image, write the logs and read the secrets of ${this.node.path}`,
    });
    Validations.of(this.executionRole).acknowledge({
      id: iam5ResourceId('*'),
      reason: 'ecr:GetAuthorizationToken, which ECS calls to pull the image, accepts no resource but *; every other statement of the execution role names its repository, log group or secret.',
    });
    this.grantPrincipal = this.taskRole;

    this.logGroup = props.logGroup ?? new logs.LogGroup(this, 'LogGroup', {
      retention: props.logRetention ?? logs.RetentionDays.ONE_YEAR,
      removalPolicy: removal.policy,
    });

    const taskDefinition = new ecs.FargateTaskDefinition(this, 'TaskDefinition', {
      cpu: settings.cpu,
      memoryLimitMiB: settings.memoryLimitMiB,
      taskRole: this.taskRole,
      executionRole: this.executionRole,
    });
    this.taskDefinition = taskDefinition;
    this.container = taskDefinition.addContainer('App', {
      image: props.image,
      portMappings: [{ containerPort, protocol: ecs.Protocol.TCP }],
      environment: props.environment,
      secrets: props.secrets,
      logging: ecs.LogDriver.awsLogs({ logGroup: this.logGroup, streamPrefix: 'app' }),
      readonlyRootFilesystem: settings.readonlyRootFilesystem,
      user: (props.user ?? ContainerUser.nonRoot()).user,
      memoryLimitMiB: settings.containerMemoryLimitMiB,
    });
    if (settings.readonlyRootFilesystem) {
      // Most runtimes need somewhere to write temporary files.
      taskDefinition.addVolume({ name: TMP_VOLUME });
      this.container.addMountPoints({ sourceVolume: TMP_VOLUME, containerPath: '/tmp', readOnly: false });
      this.initContainer = settings.writableTmp._bind({
        taskDefinition,
        app: this.container,
        appImage: props.image,
        logGroup: this.logGroup,
        isolated: isolatedSubnets(vpc, settings.taskSubnets).length > 0,
      });
      if (!this.initContainer) {
        Validations.of(taskDefinition).acknowledge({
          id: EcsVolumeNotWritable.id,
          reason: 'writableTmp is WritableTmp.fromImageVolume(): the image declares VOLUME /tmp owned by the container\'s user.',
        });
      }
    }

    this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc,
      description: `Tasks of ${this.node.path}: reachable from the load balancer only`,
      allowAllOutbound: true,
    });
    this.addVpcEndpoints(subject, vpc, settings.taskSubnets, props.vpcEndpoints);

    this.service = new ecs.FargateService(this, 'Service', {
      cluster: this.cluster,
      taskDefinition,
      desiredCount: settings.desiredCount,
      assignPublicIp: false,
      vpcSubnets: settings.taskSubnets,
      securityGroups: [this.securityGroup],
      circuitBreaker: { enable: true, rollback: true },
      minHealthyPercent: 100,
      maxHealthyPercent: 200,
      platformVersion: ecs.FargatePlatformVersion.LATEST,
      enableECSManagedTags: true,
      propagateTags: ecs.PropagatedTagSource.SERVICE,
      ...settings.rollout._serviceProps(),
    });
    // Tasks start only once the execution role's policy is attached, or the first ones fail to pull.
    this.service.node.addDependency(this.executionRole);
    this.connections = this.service.connections;

    const frontEnd = settings.ingress._bind({ scope: this, vpc, removal, privateSubnets: settings.taskSubnets, options: props });
    if (frontEnd instanceof CloudFrontFrontEnd) {
      this.distribution = frontEnd.distribution;
      this.vpcOrigin = frontEnd.vpcOrigin;
    }
    this.loadBalancer = frontEnd.loadBalancer;
    this.loadBalancerSecurityGroup = frontEnd.securityGroup;
    this.listener = frontEnd.listener;
    this.certificate = frontEnd.certificate;
    this.accessLogBucket = frontEnd.accessLogBucket;
    this.url = frontEnd.url;
    const rollout = settings.rollout._bind(this, subject, frontEnd, {
      service: this.service,
      containerName: this.container.containerName,
      containerPort,
      healthCheckPath: settings.healthCheckPath,
      healthCheckPort,
    });
    this.targetGroup = rollout.targetGroup;
    this.alternateTargetGroup = rollout.alternateTargetGroup;
    this.productionListenerRule = rollout.productionListenerRule;
    this.trafficShiftRole = rollout.trafficShiftRole;
    this.deploymentAlarms = settings.deploymentAlarms._bind({
      scope: this,
      service: this.service,
      targetGroup: this.targetGroup,
      alternateTargetGroup: this.alternateTargetGroup,
    });
    if (props.autoScaling) {
      this.scaling = addAutoScaling(this.service, this.targetGroup, props.autoScaling, settings.minCapacity!);
    }

    if (props.recycleOnSecretChange ?? settings.refreshable) {
      this.recycler = SecretRotationRecycler.ofStack(this);
      this.recycler.addService(this.service);
      this.recycler._requestRemovalPolicy(removal.policy);
    }

    embedChecks(this, PATTERN_CHECKS.SecureFargateService);
  }

  /**
   * In subnets with no route to the internet, adds the endpoints the tasks need and the VPC
   * lacks. The FargateNoEgress check proves the result once the app is complete.
   */
  private addVpcEndpoints(subject: string, vpc: ec2.IVpc, selection: ec2.SubnetSelection, requested: boolean | undefined): void {
    const isolated = isolatedSubnets(vpc, selection);
    if (isolated.length === 0 || requested === false) {
      return;
    }
    const index = new ResourceIndex(this.node.root);
    const task = this.taskDefinition.node.defaultChild as ecs.CfnTaskDefinition;
    const { services, externalImages } = neededEndpoints(task, index);
    if (externalImages.length > 0) {
      throwFinding(FargateNoEgress, `${subject}: the tasks run in isolated subnets, with no route to the internet, and cannot pull ${[...new Set(externalImages)].join(', ')} from a registry outside the VPC. `
        + 'Use an image in ECR (ecs.ContainerImage.fromAsset or fromEcrRepository), or subnets with NAT.');
    }
    const cfnSubnets = isolated.map((s) => s.node.defaultChild).filter((c): c is ec2.CfnSubnet => c instanceof ec2.CfnSubnet);
    const inApp = cfnSubnets.length === isolated.length;
    if (!inApp && requested === undefined) {
      warnFinding(this, FargateEndpointsUnverified, endpointsUnverifiedMessage(subject, services));
      return;
    }
    const reachable = cfnSubnets.map((s) => endpointServicesFor(s, index));
    for (const service of services) {
      const id = service === 's3' ? 'S3GatewayEndpoint' : INTERFACE_ENDPOINTS[service].id;
      let endpoint = vpc.node.tryFindChild(id);
      const missing = !inApp || reachable.some((r) => !r.has(service));
      if (!endpoint && missing) {
        endpoint = service === 's3'
          ? vpc.addGatewayEndpoint(id, { service: ec2.GatewayVpcEndpointAwsService.S3, subnets: [{ subnets: isolated }] })
          : vpc.addInterfaceEndpoint(id, {
            service: INTERFACE_ENDPOINTS[service].service,
            subnets: { subnets: isolated, onePerAz: true },
            privateDnsEnabled: true,
            // Only the services' tasks, each admitted below, rather than the whole VPC.
            open: false,
          });
      }
      if (endpoint instanceof ec2.InterfaceVpcEndpoint) {
        endpoint.connections.allowFrom(this.securityGroup, ec2.Port.tcp(443), `HTTPS from the tasks of ${this.node.path}`);
      }
    }
  }
}

/** The props with their defaults, once checked. */
interface Settings {
  readonly removal: Removal;
  readonly containerPort: number;
  readonly healthCheckPort?: number;
  readonly healthCheckPath: string;
  readonly cpu: number;
  readonly memoryLimitMiB: number;
  readonly containerMemoryLimitMiB?: number;
  readonly desiredCount: number;
  readonly readonlyRootFilesystem: boolean;
  readonly writableTmp: WritableTmp;
  /** Whether a secret can change: only unpinned ones are worth recycling on. */
  readonly refreshable: boolean;
  readonly taskSubnets: ec2.SubnetSelection;
  /** The fewest tasks auto scaling keeps, with `autoScaling`. */
  readonly minCapacity?: number;
  readonly deploymentAlarms: FargateDeploymentAlarms;
  readonly rollout: FargateRollout;
  readonly ingress: FargateIngress;
}

/** Checks every prop and throws all that are wrong together, before anything is built. */
function checkProps(scope: Construct, subject: string, props: SecureFargateServiceProps): Settings {
  const errors = new PropErrors();
  const removal = Removal.of(errors, subject, props.removalPolicy);
  errors.check(() => {
    if ((props.vpc === undefined) === (props.cluster === undefined)) {
      throw new GuardedPatternsError(`${subject}: give either vpc (a new cluster is created in it) or cluster (an existing one), ${props.vpc ? 'not both' : 'none was given'}.`);
    }
  });
  const containerPort = props.containerPort ?? 8080;
  errors.check(() => {
    checkPort(subject, 'containerPort', containerPort);
    checkPrivilegedPort(subject, containerPort, props.user);
  });
  const healthCheckPort = props.healthCheckPort;
  errors.check(() => {
    if (healthCheckPort !== undefined) {
      checkPort(subject, 'healthCheckPort', healthCheckPort);
    }
  });
  const cpu = props.cpu ?? 256;
  const memoryLimitMiB = props.memoryLimitMiB ?? 512;
  errors.check(() => {
    const problem = Token.isUnresolved(cpu) || Token.isUnresolved(memoryLimitMiB) ? undefined : fargateSizeProblem(cpu, memoryLimitMiB);
    if (problem) {
      throwFinding(FargateCpuMemory, `${subject}: ${problem.replace(/^memory /, 'memoryLimitMiB ')}.`);
    }
  });
  const desiredCount = props.desiredCount ?? 2;
  errors.check(() => {
    if (!Token.isUnresolved(desiredCount) && (!Number.isInteger(desiredCount) || desiredCount < 1)) {
      throw new GuardedPatternsError(`${subject}: desiredCount (${desiredCount}) must be a whole number of at least 1; use 2 or more so that the service survives the loss of a task or an AZ.`);
    }
  });
  const minCapacity = props.autoScaling && checkAutoScaling(errors, subject, props.autoScaling, desiredCount);
  const deploymentAlarms = props.deploymentAlarms ?? FargateDeploymentAlarms.defaults();
  errors.check(() => {
    const problem = deploymentAlarms._problem(subject);
    if (problem) {
      throw new GuardedPatternsError(problem);
    }
  });
  const rollout = props.rollout ?? FargateRollout.rolling();
  for (const problem of rollout._problems(subject)) {
    errors.check(() => {
      throw new GuardedPatternsError(problem);
    });
  }
  const healthCheckPath = props.healthCheckPath ?? '/';
  errors.check(() => {
    if (!Token.isUnresolved(healthCheckPath) && !/^\/\S*$/.test(healthCheckPath)) {
      throw new GuardedPatternsError(`${subject}: healthCheckPath '${healthCheckPath}' must start with / and contain no spaces, such as '/health'.`);
    }
  });
  errors.check(() => {
    if (props.logGroup && props.logRetention !== undefined) {
      throw new GuardedPatternsError(`${subject}: logRetention applies only to the log group the pattern creates; set the retention on logGroup instead, or leave logGroup out.`);
    }
  });
  const ingress = props.ingress ?? FargateIngress._defaultFor(props);
  ingress._checkProps(errors, subject, props, scope);
  const readonlyRootFilesystem = props.readonlyRootFilesystem ?? true;
  const writableTmp = props.writableTmp ?? WritableTmp.initContainer();
  const initMemoryMiB = readonlyRootFilesystem ? writableTmp._initMemoryMiB : 0;
  const containerMemoryLimitMiB = props.containerMemoryLimitMiB
    ?? (Token.isUnresolved(memoryLimitMiB) ? undefined : memoryLimitMiB - initMemoryMiB);
  errors.check(() => {
    if (props.containerMemoryLimitMiB !== undefined && !Token.isUnresolved(props.containerMemoryLimitMiB) && !Token.isUnresolved(memoryLimitMiB)) {
      const most = memoryLimitMiB - initMemoryMiB;
      const limit = props.containerMemoryLimitMiB;
      if (!Number.isInteger(limit) || limit < 6 || limit > most) {
        throw new GuardedPatternsError(`${subject}: containerMemoryLimitMiB (${limit}) must be a whole number from 6 to ${most}, `
          + `the task's ${memoryLimitMiB} MiB${initMemoryMiB ? ` less the init container's ${initMemoryMiB} MiB` : ''}; leave it out to use all of that.`);
      }
    }
  });
  // A secret pinned to a version never changes, so only unpinned ones are worth recycling on.
  const refreshable = Object.values(props.secrets ?? {}).some((secret) => watchedValue(secret.arn)?.pinned === undefined);
  errors.check(() => {
    if (props.recycleOnSecretChange === true && !refreshable) {
      throw new GuardedPatternsError(`${subject}: recycleOnSecretChange is true but no secret in secrets can change (there are none, or each is pinned to a version); `
        + 'pass secrets from ecs.Secret.fromSecretsManager() or ecs.Secret.fromSsmParameter(), or leave recycleOnSecretChange unset.');
    }
  });
  const givenVpc = props.cluster?.vpc ?? props.vpc;
  let taskSubnets: ec2.SubnetSelection = {};
  errors.check(() => {
    if (givenVpc) {
      taskSubnets = selectTaskSubnets(subject, givenVpc, props.taskSubnets);
    }
  });
  errors.throwIfAny();
  return {
    removal,
    containerPort,
    healthCheckPort,
    healthCheckPath,
    cpu,
    memoryLimitMiB,
    containerMemoryLimitMiB,
    desiredCount,
    readonlyRootFilesystem,
    writableTmp,
    refreshable,
    taskSubnets,
    minCapacity,
    deploymentAlarms,
    rollout,
    ingress,
  };
}

/** The tasks' subnets: private ones by default, never public ones. */
function selectTaskSubnets(subject: string, vpc: ec2.IVpc, requested: ec2.SubnetSelection | undefined): ec2.SubnetSelection {
  if (requested) {
    let selected: ec2.ISubnet[];
    try {
      selected = vpc.selectSubnets(requested).subnets;
    } catch (e) {
      // ec2.Vpc throws when the VPC has no subnet group of the selected type.
      throw new GuardedPatternsError(`${subject}: taskSubnets selects no subnet of this VPC (${(e as Error).message}); select subnets the VPC has, such as { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS }.`);
    }
    const publicIds = new Set(vpc.publicSubnets.map((s) => s.node.path));
    const inPublic = selected.filter((s) => publicIds.has(s.node.path));
    if (inPublic.length > 0) {
      throwFinding(FargatePublicTasks, `${subject}: taskSubnets selects public subnets (${inPublic.map((s) => s.node.path).join(', ')}); `
        + 'tasks there would need public IPs to reach ECR and the internet. Select private subnets (ec2.SubnetType.PRIVATE_WITH_EGRESS or PRIVATE_ISOLATED).');
    }
    return requested;
  }
  if (vpc.privateSubnets.length > 0) {
    return { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS };
  }
  if (vpc.isolatedSubnets.length > 0) {
    return { subnetType: ec2.SubnetType.PRIVATE_ISOLATED };
  }
  throw new GuardedPatternsError(`${subject}: the VPC has no private subnets for the tasks; use a VPC with private subnets (PrivateSubnetVpc) or select some with taskSubnets.`);
}


/** The isolated subnets among those selected: no route to the internet, so no ECR Public either. */
function isolatedSubnets(vpc: ec2.IVpc, selection: ec2.SubnetSelection): ec2.ISubnet[] {
  const isolatedPaths = new Set(vpc.isolatedSubnets.map((s) => s.node.path));
  return vpc.selectSubnets(selection).subnets.filter((s) => isolatedPaths.has(s.node.path));
}

/**
 * Refuses a container port below 1024 for a user the pattern knows is not root: only root (or
 * CAP_NET_BIND_SERVICE, which a non-root process does not hold) may bind it, so the application
 * would fail to start. `ContainerUser.fromImage()` leaves the user to the image, which may be root.
 */
function checkPrivilegedPort(subject: string, containerPort: number, user: ContainerUser | undefined): void {
  const name = (user ?? ContainerUser.nonRoot()).user;
  if (Token.isUnresolved(containerPort) || containerPort >= 1024 || name === undefined || Token.isUnresolved(name)) {
    return;
  }
  const who = user ? `user '${name}'` : `user (the default ContainerUser.nonRoot(), ${name})`;
  throw new GuardedPatternsError(`${subject}: containerPort (${containerPort}) is below 1024, which only root may bind, and ${who} is not root, so the application could not listen on it. `
    + 'Make the image listen on a port above 1023 and set containerPort to it (such as 8080; nginxinc/nginx-unprivileged listens on 8080), '
    + 'or, for an image that must run as root to bind the port, set user: ContainerUser.fromImage().');
}

/** Checks a port prop. */
function checkPort(subject: string, name: string, value: number): void {
  if (!Token.isUnresolved(value) && (!Number.isInteger(value) || value < 1 || value > 65535)) {
    throw new GuardedPatternsError(`${subject}: ${name} (${value}) must be a whole number from 1 to 65535, such as 8080.`);
  }
}
