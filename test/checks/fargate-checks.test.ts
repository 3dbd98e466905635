import {
  App,
  CfnParameter,
  Stack,
  aws_certificatemanager as acm,
  aws_ec2 as ec2,
  aws_ecr as ecr,
  aws_ecs as ecs,
  aws_ecs_patterns as ecsPatterns,
  aws_elasticloadbalancingv2 as elbv2,
  aws_iam as iam,
  aws_kms as kms,
  aws_logs as logs,
  aws_s3 as s3,
  aws_secretsmanager as secretsmanager,
} from 'aws-cdk-lib';
import { GuardedPatternsChecks, PrivateSubnetVpc, SecureFargateService } from '../../src';
import { FargateCpuMemory } from '../../src/checks/ecs/fargate-cpu-memory';
import { checkHits, findings, testStack } from '../util';

/** The pack's findings for one check over a stack, as `path: message`. */
function ruleHits(stack: Stack, rule: string): string[] {
  return findings(new GuardedPatternsChecks(), stack).filter((f) => f.rule === `GuardedPatterns-${rule}`).map((f) => `${f.path}: ${f.message}`);
}

function severities(stack: Stack, rule: string): string[] {
  return findings(new GuardedPatternsChecks(), stack).filter((f) => f.rule === `GuardedPatterns-${rule}`).map((f) => f.severity ?? '');
}

function ecrImage(stack: Stack): ecs.ContainerImage {
  const repository = stack.node.tryFindChild('Repository') as ecr.IRepository | undefined ?? ecr.Repository.fromRepositoryName(stack, 'Repository', 'app');
  return ecs.ContainerImage.fromEcrRepository(repository);
}

/** A plain Fargate task definition with one container, as aws-cdk-lib makes it. */
function plainTask(stack: Stack, props: ecs.FargateTaskDefinitionProps = {}, container: Partial<ecs.ContainerDefinitionOptions> = {}) {
  const task = new ecs.FargateTaskDefinition(stack, 'Task', props);
  task.addContainer('App', { image: ecrImage(stack), logging: ecs.LogDriver.awsLogs({ streamPrefix: 'app' }), ...container });
  return task;
}

/** A plain Fargate service in a plain VPC. */
function plainService(stack: Stack, vpc: ec2.IVpc, task: ecs.FargateTaskDefinition, props: Partial<ecs.FargateServiceProps> = {}) {
  const cluster = new ecs.Cluster(stack, 'Cluster', { vpc });
  return new ecs.FargateService(stack, 'Service', { cluster, taskDefinition: task, minHealthyPercent: 100, ...props });
}

