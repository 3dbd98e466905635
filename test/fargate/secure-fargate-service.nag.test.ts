import {
  ArnFormat,
  Duration,
  RemovalPolicy,
  Stack,
  Validations,
  aws_certificatemanager as acm,
  aws_cloudwatch_actions as cloudwatch_actions,
  aws_ec2 as ec2,
  aws_ecr as ecr,
  aws_ecs as ecs,
  aws_iam as iam,
  aws_kms as kms,
  aws_logs as logs,
  aws_route53 as route53,
  aws_s3 as s3,
  aws_secretsmanager as secretsmanager,
  aws_sns as sns,
  aws_ssm as ssm,
} from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { FargateIngress, FargateRollout, PrivateSubnetVpc, SecureFargateService, SecureFargateServiceProps } from '../../src';
import { acknowledgedRules, acknowledgements, complianceFindings, testStack } from '../util';

const CERTIFICATE_ARN = 'arn:aws:acm:us-east-1:111111111111:certificate/11111111-2222-3333-4444-555555555555';

/** Findings that are the user's decisions, not the pattern's: each variant acknowledges them with the reason a user would give. */
function acknowledgeUserChoices(scope: IConstruct, options: { logEncryption?: boolean } = {}) {
  if (options.logEncryption !== false) {
    Validations.of(scope).acknowledge(...['NIST.800.53.R5', 'HIPAA.Security', 'PCI.DSS.321'].map((pack) => ({
      id: `${pack}-CloudWatchLogGroupEncrypted`,
      reason: 'CloudWatch Logs encrypts every log group at rest; a customer managed key (a logGroup with encryptionKey) is for regimes that require key control, and is tested separately.',
    })));
  }
  Validations.of(scope).acknowledge(...['NIST.800.53.R5', 'PCI.DSS.321'].map((pack) => ({
    id: `${pack}-ALBWAFEnabled`,
    reason: 'Whether a web ACL (and which rules) fronts the service is the application owner\'s decision; this test covers the pattern without one.',
  })));
}

function base() {
  const stack = testStack();
  const network = new PrivateSubnetVpc(stack, 'Network');
  const image = ecs.ContainerImage.fromEcrRepository(ecr.Repository.fromRepositoryName(stack, 'Repository', 'app'), 'v1');
  const certificate = acm.Certificate.fromCertificateArn(stack, 'Certificate', CERTIFICATE_ARN);
  return { stack, network, image, certificate };
}

/** A secret and a parameter injected into the container: the stack's recycler then watches them. */
function injectedSecrets(stack: Stack): Partial<SecureFargateServiceProps> {
  return {
    secrets: {
      DB_PASSWORD: ecs.Secret.fromSecretsManager(new secretsmanager.Secret(stack, 'DbSecret'), 'password'),
      API_URL: ecs.Secret.fromSsmParameter(new ssm.StringParameter(stack, 'ApiUrl', { stringValue: 'https://api.example.com' })),
    },
  };
}

/** The secret itself is outside the pattern: rotating it is the owner's job. */
function acknowledgeTestSecret(stack: Stack) {
  Validations.of(stack.node.findChild('DbSecret')).acknowledge(...['AwsSolutions-SMG4', 'NIST.800.53.R5-SecretsManagerRotationEnabled', 'HIPAA.Security-SecretsManagerRotationEnabled', 'PCI.DSS.321-SecretsManagerRotationEnabled',
    'NIST.800.53.R5-SecretsManagerUsingKMSKey', 'HIPAA.Security-SecretsManagerUsingKMSKey', 'PCI.DSS.321-SecretsManagerUsingKMSKey']
    .map((id) => ({ id, reason: 'A test secret made only to be injected; its rotation and key are outside the pattern.' })));
}

type Variant = [
  string,
  (stack: Stack, network: PrivateSubnetVpc) => Partial<SecureFargateServiceProps>,
  (web: SecureFargateService, stack: Stack) => void,
];

