/**
 * The benchmark's baseline: the startup stack's resources (examples/lib/startup-stack.ts) written by
 * hand with plain aws-cdk-lib L2 constructs (L1 where aws-cdk-lib has no L2), no pattern and no
 * check. Not byte-identical to the startup stack; the benchmark prints both stacks' resource counts.
 */
import * as path from 'path';
import {
  CfnOutput, Duration, Stack, StackProps,
  aws_autoscaling as autoscaling, aws_certificatemanager as acm, aws_cloudfront as cloudfront,
  aws_cloudfront_origins as origins, aws_cloudwatch as cloudwatch, aws_cloudwatch_actions as cloudwatch_actions,
  aws_ec2 as ec2, aws_ecr as ecr, aws_ecs as ecs, aws_elasticloadbalancingv2 as elbv2, aws_events as events,
  aws_events_targets as targets, aws_iam as iam, aws_kms as kms, aws_lambda as lambda, aws_logs as logs,
  aws_route53 as route53, aws_route53_targets as route53_targets, aws_s3 as s3, aws_secretsmanager as secretsmanager,
  aws_sns as sns, aws_sqs as sqs, aws_ssm as ssm,
} from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { startupDatabase } from '../examples/lib/startup-stack';

const ASSETS = path.join(__dirname, '..', 'assets');