describe('GuardedPatternsChecks: Fargate and load balancer checks on plain aws-cdk-lib resources', () => {
  // The pack leaves this finding to aws-cdk-lib's E3047 (test/checks/pack-report.test.ts); the rule is the pattern's.
  describe('FargateCpuMemory', () => {
    test('a plain task definition with a pair Fargate does not offer: the valid memory listed', () => {
      const stack = testStack();
      plainTask(stack, { cpu: 512, memoryLimitMiB: 512 });
      expect(checkHits(stack, FargateCpuMemory)).toEqual([
        "TestStack/Task/Resource: Task definition 'TestStack/Task': memory 512 MiB is not a Fargate size for cpu 512; with cpu 512 use 1024, 2048, 3072 or 4096 MiB, or cpu 256 for 512 MiB.",
      ]);
      expect(ruleHits(stack, 'FargateCpuMemory')).toEqual([]);
    });

    test('raw L1 task definitions in vCPU and GB units', () => {
      const stack = testStack();
      const containerDefinitions = [{ name: 'app', image: 'public.ecr.aws/nginx/nginx:1.27' }];
      new ecs.CfnTaskDefinition(stack, 'Good', { requiresCompatibilities: ['FARGATE'], networkMode: 'awsvpc', cpu: '1 vCPU', memory: '3 GB', containerDefinitions });
      new ecs.CfnTaskDefinition(stack, 'Bad', { requiresCompatibilities: ['FARGATE'], networkMode: 'awsvpc', cpu: '8 vCPU', memory: '18 GB', containerDefinitions });
      new ecs.CfnTaskDefinition(stack, 'Ec2', { requiresCompatibilities: ['EC2'], cpu: '300', memory: '300', containerDefinitions });
      expect(checkHits(stack, FargateCpuMemory)).toEqual([
        "TestStack/Bad: Task definition 'TestStack/Bad': memory 18432 MiB is not a Fargate size for cpu 8192; with cpu 8192 use "
        + '16384, 20480, 24576, 28672, 32768, 36864, 40960, 45056, 49152, 53248, 57344 or 61440 MiB, or cpu 4096 for 18432 MiB.',
      ]);
    });

    test('every pair of the Fargate table passes', () => {
      const stack = testStack();
      const pairs: Array<[number, number]> = [
        [256, 512], [256, 2048], [512, 4096], [1024, 8192], [2048, 16384], [4096, 30720], [8192, 61440], [16384, 122880],
      ];
      const image = ecrImage(stack);
      pairs.forEach(([cpu, memoryLimitMiB], i) => {
        new ecs.FargateTaskDefinition(stack, `Task${i}`, { cpu, memoryLimitMiB }).addContainer('App', { image, memoryLimitMiB: 256 });
      });
      expect(checkHits(stack, FargateCpuMemory)).toEqual([]);
    });
  });

  describe('FargateTaskRoleWildcard', () => {
    test('wildcard actions, writes on *, NotAction and AdministratorAccess on a plain task role: warnings', () => {
      const stack = testStack();
      const task = plainTask(stack);
      task.addToTaskRolePolicy(new iam.PolicyStatement({ actions: ['dynamodb:*'], resources: ['arn:aws:dynamodb:us-east-1:111111111111:table/t'] }));
      task.addToTaskRolePolicy(new iam.PolicyStatement({ actions: ['sns:Publish', 's3:GetObject'], resources: ['*'] }));
      task.addToTaskRolePolicy(new iam.PolicyStatement({ notActions: ['iam:*'], resources: ['*'] }));
      task.taskRole.addManagedPolicy(iam.ManagedPolicy.fromAwsManagedPolicyName('AdministratorAccess'));
      expect(ruleHits(stack, 'FargateTaskRoleWildcard')).toEqual([
        "TestStack/Task/Resource: Task role 'TestStack/Task/TaskRole' of task definition 'TestStack/Task': TestStack/Task/TaskRole/DefaultPolicy allows dynamodb:*. Grant the actions the application calls (bucket.grantRead(service) and the like) instead.",
        "TestStack/Task/Resource: Task role 'TestStack/Task/TaskRole' of task definition 'TestStack/Task': TestStack/Task/TaskRole/DefaultPolicy allows sns:Publish on every resource (*). Name the resources (sns ARNs) the application writes to.",
        "TestStack/Task/Resource: Task role 'TestStack/Task/TaskRole' of task definition 'TestStack/Task': TestStack/Task/TaskRole/DefaultPolicy allows every action except iam:* (NotAction). List the actions the application calls instead.",
        "TestStack/Task/Resource: Task role 'TestStack/Task/TaskRole' of task definition 'TestStack/Task': the AWS managed policy AdministratorAccess grants whole services. Replace it with grants for the calls the application makes.",
      ]);
      expect(new Set(severities(stack, 'FargateTaskRoleWildcard'))).toEqual(new Set(['warning']));
    });

    test('a raw L1 role with an inline wildcard policy', () => {
      const stack = testStack();
      const role = new iam.CfnRole(stack, 'Role', {
        assumeRolePolicyDocument: { Statement: [{ Effect: 'Allow', Principal: { Service: 'ecs-tasks.amazonaws.com' }, Action: 'sts:AssumeRole' }] },
        policies: [{ policyName: 'all', policyDocument: { Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] } }],
      });
      new ecs.CfnTaskDefinition(stack, 'Task', {
        requiresCompatibilities: ['FARGATE'],
        networkMode: 'awsvpc',
        cpu: '256',
        memory: '512',
        taskRoleArn: role.attrArn,
        containerDefinitions: [{ name: 'app', image: 'public.ecr.aws/nginx/nginx:1.27' }],
      });
      expect(ruleHits(stack, 'FargateTaskRoleWildcard')).toEqual([
        "TestStack/Task: Task role 'TestStack/Role' of task definition 'TestStack/Task': TestStack/Role (inline all) allows *. Grant the actions the application calls (bucket.grantRead(service) and the like) instead.",
      ]);
    });

    test('grants scoped by aws-cdk-lib, and actions that take no resource, pass', () => {
      const stack = testStack();
      const task = plainTask(stack);
      new secretsmanager.Secret(stack, 'Secret').grantRead(task.taskRole);
      task.addToTaskRolePolicy(new iam.PolicyStatement({ actions: ['cloudwatch:PutMetricData', 'xray:PutTraceSegments', 'ec2:DescribeInstances'], resources: ['*'] }));
      expect(ruleHits(stack, 'FargateTaskRoleWildcard')).toEqual([]);
    });
  });

  describe('FargateTaskRoleSecrets', () => {
    test('image pull and an injected secret granted to a plain task role: warnings', () => {
      const stack = testStack();
      const secret = new secretsmanager.Secret(stack, 'Secret');
      const repository = new ecr.Repository(stack, 'Repo');
      const task = plainTask(stack, {}, { secrets: { DB: ecs.Secret.fromSecretsManager(secret, 'password') } });
      secret.grantRead(task.taskRole);
      repository.grantPull(task.taskRole);
      const hits = ruleHits(stack, 'FargateTaskRoleSecrets');
      expect(hits).toHaveLength(2);
      expect(hits[0]).toMatch(/allows ecr:GetAuthorizationToken, ecr:BatchGetImage, ecr:GetDownloadUrlForLayer, ecr:BatchCheckLayerAvailability\. ECS pulls the image with the execution role/);
      expect(hits[1]).toMatch(/lets the application read the secrets that ECS injects \(App\/DB\)\. ECS reads them with the execution role/);
    });

    test('a secret the task role reads but the task does not inject passes', () => {
      const stack = testStack();
      const injected = new secretsmanager.Secret(stack, 'Injected');
      const task = plainTask(stack, {}, { secrets: { DB: ecs.Secret.fromSecretsManager(injected) } });
      new secretsmanager.Secret(stack, 'ReadAtRuntime').grantRead(task.taskRole);
      expect(ruleHits(stack, 'FargateTaskRoleSecrets')).toEqual([]);
    });
  });

  describe('FargatePublicTasks', () => {
    test('a plain service with public IPs in public subnets: two warnings', () => {
      const stack = testStack();
      const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 0, subnetConfiguration: [{ name: 'Public', subnetType: ec2.SubnetType.PUBLIC }] });
      plainService(stack, vpc, plainTask(stack), { assignPublicIp: true, vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC } });
      expect(ruleHits(stack, 'FargatePublicTasks')).toEqual([
        "TestStack/Service/Service: Service 'TestStack/Service/Service' gives its tasks public IP addresses (AssignPublicIp ENABLED). Turn it off (assignPublicIp: false) and reach them through a load balancer.",
        "TestStack/Service/Service: Service 'TestStack/Service/Service' runs tasks in public subnets (TestStack/Vpc/PublicSubnet1/Subnet, TestStack/Vpc/PublicSubnet2/Subnet), whose default route is an internet gateway. "
        + 'Place them in private subnets (vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS }).',
      ]);
      expect(severities(stack, 'FargatePublicTasks')).toEqual(['warning', 'warning']);
    });

    // References resolve to the logical ID overrideLogicalId sets: the template kernel compares with that one.
    test('public subnets whose logical IDs are overridden are found', () => {
      const stack = testStack();
      const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 0, subnetConfiguration: [{ name: 'Public', subnetType: ec2.SubnetType.PUBLIC }] });
      vpc.publicSubnets.forEach((s, i) => (s.node.defaultChild as ec2.CfnSubnet).overrideLogicalId(`Public${i}`));
      plainService(stack, vpc, plainTask(stack), { vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC } });
      expect(ruleHits(stack, 'FargatePublicTasks')).toEqual([expect.stringContaining('runs tasks in public subnets (TestStack/Vpc/PublicSubnet1/Subnet, TestStack/Vpc/PublicSubnet2/Subnet)')]);
    });

    test('a plain service in private subnets passes', () => {
      const stack = testStack();
      const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 2 });
      plainService(stack, vpc, plainTask(stack));
      expect(ruleHits(stack, 'FargatePublicTasks')).toEqual([]);
    });
  });

  describe('FargateNoEgress', () => {
    function isolatedVpc(stack: Stack) {
      return new ec2.Vpc(stack, 'Vpc', {
        maxAzs: 2,
        natGateways: 0,
        subnetConfiguration: [
          { name: 'Public', subnetType: ec2.SubnetType.PUBLIC },
          { name: 'Isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
        ],
      });
    }

    test('a plain service in isolated subnets without endpoints: an error per subnet naming the endpoints', () => {
      const stack = testStack();
      const vpc = isolatedVpc(stack);
      const secret = new secretsmanager.Secret(stack, 'Secret');
      plainService(stack, vpc, plainTask(stack, {}, { secrets: { DB: ecs.Secret.fromSecretsManager(secret) } }));
      expect(ruleHits(stack, 'FargateNoEgress')).toEqual([1, 2].map((n) =>
        `TestStack/Service/Service: Service 'TestStack/Service/Service': subnet 'TestStack/Vpc/IsolatedSubnet${n}/Subnet' has no route to the internet and no VPC endpoint for ecr.api, ecr.dkr, s3, logs, secretsmanager; `
        + "its tasks could not pull their image, send their logs or read their secrets. Add the endpoints (vpc.addInterfaceEndpoint, and vpc.addGatewayEndpoint for s3 on the subnet's route table) or a NAT gateway."));
      expect(severities(stack, 'FargateNoEgress')).toEqual(['error', 'error']);
    });

    test('only the missing endpoints are named; all of them pass', () => {
      const stack = testStack();
      const vpc = isolatedVpc(stack);
      plainService(stack, vpc, plainTask(stack));
      vpc.addInterfaceEndpoint('Ecr', { service: ec2.InterfaceVpcEndpointAwsService.ECR });
      vpc.addInterfaceEndpoint('EcrDocker', { service: ec2.InterfaceVpcEndpointAwsService.ECR_DOCKER });
      expect(ruleHits(stack, 'FargateNoEgress')[0]).toMatch(/no VPC endpoint for s3, logs;/);
      vpc.addGatewayEndpoint('S3', { service: ec2.GatewayVpcEndpointAwsService.S3 });
      vpc.addInterfaceEndpoint('Logs', { service: ec2.InterfaceVpcEndpointAwsService.CLOUDWATCH_LOGS });
      expect(ruleHits(stack, 'FargateNoEgress')).toEqual([]);
    });

    test('an endpoint without private DNS does not count', () => {
      const stack = testStack();
      const vpc = isolatedVpc(stack);
      plainService(stack, vpc, plainTask(stack));
      vpc.addGatewayEndpoint('S3', { service: ec2.GatewayVpcEndpointAwsService.S3 });
      vpc.addInterfaceEndpoint('Ecr', { service: ec2.InterfaceVpcEndpointAwsService.ECR });
      vpc.addInterfaceEndpoint('EcrDocker', { service: ec2.InterfaceVpcEndpointAwsService.ECR_DOCKER, privateDnsEnabled: false });
      vpc.addInterfaceEndpoint('Logs', { service: ec2.InterfaceVpcEndpointAwsService.CLOUDWATCH_LOGS });
      expect(ruleHits(stack, 'FargateNoEgress')[0]).toMatch(/no VPC endpoint for ecr\.dkr;/);
    });

    test('an image from outside AWS in an isolated subnet', () => {
      const stack = testStack();
      const task = new ecs.FargateTaskDefinition(stack, 'Task');
      task.addContainer('App', { image: ecs.ContainerImage.fromRegistry('nginx:1.27') });
      plainService(stack, isolatedVpc(stack), task);
      expect(ruleHits(stack, 'FargateNoEgress')[0]).toMatch(/has no route to the internet, so its tasks cannot pull nginx:1\.27 from a registry outside the VPC/);
    });

    test('subnets with NAT pass', () => {
      const stack = testStack();
      plainService(stack, new ec2.Vpc(stack, 'Vpc', { maxAzs: 2 }), plainTask(stack));
      expect(ruleHits(stack, 'FargateNoEgress')).toEqual([]);
    });

    // aws-cdk-lib names the task definition by family, not by reference, for a CODE_DEPLOY service:
    // the check finds it as SecretRotationRecycler does (it used to skip such services).
    test('a service deployed by CodeDeploy, whose task definition is named by family, is checked too', () => {
      const stack = testStack();
      plainService(stack, isolatedVpc(stack), plainTask(stack), { deploymentController: { type: ecs.DeploymentControllerType.CODE_DEPLOY } });
      expect(ruleHits(stack, 'FargateNoEgress')).toEqual([1, 2].map((n) =>
        `TestStack/Service/Service: Service 'TestStack/Service/Service': subnet 'TestStack/Vpc/IsolatedSubnet${n}/Subnet' has no route to the internet and no VPC endpoint for ecr.api, ecr.dkr, s3, logs; `
        + "its tasks could not pull their image, send their logs or read their secrets. Add the endpoints (vpc.addInterfaceEndpoint, and vpc.addGatewayEndpoint for s3 on the subnet's route table) or a NAT gateway."));
    });
  });

  describe('FargateHealthCheckPort', () => {
    test('a health check port the tasks do not admit: an error', () => {
      const stack = testStack();
      const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2 });
      const web = new ecsPatterns.ApplicationLoadBalancedFargateService(stack, 'Web', { vpc, taskImageOptions: { image: ecrImage(stack), containerPort: 8080 }, minHealthyPercent: 100 });
      web.targetGroup.configureHealthCheck({ port: '9000', path: '/health' });
      expect(ruleHits(stack, 'FargateHealthCheckPort')).toEqual([
        "TestStack/Web/Service/Service: Service 'TestStack/Web/Service/Service': target group 'TestStack/Web/LB/PublicListener/ECSGroup' health-checks port 9000, which no security group of the tasks (TestStack/Web/Service/SecurityGroup) admits; "
        + 'every task would fail its health check. Allow it from the load balancer (service.connections.allowFrom(loadBalancer, ec2.Port.tcp(9000))).',
      ]);
      web.service.connections.allowFrom(web.loadBalancer, ec2.Port.tcp(9000));
      expect(ruleHits(stack, 'FargateHealthCheckPort')).toEqual([]);
    });

    test('health checks on the traffic port pass', () => {
      const stack = testStack();
      const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2 });
      new ecsPatterns.ApplicationLoadBalancedFargateService(stack, 'Web', { vpc, taskImageOptions: { image: ecrImage(stack), containerPort: 8080 }, minHealthyPercent: 100 });
      expect(ruleHits(stack, 'FargateHealthCheckPort')).toEqual([]);
    });
  });

  describe('FargateLogsKeptForever', () => {
    test('awslogs to a group without retention: a warning; with retention, none', () => {
      const stack = testStack();
      const forever = new logs.LogGroup(stack, 'Forever', { retention: logs.RetentionDays.INFINITE });
      plainTask(stack, {}, { logging: ecs.LogDriver.awsLogs({ streamPrefix: 'app', logGroup: forever }) });
      const kept = new logs.LogGroup(stack, 'Kept', { retention: logs.RetentionDays.ONE_MONTH });
      new ecs.FargateTaskDefinition(stack, 'Other').addContainer('App', { image: ecrImage(stack), logging: ecs.LogDriver.awsLogs({ streamPrefix: 'app', logGroup: kept }) });
      expect(ruleHits(stack, 'FargateLogsKeptForever')).toEqual([
        "TestStack/Task/Resource: Task definition 'TestStack/Task' logs to log group 'TestStack/Forever', which keeps them forever. Set a retention (logRetention, or retention on the logs.LogGroup), or acknowledge this check if the logs must be kept.",
      ]);
    });
  });


  describe('AlbHttpOpen and AlbPlainHttp', () => {
    test('aws-cdk-lib\'s ApplicationLoadBalancedFargateService without a certificate serves HTTP to the internet: an error', () => {
      const stack = testStack();
      const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2 });
      new ecsPatterns.ApplicationLoadBalancedFargateService(stack, 'Web', { vpc, taskImageOptions: { image: ecrImage(stack) }, minHealthyPercent: 100 });
      expect(ruleHits(stack, 'AlbHttpOpen')).toEqual([
        "TestStack/Web/LB/PublicListener/Resource: Listener 'TestStack/Web/LB/PublicListener' of load balancer 'TestStack/Web/LB' serves plain HTTP on port 80 to 0.0.0.0/0. "
        + 'Serve HTTPS with a certificate and make this listener redirect to it (loadBalancer.addRedirect()), or admit only the networks that may use plain HTTP.',
      ]);
      expect(severities(stack, 'AlbHttpOpen')).toEqual(['error']);
      expect(ruleHits(stack, 'AlbPlainHttp')).toEqual([]);
    });

    test('an HTTP listener that redirects to HTTPS passes both', () => {
      const stack = testStack();
      const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2 });
      const lb = new elbv2.ApplicationLoadBalancer(stack, 'Lb', { vpc, internetFacing: true });
      lb.addRedirect();
      expect(ruleHits(stack, 'AlbHttpOpen')).toEqual([]);
      expect(ruleHits(stack, 'AlbPlainHttp')).toEqual([]);
    });

    test('an internal load balancer serving HTTP: a warning, not an error', () => {
      const stack = testStack();
      const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2 });
      const lb = new elbv2.ApplicationLoadBalancer(stack, 'Lb', { vpc, internetFacing: false });
      lb.addListener('Http', { port: 80, defaultAction: elbv2.ListenerAction.fixedResponse(200) });
      expect(ruleHits(stack, 'AlbHttpOpen')).toEqual([]);
      expect(ruleHits(stack, 'AlbPlainHttp')).toEqual([
        "TestStack/Lb/Http/Resource: Listener 'TestStack/Lb/Http' serves plain HTTP on port 80. Serve HTTPS with a certificate (ACM issues them for free) and redirect HTTP to it, or acknowledge this check if the traffic never leaves networks you trust.",
      ]);
      expect(severities(stack, 'AlbPlainHttp')).toEqual(['warning']);
    });
  });
});