const variants: Variant[] = [
  ['defaults', () => ({}), () => {}],
  ['an image built from a Dockerfile', () => ({ image: ecs.ContainerImage.fromAsset(`${__dirname}/app`) }), () => {}],
  ['secrets from Secrets Manager and Parameter Store', injectedSecrets, (web, stack) => {
    for (const alarm of [web.recycler!.deadLetterAlarm, web.recycler!.staleTasksAlarm]) {
      Validations.of(alarm).acknowledge(...['NIST.800.53.R5-CloudWatchAlarmAction', 'HIPAA.Security-CloudWatchAlarmAction']
        .map((id) => ({ id, reason: 'Where the recycler\'s alarms notify is the team\'s choice (web.recycler.addAlarmAction).' })));
    }
    acknowledgeTestSecret(stack);
  }],
  ['a domain name with a certificate issued for it', (stack) => ({
    certificate: undefined,
    domainName: 'app.example.com',
    hostedZone: route53.PublicHostedZone.fromHostedZoneAttributes(stack, 'Zone', { hostedZoneId: 'Z0123456789', zoneName: 'example.com' }),
  }), () => {}],
  ['chosen networks only', () => ({ allowedCidrs: ['203.0.113.0/24'] }), () => {}],
  // autoDeleteObjects adds a custom resource and its function: nothing for the packs to report.
  ['a trial that cdk destroy removes', () => ({ removalPolicy: RemovalPolicy.DESTROY }), () => {}],
  ['plain environment variables', () => ({ environment: { STAGE: 'prod', LOG_LEVEL: 'info' } }), (web) => {
    Validations.of(web.taskDefinition).acknowledge({
      id: 'AwsSolutions-ECS2',
      reason: 'STAGE and LOG_LEVEL are configuration, not secrets; secrets go through the secrets prop.',
    });
  }],
  ['a canary rollout', () => ({ rollout: FargateRollout.canary() }), () => {}],
  ['a linear rollout with auto scaling', () => ({
    rollout: FargateRollout.linear({ stepPercent: 25, stepBakeTime: Duration.minutes(2), bakeTime: Duration.minutes(5) }),
    autoScaling: { maxCapacity: 6, targetCpuUtilizationPercent: 60, targetRequestsPerTarget: 1000 },
  }), () => {}],
  ['auto scaling on CPU and requests per task', () => ({ autoScaling: { maxCapacity: 6, targetCpuUtilizationPercent: 60, targetRequestsPerTarget: 1000 } }), () => {}],
  ['bigger tasks and a separate health check port', () => ({ cpu: 2048, memoryLimitMiB: 8192, healthCheckPort: 8081, healthCheckPath: '/health', desiredCount: 3 }), () => {}],
  ['an existing cluster, access log bucket and log group', (stack, network) => {
    const cluster = new ecs.Cluster(stack, 'Shared', { vpc: network.vpc, containerInsightsV2: ecs.ContainerInsights.ENABLED });
    const accessLogBucket = new s3.Bucket(stack, 'AccessLogs', {
      encryption: s3.BucketEncryption.S3_MANAGED, enforceSSL: true, versioned: true, blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    });
    Validations.of(accessLogBucket).acknowledge(...['AwsSolutions-S1', 'NIST.800.53.R5-S3BucketLoggingEnabled', 'HIPAA.Security-S3BucketLoggingEnabled', 'PCI.DSS.321-S3BucketLoggingEnabled',
      'NIST.800.53.R5-S3BucketReplicationEnabled', 'HIPAA.Security-S3BucketReplicationEnabled', 'PCI.DSS.321-S3BucketReplicationEnabled',
      'NIST.800.53.R5-S3DefaultEncryptionKMS', 'HIPAA.Security-S3DefaultEncryptionKMS', 'PCI.DSS.321-S3DefaultEncryptionKMS']
      .map((id) => ({ id, reason: 'The organisation\'s shared load balancer log bucket: SSE-S3 as ELB requires, its own access is logged by CloudTrail data events.' })));
    return { vpc: undefined, cluster, accessLogBucket, logGroup: new logs.LogGroup(stack, 'AppLogs', { retention: logs.RetentionDays.ONE_YEAR }) };
  }, () => {}],
  ['what the application is granted', () => ({}), (web, stack) => {
    const bucket = new s3.Bucket(stack, 'Data', {
      enforceSSL: true, serverAccessLogsPrefix: 'access/', versioned: true, blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    });
    Validations.of(bucket).acknowledge(...['NIST.800.53.R5-S3BucketReplicationEnabled', 'HIPAA.Security-S3BucketReplicationEnabled', 'PCI.DSS.321-S3BucketReplicationEnabled',
      'NIST.800.53.R5-S3DefaultEncryptionKMS', 'HIPAA.Security-S3DefaultEncryptionKMS', 'PCI.DSS.321-S3DefaultEncryptionKMS']
      .map((id) => ({ id, reason: 'A test bucket the application reads; its replication and key are outside the pattern.' })));
    bucket.grantRead(web);
    // What aws-cdk-lib's grantRead writes: the objects under the bucket, and its Get*/List* read actions.
    Validations.of(web.taskRole).acknowledge(
      ...['Action::s3:GetObject*', 'Action::s3:GetBucket*', 'Action::s3:List*', `Resource::<${Stack.of(bucket).getLogicalId(bucket.node.defaultChild as any)}.Arn>/*`]
        .map((finding) => ({ id: `AwsSolutions-IAM5[${finding}]`, reason: 'bucket.grantRead: read-only actions on this one bucket and its objects.' })));
  }],
];

