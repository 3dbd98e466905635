import {
  App,
  CfnParameter,
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
  aws_sqs as sqs,
  aws_ssm as ssm,
} from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { ContainerUser, FargateIngress, PrivateSubnetVpc, SecretRotationRecycler, SecureFargateService, SecureFargateServiceProps, WritableTmp } from '../../src';
import { testStack } from '../util';

const CERTIFICATE_ARN = 'arn:aws:acm:us-east-1:111111111111:certificate/11111111-2222-3333-4444-555555555555';

/** A stack with a PrivateSubnetVpc, an ECR image and a certificate: what most tests start from. */
function setup(natGateways?: number) {
  const stack = testStack();
  const network = new PrivateSubnetVpc(stack, 'Network', { natGateways });
  const repository = ecr.Repository.fromRepositoryName(stack, 'Repository', 'app');
  const certificate = acm.Certificate.fromCertificateArn(stack, 'Certificate', CERTIFICATE_ARN);
  return { stack, network, image: ecs.ContainerImage.fromEcrRepository(repository, 'v1'), certificate };
}

function synth(props: Partial<SecureFargateServiceProps> = {}, natGateways?: number) {
  const { stack, network, image, certificate } = setup(natGateways);
  const service = new SecureFargateService(stack, 'Web', { vpc: network.vpc, image, certificate, ...props });
  return { stack, network, service, template: Template.fromStack(stack) };
}

/** The resolved statements of the managed policies attached to a role, by the role's logical ID prefix. */
function statementsOf(template: Template, rolePrefix: string): any[] {
  const policies = Object.values(template.findResources('AWS::IAM::ManagedPolicy')) as any[];
  return policies
    .filter((p) => (p.Properties.Roles ?? []).some((r: any) => r.Ref?.startsWith(rolePrefix)))
    .flatMap((p) => p.Properties.PolicyDocument.Statement);
}

function logicalId(template: Template, type: string, prefix: string): string {
  const ids = Object.keys(template.findResources(type)).filter((id) => id.startsWith(prefix));
  expect(ids).toHaveLength(1);
  return ids[0];
}