describe('GuardedPatternsChecks over SecureFargateService', () => {
  test('the defaults pass every check of the pack', () => {
    const stack = testStack();
    const network = new PrivateSubnetVpc(stack, 'Network', { natGateways: 0 });
    new SecureFargateService(stack, 'Web', {
      vpc: network.vpc,
      image: ecrImage(stack),
      certificate: acm.Certificate.fromCertificateArn(stack, 'Certificate', 'arn:aws:acm:us-east-1:111111111111:certificate/11111111-2222-3333-4444-555555555555'),
    });
    expect(findings(new GuardedPatternsChecks(), stack)).toEqual([]);
  });

  test('the embedded FargateHealthCheckPort fails synth when the health check rule is taken away', () => {
    const stack = testStack();
    const network = new PrivateSubnetVpc(stack, 'Network');
    const web = new SecureFargateService(stack, 'Web', {
      vpc: network.vpc,
      image: ecrImage(stack),
      healthCheckPort: 9000,
      allowedCidrs: ['10.0.0.0/8'],
    });
    const group = web.securityGroup.node;
    const rule = group.children.find((c) => c instanceof ec2.CfnSecurityGroupIngress && c.fromPort === 9000);
    expect(rule).toBeDefined();
    group.tryRemoveChild(rule!.node.id);
    expect(() => (stack.node.root as App).synth()).toThrow(
      /target group 'TestStack\/Web\/LoadBalancer\/Http\/TasksGroup' health-checks port 9000, which no security group of the tasks \(TestStack\/Web\/SecurityGroup\) admits.*\(GuardedPatterns-FargateHealthCheckPort\)/);
  });
});