describe('SecureFargateService under AwsSolutions, NIST 800-53 rev 5, HIPAA, PCI DSS and GuardedPatterns', () => {
  test.each(variants)('%s: no unacknowledged findings', (_name, props, after) => {
    const { stack, network, image, certificate } = base();
    const web = new SecureFargateService(stack, 'Web', { vpc: network.vpc, image, certificate, ...props(stack, network) });
    after(web, stack);
    acknowledgeUserChoices(stack);
    expect(complianceFindings(stack)).toEqual([]);
  });

  test('with secrets, the recycler\'s alarm sent to a topic through web.recycler.addAlarmAction: no alarm finding to acknowledge', () => {
    // GIVEN secrets, which add the stack's recycler and its dead-letter alarm
    const { stack, network, image, certificate } = base();
    const web = new SecureFargateService(stack, 'Web', { vpc: network.vpc, image, certificate, ...injectedSecrets(stack) });
    acknowledgeTestSecret(stack);
    acknowledgeUserChoices(stack);
    // WHEN the team's topic is given to the alarm
    const topic = new sns.Topic(stack, 'OnCall', { enforceSSL: true, masterKey: new kms.Key(stack, 'TopicKey', { enableKeyRotation: true }) });
    web.recycler!.addAlarmAction(new cloudwatch_actions.SnsAction(topic));
    // THEN the compliance packs' CloudWatchAlarmAction rules pass without an acknowledgement
    expect(complianceFindings(stack)).toEqual([]);
  });

  test('in a VPC without NAT, with the endpoints the pattern adds', () => {
    const stack = testStack();
    const network = new PrivateSubnetVpc(stack, 'Network', { natGateways: 0 });
    const image = ecs.ContainerImage.fromEcrRepository(ecr.Repository.fromRepositoryName(stack, 'Repository', 'app'));
    new SecureFargateService(stack, 'Web', { vpc: network.vpc, image, certificate: acm.Certificate.fromCertificateArn(stack, 'Certificate', CERTIFICATE_ARN) });
    acknowledgeUserChoices(stack);
    expect(complianceFindings(stack)).toEqual([]);
  });

  test('in an imported VPC with isolated subnets, endpoints added on request', () => {
    const stack = testStack();
    const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Imported', {
      vpcId: 'vpc-0123456789abcdef0',
      vpcCidrBlock: '10.20.0.0/16',
      availabilityZones: ['us-east-1a', 'us-east-1b'],
      publicSubnetIds: ['subnet-0aaaaaaaaaaaaaaa1', 'subnet-0aaaaaaaaaaaaaaa2'],
      isolatedSubnetIds: ['subnet-0bbbbbbbbbbbbbbb1', 'subnet-0bbbbbbbbbbbbbbb2'],
      isolatedSubnetRouteTableIds: ['rtb-0ccccccccccccccc1', 'rtb-0ccccccccccccccc2'],
    });
    const image = ecs.ContainerImage.fromEcrRepository(ecr.Repository.fromRepositoryName(stack, 'Repository', 'app'));
    new SecureFargateService(stack, 'Web', { vpc, image, vpcEndpoints: true, certificate: acm.Certificate.fromCertificateArn(stack, 'Certificate', CERTIFICATE_ARN) });
    acknowledgeUserChoices(stack);
    expect(complianceFindings(stack)).toEqual([]);
  });

  test('only vpc and image: CloudFront in front of an internal load balancer', () => {
    const { stack, network, image } = base();
    new SecureFargateService(stack, 'Web', { vpc: network.vpc, image });
    acknowledgeUserChoices(stack);
    expect(complianceFindings(stack)).toEqual([]);
  });

  test('a domain on CloudFront, with a web ACL', () => {
    const { stack, network, image } = base();
    new SecureFargateService(stack, 'Web', {
      vpc: network.vpc,
      image,
      ingress: FargateIngress.cloudFront(),
      domainName: 'app.example.com',
      hostedZone: route53.PublicHostedZone.fromHostedZoneAttributes(stack, 'Zone', { hostedZoneId: 'Z0123456789', zoneName: 'example.com' }),
      webAclArn: 'arn:aws:wafv2:us-east-1:111111111111:global/webacl/web/11111111-2222-3333-4444-555555555555',
    });
    acknowledgeUserChoices(stack);
    expect(complianceFindings(stack)).toEqual([]);
  });

  test('plain HTTP for chosen networks, acknowledged', () => {
    const { stack, network, image } = base();
    const web = new SecureFargateService(stack, 'Web', { vpc: network.vpc, image, allowedCidrs: ['10.0.0.0/8'] });
    const reason = 'An internal tool reached over the corporate VPN only, which encrypts the traffic end to end.';
    Validations.of(web).acknowledge(...['GuardedPatterns-AlbPlainHttp', 'NIST.800.53.R5-ELBv2ACMCertificateRequired', 'HIPAA.Security-ELBv2ACMCertificateRequired',
      'PCI.DSS.321-ELBv2ACMCertificateRequired', 'NIST.800.53.R5-ALBHttpToHttpsRedirection', 'HIPAA.Security-ALBHttpToHttpsRedirection', 'PCI.DSS.321-ALBHttpToHttpsRedirection']
      .map((id) => ({ id, reason })));
    acknowledgeUserChoices(stack);
    expect(complianceFindings(stack)).toEqual([]);
  });

  test('with a customer managed key on the log group, the log encryption needs no acknowledgement', () => {
    const { stack, image, certificate } = base();
    const network = stack.node.findChild('Network') as PrivateSubnetVpc;
    const key = new kms.Key(stack, 'LogKey', { enableKeyRotation: true });
    key.addToResourcePolicy(new iam.PolicyStatement({
      principals: [new iam.ServicePrincipal('logs.us-east-1.amazonaws.com')],
      actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
      resources: ['*'],
      conditions: { ArnLike: { 'kms:EncryptionContext:aws:logs:arn': stack.formatArn({ service: 'logs', resource: 'log-group', resourceName: '*', arnFormat: ArnFormat.COLON_RESOURCE_NAME }) } },
    }));
    const logGroup = new logs.LogGroup(stack, 'AppLogs', { retention: logs.RetentionDays.ONE_YEAR, encryptionKey: key });
    new SecureFargateService(stack, 'Web', { vpc: network.vpc, image, certificate, logGroup });
    // Only the VPC's flow log group, outside the pattern, still uses CloudWatch Logs' own key.
    Validations.of(network).acknowledge(...['NIST.800.53.R5', 'HIPAA.Security', 'PCI.DSS.321'].map((pack) => ({
      id: `${pack}-CloudWatchLogGroupEncrypted`, reason: 'The VPC\'s flow logs are covered by the PrivateSubnetVpc tests.',
    })));
    acknowledgeUserChoices(stack, { logEncryption: false });
    expect(complianceFindings(stack)).toEqual([]);
  });

  test('every acknowledgement inside the pattern carries a reason', () => {
    const { stack, network, image, certificate } = base();
    const web = new SecureFargateService(stack, 'Web', { vpc: network.vpc, image, certificate });
    const acks = acknowledgements(web);
    // Acknowledgements are recorded under the annotation form of the ID.
    expect(acks.map((a) => a.id).sort()).toEqual([
      'AwsSolutions-EC23',
      'AwsSolutions-IAM5[Resource::*]',
      'AwsSolutions-S1',
      'HIPAA.Security-CloudWatchAlarmAction',
      'HIPAA.Security-CloudWatchAlarmAction',
      'HIPAA.Security-ELBv2ACMCertificateRequired',
      'HIPAA.Security-S3BucketLoggingEnabled',
      'HIPAA.Security-S3BucketReplicationEnabled',
      'HIPAA.Security-S3DefaultEncryptionKMS',
      'NIST.800.53.R5-CloudWatchAlarmAction',
      'NIST.800.53.R5-CloudWatchAlarmAction',
      'NIST.800.53.R5-ELBv2ACMCertificateRequired',
      'NIST.800.53.R5-S3BucketLoggingEnabled',
      'NIST.800.53.R5-S3BucketReplicationEnabled',
      'NIST.800.53.R5-S3DefaultEncryptionKMS',
      'PCI.DSS.321-ELBv2ACMCertificateRequired',
      'PCI.DSS.321-S3BucketLoggingEnabled',
      'PCI.DSS.321-S3BucketReplicationEnabled',
      'PCI.DSS.321-S3DefaultEncryptionKMS',
    ]);
    for (const ack of acks) {
      expect(ack.reason.length).toBeGreaterThan(40);
    }
  });

  test('restricted networks need no acknowledgement of open ingress', () => {
    const { stack, network, image, certificate } = base();
    const web = new SecureFargateService(stack, 'Web', { vpc: network.vpc, image, certificate, allowedCidrs: ['203.0.113.0/24'] });
    expect(acknowledgements(web).map((a) => a.id)).not.toContain('AwsSolutions-EC23');
  });
});