/** A VPC with one NAT gateway per AZ (or none), gateway endpoints and flow logs to CloudWatch Logs. */
export function plainVpc(scope: Construct, cidr: string, natGateways: number): ec2.Vpc {
  const vpc = new ec2.Vpc(scope, 'Vpc', {
    ipAddresses: ec2.IpAddresses.cidr(cidr),
    maxAzs: 3,
    natGateways,
    subnetConfiguration: [
      { name: 'Private', subnetType: natGateways ? ec2.SubnetType.PRIVATE_WITH_EGRESS : ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 19 },
      { name: 'Public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 21, mapPublicIpOnLaunch: false },
    ],
    restrictDefaultSecurityGroup: true,
    gatewayEndpoints: {
      S3: { service: ec2.GatewayVpcEndpointAwsService.S3 },
      DynamoDB: { service: ec2.GatewayVpcEndpointAwsService.DYNAMODB },
    },
  });
  const logGroup = new logs.LogGroup(scope, 'FlowLogGroup', { retention: logs.RetentionDays.ONE_YEAR });
  const role = new iam.Role(scope, 'FlowLogRole', { assumedBy: new iam.ServicePrincipal('vpc-flow-logs.amazonaws.com') });
  roleWithPolicy(scope, 'FlowLogPolicy', role, ['logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'], [logGroup.logGroupArn]);
  vpc.addFlowLog('FlowLog', { destination: ec2.FlowLogDestination.toCloudWatchLogs(logGroup, role.withoutPolicyUpdates()) });
  return vpc;
}

/** A managed policy attached to `role`, as the patterns give each of their roles. */
function roleWithPolicy(scope: Construct, id: string, role: iam.IRole, actions: string[], resources: string[]): iam.ManagedPolicy {
  return new iam.ManagedPolicy(scope, id, { roles: [role], statements: [new iam.PolicyStatement({ actions, resources })] });
}

/** A function from one of the library's bundled handlers (assets/, written by the build), with its own log group. */
function bundledFunction(scope: Construct, id: string, handler: string, role: iam.Role, props: Partial<lambda.FunctionProps>): lambda.Function {
  return new lambda.Function(scope, `${id}Function`, {
    runtime: lambda.Runtime.NODEJS_24_X,
    handler: 'index.handler',
    code: lambda.Code.fromAsset(path.join(ASSETS, handler)),
    role: role.withoutPolicyUpdates(),
    memorySize: 256,
    logGroup: new logs.LogGroup(scope, `${id}LogGroup`, { retention: logs.RetentionDays.ONE_YEAR }),
    ...props,
  });
}

/** A bucket with the settings every bucket of the startup stack has. */
function privateBucket(scope: Construct, id: string, props: s3.BucketProps = {}): s3.Bucket {
  return new s3.Bucket(scope, id, {
    encryption: s3.BucketEncryption.S3_MANAGED,
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    enforceSSL: true,
    versioned: true,
    ...props,
  });
}

/** The startup stack's resources from plain aws-cdk-lib constructs. */
export class StartupL2Stack extends Stack {
  constructor(scope: Construct, id: string, props: StackProps = {}) {
    super(scope, id, props);

    // PrivateSubnetVpc twice: the product network and the analytics VPC without NAT.
    const network = plainVpc(new Construct(this, 'Network'), '10.0.0.0/16', 3);
    const analytics = plainVpc(new Construct(this, 'Analytics'), '10.1.0.0/16', 0);
    const cidrs = [network.vpcCidrBlock, analytics.vpcCidrBlock];

    // PrivateLinkConsumer: interface endpoints, the peering and its routes, DNS forwarder instances.
    const endpointGroup = new ec2.SecurityGroup(this, 'EndpointsSecurityGroup', { vpc: network, allowAllOutbound: false });
    for (const cidr of cidrs) {
      endpointGroup.addIngressRule(ec2.Peer.ipv4(cidr), ec2.Port.tcp(443));
    }
    network.addInterfaceEndpoint('KinesisStreams', { service: ec2.InterfaceVpcEndpointAwsService.KINESIS_STREAMS, securityGroups: [endpointGroup] });
    network.addInterfaceEndpoint('Sts', { service: ec2.InterfaceVpcEndpointAwsService.STS, securityGroups: [endpointGroup] });
    const peering = new ec2.CfnVPCPeeringConnection(this, 'Peering', { vpcId: network.vpcId, peerVpcId: analytics.vpcId });
    const routeTables = (vpc: ec2.Vpc) => [...vpc.privateSubnets, ...vpc.isolatedSubnets, ...vpc.publicSubnets].map((s) => s.routeTable.routeTableId);
    routeTables(network).forEach((routeTableId, i) => new ec2.CfnRoute(this, `AnalyticsRoute${i + 1}`, {
      routeTableId, destinationCidrBlock: '10.1.0.0/16', vpcPeeringConnectionId: peering.ref,
    }));
    routeTables(analytics).forEach((routeTableId, i) => new ec2.CfnRoute(this, `AnalyticsReturnRoute${i + 1}`, {
      routeTableId, destinationCidrBlock: '10.0.0.0/16', vpcPeeringConnectionId: peering.ref,
    }));

    const forwarderGroup = new ec2.SecurityGroup(this, 'ForwarderSecurityGroup', { vpc: network });
    for (const cidr of cidrs) {
      forwarderGroup.addIngressRule(ec2.Peer.ipv4(cidr), ec2.Port.udp(53));
      forwarderGroup.addIngressRule(ec2.Peer.ipv4(cidr), ec2.Port.tcp(53));
    }
    const forwarderRole = new iam.Role(this, 'ForwarderRole', { assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com') });
    roleWithPolicy(this, 'ForwarderPolicy', forwarderRole, ['ec2:AttachNetworkInterface'], ['*']);
    const forwarderImage = ec2.MachineImage.latestAmazonLinux2023({ cpuType: ec2.AmazonLinuxCpuType.ARM_64 });
    const interfaces = network.privateSubnets.slice(0, 2).map((subnet, i) => {
      const eni = new ec2.CfnNetworkInterface(this, `Forwarder${i + 1}Interface`, {
        subnetId: subnet.subnetId, groupSet: [forwarderGroup.securityGroupId],
      });
      const userData = ec2.UserData.forLinux();
      userData.addCommands('dnf install -y unbound', `attach ${eni.ref}`, 'systemctl enable --now unbound');
      const launchTemplate = new ec2.LaunchTemplate(this, `Forwarder${i + 1}LaunchTemplate`, {
        instanceType: new ec2.InstanceType('t4g.nano'),
        machineImage: forwarderImage,
        role: forwarderRole,
        securityGroup: forwarderGroup,
        userData,
        requireImdsv2: true,
        detailedMonitoring: true,
        blockDevices: [{ deviceName: '/dev/xvda', volume: ec2.BlockDeviceVolume.ebs(8, { encrypted: true, volumeType: ec2.EbsDeviceVolumeType.GP3 }) }],
      });
      new autoscaling.AutoScalingGroup(this, `Forwarder${i + 1}Group`, {
        vpc: network, launchTemplate, minCapacity: 1, maxCapacity: 1, vpcSubnets: { subnets: [subnet] },
      });
      return eni;
    });
    const dhcpOptions = new ec2.CfnDHCPOptions(this, 'PeerDhcpOptions', {
      domainName: 'ec2.internal',
      domainNameServers: interfaces.map((eni) => eni.attrPrimaryPrivateIpAddress),
    });
    new ec2.CfnVPCDHCPOptionsAssociation(this, 'PeerDhcpOptionsAnalytics', { dhcpOptionsId: dhcpOptions.ref, vpcId: analytics.vpcId });

    // OpenVpnAccessServer: a KMS key, the PKI secret, an Elastic IP, one instance in an auto scaling group.
    const vpnKey = new kms.Key(this, 'VpnKey', { enableKeyRotation: true });
    const pki = new secretsmanager.Secret(this, 'VpnPki', { encryptionKey: vpnKey });
    const vpnGroup = new ec2.SecurityGroup(this, 'VpnSecurityGroup', { vpc: network });
    vpnGroup.addIngressRule(ec2.Peer.anyIpv4(), ec2.Port.udp(1194));
    const vpnRole = new iam.Role(this, 'VpnRole', { assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com') });
    const vpnPolicy = roleWithPolicy(this, 'VpnServerPolicy', vpnRole, ['secretsmanager:GetSecretValue', 'secretsmanager:PutSecretValue'], [pki.secretArn]);
    vpnPolicy.addStatements(new iam.PolicyStatement({ actions: ['kms:Decrypt', 'kms:GenerateDataKey'], resources: [vpnKey.keyArn] }));
    const elasticIp = new ec2.CfnEIP(this, 'VpnElasticIp', { domain: 'vpc' });
    const vpnUserData = ec2.UserData.forLinux();
    vpnUserData.addCommands('apt-get install -y openvpn easy-rsa', `echo ${pki.secretArn} ${elasticIp.attrAllocationId}`);
    const vpnTemplate = new ec2.LaunchTemplate(this, 'VpnLaunchTemplate', {
      instanceType: new ec2.InstanceType('t4g.micro'),
      machineImage: ec2.MachineImage.fromSsmParameter('/aws/service/canonical/ubuntu/server/24.04/stable/current/arm64/hvm/ebs-gp3/ami-id'),
      role: vpnRole,
      securityGroup: vpnGroup,
      associatePublicIpAddress: true,
      userData: vpnUserData,
      requireImdsv2: true,
      detailedMonitoring: true,
      blockDevices: [{ deviceName: '/dev/sda1', volume: ec2.BlockDeviceVolume.ebs(8, { encrypted: true, volumeType: ec2.EbsDeviceVolumeType.GP3, deleteOnTermination: true }) }],
    });
    new autoscaling.AutoScalingGroup(this, 'VpnAutoScalingGroup', {
      vpc: network,
      launchTemplate: vpnTemplate,
      minCapacity: 1,
      maxCapacity: 1,
      vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC },
      healthChecks: autoscaling.HealthChecks.ec2({ gracePeriod: Duration.minutes(10) }),
    });
    new ssm.CfnDocument(this, 'VpnClientProfileDocument', {
      documentType: 'Command',
      updateMethod: 'NewVersion',
      content: { schemaVersion: '2.2', description: 'Writes a client profile', mainSteps: [{ action: 'aws:runShellScript', name: 'profile', inputs: { runCommand: ['make-profile'] } }] },
    });

    // SecureFargateService: cluster, task definition with separate roles, service behind an HTTPS ALB.
    const zone = route53.PublicHostedZone.fromHostedZoneAttributes(this, 'Zone', { hostedZoneId: 'Z0123456789EXAMPLE', zoneName: 'example.com' });
    // The database: the startup stack's own, plain aws-cdk-lib already.
    const database = startupDatabase(this, network);
    const dbSecret = database.secret!;
    const cluster = new ecs.Cluster(this, 'WebCluster', { vpc: network, containerInsightsV2: ecs.ContainerInsights.ENABLED });
    const taskRole = new iam.Role(this, 'WebTaskRole', { assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com') });
    const taskPolicy = new iam.ManagedPolicy(this, 'WebTaskRolePolicy', { roles: [taskRole] });
    const executionRole = new iam.Role(this, 'WebExecutionRole', { assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com') });
    new iam.ManagedPolicy(this, 'WebExecutionRolePolicy', {
      roles: [executionRole],
      statements: [
        new iam.PolicyStatement({ actions: ['ecr:GetAuthorizationToken'], resources: ['*'] }),
        new iam.PolicyStatement({ actions: ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'], resources: [this.formatArn({ service: 'ecr', resource: 'repository', resourceName: 'web' })] }),
        new iam.PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: [dbSecret.secretArn] }),
      ],
    });
    const webLogs = new logs.LogGroup(this, 'WebLogGroup', { retention: logs.RetentionDays.ONE_YEAR });
    const taskDefinition = new ecs.FargateTaskDefinition(this, 'WebTaskDefinition', {
      cpu: 256, memoryLimitMiB: 512, taskRole, executionRole: executionRole.withoutPolicyUpdates(), volumes: [{ name: 'tmp' }],
    });
    const tmpPermissions = taskDefinition.addContainer('TmpPermissions', {
      image: ecs.ContainerImage.fromRegistry('public.ecr.aws/docker/library/busybox:1.37.0'),
      entryPoint: ['chmod'],
      command: ['1777', '/tmp'],
      essential: false,
      memoryLimitMiB: 32,
      user: '0',
      readonlyRootFilesystem: true,
      logging: ecs.LogDrivers.awsLogs({ logGroup: webLogs, streamPrefix: 'tmp-permissions' }),
    });
    tmpPermissions.addMountPoints({ containerPath: '/tmp', sourceVolume: 'tmp', readOnly: false });
    const app = taskDefinition.addContainer('App', {
      image: ecs.ContainerImage.fromEcrRepository(ecr.Repository.fromRepositoryName(this, 'Repository', 'web'), 'v1'),
      memoryLimitMiB: 480,
      user: '1000:1000',
      readonlyRootFilesystem: true,
      portMappings: [{ containerPort: 8080 }],
      environment: { DB_HOST: database.clusterEndpoint.hostname, DB_PORT: database.clusterEndpoint.port.toString(), DB_NAME: 'app' },
      secrets: { DB_USER: ecs.Secret.fromSecretsManager(dbSecret, 'username'), DB_PASSWORD: ecs.Secret.fromSecretsManager(dbSecret, 'password') },
      logging: ecs.LogDrivers.awsLogs({ logGroup: webLogs, streamPrefix: 'app' }),
    });
    app.addMountPoints({ containerPath: '/tmp', sourceVolume: 'tmp', readOnly: false });
    app.addContainerDependencies({ container: tmpPermissions, condition: ecs.ContainerDependencyCondition.SUCCESS });
    const serviceGroup = new ec2.SecurityGroup(this, 'WebSecurityGroup', { vpc: network });
    database.connections.allowDefaultPortFrom(serviceGroup);
    const service = new ecs.FargateService(this, 'WebService', {
      cluster,
      taskDefinition,
      desiredCount: 2,
      securityGroups: [serviceGroup],
      enableECSManagedTags: true,
      circuitBreaker: { enable: true, rollback: true },
      minHealthyPercent: 100,
      healthCheckGracePeriod: Duration.minutes(1),
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
    });
    const accessLogs = privateBucket(this, 'WebAccessLogBucket', {
      lifecycleRules: [{ expiration: Duration.days(365), noncurrentVersionExpiration: Duration.days(30) }],
    });
    const loadBalancerGroup = new ec2.SecurityGroup(this, 'WebLoadBalancerSecurityGroup', { vpc: network, allowAllOutbound: false });
    const loadBalancer = new elbv2.ApplicationLoadBalancer(this, 'WebLoadBalancer', {
      vpc: network, internetFacing: true, securityGroup: loadBalancerGroup, deletionProtection: true, dropInvalidHeaderFields: true,
    });
    loadBalancer.logAccessLogs(accessLogs);
    const certificate = new acm.Certificate(this, 'WebCertificate', { domainName: 'app.example.com', validation: acm.CertificateValidation.fromDns(zone) });
    const https = loadBalancer.addListener('Https', { port: 443, certificates: [certificate], sslPolicy: elbv2.SslPolicy.RECOMMENDED_TLS });
    const tasks = https.addTargets('Tasks', {
      port: 8080,
      protocol: elbv2.ApplicationProtocol.HTTP,
      targets: [service.loadBalancerTarget({ containerName: 'App', containerPort: 8080 })],
      healthCheck: { path: '/health', healthyHttpCodes: '200-399' },
    });
    // Deployment alarms with rollback: target 5xx and unhealthy targets.
    const deploymentAlarms = [
      tasks.metrics.httpCodeTarget(elbv2.HttpCodeTarget.TARGET_5XX_COUNT, { period: Duration.minutes(1) }),
      tasks.metrics.unhealthyHostCount({ period: Duration.minutes(1) }),
    ].map((metric, i) => new cloudwatch.Alarm(this, `WebDeploymentAlarm${i}`, {
      metric, threshold: i === 0 ? 5 : 1, evaluationPeriods: 3, datapointsToAlarm: 2, treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    }));
    service.enableDeploymentAlarms(deploymentAlarms.map((alarm) => alarm.alarmName), { behavior: ecs.AlarmBehavior.ROLLBACK_ON_ALARM });
    loadBalancer.addRedirect();
    new route53.ARecord(this, 'WebAliasRecord', {
      zone, recordName: 'app.example.com', target: route53.RecordTarget.fromAlias(new route53_targets.LoadBalancerTarget(loadBalancer)),
    });

    // SecretRotationRecycler: a rule on the password's rotation, the function, its queue and alarm,
    // and its staleness pass (a schedule and an alarm on the stale-task metric).
    const deadLetters = new sqs.Queue(this, 'RecyclerDeadLetterQueue', { retentionPeriod: Duration.days(14), encryption: sqs.QueueEncryption.SQS_MANAGED });
    const recyclerRole = new iam.Role(this, 'RecyclerRole', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    const recyclerPolicy = roleWithPolicy(this, 'RecyclerPolicy', recyclerRole, ['ecs:ListServices', 'ecs:DescribeServices', 'ecs:UpdateService', 'ecs:ListTasks', 'ecs:DescribeTasks'], ['*']);
    recyclerPolicy.addStatements(
      new iam.PolicyStatement({ actions: ['sqs:SendMessage'], resources: [deadLetters.queueArn] }),
      new iam.PolicyStatement({ actions: ['secretsmanager:ListSecretVersionIds'], resources: [dbSecret.secretArn] }),
    );
    const recycler = bundledFunction(this, 'Recycler', 'recycler/recycle.lambda', recyclerRole, {
      timeout: Duration.minutes(1),
      deadLetterQueue: deadLetters,
      retryAttempts: 2,
      environment: { CLUSTERS: cluster.clusterArn, DRY_RUN: 'false' },
    });
    new events.Rule(this, 'RecyclerRule', {
      eventPattern: { source: ['aws.secretsmanager'], detailType: ['Secret Label Updated'], resources: [dbSecret.secretArn], detail: { labelUpdated: ['AWSCURRENT'] } },
      targets: [new targets.LambdaFunction(recycler, { deadLetterQueue: deadLetters, retryAttempts: 185, maxEventAge: Duration.days(1) })],
    });
    const onCall = new sns.Topic(this, 'OnCall', { enforceSSL: true, masterKey: kms.Alias.fromAliasName(this, 'SnsKey', 'alias/aws/sns') });
    new cloudwatch.Alarm(this, 'RecyclerDeadLetterAlarm', {
      metric: deadLetters.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1), statistic: 'Maximum' }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    }).addAlarmAction(new cloudwatch_actions.SnsAction(onCall));
    new events.Rule(this, 'RecyclerStalenessSchedule', {
      schedule: events.Schedule.rate(Duration.minutes(5)),
      targets: [new targets.LambdaFunction(recycler, { deadLetterQueue: deadLetters, retryAttempts: 2, maxEventAge: Duration.minutes(5) })],
    });
    new cloudwatch.Alarm(this, 'RecyclerStaleTasksAlarm', {
      metric: new cloudwatch.Metric({
        namespace: 'GuardedPatterns/SecretRotationRecycler',
        metricName: 'StaleTasks',
        dimensionsMap: { FunctionName: recycler.functionName },
        statistic: 'Maximum',
        period: Duration.minutes(5),
      }),
      threshold: 0,
      evaluationPeriods: 6,
      datapointsToAlarm: 6,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.MISSING,
    }).addAlarmAction(new cloudwatch_actions.SnsAction(onCall));

    // SecureS3Cdn: the image bucket behind CloudFront with OAC, logs v2 and the upload signer.
    const logBucket = privateBucket(this, 'ImagesLogBucket', {
      lifecycleRules: [{ expiration: Duration.days(365), noncurrentVersionExpiration: Duration.days(1) }],
    });
    const bucket = privateBucket(this, 'ImagesBucket', {
      serverAccessLogsBucket: logBucket,
      serverAccessLogsPrefix: 's3-access/',
      lifecycleRules: [{ abortIncompleteMultipartUploadAfter: Duration.days(7), noncurrentVersionExpiration: Duration.days(30) }],
    });
    const distribution = new cloudfront.Distribution(this, 'ImagesDistribution', {
      defaultBehavior: {
        origin: origins.S3BucketOrigin.withOriginAccessControl(bucket),
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: cloudfront.ResponseHeadersPolicy.SECURITY_HEADERS,
      },
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      priceClass: cloudfront.PriceClass.PRICE_CLASS_100,
    });
    const source = new logs.CfnDeliverySource(this, 'ImagesAccessLogsSource', {
      name: `${this.stackName}-Images`, logType: 'ACCESS_LOGS', resourceArn: this.formatArn({ service: 'cloudfront', region: '', resource: 'distribution', resourceName: distribution.distributionId }),
    });
    const destination = new logs.CfnDeliveryDestination(this, 'ImagesAccessLogsDestination', { name: `${this.stackName}-Images`, destinationResourceArn: logBucket.bucketArn });
    new logs.CfnDelivery(this, 'ImagesAccessLogsDelivery', { deliverySourceName: source.name, deliveryDestinationArn: destination.attrArn }).node.addDependency(source);
    const uploadRole = new iam.Role(this, 'ImagesUploadRole', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    roleWithPolicy(this, 'ImagesUploadPolicy', uploadRole, ['s3:PutObject'], [bucket.arnForObjects('uploads/*')]);
    const upload = bundledFunction(this, 'ImagesUpload', 'cdn/sign-upload.lambda', uploadRole, {
      timeout: Duration.seconds(10),
      environment: { BUCKET_NAME: bucket.bucketName, KEY_PREFIX: 'uploads/', MAX_BYTES: '10485760', CONTENT_TYPES: 'image/jpeg,image/png' },
    });
    upload.addFunctionUrl({ authType: lambda.FunctionUrlAuthType.AWS_IAM });
    taskPolicy.addStatements(new iam.PolicyStatement({ actions: ['lambda:InvokeFunctionUrl'], resources: [upload.functionArn] }));

    new CfnOutput(this, 'WebUrl', { value: 'https://app.example.com' });
    new CfnOutput(this, 'ImagesDomain', { value: distribution.distributionDomainName });
    new CfnOutput(this, 'VpnAddress', { value: elasticIp.ref });
  }
}