describe('EcsVolumeNotWritable on plain aws-cdk-lib task definitions', () => {
  /** A Fargate task whose container runs as `user` and mounts an empty task volume at /scratch. */
  function scratchTask(stack: Stack, user: string | undefined, readOnly = false) {
    const task = plainTask(stack, {}, { user });
    task.addVolume({ name: 'scratch' });
    task.defaultContainer!.addMountPoints({ sourceVolume: 'scratch', containerPath: '/scratch', readOnly });
    return task;
  }

  /** A non-essential container that mounts the scratch volume; the app waits for it with `condition`. */
  function preparer(task: ecs.FargateTaskDefinition, condition: ecs.ContainerDependencyCondition, essential = false) {
    const init = task.addContainer('Init', {
      image: ecs.ContainerImage.fromRegistry('public.ecr.aws/docker/library/busybox:1.37.0'),
      essential,
      user: '0',
      command: ['chmod', '1777', '/scratch'],
      logging: ecs.LogDriver.awsLogs({ streamPrefix: 'init' }),
    });
    init.addMountPoints({ sourceVolume: 'scratch', containerPath: '/scratch', readOnly: false });
    task.defaultContainer!.addContainerDependencies({ container: init, condition });
  }

  test('a non-root user writing to a task volume nothing prepares: a warning naming the fix', () => {
    for (const user of ['1000:1000', 'app']) {
      const stack = testStack();
      scratchTask(stack, user);
      expect(ruleHits(stack, 'EcsVolumeNotWritable')).toEqual([
        `TestStack/Task/Resource: Task definition 'TestStack/Task': container 'App' runs as user '${user}' and mounts task volume 'scratch' at /scratch, `
        + 'which Fargate creates owned by root with mode 0755, so it cannot write there. '
        + "Add a non-essential container that mounts 'scratch', runs as root and runs chmod (such as chmod 1777 for a temporary directory), "
        + "and make 'App' depend on it with condition SUCCESS; or declare the path a VOLUME in the image, owned by the user, and acknowledge this check.",
      ]);
      expect(severities(stack, 'EcsVolumeNotWritable')).toEqual(['warning']);
    }
  });

  test('a preparer that the app waits for with START, or an essential one, does not count', () => {
    const started = testStack();
    preparer(scratchTask(started, '1000'), ecs.ContainerDependencyCondition.START);
    expect(ruleHits(started, 'EcsVolumeNotWritable')).toHaveLength(1);
    const essential = testStack();
    preparer(scratchTask(essential, '1000'), ecs.ContainerDependencyCondition.START, true);
    expect(ruleHits(essential, 'EcsVolumeNotWritable')).toHaveLength(1);
  });

  test('a non-essential preparer the app waits for with SUCCESS or COMPLETE, root, no user, a read-only mount and EFS pass', () => {
    for (const condition of [ecs.ContainerDependencyCondition.SUCCESS, ecs.ContainerDependencyCondition.COMPLETE]) {
      const stack = testStack();
      preparer(scratchTask(stack, '1000:1000'), condition);
      expect(ruleHits(stack, 'EcsVolumeNotWritable')).toEqual([]);
    }
    for (const [user, readOnly] of [['root', false], ['0:0', false], [undefined, false], ['1000', true]] as const) {
      const stack = testStack();
      scratchTask(stack, user, readOnly);
      expect(ruleHits(stack, 'EcsVolumeNotWritable')).toEqual([]);
    }
    const efs = testStack();
    const task = plainTask(efs, {}, { user: '1000' });
    task.addVolume({ name: 'shared', efsVolumeConfiguration: { fileSystemId: 'fs-12345678' } });
    task.defaultContainer!.addMountPoints({ sourceVolume: 'shared', containerPath: '/shared', readOnly: false });
    expect(ruleHits(efs, 'EcsVolumeNotWritable')).toEqual([]);
  });
});