/** What the pattern acknowledges with its defaults and a certificate. */
const DEFAULT_ACKNOWLEDGEMENTS = [
  'AwsSolutions-EC23 at TestStack/Web/LoadBalancerSecurityGroup',
  'AwsSolutions-IAM5[Resource::*] at TestStack/Web/ExecutionRole',
  'AwsSolutions-S1 at TestStack/Web/AccessLogBucket',
  'CloudFormation-Validate::W3010 at TestStack',
  'HIPAA.Security-CloudWatchAlarmAction at TestStack/Web/Target5xxAlarm',
  'HIPAA.Security-CloudWatchAlarmAction at TestStack/Web/UnhealthyTargetsAlarm',
  'HIPAA.Security-ELBv2ACMCertificateRequired at TestStack/Web/LoadBalancer/Redirect80To443',
  'HIPAA.Security-S3BucketLoggingEnabled at TestStack/Web/AccessLogBucket',
  'HIPAA.Security-S3BucketReplicationEnabled at TestStack/Web/AccessLogBucket',
  'HIPAA.Security-S3DefaultEncryptionKMS at TestStack/Web/AccessLogBucket',
  'NIST.800.53.R5-CloudWatchAlarmAction at TestStack/Web/Target5xxAlarm',
  'NIST.800.53.R5-CloudWatchAlarmAction at TestStack/Web/UnhealthyTargetsAlarm',
  'NIST.800.53.R5-ELBv2ACMCertificateRequired at TestStack/Web/LoadBalancer/Redirect80To443',
  'NIST.800.53.R5-S3BucketLoggingEnabled at TestStack/Web/AccessLogBucket',
  'NIST.800.53.R5-S3BucketReplicationEnabled at TestStack/Web/AccessLogBucket',
  'NIST.800.53.R5-S3DefaultEncryptionKMS at TestStack/Web/AccessLogBucket',
  'PCI.DSS.321-ELBv2ACMCertificateRequired at TestStack/Web/LoadBalancer/Redirect80To443',
  'PCI.DSS.321-S3BucketLoggingEnabled at TestStack/Web/AccessLogBucket',
  'PCI.DSS.321-S3BucketReplicationEnabled at TestStack/Web/AccessLogBucket',
  'PCI.DSS.321-S3DefaultEncryptionKMS at TestStack/Web/AccessLogBucket',
];