describe('SecureFargateService', () => {
  describe('with defaults', () => {
    const { template, stack, service } = synth();

    test('runs 2 Fargate tasks in the private subnets, without public IPs, with circuit breaker rollback', () => {
      template.hasResourceProperties('AWS::ECS::Service', {
        LaunchType: 'FARGATE',
        DesiredCount: 2,
        PlatformVersion: 'LATEST',
        DeploymentConfiguration: Match.objectLike({
          DeploymentCircuitBreaker: { Enable: true, Rollback: true },
          MinimumHealthyPercent: 100,
          MaximumPercent: 200,
        }),
        NetworkConfiguration: {
          AwsvpcConfiguration: Match.objectLike({
            AssignPublicIp: 'DISABLED',
            Subnets: [1, 2, 3].map((n) => ({ Ref: Match.stringLikeRegexp(`^NetworkPrivateSubnet${n}`) })),
          }),
        },
      });
    });

    test('a 256 CPU / 512 MiB task, read-only root with a writable /tmp, a non-root user, awslogs', () => {
      template.hasResourceProperties('AWS::ECS::TaskDefinition', {
        Cpu: '256',
        Memory: '512',
        NetworkMode: 'awsvpc',
        RequiresCompatibilities: ['FARGATE'],
        Volumes: [{ Name: 'tmp' }],
        ContainerDefinitions: [Match.objectLike({
          Name: 'App',
          PortMappings: [{ ContainerPort: 8080, Protocol: 'tcp' }],
          ReadonlyRootFilesystem: true,
          User: '1000:1000',
          MountPoints: [{ ContainerPath: '/tmp', ReadOnly: false, SourceVolume: 'tmp' }],
          LogConfiguration: Match.objectLike({ LogDriver: 'awslogs', Options: Match.objectLike({ 'awslogs-group': { Ref: Match.stringLikeRegexp('^WebLogGroup') } }) }),
          Memory: 480,
          DependsOn: [{ ContainerName: 'TmpPermissions', Condition: 'SUCCESS' }],
        }), Match.objectLike({ Name: 'TmpPermissions' })],
      });
      template.hasResource('AWS::Logs::LogGroup', { Properties: { RetentionInDays: 365 }, DeletionPolicy: 'Retain' });
    });

    test('a new cluster with Container Insights', () => {
      template.hasResourceProperties('AWS::ECS::Cluster', { ClusterSettings: [{ Name: 'containerInsights', Value: 'enabled' }] });
    });

    test('the task role has no permissions and trusts ECS tasks of this account only', () => {
      const taskRole = logicalId(template, 'AWS::IAM::Role', 'WebTaskRole');
      template.hasResourceProperties('AWS::IAM::Role', {
        AssumeRolePolicyDocument: {
          Statement: [Match.objectLike({
            Principal: { Service: 'ecs-tasks.amazonaws.com' },
            Condition: {
              ArnLike: { 'aws:SourceArn': { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':ecs:us-east-1:111111111111:*']] } },
              StringEquals: { 'aws:SourceAccount': '111111111111' },
            },
          })],
          Version: '2012-10-17',
        },
        Description: "The application's own AWS calls in TestStack/Web",
      });
      const role = template.toJSON().Resources[taskRole];
      expect(role.Properties.Policies).toBeUndefined();
      expect(role.Properties.ManagedPolicyArns).toBeUndefined();
      expect(statementsOf(template, 'WebTaskRole')).toEqual([]);
      template.resourceCountIs('AWS::IAM::Policy', 0);
      template.hasResourceProperties('AWS::ECS::TaskDefinition', { TaskRoleArn: { 'Fn::GetAtt': [taskRole, 'Arn'] } });
    });

    test('the execution role holds exactly the image pull and its own log group, in a managed policy', () => {
      const executionRole = logicalId(template, 'AWS::IAM::Role', 'WebExecutionRole');
      template.hasResourceProperties('AWS::ECS::TaskDefinition', { ExecutionRoleArn: { 'Fn::GetAtt': [executionRole, 'Arn'] } });
      const role = template.toJSON().Resources[executionRole];
      expect(role.Properties.ManagedPolicyArns).toBeUndefined();
      expect(role.Properties.Policies).toBeUndefined();
      expect(statementsOf(template, 'WebExecutionRole')).toEqual([
        {
          Action: ['ecr:BatchCheckLayerAvailability', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchGetImage'],
          Effect: 'Allow',
          Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':ecr:us-east-1:111111111111:repository/app']] },
        },
        { Action: 'ecr:GetAuthorizationToken', Effect: 'Allow', Resource: '*' },
        { Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Effect: 'Allow', Resource: { 'Fn::GetAtt': [logicalId(template, 'AWS::Logs::LogGroup', 'WebLogGroup'), 'Arn'] } },
      ]);
    });

    test('the service waits for the execution role\'s policy', () => {
      const ecsService = Object.values(template.findResources('AWS::ECS::Service'))[0] as any;
      expect(ecsService.DependsOn).toEqual(expect.arrayContaining([logicalId(template, 'AWS::IAM::ManagedPolicy', 'WebExecutionRolePolicy')]));
    });

    test('an internet-facing ALB in the public subnets: HTTPS with the certificate, HTTP redirected', () => {
      template.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
        Scheme: 'internet-facing',
        Subnets: [1, 2, 3].map((n) => ({ Ref: Match.stringLikeRegexp(`^NetworkPublicSubnet${n}`) })),
        LoadBalancerAttributes: Match.arrayWith([
          { Key: 'deletion_protection.enabled', Value: 'true' },
          { Key: 'routing.http.drop_invalid_header_fields.enabled', Value: 'true' },
          { Key: 'access_logs.s3.enabled', Value: 'true' },
        ]),
      });
      template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
        Protocol: 'HTTPS',
        Port: 443,
        Certificates: [{ CertificateArn: CERTIFICATE_ARN }],
        SslPolicy: 'ELBSecurityPolicy-TLS13-1-2-2021-06',
      });
      template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
        Protocol: 'HTTP',
        Port: 80,
        DefaultActions: [{ Type: 'redirect', RedirectConfig: Match.objectLike({ Protocol: 'HTTPS', Port: '443', StatusCode: 'HTTP_301' }) }],
      });
      template.resourceCountIs('AWS::ElasticLoadBalancingV2::Listener', 2);
    });

    test('an IP target group health-checking / on the container port', () => {
      template.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', {
        TargetType: 'ip',
        Port: 8080,
        Protocol: 'HTTP',
        HealthCheckPath: '/',
        Matcher: { HttpCode: '200-399' },
      });
    });

    test('the load balancer admits the internet on 443 and 80 and reaches the tasks only', () => {
      template.hasResourceProperties('AWS::EC2::SecurityGroup', {
        GroupDescription: 'Load balancer of TestStack/Web: 0.0.0.0/0 on its listener ports',
        SecurityGroupIngress: [
          Match.objectLike({ CidrIp: '0.0.0.0/0', FromPort: 443, ToPort: 443, IpProtocol: 'tcp' }),
          Match.objectLike({ CidrIp: '0.0.0.0/0', FromPort: 80, ToPort: 80, IpProtocol: 'tcp' }),
        ],
        SecurityGroupEgress: Match.absent(),
      });
      template.hasResourceProperties('AWS::EC2::SecurityGroupEgress', {
        GroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^WebLoadBalancerSecurityGroup'), 'GroupId'] },
        DestinationSecurityGroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^WebSecurityGroup'), 'GroupId'] },
        FromPort: 8080,
        ToPort: 8080,
      });
    });

    test('the tasks admit the load balancer on the container port and nothing else', () => {
      const tasksGroup = logicalId(template, 'AWS::EC2::SecurityGroup', 'WebSecurityGroup');
      expect(template.toJSON().Resources[tasksGroup].Properties.SecurityGroupIngress).toBeUndefined();
      const ingress = Object.values(template.findResources('AWS::EC2::SecurityGroupIngress'))
        .filter((r: any) => r.Properties.GroupId['Fn::GetAtt']?.[0] === tasksGroup);
      expect(ingress.map((r: any) => r.Properties)).toEqual([expect.objectContaining({
        IpProtocol: 'tcp',
        FromPort: 8080,
        ToPort: 8080,
        SourceSecurityGroupId: { 'Fn::GetAtt': [logicalId(template, 'AWS::EC2::SecurityGroup', 'WebLoadBalancerSecurityGroup'), 'GroupId'] },
      })]);
    });

    test('access logs go to a private, SSL-only, versioned bucket with S3 managed encryption', () => {
      template.hasResource('AWS::S3::Bucket', {
        Properties: Match.objectLike({
          BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
          PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
          VersioningConfiguration: { Status: 'Enabled' },
        }),
        DeletionPolicy: 'Retain',
      });
      template.hasResourceProperties('AWS::S3::BucketPolicy', {
        PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
      });
    });

    test('adds no VPC endpoints when the subnets have NAT', () => {
      template.resourceCountIs('AWS::EC2::VPCEndpoint', 2); // the VPC's own S3 and DynamoDB gateways
    });

    test('exposes what it creates, and the URL', () => {
      expect(service.taskRole.roleArn).toBeDefined();
      expect(service.grantPrincipal).toBe(service.taskRole);
      expect(service.connections.securityGroups).toEqual([service.securityGroup]);
      expect(service.certificate?.certificateArn).toBe(CERTIFICATE_ARN);
      expect(stack.resolve(service.url)).toEqual({ 'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [logicalId(template, 'AWS::ElasticLoadBalancingV2::LoadBalancer', 'WebLoadBalancer'), 'DNSName'] }]] });
    });

    test('reports nothing', () => {
      expect(Annotations.fromStack(stack).findWarning('*', Match.anyValue())).toEqual([]);
      expect(Annotations.fromStack(stack).findError('*', Match.anyValue())).toEqual([]);
    });
  });

  describe('the role split', () => {
    test('what users grant to the service lands on the task role, in a managed policy', () => {
      const { stack, network, image, certificate } = setup();
      const web = new SecureFargateService(stack, 'Web', { vpc: network.vpc, image, certificate });
      const bucket = new s3.Bucket(stack, 'Bucket');
      bucket.grantRead(web.taskRole);
      const queue = new sqs.Queue(stack, 'Queue');
      queue.grantSendMessages(web); // the service is IGrantable through its task role
      const template = Template.fromStack(stack);
      const bucketId = logicalId(template, 'AWS::S3::Bucket', 'Bucket');
      expect(statementsOf(template, 'WebTaskRole')).toEqual([
        {
          Action: ['s3:GetObject*', 's3:GetBucket*', 's3:List*'],
          Effect: 'Allow',
          Resource: [{ 'Fn::GetAtt': [bucketId, 'Arn'] }, { 'Fn::Join': ['', [{ 'Fn::GetAtt': [bucketId, 'Arn'] }, '/*']] }],
        },
        {
          Action: ['sqs:SendMessage', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl'],
          Effect: 'Allow',
          Resource: { 'Fn::GetAtt': [logicalId(template, 'AWS::SQS::Queue', 'Queue'), 'Arn'] },
        },
      ]);
      template.resourceCountIs('AWS::IAM::Policy', 0);
      expect(JSON.stringify(statementsOf(template, 'WebExecutionRole'))).not.toContain('s3:');
      // The service waits for the task role's permissions too.
      const service = Object.values(template.findResources('AWS::ECS::Service'))[0] as any;
      expect(service.DependsOn).toEqual(expect.arrayContaining([logicalId(template, 'AWS::IAM::ManagedPolicy', 'WebTaskRolePolicy')]));
    });

    test('injected secrets are readable by the execution role only', () => {
      const { stack, network, image, certificate } = setup();
      const secret = new secretsmanager.Secret(stack, 'DbSecret');
      const parameter = new ssm.StringParameter(stack, 'ApiUrl', { stringValue: 'https://api.example.com' });
      new SecureFargateService(stack, 'Web', {
        vpc: network.vpc,
        image,
        certificate,
        secrets: {
          DB_PASSWORD: ecs.Secret.fromSecretsManager(secret, 'password'),
          API_URL: ecs.Secret.fromSsmParameter(parameter),
        },
      });
      const template = Template.fromStack(stack);
      const secretId = logicalId(template, 'AWS::SecretsManager::Secret', 'DbSecret');
      expect(statementsOf(template, 'WebExecutionRole')).toEqual(expect.arrayContaining([
        { Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'], Effect: 'Allow', Resource: { Ref: secretId } },
        expect.objectContaining({ Action: expect.arrayContaining(['ssm:GetParameters']), Effect: 'Allow' }),
      ]));
      expect(statementsOf(template, 'WebTaskRole')).toEqual([]);
      // Neither FargateTaskRoleSecrets nor FargateSecretPinned has anything to say.
      expect(Annotations.fromStack(stack).findWarning('*', Match.anyValue())).toEqual([]);
      template.hasResourceProperties('AWS::ECS::TaskDefinition', {
        ContainerDefinitions: [Match.objectLike({
          Secrets: [
            { Name: 'DB_PASSWORD', ValueFrom: { 'Fn::Join': ['', [{ Ref: secretId }, ':password::']] } },
            { Name: 'API_URL', ValueFrom: Match.anyValue() },
          ],
        }), Match.objectLike({ Name: 'TmpPermissions', Secrets: Match.absent() })],
      });
    });

    test('a wildcard granted to the task role fails synth', () => {
      const { stack, network, image, certificate } = setup();
      const web = new SecureFargateService(stack, 'Web', { vpc: network.vpc, image, certificate });
      web.taskRole.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['s3:*'], resources: ['*'] }));
      expect(() => (stack.node.root as App).synth()).toThrow(
        /Task role 'TestStack\/Web\/TaskRole' of task definition 'TestStack\/Web\/TaskDefinition': TestStack\/Web\/TaskRole\/Policy allows s3:\*\..*\(GuardedPatterns-FargateTaskRoleWildcard\)/);
    });

    test('a write action on every resource fails synth; a resourceless action does not', () => {
      const { stack, network, image, certificate } = setup();
      const web = new SecureFargateService(stack, 'Web', { vpc: network.vpc, image, certificate });
      web.taskRole.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['cloudwatch:PutMetricData', 'xray:PutTraceSegments'], resources: ['*'] }));
      expect(() => Template.fromStack(stack)).not.toThrow();
      const other = setup();
      const api = new SecureFargateService(other.stack, 'Api', { vpc: other.network.vpc, image: other.image, certificate: other.certificate });
      api.taskRole.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['sqs:SendMessage'], resources: ['*'] }));
      expect(() => (other.stack.node.root as App).synth()).toThrow(/allows sqs:SendMessage on every resource \(\*\)\. Name the resources \(sqs ARNs\)/);
    });

    test('reading an injected secret from the task role warns, and can be acknowledged', () => {
      const { stack, network, image, certificate } = setup();
      const secret = new secretsmanager.Secret(stack, 'DbSecret');
      const web = new SecureFargateService(stack, 'Web', { vpc: network.vpc, image, certificate, secrets: { DB: ecs.Secret.fromSecretsManager(secret) } });
      secret.grantRead(web);
      Annotations.fromStack(stack).hasWarning('/TestStack/Web/TaskDefinition/Resource', Match.stringLikeRegexp(
        'lets the application read the secrets that ECS injects \\(App/DB\\).*GuardedPatterns-FargateTaskRoleSecrets'));
      Validations.of(web).acknowledge({ id: 'GuardedPatterns-FargateTaskRoleSecrets', reason: 'The application re-reads the secret after rotation.' });
      expect(Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('FargateTaskRoleSecrets'))).toEqual([]);
    });
  });

  describe('options', () => {
    test('cpu, memory, port, count, health check, environment, user and root filesystem', () => {
      const { template } = synth({
        cpu: 1024,
        memoryLimitMiB: 4096,
        containerPort: 3000,
        desiredCount: 4,
        healthCheckPath: '/health',
        healthCheckPort: 3001,
        environment: { STAGE: 'prod' },
        user: ContainerUser.named('node'),
        readonlyRootFilesystem: false,
        deletionProtection: false,
      });
      template.hasResourceProperties('AWS::ECS::TaskDefinition', {
        Cpu: '1024',
        Memory: '4096',
        ContainerDefinitions: [Match.objectLike({
          PortMappings: [{ ContainerPort: 3000, Protocol: 'tcp' }],
          Environment: [{ Name: 'STAGE', Value: 'prod' }],
          User: 'node',
          ReadonlyRootFilesystem: false,
          MountPoints: Match.absent(),
        })],
        Volumes: Match.absent(),
      });
      template.hasResourceProperties('AWS::ECS::Service', { DesiredCount: 4 });
      template.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', { Port: 3000, HealthCheckPath: '/health', HealthCheckPort: '3001' });
      template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', { FromPort: 3001, ToPort: 3001, Description: 'Load balancer health checks' });
      template.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
        LoadBalancerAttributes: Match.arrayWith([{ Key: 'deletion_protection.enabled', Value: 'false' }]),
      });
    });

    test('ContainerUser.fromImage leaves the user to the image', () => {
      const { template } = synth({ user: ContainerUser.fromImage() });
      template.hasResourceProperties('AWS::ECS::TaskDefinition', { ContainerDefinitions: [Match.objectLike({ Name: 'App', User: Match.absent() }), Match.objectLike({ Name: 'TmpPermissions' })] });
    });

    test('allowedCidrs limits who reaches the load balancer', () => {
      const { template } = synth({ allowedCidrs: ['203.0.113.0/24', '198.51.100.0/24'] });
      template.hasResourceProperties('AWS::EC2::SecurityGroup', {
        SecurityGroupIngress: [
          Match.objectLike({ CidrIp: '203.0.113.0/24', FromPort: 443 }),
          Match.objectLike({ CidrIp: '203.0.113.0/24', FromPort: 80 }),
          Match.objectLike({ CidrIp: '198.51.100.0/24', FromPort: 443 }),
          Match.objectLike({ CidrIp: '198.51.100.0/24', FromPort: 80 }),
        ],
      });
    });

    test('domainName and hostedZone: a DNS-validated certificate and an alias record', () => {
      const { stack, network, image } = setup();
      const zone = route53.PublicHostedZone.fromHostedZoneAttributes(stack, 'Zone', { hostedZoneId: 'Z0123456789', zoneName: 'example.com' });
      const web = new SecureFargateService(stack, 'Web', { vpc: network.vpc, image, domainName: 'app.example.com', hostedZone: zone });
      const template = Template.fromStack(stack);
      template.hasResourceProperties('AWS::CertificateManager::Certificate', {
        DomainName: 'app.example.com',
        ValidationMethod: 'DNS',
        DomainValidationOptions: [{ DomainName: 'app.example.com', HostedZoneId: 'Z0123456789' }],
      });
      template.hasResourceProperties('AWS::Route53::RecordSet', { Name: 'app.example.com.', Type: 'A', HostedZoneId: 'Z0123456789' });
      template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', { Protocol: 'HTTPS', Certificates: [{ CertificateArn: { Ref: Match.stringLikeRegexp('^WebCertificate') } }] });
      expect(web.url).toBe('https://app.example.com');
    });

    test('without a certificate, for chosen networks: plain HTTP with a warning', () => {
      const { stack, network, image } = setup();
      new SecureFargateService(stack, 'Web', { vpc: network.vpc, image, allowedCidrs: ['10.0.0.0/8'] });
      const template = Template.fromStack(stack);
      template.resourceCountIs('AWS::ElasticLoadBalancingV2::Listener', 1);
      template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', { Protocol: 'HTTP', Port: 80, DefaultActions: [Match.objectLike({ Type: 'forward' })] });
      template.hasResourceProperties('AWS::EC2::SecurityGroup', { SecurityGroupIngress: [Match.objectLike({ CidrIp: '10.0.0.0/8', FromPort: 80, ToPort: 80 })] });
      Annotations.fromStack(stack).hasWarning('/TestStack/Web/LoadBalancer/Http/Resource', Match.stringLikeRegexp('serves plain HTTP on port 80.*GuardedPatterns-AlbPlainHttp'));
    });

    test('an existing cluster, log group and access log bucket', () => {
      const { stack, network, image, certificate } = setup();
      const cluster = new ecs.Cluster(stack, 'Shared', { vpc: network.vpc, containerInsightsV2: ecs.ContainerInsights.ENHANCED });
      const logGroup = new logs.LogGroup(stack, 'AppLogs', { retention: logs.RetentionDays.ONE_MONTH });
      const accessLogBucket = new s3.Bucket(stack, 'Logs', { encryption: s3.BucketEncryption.S3_MANAGED, enforceSSL: true });
      const web = new SecureFargateService(stack, 'Web', { cluster, image, certificate, logGroup, accessLogBucket });
      const template = Template.fromStack(stack);
      template.resourceCountIs('AWS::ECS::Cluster', 1);
      template.resourceCountIs('AWS::Logs::LogGroup', 2); // the flow logs' and the app's
      template.resourceCountIs('AWS::S3::Bucket', 1);
      expect(web.cluster).toBe(cluster);
      template.hasResourceProperties('AWS::ECS::Service', { Cluster: { Ref: Match.stringLikeRegexp('^Shared') } });
      template.hasResourceProperties('AWS::ECS::TaskDefinition', {
        ContainerDefinitions: [1, 2].map(() => Match.objectLike({ LogConfiguration: Match.objectLike({ Options: Match.objectLike({ 'awslogs-group': { Ref: Match.stringLikeRegexp('^AppLogs') } }) }) })),
      });
    });

    test('a single task warns', () => {
      const { stack } = synth({ desiredCount: 1 });
      Annotations.fromStack(stack).hasWarning('/TestStack/Web/Service/Service', Match.stringLikeRegexp(
        "Service 'TestStack/Web/Service/Service': desiredCount is 1, so the service is down whenever its task is replaced.*GuardedPatterns-EcsSingleTask"));
    });

    test('a pinned secret version warns', () => {
      const { stack, network, image, certificate } = setup();
      const secret = new secretsmanager.Secret(stack, 'DbSecret');
      new SecureFargateService(stack, 'Web', {
        vpc: network.vpc,
        image,
        certificate,
        secrets: { DB: ecs.Secret.fromSecretsManagerVersion(secret, { versionStage: 'AWSPREVIOUS' }, 'password') },
      });
      Annotations.fromStack(stack).hasWarning('/TestStack/Web/TaskDefinition/Resource', Match.stringLikeRegexp(
        "Task definition 'TestStack/Web/TaskDefinition' injects a secret pinned to version stage AWSPREVIOUS, which never refreshes.*GuardedPatterns-EcsSecretVersionPinned"));
      // A pinned secret never changes, so there is nothing for a recycler to do.
      Template.fromStack(stack).resourceCountIs('AWS::Events::Rule', 0);
    });

    test('secrets that can change register the service with the stack\'s recycler', () => {
      const { stack, network, image, certificate } = setup();
      const secret = new secretsmanager.Secret(stack, 'DbSecret');
      const web = new SecureFargateService(stack, 'Web', { vpc: network.vpc, image, certificate, secrets: { DB: ecs.Secret.fromSecretsManager(secret, 'password') } });
      expect(web.recycler).toBe(SecretRotationRecycler.ofStack(stack));
      const template = Template.fromStack(stack);
      template.hasResourceProperties('AWS::Events::Rule', {
        EventPattern: Match.objectLike({ 'source': ['aws.secretsmanager'], 'detail-type': ['Secret Label Updated'], 'resources': [{ Ref: Match.stringLikeRegexp('^DbSecret') }] }),
      });
      template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
        PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: Match.arrayWith(['ecs:UpdateService']) })]) },
      });
    });

    test('the recycler that secrets add: its thirteen resources, and alarms without an action until one is added through web.recycler', () => {
      /** A service with a secret that can change, and the recycler's resources once synthesized, after `then` ran. */
      const build = (then: (web: SecureFargateService, stack: Stack) => void = () => {}) => {
        const { stack, network, image, certificate } = setup();
        const secret = new secretsmanager.Secret(stack, 'DbSecret');
        const web = new SecureFargateService(stack, 'Web', { vpc: network.vpc, image, certificate, secrets: { DB: ecs.Secret.fromSecretsManager(secret) } });
        then(web, stack);
        const resources = Template.fromStack(stack).toJSON().Resources as Record<string, { Type: string; Properties: any }>;
        return Object.entries(resources).filter(([id]) => id.startsWith('SecretRotationRecycler')).map(([, r]) => r);
      };
      // GIVEN a secret that can change: THEN the README's list, rule, function (role, managed policy, log group, invoke config, permission), queue (and policy), alarm,
      // and the staleness pass's schedule (with its permission) and alarm
      const plain = build();
      expect(plain.map((r) => r.Type).sort()).toEqual([
        'AWS::CloudWatch::Alarm', 'AWS::CloudWatch::Alarm', 'AWS::Events::Rule', 'AWS::Events::Rule', 'AWS::IAM::ManagedPolicy', 'AWS::IAM::Role',
        'AWS::Lambda::EventInvokeConfig', 'AWS::Lambda::Function', 'AWS::Lambda::Permission', 'AWS::Lambda::Permission', 'AWS::Logs::LogGroup',
        'AWS::SQS::Queue', 'AWS::SQS::QueuePolicy',
      ]);
      expect(plain.filter((r) => r.Type === 'AWS::CloudWatch::Alarm').map((r) => r.Properties.AlarmActions)).toEqual([undefined, undefined]);
      // WHEN the team's topic is added to the recycler's alarm through the service: THEN the alarm notifies it
      let topicId = '';
      const notified = build((web, stack) => {
        const topic = new sns.Topic(stack, 'OnCall');
        topicId = stack.getLogicalId(topic.node.defaultChild as sns.CfnTopic);
        web.recycler!.addAlarmAction(new cloudwatch_actions.SnsAction(topic));
      });
      expect(notified.filter((r) => r.Type === 'AWS::CloudWatch::Alarm').map((r) => r.Properties.AlarmActions)).toEqual([[{ Ref: topicId }], [{ Ref: topicId }]]);
    });

    test('recycleOnSecretChange false leaves the service out of any recycler', () => {
      const { stack, network, image, certificate } = setup();
      const secret = new secretsmanager.Secret(stack, 'DbSecret');
      const web = new SecureFargateService(stack, 'Web', {
        vpc: network.vpc, image, certificate, recycleOnSecretChange: false, secrets: { DB: ecs.Secret.fromSecretsManager(secret) },
      });
      expect(web.recycler).toBeUndefined();
      Template.fromStack(stack).resourceCountIs('AWS::Events::Rule', 0);
    });

    test('fails when recycleOnSecretChange is true and no secret can change', () => {
      const { stack, network, image, certificate } = setup();
      expect(() => new SecureFargateService(stack, 'Web', { vpc: network.vpc, image, certificate, recycleOnSecretChange: true }))
        .toThrow(/recycleOnSecretChange is true but no secret in secrets can change/);
    });

    test('a log group kept forever warns', () => {
      const { stack, network, image, certificate } = setup();
      const logGroup = new logs.LogGroup(stack, 'AppLogs', { retention: logs.RetentionDays.INFINITE });
      new SecureFargateService(stack, 'Web', { vpc: network.vpc, image, certificate, logGroup });
      Annotations.fromStack(stack).hasWarning('/TestStack/Web/TaskDefinition/Resource', Match.stringLikeRegexp(
        "logs to log group 'TestStack/AppLogs', which keeps them forever.*GuardedPatterns-FargateLogsKeptForever"));
    });
  });

  describe('a writable /tmp and memory hard limits', () => {
    /** The task definition's container definitions, by name. */
    function containers(template: Template): Record<string, any> {
      const task = Object.values(template.findResources('AWS::ECS::TaskDefinition'))[0] as any;
      return Object.fromEntries(task.Properties.ContainerDefinitions.map((c: any) => [c.Name, c]));
    }

    test('by default an init container from ECR Public makes /tmp writable as root, and the app waits for its success', () => {
      const { template, service } = synth();
      const { App: app, TmpPermissions: init } = containers(template);
      expect(init).toEqual({
        Name: 'TmpPermissions',
        Image: 'public.ecr.aws/docker/library/busybox:1.37.0',
        Essential: false,
        User: '0',
        EntryPoint: ['chmod'],
        Command: ['1777', '/tmp'],
        ReadonlyRootFilesystem: true,
        Memory: 32,
        MountPoints: [{ ContainerPath: '/tmp', ReadOnly: false, SourceVolume: 'tmp' }],
        LogConfiguration: {
          LogDriver: 'awslogs',
          Options: {
            'awslogs-group': { Ref: logicalId(template, 'AWS::Logs::LogGroup', 'WebLogGroup') },
            'awslogs-stream-prefix': 'tmp-permissions',
            'awslogs-region': 'us-east-1',
          },
        },
      });
      expect(app.DependsOn).toEqual([{ ContainerName: 'TmpPermissions', Condition: 'SUCCESS' }]);
      expect(app.MountPoints).toEqual(init.MountPoints);
      expect(service.initContainer?.containerName).toBe('TmpPermissions');
    });

    test('every container has a memory hard limit (CT.ECS.PR.7), together no more than the task\'s memory', () => {
      const cases = [[{}, 512, 480], [{ cpu: 1024, memoryLimitMiB: 4096 }, 4096, 4064], [{ readonlyRootFilesystem: false }, 512, 512]] as const;
      for (const [props, task, app] of cases) {
        const { template } = synth(props);
        const defined = Object.values(containers(template));
        expect(defined.every((c) => Number.isInteger(c.Memory) && c.Memory >= 4)).toBe(true);
        expect(containers(template).App.Memory).toBe(app);
        expect(defined.reduce((sum, c) => sum + c.Memory, 0)).toBe(task);
      }
    });

    test('in isolated subnets, which cannot reach ECR Public, the init container uses the application\'s image', () => {
      const { template } = synth({}, 0);
      const { App: app, TmpPermissions: init } = containers(template);
      expect(init.Image).toEqual(app.Image);
      expect(JSON.stringify(template.toJSON())).not.toContain('public.ecr.aws');
    });

    test('WritableTmp.initContainerFromAppImage() and initContainer(image)', () => {
      const fromApp = containers(synth({ writableTmp: WritableTmp.initContainerFromAppImage() }).template);
      expect(fromApp.TmpPermissions.Image).toEqual(fromApp.App.Image);
      const tools = ecs.ContainerImage.fromRegistry('registry.example.com/tools:1');
      const own = containers(synth({ writableTmp: WritableTmp.initContainer(tools) }).template);
      expect(own.TmpPermissions.Image).toBe('registry.example.com/tools:1');
    });

    test('WritableTmp.fromImageVolume() adds no init container and acknowledges EcsVolumeNotWritable', () => {
      const { template, stack, service } = synth({ writableTmp: WritableTmp.fromImageVolume() });
      const defined = containers(template);
      expect(Object.keys(defined)).toEqual(['App']);
      expect(defined.App.DependsOn).toBeUndefined();
      expect(defined.App.Memory).toBe(512);
      expect(service.initContainer).toBeUndefined();
      expect(Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('EcsVolumeNotWritable'))).toEqual([]);
    });

    test('without a read-only root filesystem there is no volume and no init container', () => {
      const { template } = synth({ readonlyRootFilesystem: false });
      expect(Object.keys(containers(template))).toEqual(['App']);
      template.hasResourceProperties('AWS::ECS::TaskDefinition', { Volumes: Match.absent() });
    });

    test('containerMemoryLimitMiB sets the application\'s hard limit', () => {
      expect(containers(synth({ containerMemoryLimitMiB: 256 }).template).App.Memory).toBe(256);
    });

    test('fails when containerMemoryLimitMiB leaves no room for the init container', () => {
      expect(() => synth({ containerMemoryLimitMiB: 500 })).toThrow(
        "SecureFargateService 'TestStack/Web': containerMemoryLimitMiB (500) must be a whole number from 6 to 480, the task's 512 MiB less the init container's 32 MiB; leave it out to use all of that.");
    });

    test('the embedded EcsVolumeNotWritable warns about a task volume the user adds without preparing it', () => {
      const { stack, network, image, certificate } = setup();
      const web = new SecureFargateService(stack, 'Web', { vpc: network.vpc, image, certificate });
      web.taskDefinition.addVolume({ name: 'data' });
      web.container.addMountPoints({ sourceVolume: 'data', containerPath: '/data', readOnly: false });
      const warnings = Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('GuardedPatterns-EcsVolumeNotWritable'));
      expect(warnings.map((w) => w.entry.data)).toEqual([expect.stringContaining(
        "Task definition 'TestStack/Web/TaskDefinition': container 'App' runs as user '1000:1000' and mounts task volume 'data' at /data, which Fargate creates owned by root with mode 0755")]);
    });
  });

  describe('containers that may run as root or write to their image (FargateContainerNotHardened)', () => {
    /** The pattern's warnings of the check, as messages. */
    function hardeningWarnings(stack: Stack): string[] {
      return Annotations.fromStack(stack).findWarning('/TestStack/Web/TaskDefinition/Resource', Match.stringLikeRegexp('GuardedPatterns-FargateContainerNotHardened'))
        .map((w) => String(w.entry.data));
    }

    test('a sidecar added through taskDefinition.addContainer after the pattern warns, naming it', () => {
      // GIVEN the pattern with its defaults
      const { stack, network, image, certificate } = setup();
      const web = new SecureFargateService(stack, 'Web', { vpc: network.vpc, image, certificate });
      // WHEN a sidecar is added with aws-cdk-lib's defaults (no user, writable root filesystem)
      web.taskDefinition.addContainer('LogRouter', { image, memoryLimitMiB: 32 });
      // THEN synth warns about it, and about nothing else of the task
      expect(hardeningWarnings(stack)).toEqual([expect.stringContaining(
        "Task definition 'TestStack/Web/TaskDefinition': container 'LogRouter' sets no user, so it runs as the image's USER (root when the image sets none) and has a writable root filesystem. ")]);
    });

    test('a hardened sidecar passes, and the warning can be acknowledged for one that must run as root', () => {
      const { stack, network, image, certificate } = setup();
      const web = new SecureFargateService(stack, 'Web', { vpc: network.vpc, image, certificate });
      web.taskDefinition.addContainer('Agent', { image, memoryLimitMiB: 32, user: '1000:1000', readonlyRootFilesystem: true });
      expect(hardeningWarnings(stack)).toEqual([]);

      const other = setup();
      const root = new SecureFargateService(other.stack, 'Web', { vpc: other.network.vpc, image: other.image, certificate: other.certificate });
      root.taskDefinition.addContainer('LogRouter', { image: other.image, memoryLimitMiB: 32, user: '0' });
      Validations.of(root.taskDefinition).acknowledge({ id: 'GuardedPatterns-FargateContainerNotHardened', reason: 'The log router image runs as root.' });
      expect(hardeningWarnings(other.stack)).toEqual([]);
    });

    test('ContainerUser.fromImage() and readonlyRootFilesystem: false warn about the application container', () => {
      expect(hardeningWarnings(synth({ user: ContainerUser.fromImage() }).stack)).toEqual([expect.stringContaining(
        "container 'App' sets no user, so it runs as the image's USER (root when the image sets none). Set user: '1000:1000'")]);
      expect(hardeningWarnings(synth({ readonlyRootFilesystem: false }).stack)).toEqual([expect.stringContaining(
        "container 'App' has a writable root filesystem. Set readonlyRootFilesystem: true")]);
    });
  });

  describe('escape hatches of the concrete type', () => {
    test('service.autoScaleTaskCount() and taskDefinition.addContainer() compile and synthesize', () => {
      // GIVEN the pattern with its defaults
      const { stack, network, image, certificate } = setup();
      const web = new SecureFargateService(stack, 'Web', { vpc: network.vpc, image, certificate });
      // WHEN the user scales the service and adds a sidecar through what the pattern exposes (ts-jest
      // compiles without type errors: the type-check of test/ is what fails if these become interfaces)
      web.service.autoScaleTaskCount({ minCapacity: 2, maxCapacity: 4 }).scaleOnCpuUtilization('Cpu', { targetUtilizationPercent: 60 });
      web.taskDefinition.addContainer('Agent', { image, memoryLimitMiB: 32, user: '1000:1000', readonlyRootFilesystem: true });
      web.targetGroup.setAttribute('deregistration_delay.timeout_seconds', '30');
      // THEN the template holds the scaling target and policy, the sidecar and the attribute
      const template = Template.fromStack(stack);
      template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', {
        MinCapacity: 2,
        MaxCapacity: 4,
        ScalableDimension: 'ecs:service:DesiredCount',
        ResourceId: { 'Fn::Join': ['', Match.arrayWith([{ 'Fn::GetAtt': [logicalId(template, 'AWS::ECS::Service', 'WebService'), 'Name'] }])] },
      });
      template.resourceCountIs('AWS::ApplicationAutoScaling::ScalingPolicy', 1);
      template.hasResourceProperties('AWS::ECS::TaskDefinition', { ContainerDefinitions: Match.arrayWith([Match.objectLike({ Name: 'Agent' })]) });
      template.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', {
        TargetGroupAttributes: Match.arrayWith([{ Key: 'deregistration_delay.timeout_seconds', Value: '30' }]),
      });
    });
  });

  describe('the access log bucket', () => {
    test('fails when accessLogBucket is encrypted with SSE-KMS, in the pattern\'s words rather than aws-cdk-lib\'s', () => {
      const cases: Array<[string, (stack: Stack) => s3.IBucket, string]> = [
        ['a KMS key', (stack) => new s3.Bucket(stack, 'Logs', { encryptionKey: new kms.Key(stack, 'Key') }), 'aws:kms'],
        ['aws/s3', (stack) => new s3.Bucket(stack, 'Logs', { encryption: s3.BucketEncryption.KMS_MANAGED }), 'aws:kms'],
        ['DSSE', (stack) => new s3.Bucket(stack, 'Logs', { encryption: s3.BucketEncryption.DSSE_MANAGED }), 'aws:kms:dsse'],
        ['an imported bucket with its key', (stack) => s3.Bucket.fromBucketAttributes(stack, 'Logs', { bucketName: 'logs', encryptionKey: kms.Key.fromKeyArn(stack, 'Key', 'arn:aws:kms:us-east-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab') }), 'a KMS key'],
      ];
      for (const [, bucketOf, algorithm] of cases) {
        const { stack, network, image, certificate } = setup();
        const accessLogBucket = bucketOf(stack);
        expect(() => new SecureFargateService(stack, 'Web', { vpc: network.vpc, image, certificate, accessLogBucket })).toThrow(
          `SecureFargateService 'TestStack/Web': accessLogBucket 'TestStack/Logs' is encrypted with SSE-KMS (${algorithm}); `
          + 'Elastic Load Balancing writes access logs only to buckets encrypted with S3 managed keys. '
          + 'Give a bucket with encryption: s3.BucketEncryption.S3_MANAGED, or leave accessLogBucket out and the pattern creates one. (GuardedPatterns-AlbAccessLogKmsBucket)');
      }
    });

    test('SSE-S3 buckets and imported buckets whose encryption cannot be seen (a parameter included) pass', () => {
      const { stack, network, image, certificate } = setup();
      new SecureFargateService(stack, 'A', { vpc: network.vpc, image, certificate, accessLogBucket: new s3.Bucket(stack, 'Logs', { encryption: s3.BucketEncryption.S3_MANAGED }) });
      new SecureFargateService(stack, 'B', { vpc: network.vpc, image, certificate, accessLogBucket: s3.Bucket.fromBucketName(stack, 'Named', 'my-logs') });
      const name = new CfnParameter(stack, 'LogBucketName');
      new SecureFargateService(stack, 'C', { vpc: network.vpc, image, certificate, accessLogBucket: s3.Bucket.fromBucketName(stack, 'FromParameter', name.valueAsString) });
      expect(() => Template.fromStack(stack)).not.toThrow();
      expect(Annotations.fromStack(stack).findError('*', Match.anyValue())).toEqual([]);
    });
  });

  describe('in a VPC without NAT', () => {
    test('adds the endpoints the tasks need, admitting the tasks only', () => {
      const { template } = synth({}, 0);
      const endpoints = Object.values(template.findResources('AWS::EC2::VPCEndpoint')) as any[];
      expect(endpoints.map((e) => `${e.Properties.VpcEndpointType} ${e.Properties.ServiceName['Fn::Join']?.[1][2] ?? e.Properties.ServiceName}`).sort()).toEqual([
        'Gateway .dynamodb',
        'Gateway .s3',
        'Interface com.amazonaws.us-east-1.ecr.api',
        'Interface com.amazonaws.us-east-1.ecr.dkr',
        'Interface com.amazonaws.us-east-1.logs',
      ]);
      template.hasResourceProperties('AWS::EC2::VPCEndpoint', {
        ServiceName: 'com.amazonaws.us-east-1.ecr.api',
        PrivateDnsEnabled: true,
        SubnetIds: [1, 2, 3].map((n) => ({ Ref: Match.stringLikeRegexp(`^NetworkPrivateSubnet${n}`) })),
      });
      // Each endpoint's security group admits HTTPS from the tasks' group, and no CIDR.
      const ingress = Object.values(template.findResources('AWS::EC2::SecurityGroupIngress')).filter((r: any) => r.Properties.FromPort === 443) as any[];
      expect(ingress).toHaveLength(3);
      for (const rule of ingress) {
        expect(rule.Properties.SourceSecurityGroupId).toEqual({ 'Fn::GetAtt': [logicalId(template, 'AWS::EC2::SecurityGroup', 'WebSecurityGroup'), 'GroupId'] });
      }
      for (const group of Object.values(template.findResources('AWS::EC2::SecurityGroup')) as any[]) {
        expect(JSON.stringify(group.Properties.SecurityGroupIngress ?? [])).not.toContain('CidrBlock');
      }
    });

    test('adds secretsmanager and ssm endpoints only for the secrets used', () => {
      const { stack, network, image, certificate } = setup(0);
      const secret = new secretsmanager.Secret(stack, 'DbSecret');
      new SecureFargateService(stack, 'Web', { vpc: network.vpc, image, certificate, secrets: { DB: ecs.Secret.fromSecretsManager(secret) } });
      const template = Template.fromStack(stack);
      template.hasResourceProperties('AWS::EC2::VPCEndpoint', { ServiceName: 'com.amazonaws.us-east-1.secretsmanager' });
      expect(JSON.stringify(template.findResources('AWS::EC2::VPCEndpoint'))).not.toContain('.ssm');

      const other = setup(0);
      const parameter = ssm.StringParameter.fromSecureStringParameterAttributes(other.stack, 'Param', { parameterName: '/app/token' });
      new SecureFargateService(other.stack, 'Web', { vpc: other.network.vpc, image: other.image, certificate: other.certificate, secrets: { TOKEN: ecs.Secret.fromSsmParameter(parameter) } });
      const withParameter = Template.fromStack(other.stack);
      withParameter.hasResourceProperties('AWS::EC2::VPCEndpoint', { ServiceName: 'com.amazonaws.us-east-1.ssm' });
      expect(JSON.stringify(withParameter.findResources('AWS::EC2::VPCEndpoint'))).not.toContain('.secretsmanager');
    });

    test('adds the S3 gateway endpoint when the VPC has none', () => {
      const stack = testStack();
      const vpc = new ec2.Vpc(stack, 'Vpc', {
        maxAzs: 2,
        natGateways: 0,
        subnetConfiguration: [
          { name: 'Public', subnetType: ec2.SubnetType.PUBLIC },
          { name: 'Isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
        ],
      });
      new SecureFargateService(stack, 'Web', { vpc, image: ecs.ContainerImage.fromEcrRepository(ecr.Repository.fromRepositoryName(stack, 'Repo', 'app')), allowedCidrs: ['10.0.0.0/8'] });
      const template = Template.fromStack(stack);
      template.hasResourceProperties('AWS::EC2::VPCEndpoint', {
        VpcEndpointType: 'Gateway',
        RouteTableIds: [{ Ref: Match.stringLikeRegexp('^VpcIsolatedSubnet1RouteTable') }, { Ref: Match.stringLikeRegexp('^VpcIsolatedSubnet2RouteTable') }],
      });
    });

    test('two services share the endpoints, each admitted to them', () => {
      const { stack, network, image, certificate } = setup(0);
      new SecureFargateService(stack, 'Web', { vpc: network.vpc, image, certificate });
      new SecureFargateService(stack, 'Api', { vpc: network.vpc, image, certificate });
      const template = Template.fromStack(stack);
      template.resourceCountIs('AWS::EC2::VPCEndpoint', 5);
      const sources = Object.values(template.findResources('AWS::EC2::SecurityGroupIngress'))
        .filter((r: any) => r.Properties.FromPort === 443).map((r: any) => r.Properties.SourceSecurityGroupId['Fn::GetAtt'][0].replace(/SecurityGroup.*/, ''));
      expect(sources.sort()).toEqual(['Api', 'Api', 'Api', 'Web', 'Web', 'Web']);
    });

    test('vpcEndpoints: false leaves them out, and synth fails naming what is missing', () => {
      const { stack, network, image, certificate } = setup(0);
      new SecureFargateService(stack, 'Web', { vpc: network.vpc, image, certificate, vpcEndpoints: false });
      expect(() => (stack.node.root as App).synth()).toThrow(
        /subnet 'TestStack\/Network\/Resource\/PrivateSubnet1\/Subnet' has no route to the internet and no VPC endpoint for ecr.api, ecr.dkr, logs.*GuardedPatterns-FargateNoEgress/);
    });

    test('fails when the image comes from a registry outside AWS', () => {
      const { stack, network, certificate } = setup(0);
      expect(() => new SecureFargateService(stack, 'Web', { vpc: network.vpc, image: ecs.ContainerImage.fromRegistry('nginx:1.27'), certificate })).toThrow(
        "SecureFargateService 'TestStack/Web': the tasks run in isolated subnets, with no route to the internet, and cannot pull nginx:1.27 from a registry outside the VPC.");
    });
  });

  describe('in an imported VPC', () => {
    function importedVpc(stack: Stack) {
      return ec2.Vpc.fromVpcAttributes(stack, 'Imported', {
        vpcId: 'vpc-12345678',
        vpcCidrBlock: '10.20.0.0/16',
        availabilityZones: ['us-east-1a', 'us-east-1b'],
        publicSubnetIds: ['subnet-0aaaaaaaaaaaaaaa1', 'subnet-0aaaaaaaaaaaaaaa2'],
        isolatedSubnetIds: ['subnet-0bbbbbbbbbbbbbbb1', 'subnet-0bbbbbbbbbbbbbbb2'],
        isolatedSubnetRouteTableIds: ['rtb-0ccccccccccccccc1', 'rtb-0ccccccccccccccc2'],
      });
    }

    test('with isolated subnets, warns that the endpoints cannot be seen and adds none', () => {
      const stack = testStack();
      const vpc = importedVpc(stack);
      new SecureFargateService(stack, 'Web', { vpc, image: ecs.ContainerImage.fromEcrRepository(ecr.Repository.fromRepositoryName(stack, 'Repo', 'app')), allowedCidrs: ['10.0.0.0/8'] });
      Template.fromStack(stack).resourceCountIs('AWS::EC2::VPCEndpoint', 0);
      Annotations.fromStack(stack).hasWarning('/TestStack/Web', Match.stringLikeRegexp(
        'isolated subnets of an imported VPC.*endpoints for ecr.api, ecr.dkr, s3, logs.*vpcEndpoints: true.*GuardedPatterns-FargateEndpointsUnverified'));
    });

    test('vpcEndpoints: true adds them all', () => {
      const stack = testStack();
      const vpc = importedVpc(stack);
      new SecureFargateService(stack, 'Web', { vpc, image: ecs.ContainerImage.fromEcrRepository(ecr.Repository.fromRepositoryName(stack, 'Repo', 'app')), allowedCidrs: ['10.0.0.0/8'], vpcEndpoints: true });
      const template = Template.fromStack(stack);
      template.resourceCountIs('AWS::EC2::VPCEndpoint', 4);
      template.hasResourceProperties('AWS::EC2::VPCEndpoint', { VpcEndpointType: 'Gateway', RouteTableIds: ['rtb-0ccccccccccccccc1', 'rtb-0ccccccccccccccc2'] });
      expect(Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('FargateEndpointsUnverified'))).toEqual([]);
    });
  });

  describe('bad props', () => {
    test('fails when both vpc and cluster are given, or neither', () => {
      const { stack, network, image, certificate } = setup();
      const cluster = new ecs.Cluster(stack, 'Cluster', { vpc: network.vpc });
      expect(() => new SecureFargateService(stack, 'Both', { vpc: network.vpc, cluster, image, certificate })).toThrow(
        "SecureFargateService 'TestStack/Both': give either vpc (a new cluster is created in it) or cluster (an existing one), not both.");
      expect(() => new SecureFargateService(stack, 'Neither', { image, certificate })).toThrow(
        "SecureFargateService 'TestStack/Neither': give either vpc (a new cluster is created in it) or cluster (an existing one), none was given.");
    });

    test('fails on a CPU and memory pair Fargate does not offer, listing the valid memory', () => {
      expect(() => synth({ cpu: 1024, memoryLimitMiB: 512 })).toThrow(
        "SecureFargateService 'TestStack/Web': memoryLimitMiB 512 MiB is not a Fargate size for cpu 1024; with cpu 1024 use 2048, 3072, 4096, 5120, 6144, 7168 or 8192 MiB, or cpu 256 for 512 MiB. (GuardedPatterns-FargateCpuMemory)");
      expect(() => synth({ cpu: 256, memoryLimitMiB: 4096 })).toThrow(/with cpu 256 use 512, 1024 or 2048 MiB, or cpu 512 or 1024 or 2048 for 4096 MiB/);
      expect(() => synth({ cpu: 300 })).toThrow(/cpu 300 is not a Fargate size; use one of 256, 512, 1024, 2048, 4096, 8192, 16384/);
    });

    test('fails when plain HTTP would be open to the internet', () => {
      const { stack, network, image } = setup();
      expect(() => new SecureFargateService(stack, 'Web', { vpc: network.vpc, image, ingress: FargateIngress.publicLoadBalancer() })).toThrow(
        "SecureFargateService 'TestStack/Web': without a certificate the load balancer would serve plain HTTP to 0.0.0.0/0 (allowedCidrs). "
        + 'Give a certificate (or domainName and hostedZone) for HTTPS with HTTP redirected to it, or limit allowedCidrs to the networks that may use plain HTTP, '
        + 'or set ingress: FargateIngress.cloudFront() (the default without these props) for HTTPS on a CloudFront domain with no certificate of your own. (GuardedPatterns-AlbHttpOpen)');
    });

    test('fails on bad ports, counts, paths and CIDRs', () => {
      expect(() => synth({ containerPort: 70000 })).toThrow("SecureFargateService 'TestStack/Web': containerPort (70000) must be a whole number from 1 to 65535, such as 8080.");
      expect(() => synth({ healthCheckPort: 0 })).toThrow(/healthCheckPort \(0\) must be a whole number from 1 to 65535/);
      expect(() => synth({ desiredCount: 0 })).toThrow(/desiredCount \(0\) must be a whole number of at least 1/);
      expect(() => synth({ healthCheckPath: 'health' })).toThrow(/healthCheckPath 'health' must start with \//);
      expect(() => synth({ allowedCidrs: ['10.0.0.1/8'] })).toThrow(/allowedCidrs holds '10.0.0.1\/8', which is not an IPv4 CIDR block/);
      expect(() => synth({ allowedCidrs: [] })).toThrow(/allowedCidrs is empty/);
    });

    test('several props are wrong: one error lists each', () => {
      const { stack, network, image } = setup();
      expect(() => new SecureFargateService(stack, 'Web', {
        vpc: network.vpc,
        image,
        containerPort: 70000,
        desiredCount: 0,
        removalPolicy: RemovalPolicy.SNAPSHOT,
        taskSubnets: { subnetType: ec2.SubnetType.PUBLIC },
        ingress: FargateIngress.publicLoadBalancer(),
      })).toThrow(new RegExp([
        '^5 props are wrong:',
        "- SecureFargateService 'TestStack/Web': removalPolicy is SNAPSHOT",
        "- SecureFargateService 'TestStack/Web': containerPort \\(70000\\) must be a whole number",
        "- SecureFargateService 'TestStack/Web': desiredCount \\(0\\) must be a whole number",
        "- SecureFargateService 'TestStack/Web': without a certificate the load balancer would serve plain HTTP",
        "- SecureFargateService 'TestStack/Web': taskSubnets selects public subnets",
      ].join('.*\\n')));
    });

    test('fails when containerPort is below 1024 for a non-root user, naming both props and the fix', () => {
      // GIVEN the default non-root user, or a named one; WHEN the container port is privileged; THEN the constructor refuses it
      expect(() => synth({ containerPort: 80 })).toThrow(
        "SecureFargateService 'TestStack/Web': containerPort (80) is below 1024, which only root may bind, and user (the default ContainerUser.nonRoot(), 1000:1000) is not root, "
        + 'so the application could not listen on it. Make the image listen on a port above 1023 and set containerPort to it (such as 8080; nginxinc/nginx-unprivileged listens on 8080), '
        + 'or, for an image that must run as root to bind the port, set user: ContainerUser.fromImage().');
      expect(() => synth({ containerPort: 1023, user: ContainerUser.named('app') })).toThrow(/containerPort \(1023\) is below 1024.*user 'app' is not root/);
    });

    test('a container port below 1024 is accepted for the image\'s own user, and 1024 for any user', () => {
      // GIVEN an image that runs as its own (possibly root) user, or a non-root user on the first unprivileged port
      const { template } = synth({ containerPort: 80, user: ContainerUser.fromImage() });
      // THEN the port reaches the task definition and the target group
      template.hasResourceProperties('AWS::ECS::TaskDefinition', { ContainerDefinitions: Match.arrayWith([Match.objectLike({ Name: 'App', User: Match.absent(), PortMappings: [{ ContainerPort: 80, Protocol: 'tcp' }] })]) });
      template.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', { Port: 80 });
      expect(() => synth({ containerPort: 1024 })).not.toThrow();
    });

    test('fails when domainName and hostedZone are not given together', () => {
      expect(() => synth({ domainName: 'app.example.com' })).toThrow(/domainName and hostedZone go together.*give hostedZone/);
    });

    test('fails when logRetention is given with logGroup', () => {
      const { stack, network, image, certificate } = setup();
      const logGroup = new logs.LogGroup(stack, 'Logs');
      expect(() => new SecureFargateService(stack, 'Web', { vpc: network.vpc, image, certificate, logGroup, logRetention: logs.RetentionDays.ONE_DAY }))
        .toThrow(/logRetention applies only to the log group the pattern creates/);
    });

    test('fails when the tasks would run in public subnets', () => {
      expect(() => synth({ taskSubnets: { subnetType: ec2.SubnetType.PUBLIC } })).toThrow(
        /taskSubnets selects public subnets \(TestStack\/Network\/Resource\/PublicSubnet1.*\(GuardedPatterns-FargatePublicTasks\)/);
    });

    test('fails on a root or malformed container user', () => {
      expect(() => ContainerUser.nonRoot(0)).toThrow('ContainerUser.nonRoot: uid (0) must be a whole number from 1 to 2147483647; 0 is root.');
      expect(() => ContainerUser.named('root')).toThrow(/is root; use ContainerUser.fromImage\(\)/);
      expect(() => ContainerUser.named('a b')).toThrow(/'a b' is not a user or user:group name/);
    });

    test('tokens never give a false error, and reach the template as the references they are', () => {
      const { stack, network, image, certificate } = setup();
      const count = new CfnParameter(stack, 'Count', { type: 'Number' }).valueAsNumber;
      const port = new CfnParameter(stack, 'Port', { type: 'Number' }).valueAsNumber;
      const cpu = new CfnParameter(stack, 'Cpu', { type: 'Number' }).valueAsNumber;
      const web = new SecureFargateService(stack, 'Web', { vpc: network.vpc, image, certificate, desiredCount: count, containerPort: port, cpu });
      const template = Template.fromStack(stack);
      template.hasResourceProperties('AWS::ECS::Service', { DesiredCount: { Ref: 'Count' } });
      template.hasResourceProperties('AWS::ECS::TaskDefinition', {
        Cpu: { Ref: 'Cpu' },
        ContainerDefinitions: Match.arrayWith([Match.objectLike({ PortMappings: [{ ContainerPort: { Ref: 'Port' }, Protocol: 'tcp' }] })]),
      });
      template.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', { Port: { Ref: 'Port' }, TargetType: 'ip' });
      // The tasks admit the load balancer on the port, and the load balancer may send to it: both as the reference.
      const groupOf = (group: ec2.ISecurityGroup) => ({ 'Fn::GetAtt': [stack.getLogicalId(group.node.defaultChild as ec2.CfnSecurityGroup), 'GroupId'] });
      template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
        GroupId: groupOf(web.securityGroup), SourceSecurityGroupId: groupOf(web.loadBalancerSecurityGroup), IpProtocol: 'tcp', FromPort: { Ref: 'Port' }, ToPort: { Ref: 'Port' },
      });
      template.hasResourceProperties('AWS::EC2::SecurityGroupEgress', {
        GroupId: groupOf(web.loadBalancerSecurityGroup), DestinationSecurityGroupId: groupOf(web.securityGroup), IpProtocol: 'tcp', FromPort: { Ref: 'Port' }, ToPort: { Ref: 'Port' },
      });
    });
  });
});