describe('AlbAccessLogKmsBucket on plain aws-cdk-lib load balancers', () => {
  function loadBalancer(stack: Stack, props: Partial<elbv2.ApplicationLoadBalancerProps> = {}) {
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 0 });
    return new elbv2.ApplicationLoadBalancer(stack, 'Alb', { vpc, ...props });
  }

  test('access logs to a bucket with SSE-KMS through the aws/s3 key or DSSE, which aws-cdk-lib lets through: an error', () => {
    for (const [encryption, algorithm] of [[s3.BucketEncryption.KMS_MANAGED, 'aws:kms'], [s3.BucketEncryption.DSSE_MANAGED, 'aws:kms:dsse']] as const) {
      const stack = testStack();
      loadBalancer(stack).logAccessLogs(new s3.Bucket(stack, 'Logs', { encryption }));
      expect(ruleHits(stack, 'AlbAccessLogKmsBucket')).toEqual([
        `TestStack/Alb/Resource: Load balancer 'TestStack/Alb' sends its access logs to bucket 'TestStack/Logs', which is encrypted with SSE-KMS (${algorithm}); `
        + 'Elastic Load Balancing writes access logs only to buckets encrypted with S3 managed keys. Give the log bucket encryption: s3.BucketEncryption.S3_MANAGED (SSEAlgorithm AES256).',
      ]);
      expect(severities(stack, 'AlbAccessLogKmsBucket')).toEqual(['error']);
    }
  });

  test('raw L1 resources: a load balancer logging to a bucket with a customer managed key', () => {
    const stack = testStack();
    const key = new kms.Key(stack, 'Key');
    const bucket = new s3.CfnBucket(stack, 'Logs', {
      bucketEncryption: { serverSideEncryptionConfiguration: [{ serverSideEncryptionByDefault: { sseAlgorithm: 'aws:kms', kmsMasterKeyId: key.keyArn } }] },
    });
    new elbv2.CfnLoadBalancer(stack, 'Alb', {
      subnets: ['subnet-0aaaaaaaaaaaaaaa1', 'subnet-0aaaaaaaaaaaaaaa2'],
      loadBalancerAttributes: [{ key: 'access_logs.s3.enabled', value: 'true' }, { key: 'access_logs.s3.bucket', value: bucket.ref }],
    });
    expect(ruleHits(stack, 'AlbAccessLogKmsBucket')).toEqual([expect.stringContaining("Load balancer 'TestStack/Alb' sends its access logs to bucket 'TestStack/Logs', which is encrypted with SSE-KMS (aws:kms)")]);
  });

  test('SSE-S3, logs disabled, a Network Load Balancer, and buckets known only by name (a parameter included) pass', () => {
    const stack = testStack();
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 0 });
    new elbv2.ApplicationLoadBalancer(stack, 'SseS3', { vpc }).logAccessLogs(new s3.Bucket(stack, 'S3Managed', { encryption: s3.BucketEncryption.S3_MANAGED }));
    new elbv2.ApplicationLoadBalancer(stack, 'Named', { vpc }).logAccessLogs(s3.Bucket.fromBucketName(stack, 'ByName', 'my-logs'));
    const name = new CfnParameter(stack, 'LogBucketName');
    new elbv2.ApplicationLoadBalancer(stack, 'Parameter', { vpc }).logAccessLogs(s3.Bucket.fromBucketName(stack, 'ByParameter', name.valueAsString));
    const kmsBucket = new s3.Bucket(stack, 'Kms', { encryption: s3.BucketEncryption.KMS_MANAGED });
    new elbv2.NetworkLoadBalancer(stack, 'Nlb', { vpc }).logAccessLogs(kmsBucket);
    new elbv2.CfnLoadBalancer(stack, 'Disabled', {
      subnets: ['subnet-0aaaaaaaaaaaaaaa1', 'subnet-0aaaaaaaaaaaaaaa2'],
      loadBalancerAttributes: [{ key: 'access_logs.s3.enabled', value: 'false' }, { key: 'access_logs.s3.bucket', value: kmsBucket.bucketName }],
    });
    expect(ruleHits(stack, 'AlbAccessLogKmsBucket')).toEqual([]);
  });
});