/**
 * The exact rules the pattern acknowledges on its own, where the test acknowledges nothing: a new
 * acknowledgement inside the pattern (or the per-stack recycler it adds) fails here until someone
 * has read its reason. aws-cdk-lib's own acknowledgements of its CloudFormation validation
 * findings (`CloudFormation-Validate::...`) come with the resources the pattern creates, and are
 * listed too.
 */
describe('SecureFargateService acknowledges exactly', () => {
  test.each<[string, (stack: Stack, certificate: acm.ICertificate) => Partial<SecureFargateServiceProps>, string[]]>([
    ['defaults with a certificate', (_stack, certificate) => ({ certificate }), DEFAULT_ACKNOWLEDGEMENTS],
    ['a canary rollout', (_stack, certificate) => ({ certificate, rollout: FargateRollout.canary() }),
      [...DEFAULT_ACKNOWLEDGEMENTS, 'AwsSolutions-IAM5[Resource::*] at TestStack/Web/TrafficShiftRole'].sort()],
    ['only vpc and image: CloudFront in front of an internal load balancer', () => ({}), [
      'AwsSolutions-CFR1 at TestStack/Web/Distribution',
      'AwsSolutions-CFR2 at TestStack/Web/Distribution',
      'AwsSolutions-CFR3 at TestStack/Web/Distribution',
      'AwsSolutions-CFR4 at TestStack/Web/Distribution',
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole] at TestStack/AWS679f53fac002430cb0da5b7982bd2287',
      'AwsSolutions-IAM5[Resource::*] at TestStack/CloudFrontOriginFacingPrefixList',
      'AwsSolutions-IAM5[Resource::*] at TestStack/Web/ExecutionRole',
      'AwsSolutions-S1 at TestStack/Web/AccessLogBucket',
      'CloudFormation-Validate::W3010 at TestStack',
      'GuardedPatterns-AlbPlainHttp at TestStack/Web/LoadBalancer/Http',
      'HIPAA.Security-ALBHttpToHttpsRedirection at TestStack/Web/LoadBalancer/Http',
      'HIPAA.Security-CloudWatchAlarmAction at TestStack/Web/Target5xxAlarm',
      'HIPAA.Security-CloudWatchAlarmAction at TestStack/Web/UnhealthyTargetsAlarm',
      'HIPAA.Security-ELBv2ACMCertificateRequired at TestStack/Web/LoadBalancer/Http',
      'HIPAA.Security-IAMNoInlinePolicy at TestStack/CloudFrontOriginFacingPrefixList',
      'HIPAA.Security-LambdaConcurrency at TestStack/AWS679f53fac002430cb0da5b7982bd2287',
      'HIPAA.Security-LambdaDLQ at TestStack/AWS679f53fac002430cb0da5b7982bd2287',
      'HIPAA.Security-LambdaInsideVPC at TestStack/AWS679f53fac002430cb0da5b7982bd2287',
      'HIPAA.Security-S3BucketLoggingEnabled at TestStack/Web/AccessLogBucket',
      'HIPAA.Security-S3BucketReplicationEnabled at TestStack/Web/AccessLogBucket',
      'HIPAA.Security-S3DefaultEncryptionKMS at TestStack/Web/AccessLogBucket',
      'NIST.800.53.R5-ALBHttpToHttpsRedirection at TestStack/Web/LoadBalancer/Http',
      'NIST.800.53.R5-CloudWatchAlarmAction at TestStack/Web/Target5xxAlarm',
      'NIST.800.53.R5-CloudWatchAlarmAction at TestStack/Web/UnhealthyTargetsAlarm',
      'NIST.800.53.R5-ELBv2ACMCertificateRequired at TestStack/Web/LoadBalancer/Http',
      'NIST.800.53.R5-IAMNoInlinePolicy at TestStack/CloudFrontOriginFacingPrefixList',
      'NIST.800.53.R5-LambdaConcurrency at TestStack/AWS679f53fac002430cb0da5b7982bd2287',
      'NIST.800.53.R5-LambdaDLQ at TestStack/AWS679f53fac002430cb0da5b7982bd2287',
      'NIST.800.53.R5-LambdaInsideVPC at TestStack/AWS679f53fac002430cb0da5b7982bd2287',
      'NIST.800.53.R5-S3BucketLoggingEnabled at TestStack/Web/AccessLogBucket',
      'NIST.800.53.R5-S3BucketReplicationEnabled at TestStack/Web/AccessLogBucket',
      'NIST.800.53.R5-S3DefaultEncryptionKMS at TestStack/Web/AccessLogBucket',
      'PCI.DSS.321-ALBHttpToHttpsRedirection at TestStack/Web/LoadBalancer/Http',
      'PCI.DSS.321-ELBv2ACMCertificateRequired at TestStack/Web/LoadBalancer/Http',
      'PCI.DSS.321-IAMNoInlinePolicy at TestStack/CloudFrontOriginFacingPrefixList',
      'PCI.DSS.321-LambdaInsideVPC at TestStack/AWS679f53fac002430cb0da5b7982bd2287',
      'PCI.DSS.321-S3BucketLoggingEnabled at TestStack/Web/AccessLogBucket',
      'PCI.DSS.321-S3BucketReplicationEnabled at TestStack/Web/AccessLogBucket',
      'PCI.DSS.321-S3DefaultEncryptionKMS at TestStack/Web/AccessLogBucket',
    ]],
    ['plain HTTP to a private network', () => ({ allowedCidrs: ['10.0.0.0/8'] }), [
      'AwsSolutions-IAM5[Resource::*] at TestStack/Web/ExecutionRole',
      'AwsSolutions-S1 at TestStack/Web/AccessLogBucket',
      'CloudFormation-Validate::W3010 at TestStack',
      'HIPAA.Security-CloudWatchAlarmAction at TestStack/Web/Target5xxAlarm',
      'HIPAA.Security-CloudWatchAlarmAction at TestStack/Web/UnhealthyTargetsAlarm',
      'HIPAA.Security-S3BucketLoggingEnabled at TestStack/Web/AccessLogBucket',
      'HIPAA.Security-S3BucketReplicationEnabled at TestStack/Web/AccessLogBucket',
      'HIPAA.Security-S3DefaultEncryptionKMS at TestStack/Web/AccessLogBucket',
      'NIST.800.53.R5-CloudWatchAlarmAction at TestStack/Web/Target5xxAlarm',
      'NIST.800.53.R5-CloudWatchAlarmAction at TestStack/Web/UnhealthyTargetsAlarm',
      'NIST.800.53.R5-S3BucketLoggingEnabled at TestStack/Web/AccessLogBucket',
      'NIST.800.53.R5-S3BucketReplicationEnabled at TestStack/Web/AccessLogBucket',
      'NIST.800.53.R5-S3DefaultEncryptionKMS at TestStack/Web/AccessLogBucket',
      'PCI.DSS.321-S3BucketLoggingEnabled at TestStack/Web/AccessLogBucket',
      'PCI.DSS.321-S3BucketReplicationEnabled at TestStack/Web/AccessLogBucket',
      'PCI.DSS.321-S3DefaultEncryptionKMS at TestStack/Web/AccessLogBucket',
    ]],
    ['a domain in a hosted zone, secrets from Secrets Manager and Parameter Store', (stack) => ({
      domainName: 'app.example.com',
      hostedZone: route53.PublicHostedZone.fromHostedZoneAttributes(stack, 'Zone', { hostedZoneId: 'Z0123456789ABCDEFGHIJ', zoneName: 'example.com' }),
      secrets: {
        DB: ecs.Secret.fromSecretsManager(secretsmanager.Secret.fromSecretCompleteArn(stack, 'Db', 'arn:aws:secretsmanager:us-east-1:111111111111:secret:app/db-AbCdEf'), 'password'),
        URL: ecs.Secret.fromSsmParameter(ssm.StringParameter.fromSecureStringParameterAttributes(stack, 'Url', { parameterName: '/app/url' })),
      },
    }), [
      'AwsSolutions-EC23 at TestStack/Web/LoadBalancerSecurityGroup',
      'AwsSolutions-IAM5[Resource::*] at TestStack/SecretRotationRecycler/Policy',
      'AwsSolutions-IAM5[Resource::*] at TestStack/Web/ExecutionRole',
      'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ecs:us-east-1:111111111111:service/<WebCluster20B6B362>/*] at TestStack/SecretRotationRecycler/Policy',
      'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ecs:us-east-1:111111111111:task/<WebCluster20B6B362>/*] at TestStack/SecretRotationRecycler/Policy',
      'AwsSolutions-S1 at TestStack/Web/AccessLogBucket',
      'AwsSolutions-SQS3 at TestStack/SecretRotationRecycler/DeadLetterQueue',
      'CloudFormation-Validate::W3010 at TestStack',
      'HIPAA.Security-CloudWatchAlarmAction at TestStack/Web/Target5xxAlarm',
      'HIPAA.Security-CloudWatchAlarmAction at TestStack/Web/UnhealthyTargetsAlarm',
      'HIPAA.Security-ELBv2ACMCertificateRequired at TestStack/Web/LoadBalancer/Redirect80To443',
      'HIPAA.Security-LambdaConcurrency at TestStack/SecretRotationRecycler/Function',
      'HIPAA.Security-LambdaInsideVPC at TestStack/SecretRotationRecycler/Function',
      'HIPAA.Security-S3BucketLoggingEnabled at TestStack/Web/AccessLogBucket',
      'HIPAA.Security-S3BucketReplicationEnabled at TestStack/Web/AccessLogBucket',
      'HIPAA.Security-S3DefaultEncryptionKMS at TestStack/Web/AccessLogBucket',
      'NIST.800.53.R5-CloudWatchAlarmAction at TestStack/Web/Target5xxAlarm',
      'NIST.800.53.R5-CloudWatchAlarmAction at TestStack/Web/UnhealthyTargetsAlarm',
      'NIST.800.53.R5-ELBv2ACMCertificateRequired at TestStack/Web/LoadBalancer/Redirect80To443',
      'NIST.800.53.R5-LambdaConcurrency at TestStack/SecretRotationRecycler/Function',
      'NIST.800.53.R5-LambdaInsideVPC at TestStack/SecretRotationRecycler/Function',
      'NIST.800.53.R5-S3BucketLoggingEnabled at TestStack/Web/AccessLogBucket',
      'NIST.800.53.R5-S3BucketReplicationEnabled at TestStack/Web/AccessLogBucket',
      'NIST.800.53.R5-S3DefaultEncryptionKMS at TestStack/Web/AccessLogBucket',
      'PCI.DSS.321-ELBv2ACMCertificateRequired at TestStack/Web/LoadBalancer/Redirect80To443',
      'PCI.DSS.321-LambdaConcurrency at TestStack/SecretRotationRecycler/Function',
      'PCI.DSS.321-LambdaInsideVPC at TestStack/SecretRotationRecycler/Function',
      'PCI.DSS.321-S3BucketLoggingEnabled at TestStack/Web/AccessLogBucket',
      'PCI.DSS.321-S3BucketReplicationEnabled at TestStack/Web/AccessLogBucket',
      'PCI.DSS.321-S3DefaultEncryptionKMS at TestStack/Web/AccessLogBucket',
    ]],
  ])('%s', (_name, props, expected) => {
    const { stack, network, image, certificate } = base();
    new SecureFargateService(stack, 'Web', { vpc: network.vpc, image, ...props(stack, certificate) });
    expect(acknowledgedRules(stack).filter((rule) => !rule.includes(' at TestStack/Network/'))).toEqual(expected);
  });
});