describe('FargateNoEgress on raw L1 subnets', () => {
  test('a subnet on the main route table, which the template does not show, gives no finding; one with an empty route table does', () => {
    const stack = testStack();
    const vpc = new ec2.CfnVPC(stack, 'Vpc', { cidrBlock: '10.0.0.0/16' });
    const main = new ec2.CfnSubnet(stack, 'OnMainTable', { vpcId: vpc.ref, cidrBlock: '10.0.0.0/24', availabilityZone: 'us-east-1a' });
    const empty = new ec2.CfnSubnet(stack, 'OnEmptyTable', { vpcId: vpc.ref, cidrBlock: '10.0.1.0/24', availabilityZone: 'us-east-1b' });
    const table = new ec2.CfnRouteTable(stack, 'Table', { vpcId: vpc.ref });
    new ec2.CfnSubnetRouteTableAssociation(stack, 'Association', { subnetId: empty.ref, routeTableId: table.ref });
    const task = new ecs.CfnTaskDefinition(stack, 'Task', {
      requiresCompatibilities: ['FARGATE'],
      networkMode: 'awsvpc',
      cpu: '256',
      memory: '512',
      containerDefinitions: [{ name: 'app', image: '111111111111.dkr.ecr.us-east-1.amazonaws.com/app:v1' }],
    });
    new ecs.CfnService(stack, 'Service', {
      launchType: 'FARGATE',
      taskDefinition: task.ref,
      networkConfiguration: { awsvpcConfiguration: { subnets: [main.ref, empty.ref] } },
    });
    expect(ruleHits(stack, 'FargateNoEgress')).toEqual([
      "TestStack/Service: Service 'TestStack/Service': subnet 'TestStack/OnEmptyTable' has no route to the internet and no VPC endpoint for ecr.api, ecr.dkr, s3; "
      + "its tasks could not pull their image, send their logs or read their secrets. Add the endpoints (vpc.addInterfaceEndpoint, and vpc.addGatewayEndpoint for s3 on the subnet's route table) or a NAT gateway.",
    ]);
  });
});

describe('EcsSingleTask on plain aws-cdk-lib services', () => {
  test('a service of one task warns; two tasks and daemon services pass', () => {
    const stack = testStack();
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 0 });
    const cluster = new ecs.Cluster(stack, 'Cluster', { vpc });
    const single = new ecs.FargateTaskDefinition(stack, 'SingleTask');
    single.addContainer('App', { image: ecs.ContainerImage.fromRegistry('public.ecr.aws/nginx/nginx:stable') });
    new ecs.FargateService(stack, 'Single', { cluster, taskDefinition: single, desiredCount: 1, minHealthyPercent: 100 });
    const pair = new ecs.FargateTaskDefinition(stack, 'PairTask');
    pair.addContainer('App', { image: ecs.ContainerImage.fromRegistry('public.ecr.aws/nginx/nginx:stable') });
    new ecs.FargateService(stack, 'Pair', { cluster, taskDefinition: pair, desiredCount: 2, minHealthyPercent: 100 });
    new ecs.CfnService(stack, 'Daemon', { cluster: cluster.clusterName, taskDefinition: pair.taskDefinitionArn, schedulingStrategy: 'DAEMON', desiredCount: 1 });
    const hits = findings(new GuardedPatternsChecks(), stack).filter((f) => f.rule === 'GuardedPatterns-EcsSingleTask');
    expect(hits.map((f) => [f.path, f.severity])).toEqual([['TestStack/Single/Service', 'warning']]);
  });
});

describe('FargateContainerNotHardened on plain aws-cdk-lib task definitions', () => {
  const image = (stack: Stack) => ecrImage(stack);

  test('a container with no user and a writable root filesystem: a warning naming both fixes', () => {
    // GIVEN aws-cdk-lib's defaults: no user, no readonlyRootFilesystem
    const stack = testStack();
    plainTask(stack);
    // THEN the pack warns once, about both
    expect(ruleHits(stack, 'FargateContainerNotHardened')).toEqual([
      "TestStack/Task/Resource: Task definition 'TestStack/Task': container 'App' sets no user, so it runs as the image's USER (root when the image sets none) and has a writable root filesystem. "
      + "Set user: '1000:1000' (or a non-root user the image defines) and readonlyRootFilesystem: true (with a task volume mounted where it must write) in its container options; "
      + 'where it must run as root or write to its image (some log routers and agents do), acknowledge this check on the task definition, which covers all its containers.',
    ]);
    expect(severities(stack, 'FargateContainerNotHardened')).toEqual(['warning']);
  });

  test('root by name or ID, with or without a group, and each half alone', () => {
    for (const user of ['root', '0', '0:0', 'root:app']) {
      const stack = testStack();
      plainTask(stack, {}, { user, readonlyRootFilesystem: true });
      expect(ruleHits(stack, 'FargateContainerNotHardened')).toEqual([expect.stringContaining(`container 'App' runs as root (user '${user}'). Set user: '1000:1000'`)]);
    }
    const writable = testStack();
    plainTask(writable, {}, { user: '1000:1000', readonlyRootFilesystem: false });
    expect(ruleHits(writable, 'FargateContainerNotHardened')).toEqual([expect.stringContaining("container 'App' has a writable root filesystem. Set readonlyRootFilesystem: true")]);
  });

  test('a non-root user with a read-only root filesystem, a root init container the others wait for, tokens and EC2 tasks pass', () => {
    const hardened = testStack();
    const task = plainTask(hardened, {}, { user: '1000:1000', readonlyRootFilesystem: true });
    for (const [id, condition] of [['Init', ecs.ContainerDependencyCondition.SUCCESS], ['Setup', ecs.ContainerDependencyCondition.COMPLETE]] as const) {
      const init = task.addContainer(id, { image: image(hardened), essential: false, user: '0', readonlyRootFilesystem: true });
      task.defaultContainer!.addContainerDependencies({ container: init, condition });
    }
    expect(ruleHits(hardened, 'FargateContainerNotHardened')).toEqual([]);

    const tokens = testStack();
    plainTask(tokens, {}, {
      user: new CfnParameter(tokens, 'User').valueAsString,
      readonlyRootFilesystem: true,
    });
    expect(ruleHits(tokens, 'FargateContainerNotHardened')).toEqual([]);

    const ec2Task = testStack();
    new ecs.Ec2TaskDefinition(ec2Task, 'Task').addContainer('App', { image: image(ec2Task), memoryLimitMiB: 256 });
    expect(ruleHits(ec2Task, 'FargateContainerNotHardened')).toEqual([]);
  });

  test('an init container that runs as root is still flagged when essential, when the app only waits for it to start, or when its root filesystem is writable', () => {
    const cases: Array<[boolean, ecs.ContainerDependencyCondition, boolean, string]> = [
      [true, ecs.ContainerDependencyCondition.SUCCESS, true, "runs as root (user '0')"],
      [false, ecs.ContainerDependencyCondition.START, true, "runs as root (user '0')"],
      [false, ecs.ContainerDependencyCondition.SUCCESS, false, 'has a writable root filesystem'],
    ];
    for (const [essential, condition, readonlyRootFilesystem, problem] of cases) {
      const stack = testStack();
      const task = plainTask(stack, {}, { user: '1000:1000', readonlyRootFilesystem: true });
      const init = task.addContainer('Init', { image: image(stack), essential, user: '0', readonlyRootFilesystem });
      task.defaultContainer!.addContainerDependencies({ container: init, condition });
      expect(ruleHits(stack, 'FargateContainerNotHardened')).toEqual([expect.stringContaining(`container 'Init' ${problem}.`)]);
    }
  });
});
