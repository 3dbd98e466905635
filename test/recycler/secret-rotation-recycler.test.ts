import {
  CfnParameter, Duration, RemovalPolicy, Stack, Validations, aws_cloudwatch as cloudwatch, aws_cloudwatch_actions as actions, aws_ec2 as ec2,
  aws_ecs as ecs, aws_events as events, aws_events_targets as targets, aws_iam as iam, aws_kms as kms, aws_logs as logs, aws_rds as rds,
  aws_secretsmanager as secretsmanager, aws_sns as sns, aws_sqs as sqs, aws_ssm as ssm,
} from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { Construct, Node } from 'constructs';
import { SecretRotationRecycler, SecretRotationRecyclerProps } from '../../src';
import { testApp, testStack } from '../util';
import { cluster, parameter, rawService, secret, service } from './fixtures';

/** A stack with a cluster, a secret, a parameter and a service reading both. */
function setup(stack: Stack = testStack()) {
  const web = cluster(stack);
  const db = secret(stack);
  const flags = parameter(stack);
  const api = service(stack, 'Api', web, {
    secrets: { DB_PASSWORD: ecs.Secret.fromSecretsManager(db, 'password'), FLAGS: ecs.Secret.fromSsmParameter(flags) },
  });
  return { stack, web, db, flags, api };
}

function recyclerFor(props: SecretRotationRecyclerProps = {}, add = true) {
  const env = setup();
  const recycler = new SecretRotationRecycler(env.stack, 'Recycler', props);
  if (add) {
    recycler.addService(env.api);
  }
  return { ...env, recycler };
}

/** The event pattern of the rule that matches changes (the other rule is the staleness schedule). */
function eventPattern(template: Template): any {
  const rules = Object.values(template.findResources('AWS::Events::Rule', { Properties: { EventPattern: Match.anyValue() } }));
  expect(rules).toHaveLength(1);
  return rules[0].Properties.EventPattern;
}

/** The ECS statements of the recycler's managed policy. */
function ecsStatements(template: Template): any[] {
  const policy = Object.values(template.findResources('AWS::IAM::ManagedPolicy', { Properties: { Roles: [{ Ref: Match.stringLikeRegexp('RecyclerRole') }] } }))[0];
  return policy.Properties.PolicyDocument.Statement.filter((s: any) => [s.Action].flat().some((a: string) => a.startsWith('ecs:')));
}

describe('SecretRotationRecycler', () => {
  describe('with defaults and one service added', () => {
    const { stack } = recyclerFor();
    const template = Template.fromStack(stack);

    test('matches Secret Label Updated (AWSCURRENT) for exactly the secret, and Parameter Store writes for exactly the parameter', () => {
      expect(eventPattern(template)).toEqual({
        $or: [
          {
            'source': ['aws.secretsmanager'],
            'detail-type': ['Secret Label Updated'],
            'resources': [{ Ref: expect.stringMatching(/^Db/) }],
            'detail': { labelUpdated: ['AWSCURRENT'] },
          },
          {
            'source': ['aws.ssm'],
            'detail-type': ['Parameter Store Change'],
            'detail': { name: [{ Ref: expect.stringMatching(/^Param/) }], operation: ['Create', 'Update'] },
          },
        ],
      });
    });

    test('targets the function with retries and the dead-letter queue', () => {
      template.hasResourceProperties('AWS::Events::Rule', {
        State: 'ENABLED',
        Targets: [{
          Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^RecyclerFunction'), 'Arn'] },
          DeadLetterConfig: { Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^RecyclerDeadLetterQueue'), 'Arn'] } },
          RetryPolicy: { MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 86400 },
        }],
      });
    });

    test('runs the bundled handler with no reserved concurrency, retries failed invocations twice, then dead-letters them', () => {
      template.hasResourceProperties('AWS::Lambda::Function', {
        Runtime: 'nodejs24.x',
        Handler: 'index.handler',
        Timeout: 300,
        // A reservation fails the deployment in accounts whose unreserved concurrency is at its minimum.
        ReservedConcurrentExecutions: Match.absent(),
        DeadLetterConfig: { TargetArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^RecyclerDeadLetterQueue'), 'Arn'] } },
        LoggingConfig: { LogGroup: { Ref: Match.stringLikeRegexp('^RecyclerLogGroup') } },
        Environment: {
          Variables: {
            CLUSTERS: { 'Fn::Join': ['', ['["', { 'Fn::GetAtt': [Match.stringLikeRegexp('^Cluster'), 'Arn'] }, '"]']] },
            ACCOUNT_ID: '111111111111',
            DRY_RUN: 'false',
            METRICS_NAMESPACE: 'GuardedPatterns/SecretRotationRecycler',
          },
        },
      });
      template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', { MaximumRetryAttempts: 2, Qualifier: '$LATEST' });
      template.hasResource('AWS::Logs::LogGroup', { Properties: { RetentionInDays: 365 }, DeletionPolicy: 'Retain' });
    });

    test('keeps failed events in an encrypted queue that only TLS reaches, and alarms on the first one', () => {
      template.hasResourceProperties('AWS::SQS::Queue', { SqsManagedSseEnabled: true, MessageRetentionPeriod: 1209600 });
      template.hasResourceProperties('AWS::SQS::QueuePolicy', {
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
            Match.objectLike({ Effect: 'Allow', Principal: { Service: 'events.amazonaws.com' }, Action: 'sqs:SendMessage' }),
          ]),
        },
      });
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Namespace: 'AWS/SQS',
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        TreatMissingData: 'notBreaching',
      });
    });

    test('may update only the services of the watched cluster; lists them only there', () => {
      expect(ecsStatements(template)).toEqual([
        { Effect: 'Allow', Action: 'ecs:DescribeTaskDefinition', Resource: '*' },
        {
          Sid: 'ListServices1',
          Effect: 'Allow',
          Action: 'ecs:ListServices',
          Resource: '*',
          Condition: { ArnEquals: { 'ecs:cluster': { 'Fn::GetAtt': [expect.stringMatching(/^Cluster/), 'Arn'] } } },
        },
        {
          Sid: 'RedeployServices1',
          Effect: 'Allow',
          Action: ['ecs:DescribeServices', 'ecs:UpdateService'],
          Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':ecs:us-east-1:111111111111:service/', { Ref: expect.stringMatching(/^Cluster/) }, '/*']] },
        },
        {
          Sid: 'ListTasks1',
          Effect: 'Allow',
          Action: 'ecs:ListTasks',
          Resource: '*',
          Condition: { ArnEquals: { 'ecs:cluster': { 'Fn::GetAtt': [expect.stringMatching(/^Cluster/), 'Arn'] } } },
        },
        {
          Sid: 'DescribeTasks1',
          Effect: 'Allow',
          Action: 'ecs:DescribeTasks',
          Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':ecs:us-east-1:111111111111:task/', { Ref: expect.stringMatching(/^Cluster/) }, '/*']] },
        },
      ]);
    });

    test('holds its permissions in a managed policy, none inline', () => {
      const inline = template.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: Match.stringLikeRegexp('^RecyclerRole') }] } });
      expect(inline).toEqual({});
    });

    test('reports nothing', () => {
      expect(Annotations.fromStack(stack).findWarning('*', Match.anyValue())).toEqual([]);
      expect(Annotations.fromStack(stack).findError('*', Match.anyValue())).toEqual([]);
    });
  });

  describe('what it watches', () => {
    test('the services of the given clusters, found without addService; not those of other clusters', () => {
      const { stack, web } = setup();
      const other = cluster(stack, 'Other');
      const elsewhere = secret(stack, 'Elsewhere');
      service(stack, 'Batch', other, { secrets: { TOKEN: ecs.Secret.fromSecretsManager(elsewhere) } });
      new SecretRotationRecycler(stack, 'Recycler', { clusters: [web] });
      const pattern = JSON.stringify(eventPattern(Template.fromStack(stack)));
      expect(pattern).toMatch(/"Ref":"Db/);
      expect(pattern).not.toMatch(/Elsewhere/);
    });

    test('an imported secret by name is matched by prefix, as its complete ARN has a suffix', () => {
      const { stack, web } = setup(testStack());
      const imported = secretsmanager.Secret.fromSecretNameV2(stack, 'Imported', 'prod/api-key');
      const literal = secretsmanager.Secret.fromSecretCompleteArn(stack, 'Literal', 'arn:aws:secretsmanager:us-east-1:111111111111:secret:prod/literal-AbCdEf');
      service(stack, 'Worker', web, { secrets: { KEY: ecs.Secret.fromSecretsManager(imported), LIT: ecs.Secret.fromSecretsManager(literal, 'token') } });
      new SecretRotationRecycler(stack, 'Recycler', { clusters: [web] });
      const resources = eventPattern(Template.fromStack(stack)).$or[0].resources;
      expect(resources).toEqual(expect.arrayContaining([
        { prefix: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':secretsmanager:us-east-1:111111111111:secret:prod/api-key-']] } },
        'arn:aws:secretsmanager:us-east-1:111111111111:secret:prod/literal-AbCdEf',
      ]));
      expect(resources).toHaveLength(3);
    });

    test('the secret RDS keeps a master password in (manageMasterUserPassword) of a cluster or an instance, by its complete ARN', () => {
      const stack = testStack();
      const web = cluster(stack);
      const database = new rds.DatabaseCluster(stack, 'Database', {
        engine: rds.DatabaseClusterEngine.auroraPostgres({ version: rds.AuroraPostgresEngineVersion.VER_17_5 }),
        manageMasterUserPassword: true,
        writer: rds.ClusterInstance.serverlessV2('Writer'),
        vpc: web.vpc,
        vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
      });
      const instance = new rds.CfnDBInstance(stack, 'Instance', { dbInstanceClass: 'db.t4g.micro', engine: 'postgres', manageMasterUserPassword: true, storageEncrypted: true });
      const instanceSecret = secretsmanager.Secret.fromSecretCompleteArn(stack, 'InstanceSecret', instance.attrMasterUserSecretSecretArn);
      service(stack, 'Api', web, {
        secrets: {
          DB_PASSWORD: ecs.Secret.fromSecretsManager(database.secret!, 'password'),
          OTHER_PASSWORD: ecs.Secret.fromSecretsManager(instanceSecret, 'password'),
        },
      });
      new SecretRotationRecycler(stack, 'Recycler', { clusters: [web] });
      const pattern = eventPattern(Template.fromStack(stack));
      expect(pattern.resources).toEqual([
        { 'Fn::GetAtt': [stack.getLogicalId(database.node.defaultChild as rds.CfnDBCluster), 'MasterUserSecret.SecretArn'] },
        { 'Fn::GetAtt': [stack.getLogicalId(instance), 'MasterUserSecret.SecretArn'] },
      ]);
    });

    test('secrets in a log configuration (secretOptions) and parameters by literal name or ARN', () => {
      const stack = testStack();
      const web = cluster(stack);
      const token = secret(stack, 'SplunkToken');
      const byName = ssm.StringParameter.fromStringParameterName(stack, 'ByName', '/shared/flags');
      const byArnName = ssm.StringParameter.fromStringParameterAttributes(stack, 'Plain', { parameterName: 'plain-name', simpleName: true });
      service(stack, 'Ingest', web, {
        secrets: { FLAGS: ecs.Secret.fromSsmParameter(byName), PLAIN: ecs.Secret.fromSsmParameter(byArnName) },
        logSecrets: { token: ecs.Secret.fromSecretsManager(token) },
      });
      new SecretRotationRecycler(stack, 'Recycler', { clusters: [web] });
      const pattern = eventPattern(Template.fromStack(stack));
      expect(pattern.$or[0].resources).toEqual([{ Ref: expect.stringMatching(/^SplunkToken/) }]);
      // An ARN drops a name's leading slash: a one-level name may have had one.
      expect(pattern.$or[1].detail.name).toEqual(['/shared/flags', 'plain-name', '/plain-name']);
    });

    test('a parameter name built with a token, referenced by name (raw L1) or by ARN (aws-cdk-lib)', () => {
      const stack = testStack();
      const web = cluster(stack);
      const stage = new CfnParameter(stack, 'Stage', { default: 'prod' });
      const named = ssm.StringParameter.fromStringParameterAttributes(stack, 'Named', { parameterName: `/app/${stage.valueAsString}/db`, simpleName: false });
      service(stack, 'Api', web, { secrets: { DB: ecs.Secret.fromSsmParameter(named) } });
      const task = new ecs.CfnTaskDefinition(stack, 'Raw', {
        requiresCompatibilities: ['FARGATE'],
        networkMode: 'awsvpc',
        cpu: '256',
        memory: '512',
        executionRoleArn: 'arn:aws:iam::111111111111:role/execution',
        containerDefinitions: [{ name: 'app', image: 'nginx', secrets: [{ name: 'CACHE', valueFrom: `/cache/${stage.valueAsString}/url` }] }],
      });
      new ecs.CfnService(stack, 'RawService', {
        cluster: web.clusterName,
        taskDefinition: task.ref,
        launchType: 'FARGATE',
        networkConfiguration: { awsvpcConfiguration: { subnets: web.vpc.isolatedSubnets.map((s) => s.subnetId) } },
      });
      new SecretRotationRecycler(stack, 'Recycler', { clusters: [web] });
      expect(eventPattern(Template.fromStack(stack)).detail.name).toEqual([
        { 'Fn::Join': ['', ['/app/', { Ref: 'Stage' }, '/db']] },
        { 'Fn::Join': ['', ['/cache/', { Ref: 'Stage' }, '/url']] },
      ]);
    });

    test('secrets and parameters given replace what is found', () => {
      const { stack, web } = setup();
      const given = secret(stack, 'Given');
      const givenParameter = parameter(stack, 'GivenParam', '/given');
      service(stack, 'Reader', web, { secrets: { G: ecs.Secret.fromSecretsManager(given), P: ecs.Secret.fromSsmParameter(givenParameter) } });
      new SecretRotationRecycler(stack, 'Recycler', { clusters: [web], secrets: [given], parameters: [givenParameter] });
      const template = Template.fromStack(stack);
      const pattern = eventPattern(template);
      expect(pattern.$or[0].resources).toEqual([{ Ref: expect.stringMatching(/^Given/) }]);
      expect(pattern.$or[1].detail.name).toEqual([{ Ref: expect.stringMatching(/^GivenParam/) }]);
    });

    test('cloudTrailEvents adds PutSecretValue/UpdateSecret (both ARN spellings) and RotationSucceeded for the same secrets', () => {
      const { stack } = recyclerFor({ cloudTrailEvents: true });
      const branches = eventPattern(Template.fromStack(stack)).$or;
      const db = { Ref: expect.stringMatching(/^Db/) };
      expect(branches.slice(1, 4)).toEqual([
        {
          'source': ['aws.secretsmanager'],
          'detail-type': ['AWS API Call via CloudTrail'],
          'detail': { eventSource: ['secretsmanager.amazonaws.com'], eventName: ['PutSecretValue', 'UpdateSecret'], responseElements: { arn: [db] } },
        },
        {
          'source': ['aws.secretsmanager'],
          'detail-type': ['AWS API Call via CloudTrail'],
          'detail': { eventSource: ['secretsmanager.amazonaws.com'], eventName: ['PutSecretValue', 'UpdateSecret'], responseElements: { aRN: [db] } },
        },
        {
          'source': ['aws.secretsmanager'],
          'detail-type': ['AWS Service Event via CloudTrail'],
          'detail': { eventName: ['RotationSucceeded'], additionalEventData: { SecretId: [db] } },
        },
      ]);
      expect(branches).toHaveLength(5);
    });

    test('without parameters the pattern is the secret branch alone', () => {
      const stack = testStack();
      const web = cluster(stack);
      const db = secret(stack);
      const api = service(stack, 'Api', web, { secrets: { DB: ecs.Secret.fromSecretsManager(db) } });
      new SecretRotationRecycler(stack, 'Recycler').addService(api);
      expect(eventPattern(Template.fromStack(stack))).toEqual({
        'source': ['aws.secretsmanager'],
        'detail-type': ['Secret Label Updated'],
        'resources': [{ Ref: expect.stringMatching(/^Db/) }],
        'detail': { labelUpdated: ['AWSCURRENT'] },
      });
    });

    test('a service in another stack of the same environment: its cluster and secret are imported', () => {
      const app = testApp();
      const { api } = setup(testStack(app, 'Services'));
      const recyclerStack = testStack(app, 'Recycling');
      new SecretRotationRecycler(recyclerStack, 'Recycler').addService(api);
      const pattern = JSON.stringify(eventPattern(Template.fromStack(recyclerStack)));
      expect(pattern).toMatch(/Fn::ImportValue.*Services:ExportsOutputRefDb/);
    });

    test('the pattern is read from the app when the template is written, even when something resolved it before the app was complete', () => {
      const { stack, api } = setup();
      const recycler = new SecretRotationRecycler(stack, 'Recycler');
      // Resolved while the recycler watches nothing yet.
      expect(JSON.stringify(stack.resolve((recycler.rule.node.defaultChild as events.CfnRule).eventPattern))).toMatch(/watches-nothing/);
      recycler.addService(api);
      const pattern = JSON.stringify(eventPattern(Template.fromStack(stack)));
      expect(pattern).toMatch(/"Ref":"Db/);
      expect(pattern).not.toMatch(/watches-nothing/);
    });

    test('a service added to a watched cluster after an early resolution is in the pattern and the policy', () => {
      const stack = testStack();
      const web = cluster(stack);
      const recycler = new SecretRotationRecycler(stack, 'Recycler', { clusters: [web] });
      expect(JSON.stringify(stack.resolve((recycler.rule.node.defaultChild as events.CfnRule).eventPattern))).toMatch(/watches-nothing/);
      const db = secret(stack);
      service(stack, 'Api', web, { secrets: { DB_PASSWORD: ecs.Secret.fromSecretsManager(db, 'password') } });
      const template = Template.fromStack(stack);
      expect(eventPattern(template).resources).toEqual([{ Ref: expect.stringMatching(/^Db/) }]);
      const policy = Object.values(template.findResources('AWS::IAM::ManagedPolicy', { Properties: { Roles: [{ Ref: Match.stringLikeRegexp('RecyclerRole') }] } }))[0];
      const versions = policy.Properties.PolicyDocument.Statement.find((st: any) => [st.Action].flat().includes('secretsmanager:ListSecretVersionIds'));
      expect(versions.Resource).toEqual([{ Ref: expect.stringMatching(/^Db/) }]);
    });

    test('the recyclers of an app walk its construct tree a fixed number of times per synthesis, however many there are', () => {
      // Each recycler resolves its event pattern, policy and environment from the whole app; an
      // index of its own per value would walk the tree once per value and recycler.
      const rootWalks = (stacks: number): number => {
        const app = testApp();
        for (let i = 0; i < stacks; i++) {
          const { stack, api } = setup(testStack(app, `Services${i}`));
          new SecretRotationRecycler(stack, 'Recycler').addService(api);
          new SecretRotationRecycler(stack, 'Watcher', { clusters: [api.cluster] });
        }
        const findAll = jest.spyOn(Node.prototype, 'findAll');
        try {
          app.synth();
          return findAll.mock.contexts.filter((node) => node === app.node).length;
        } finally {
          findAll.mockRestore();
        }
      };
      expect(rootWalks(4)).toBe(rootWalks(1));
    });
  });

  describe('escape hatches', () => {
    test('what it creates has its concrete type: the function takes environment variables, the rule more targets, the queue statements', () => {
      const { stack, recycler } = recyclerFor();
      recycler.function.addEnvironment('LOG_LEVEL', 'debug');
      const audit = new sqs.Queue(stack, 'Audit', { enforceSSL: true });
      recycler.rule.addTarget(new targets.SqsQueue(audit));
      recycler.deadLetterQueue.addToResourcePolicy(new iam.PolicyStatement({
        actions: ['sqs:ReceiveMessage'],
        principals: [new iam.AccountPrincipal('111111111111')],
        resources: [recycler.deadLetterQueue.queueArn],
      }));
      recycler.policy.addStatements(new iam.PolicyStatement({ actions: ['sqs:SendMessage'], resources: [audit.queueArn] }));
      const template = Template.fromStack(stack);
      template.hasResourceProperties('AWS::Lambda::Function', { Environment: { Variables: Match.objectLike({ LOG_LEVEL: 'debug' }) } });
      template.hasResourceProperties('AWS::Events::Rule', {
        Targets: Match.arrayWith([Match.objectLike({ Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Audit'), 'Arn'] } })]),
      });
      template.hasResourceProperties('AWS::SQS::QueuePolicy', {
        Queues: [{ Ref: Match.stringLikeRegexp('^RecyclerDeadLetterQueue') }],
        PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: 'sqs:ReceiveMessage' })]) },
      });
      template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
        Roles: [{ Ref: Match.stringLikeRegexp('^RecyclerRole') }],
        PolicyDocument: { Statement: Match.arrayWith([{ Effect: 'Allow', Action: 'sqs:SendMessage', Resource: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Audit'), 'Arn'] } }]) },
      });
    });
  });

  describe('options', () => {
    test('dryRun tells the handler to plan only', () => {
      const { stack } = recyclerFor({ dryRun: true });
      Template.fromStack(stack).hasResourceProperties('AWS::Lambda::Function', { Environment: { Variables: Match.objectLike({ DRY_RUN: 'true' }) } });
    });

    test('alarmActions are the actions of both alarms', () => {
      const env = setup();
      const topic = new sns.Topic(env.stack, 'OnCall', { enforceSSL: true });
      new SecretRotationRecycler(env.stack, 'Recycler', { alarmActions: [new actions.SnsAction(topic)] }).addService(env.api);
      const alarms = Template.fromStack(env.stack).findResources('AWS::CloudWatch::Alarm');
      expect(Object.values(alarms).map((a: any) => [a.Properties.MetricName, a.Properties.AlarmActions])).toEqual([
        ['ApproximateNumberOfMessagesVisible', [{ Ref: expect.stringMatching(/^OnCall/) }]],
        ['StaleTasks', [{ Ref: expect.stringMatching(/^OnCall/) }]],
      ]);
    });

    test('addAlarmAction gives the stack\'s recycler (from ofStack) an action on its dead-letter alarm and its staleness alarm', () => {
      const env = setup();
      const recycler = SecretRotationRecycler.ofStack(env.stack);
      recycler.addService(env.api);
      recycler.addAlarmAction(new actions.SnsAction(new sns.Topic(env.stack, 'OnCall', { enforceSSL: true })));
      const alarms = Template.fromStack(env.stack).findResources('AWS::CloudWatch::Alarm');
      expect(Object.values(alarms).map((a: any) => a.Properties.AlarmActions)).toEqual([[{ Ref: expect.stringMatching(/^OnCall/) }], [{ Ref: expect.stringMatching(/^OnCall/) }]]);
    });

    test('without alarmActions the dead-letter alarm has no action (CT.CLOUDWATCH.PR.1 refuses it: the examples add one)', () => {
      const { stack } = recyclerFor();
      Template.fromStack(stack).hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmActions: Match.absent() });
    });

    test('encryptionKey encrypts the queue and the log group, and lets EventBridge, CloudWatch Logs and the function use it', () => {
      const env = setup();
      const key = new kms.Key(env.stack, 'Key', { enableKeyRotation: true });
      new SecretRotationRecycler(env.stack, 'Recycler', { encryptionKey: key }).addService(env.api);
      const template = Template.fromStack(env.stack);
      const keyArn = { 'Fn::GetAtt': [Match.stringLikeRegexp('^Key'), 'Arn'] };
      template.hasResourceProperties('AWS::SQS::Queue', { KmsMasterKeyId: keyArn });
      template.hasResourceProperties('AWS::Logs::LogGroup', { KmsKeyId: keyArn });
      template.hasResourceProperties('AWS::KMS::Key', {
        KeyPolicy: {
          Statement: Match.arrayWith([
            Match.objectLike({ Principal: { Service: 'logs.us-east-1.amazonaws.com' } }),
            Match.objectLike({ Principal: { Service: 'events.amazonaws.com' }, Action: ['kms:Decrypt', 'kms:GenerateDataKey'] }),
          ]),
        },
      });
      template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
        PolicyDocument: { Statement: Match.arrayWith([{ Effect: 'Allow', Action: ['kms:GenerateDataKey', 'kms:Decrypt'], Resource: keyArn }]) },
      });
    });

    test('an imported encryptionKey warns that its policy must be changed by hand (GuardedPatterns-RecyclerKeyPolicy), acknowledgeable', () => {
      const build = (acknowledge: boolean) => {
        const env = setup();
        const key = kms.Key.fromKeyArn(env.stack, 'Key', 'arn:aws:kms:us-east-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab');
        const recycler = new SecretRotationRecycler(env.stack, 'Recycler', { encryptionKey: key });
        recycler.addService(env.api);
        if (acknowledge) {
          Validations.of(recycler).acknowledge({ id: 'GuardedPatterns-RecyclerKeyPolicy', reason: 'The key policy allows both services' });
        }
        return Annotations.fromStack(env.stack).findWarning('/TestStack/Recycler', Match.stringLikeRegexp('RecyclerKeyPolicy'));
      };
      const warnings = build(false);
      expect(warnings).toHaveLength(1);
      expect(String(warnings[0].entry.data)).toMatch(/^SecretRotationRecycler 'TestStack\/Recycler': encryptionKey is imported, so its key policy cannot be changed here\. Let logs\.us-east-1\.amazonaws\.com \(kms:Encrypt\*, .*\) and events\.amazonaws\.com/);
      expect(build(true)).toEqual([]);
    });

    test('an encryptionKey of the app gets both statements and no RecyclerKeyPolicy warning', () => {
      const env = setup();
      new SecretRotationRecycler(env.stack, 'Recycler', { encryptionKey: new kms.Key(env.stack, 'Key', { enableKeyRotation: true }) }).addService(env.api);
      expect(Annotations.fromStack(env.stack).findWarning('*', Match.stringLikeRegexp('RecyclerKeyPolicy'))).toEqual([]);
      Template.fromStack(env.stack).hasResourceProperties('AWS::KMS::Key', {
        KeyPolicy: {
          Statement: Match.arrayWith([
            Match.objectLike({ Principal: { Service: 'logs.us-east-1.amazonaws.com' }, Action: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'] }),
            Match.objectLike({ Principal: { Service: 'events.amazonaws.com' }, Action: ['kms:Decrypt', 'kms:GenerateDataKey'] }),
          ]),
        },
      });
    });

    test('logRetention and reservedConcurrentExecutions', () => {
      const { stack } = recyclerFor({ logRetention: logs.RetentionDays.THREE_MONTHS, reservedConcurrentExecutions: 3 });
      const template = Template.fromStack(stack);
      template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 90 });
      template.hasResourceProperties('AWS::Lambda::Function', { ReservedConcurrentExecutions: 3 });
    });

    test.each([-1, 1.5])('fails when reservedConcurrentExecutions is %s', (value) => {
      expect(() => recyclerFor({ reservedConcurrentExecutions: value })).toThrow(
        `SecretRotationRecycler 'TestStack/Recycler': reservedConcurrentExecutions (${value}) must be a whole number of at least 1; `
        + 'leave it unset for no reservation, or use 1 or more where the account\'s unreserved concurrency allows it.');
    });

    test('fails when reservedConcurrentExecutions is 0, which throttles every invocation', () => {
      expect(() => recyclerFor({ reservedConcurrentExecutions: 0 })).toThrow(
        /reservedConcurrentExecutions \(0\) must be a whole number of at least 1: a reservation of 0 throttles every invocation.*leave it unset for no reservation/);
    });

    test('reservedConcurrentExecutions 1 reserves one execution', () => {
      const { stack } = recyclerFor({ reservedConcurrentExecutions: 1 });
      Template.fromStack(stack).hasResourceProperties('AWS::Lambda::Function', { ReservedConcurrentExecutions: 1 });
    });

    test.each([
      ['metricRecycled', (r: SecretRotationRecycler) => r.metricRecycled(), 'Recycled'],
      ['metricSkipped', (r: SecretRotationRecycler) => r.metricSkipped(), 'Skipped'],
      ['metricFailed', (r: SecretRotationRecycler) => r.metricFailed(), 'Failed'],
    ])('%s reads the handler\'s embedded metric %s for this function', (_method, metricOf, name) => {
      const { recycler, stack } = recyclerFor();
      const metric = metricOf(recycler);
      expect(metric.namespace).toBe('GuardedPatterns/SecretRotationRecycler');
      expect(metric.metricName).toBe(name);
      expect(metric.statistic).toBe('Sum');
      expect(Object.keys(metric.dimensions ?? {})).toEqual(['FunctionName']);
      expect(stack.resolve(metric.dimensions?.FunctionName)).toEqual({ Ref: expect.stringMatching(/^RecyclerFunction/) });
      // The handler emits into the namespace the function is given.
      Template.fromStack(stack).hasResourceProperties('AWS::Lambda::Function', {
        Environment: { Variables: Match.objectLike({ METRICS_NAMESPACE: metric.namespace }) },
      });
    });

    test('metric options override the period and statistic', () => {
      const metric = recyclerFor().recycler.metricSkipped({ period: Duration.hours(1), statistic: 'Maximum' });
      expect(metric.period.toMinutes()).toBe(60);
      expect(metric.statistic).toBe('Maximum');
    });
  });

  describe('the staleness pass', () => {
    const { stack, recycler } = recyclerFor();
    const template = Template.fromStack(stack);
    const functionArn = { 'Fn::GetAtt': [Match.stringLikeRegexp('^RecyclerFunction'), 'Arn'] };
    const staleAlarm = (t: Template) => Object.values(t.findResources('AWS::CloudWatch::Alarm', { Properties: { MetricName: 'StaleTasks' } }));

    test('a schedule invokes the function every 5 minutes; an invocation it cannot deliver goes to the dead-letter queue, and is dropped once the next pass is due', () => {
      template.hasResourceProperties('AWS::Events::Rule', {
        ScheduleExpression: 'rate(5 minutes)',
        State: 'ENABLED',
        Targets: [{
          Arn: functionArn,
          DeadLetterConfig: { Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^RecyclerDeadLetterQueue'), 'Arn'] } },
          RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 300 },
        }],
      });
      template.hasResourceProperties('AWS::Lambda::Permission', {
        Action: 'lambda:InvokeFunction',
        Principal: 'events.amazonaws.com',
        FunctionName: functionArn,
        SourceArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^RecyclerStalenessSchedule'), 'Arn'] },
      });
      expect(recycler.stalenessSchedule.node.path).toBe('TestStack/Recycler/StalenessSchedule');
    });

    test('by default, alarms when the greatest stale-task count of a pass stays above 0 for 30 minutes; missing data keeps its state', () => {
      const alarms = staleAlarm(template);
      expect(alarms).toHaveLength(1);
      expect(alarms[0].Properties).toEqual(expect.objectContaining({
        Namespace: 'GuardedPatterns/SecretRotationRecycler',
        MetricName: 'StaleTasks',
        Dimensions: [{ Name: 'FunctionName', Value: { Ref: expect.stringMatching(/^RecyclerFunction/) } }],
        Statistic: 'Maximum',
        Period: 300,
        Threshold: 0,
        ComparisonOperator: 'GreaterThanThreshold',
        EvaluationPeriods: 6,
        DatapointsToAlarm: 6,
        TreatMissingData: 'missing',
      }));
      expect(recycler.staleTasksAlarm).toBeInstanceOf(cloudwatch.Alarm);
      expect(stack.resolve(recycler.staleTasksAlarm.alarmArn)).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^RecyclerStaleTasksAlarm/), 'Arn'] });
    });

    test.each([
      [Duration.minutes(5), 1],
      [Duration.minutes(12), 3],
      [Duration.hours(2), 24],
      [Duration.days(1), 288],
    ])('stalenessGracePeriod %s: the alarm waits for that many 5-minute periods, rounded up (%d)', (grace, periods) => {
      const alarm = staleAlarm(Template.fromStack(recyclerFor({ stalenessGracePeriod: grace }).stack))[0];
      expect(alarm.Properties).toEqual(expect.objectContaining({ EvaluationPeriods: periods, DatapointsToAlarm: periods }));
    });

    test.each([
      ['0', Duration.minutes(0)],
      ['shorter than one pass', Duration.minutes(4)],
      ['longer than CloudWatch evaluates', Duration.days(2)],
    ])('fails when stalenessGracePeriod is %s', (_, grace) => {
      expect(() => recyclerFor({ stalenessGracePeriod: grace })).toThrow(new RegExp(
        `SecretRotationRecycler 'TestStack/Recycler': stalenessGracePeriod \\(${grace.toHumanString()}\\) must be from 5 minutes to 1 day: `
        + 'the staleness pass runs every 5 minutes, and CloudWatch evaluates a 5-minute alarm over at most one day\\. Use at least Duration\\.minutes\\(5\\)'));
    });

    test('metricStaleTasks() reads the total the handler publishes per pass, for this function; the secret\'s dimension narrows it', () => {
      const metric = recycler.metricStaleTasks();
      expect(metric.namespace).toBe('GuardedPatterns/SecretRotationRecycler');
      expect(metric.metricName).toBe('StaleTasks');
      expect(metric.statistic).toBe('Maximum');
      expect(metric.period.toSeconds()).toBe(300);
      expect(stack.resolve(metric.dimensions)).toEqual({ FunctionName: { Ref: expect.stringMatching(/^RecyclerFunction/) } });
      expect(recycler.metricStaleTasks({ statistic: 'Average' }).statistic).toBe('Average');
    });

    test('the function may list the versions of exactly the watched secrets, and is told them', () => {
      const policy = Object.values(template.findResources('AWS::IAM::ManagedPolicy'))[0];
      expect(policy.Properties.PolicyDocument.Statement).toContainEqual({
        Sid: 'ReadSecretVersions', Effect: 'Allow', Action: 'secretsmanager:ListSecretVersionIds', Resource: [{ Ref: expect.stringMatching(/^Db/) }],
      });
      const fn = Object.values(template.findResources('AWS::Lambda::Function', { Properties: { Environment: { Variables: { CLUSTERS: Match.anyValue() } } } }))[0];
      expect(fn.Properties.Environment.Variables.WATCHED_SECRETS).toEqual({ 'Fn::Join': ['', ['["', { Ref: expect.stringMatching(/^Db/) }, '"]']] });
    });

    test('a secret imported by name is listed by its partial ARN, and allowed with the six-character suffix Secrets Manager adds', () => {
      const stack2 = testStack();
      const web = cluster(stack2);
      const imported = secretsmanager.Secret.fromSecretNameV2(stack2, 'Imported', 'prod/api-key');
      service(stack2, 'Worker', web, { secrets: { KEY: ecs.Secret.fromSecretsManager(imported) } });
      new SecretRotationRecycler(stack2, 'Recycler', { clusters: [web] });
      const t = Template.fromStack(stack2);
      const partial = (suffix: string) => ['arn:', { Ref: 'AWS::Partition' }, `:secretsmanager:us-east-1:111111111111:secret:prod/api-key${suffix}`];
      const statement = Object.values(t.findResources('AWS::IAM::ManagedPolicy'))[0].Properties.PolicyDocument.Statement.find((x: any) => x.Sid === 'ReadSecretVersions');
      expect(statement.Resource).toEqual([{ 'Fn::Join': ['', partial('-??????')] }]);
      const fn = Object.values(t.findResources('AWS::Lambda::Function', { Properties: { Environment: { Variables: { CLUSTERS: Match.anyValue() } } } }))[0];
      expect(fn.Properties.Environment.Variables.WATCHED_SECRETS).toEqual({ 'Fn::Join': ['', ['["arn:', { Ref: 'AWS::Partition' }, ':secretsmanager:us-east-1:111111111111:secret:prod/api-key"]']] });
    });

    test('with only parameters watched, the statement names no secret and the function is told none', () => {
      const stack2 = testStack();
      const web = cluster(stack2);
      service(stack2, 'Flags', web, { secrets: { FLAGS: ecs.Secret.fromSsmParameter(parameter(stack2)) } });
      new SecretRotationRecycler(stack2, 'Recycler', { clusters: [web] });
      const t = Template.fromStack(stack2);
      const statement = Object.values(t.findResources('AWS::IAM::ManagedPolicy'))[0].Properties.PolicyDocument.Statement.find((x: any) => x.Sid === 'ReadSecretVersions');
      expect(JSON.stringify(statement.Resource)).toMatch(/:secretsmanager:us-east-1:111111111111:secret:[0-9a-f]{42}-watches-no-secret"/);
      const fn = Object.values(t.findResources('AWS::Lambda::Function', { Properties: { Environment: { Variables: { CLUSTERS: Match.anyValue() } } } }))[0];
      expect(fn.Properties.Environment.Variables.WATCHED_SECRETS).toBe('[]');
    });

    /** The recycler's Parameter Store statements, and the parameters its function is told. */
    const parameterReads = (t: Template) => {
      const statements = Object.values(t.findResources('AWS::IAM::ManagedPolicy'))[0].Properties.PolicyDocument.Statement
        .filter((x: any) => JSON.stringify(x.Action).includes('ssm:'));
      const fn = Object.values(t.findResources('AWS::Lambda::Function', { Properties: { Environment: { Variables: { CLUSTERS: Match.anyValue() } } } }))[0];
      return { statements, told: fn.Properties.Environment.Variables.WATCHED_PARAMETERS };
    };
    const parameterArn = (name: string) => ({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:ssm:us-east-1:111111111111:parameter${name}`]] });

    test('the function may read exactly the watched parameters with GetParameters, by the ARN aws-cdk-lib gives them, and is told those ARNs', () => {
      const { statements, told } = parameterReads(template);
      const arn = { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':ssm:us-east-1:111111111111:parameter', { Ref: expect.stringMatching(/^Param/) }]] };
      expect(statements).toEqual([{ Sid: 'ReadParameterDates', Effect: 'Allow', Action: 'ssm:GetParameters', Resource: [arn] }]);
      expect(told).toEqual({ 'Fn::Join': ['', ['["arn:', { Ref: 'AWS::Partition' }, ':ssm:us-east-1:111111111111:parameter', { Ref: expect.stringMatching(/^Param/) }, '"]']] });
    });

    test('parameters read by name (with and without a leading slash) and by ARN are allowed by their ARN; pinned ones (name:3, ARN:label) and another Region\'s are not measured', () => {
      const stack2 = testStack();
      const web = cluster(stack2);
      rawService(stack2, 'RawService', web, [
        '/app/x',
        'plain',
        'arn:aws:ssm:us-east-1:111111111111:parameter/by/arn',
        'pinned:3',
        'arn:aws:ssm:us-east-1:111111111111:parameter/labelled:prod',
        'arn:aws:ssm:eu-west-1:111111111111:parameter/elsewhere',
      ]);
      new SecretRotationRecycler(stack2, 'Recycler', { clusters: [web] });
      const { statements, told } = parameterReads(Template.fromStack(stack2));
      expect(statements).toEqual([{
        Sid: 'ReadParameterDates',
        Effect: 'Allow',
        Action: 'ssm:GetParameters',
        Resource: [parameterArn('/app/x'), parameterArn('/plain'), 'arn:aws:ssm:us-east-1:111111111111:parameter/by/arn'],
      }]);
      expect(JSON.parse(told)).toEqual(['/app/x', 'plain', 'arn:aws:ssm:us-east-1:111111111111:parameter/by/arn']);
    });

    test('parameters given are read by their ARN', () => {
      const { stack: stack2, web, flags } = setup();
      new SecretRotationRecycler(stack2, 'Recycler', { clusters: [web], parameters: [flags] });
      const { statements } = parameterReads(Template.fromStack(stack2));
      expect(statements).toHaveLength(1);
      expect(statements[0].Resource).toEqual([stack2.resolve(flags.parameterArn)]);
    });

    test('with no parameter watched, no statement names Parameter Store, and the function is told none', () => {
      const stack2 = testStack();
      const web = cluster(stack2);
      service(stack2, 'Api', web, { secrets: { DB: ecs.Secret.fromSecretsManager(secret(stack2)) } });
      new SecretRotationRecycler(stack2, 'Recycler', { clusters: [web] });
      expect(parameterReads(Template.fromStack(stack2))).toEqual({ statements: [], told: '[]' });
    });
  });

  describe('SecretRotationRecycler.ofStack', () => {
    test('returns one recycler per stack, a child of the stack, and watches every service registered', () => {
      const env = setup();
      const nested = new Construct(env.stack, 'Deep');
      const second = service(env.stack, 'SecondApi', cluster(env.stack, 'Second'), { secrets: { DB: ecs.Secret.fromSecretsManager(env.db) } });
      SecretRotationRecycler.ofStack(nested).addService(env.api);
      SecretRotationRecycler.ofStack(env.stack).addService(second);
      const recycler = SecretRotationRecycler.ofStack(env.api);
      expect(recycler.node.path).toBe('TestStack/SecretRotationRecycler');
      expect(recycler.clusters).toHaveLength(2);
      const template = Template.fromStack(env.stack);
      // One rule for the changes, one schedule for the staleness pass.
      template.resourceCountIs('AWS::Events::Rule', 2);
      expect(ecsStatements(template).filter((s) => s.Sid?.startsWith('RedeployServices'))).toHaveLength(2);
    });

    test('fails when the ID is taken by another construct', () => {
      const stack = testStack();
      new Construct(stack, 'SecretRotationRecycler');
      expect(() => SecretRotationRecycler.ofStack(stack)).toThrow(/'TestStack\/SecretRotationRecycler' is not a SecretRotationRecycler/);
    });
  });

  describe('checks', () => {
    test('fails when it watches no cluster', () => {
      const stack = testStack();
      new SecretRotationRecycler(stack, 'Recycler');
      expect(() => Template.fromStack(stack)).toThrow(
        "SecretRotationRecycler 'TestStack/Recycler' watches no cluster: pass clusters, or register services with addService(service).");
    });

    test('fails when the services in its clusters inject no secret', () => {
      const stack = testStack();
      const web = cluster(stack);
      service(stack, 'Plain', web);
      new SecretRotationRecycler(stack, 'Recycler', { clusters: [web] });
      expect(() => Template.fromStack(stack)).toThrow(/watches no secret or parameter: the task definitions of the 1 service\(s\) in its clusters inject none that can refresh\. /);
    });

    test('fails when the only references are pinned, and says so', () => {
      const stack = testStack();
      const web = cluster(stack);
      const db = secret(stack);
      service(stack, 'Pinned', web, { secrets: { DB: ecs.Secret.fromSecretsManagerVersion(db, { versionStage: 'AWSPREVIOUS' }, 'password') } });
      new SecretRotationRecycler(stack, 'Recycler', { clusters: [web] });
      expect(() => Template.fromStack(stack)).toThrow(/pinned to a version, which never refreshes: GuardedPatterns-EcsSecretVersionPinned/);
    });

    test('fails when a cluster is in another region', () => {
      const app = testApp();
      const far = new Stack(app, 'Far', { env: { account: '111111111111', region: 'eu-west-1' } });
      const farCluster = ecs.Cluster.fromClusterArn(far, 'Cluster', 'arn:aws:ecs:eu-west-1:111111111111:cluster/far');
      const stack = testStack(app);
      expect(() => new SecretRotationRecycler(stack, 'Recycler', { clusters: [farCluster] })).toThrow(
        /clusters: cluster 'Far\/Cluster' is in region eu-west-1, the recycler in us-east-1\. .*SecretRotationRecycler\.ofStack/);
    });

    test('several props are wrong: one error lists each', () => {
      const app = testApp();
      const far = new Stack(app, 'Far', { env: { account: '111111111111', region: 'eu-west-1' } });
      const farCluster = ecs.Cluster.fromClusterArn(far, 'Cluster', 'arn:aws:ecs:eu-west-1:111111111111:cluster/far');
      const stack = testStack(app);
      expect(() => new SecretRotationRecycler(stack, 'Recycler', { clusters: [farCluster], reservedConcurrentExecutions: 0, removalPolicy: RemovalPolicy.SNAPSHOT })).toThrow(new RegExp([
        '^3 props are wrong:',
        "- SecretRotationRecycler 'TestStack/Recycler': removalPolicy is SNAPSHOT",
        "- SecretRotationRecycler 'TestStack/Recycler': reservedConcurrentExecutions \\(0\\)",
        "- SecretRotationRecycler 'TestStack/Recycler': clusters: cluster 'Far/Cluster' is in region eu-west-1",
      ].join('.*\\n')));
    });

    test('warns about a pinned secret version in a watched task definition (GuardedPatterns-EcsSecretVersionPinned)', () => {
      const { stack, web, db } = setup();
      service(stack, 'Pinned', web, { secrets: { OLD: ecs.Secret.fromSecretsManagerVersion(db, { versionId: 'v-42' }) } });
      new SecretRotationRecycler(stack, 'Recycler', { clusters: [web] });
      Annotations.fromStack(stack).hasWarning('/TestStack/PinnedTask/Resource', Match.stringLikeRegexp(
        "Task definition 'TestStack/PinnedTask' injects a secret pinned to version ID v-42, which never refreshes.*GuardedPatterns-EcsSecretVersionPinned"));
    });

    test('warns about a CODE_DEPLOY service with secrets in a watched cluster (GuardedPatterns-EcsCodeDeployWithSecrets)', () => {
      const { stack, web, db } = setup();
      service(stack, 'BlueGreen', web, { secrets: { DB: ecs.Secret.fromSecretsManager(db) }, deploymentController: ecs.DeploymentControllerType.CODE_DEPLOY });
      new SecretRotationRecycler(stack, 'Recycler', { clusters: [web] });
      Annotations.fromStack(stack).hasWarning('/TestStack/BlueGreen/Service', Match.stringLikeRegexp(
        "Service 'TestStack/BlueGreen/Service' is deployed by CodeDeploy.*GuardedPatterns-EcsCodeDeployWithSecrets"));
    });

    test('warns about a given secret that no watched task definition reads (GuardedPatterns-RecyclerUnusedSecret), acknowledgeable', () => {
      const build = (acknowledge: boolean) => {
        const { stack, web, db } = setup();
        const stray = secret(stack, 'Stray');
        const recycler = new SecretRotationRecycler(stack, 'Recycler', { clusters: [web], secrets: [db, stray] });
        if (acknowledge) {
          Validations.of(recycler).acknowledge({ id: 'GuardedPatterns-RecyclerUnusedSecret', reason: 'Read by a service deployed later' });
        }
        return Annotations.fromStack(stack).findWarning('/TestStack/Recycler', Match.stringLikeRegexp('RecyclerUnusedSecret'));
      };
      const warnings = build(false);
      expect(warnings).toHaveLength(1);
      expect(JSON.stringify(warnings[0].entry.data)).toMatch(/secrets lists secret 'TestStack\/Stray', but no task definition of a service in the watched clusters reads it/);
      expect(build(true)).toEqual([]);
    });

    test('RecyclerUnusedSecret: for clusters in the app, the advice is to add the reader; for an imported cluster, whose services the app cannot see, to confirm and acknowledge', () => {
      const unusedWarnings = (stack: Stack) => Annotations.fromStack(stack).findWarning('/TestStack/Recycler', Match.stringLikeRegexp('RecyclerUnusedSecret'))
        .map((w) => String(w.entry.data).replace(/ \[ack: .*\]$/, ''));

      // GIVEN a cluster defined in the app, WHEN the recycler watches a secret no service of it reads
      const inApp = setup();
      const stray = secret(inApp.stack, 'Stray');
      new SecretRotationRecycler(inApp.stack, 'Recycler', { clusters: [inApp.web], secrets: [stray] });
      // THEN it says to add the service or cluster that reads it
      expect(unusedWarnings(inApp.stack)).toEqual([
        "SecretRotationRecycler 'TestStack/Recycler': secrets lists secret 'TestStack/Stray', but no task definition of a service in the watched clusters reads it, so its changes redeploy nothing. "
        + 'Remove it from secrets, or add the service that reads it (addService) or its cluster (clusters).',
      ]);

      // GIVEN an imported cluster, whose services are deployed elsewhere
      const stack = testStack();
      const shared = ecs.Cluster.fromClusterAttributes(stack, 'Shared', { clusterName: 'shared-prod', vpc: cluster(stack).vpc });
      const db = secret(stack);
      // WHEN the recycler watches it and a secret
      new SecretRotationRecycler(stack, 'Recycler', { clusters: [shared], secrets: [db] });
      // THEN it says it cannot see the readers, and to acknowledge once a reader is confirmed, not to add the cluster again
      expect(unusedWarnings(stack)).toEqual([
        "SecretRotationRecycler 'TestStack/Recycler': secrets lists secret 'TestStack/Db', but no task definition of a service defined in this app reads it. "
        + "The recycler also watches imported cluster 'TestStack/Shared' (shared-prod), whose services are not in this app, so it cannot see whether one of them reads it. "
        + 'Once you have confirmed that a service of that cluster reads it, acknowledge this finding; otherwise remove it from secrets.',
      ]);
    });

    test.each([
      [20, false, true],
      [14, false, false],
      [5, true, true],
      [2, true, false],
    ])('%s secrets, cloudTrailEvents %s: warns that the event pattern exceeds 2,048 characters: %s (GuardedPatterns-RecyclerEventPatternSize)', (count, cloudTrailEvents, warns) => {
      const stack = testStack();
      const web = cluster(stack);
      const secrets = Array.from({ length: count }, (_, i) => secret(stack, `Secret${i}`));
      const api = service(stack, 'Api', web, { secrets: Object.fromEntries(secrets.map((s, i) => [`S${i}`, ecs.Secret.fromSecretsManager(s)])) });
      new SecretRotationRecycler(stack, 'Recycler', { cloudTrailEvents }).addService(api);
      const warnings = Annotations.fromStack(stack).findWarning('/TestStack/Recycler', Match.stringLikeRegexp('GuardedPatterns-RecyclerEventPatternSize'));
      expect(warnings).toHaveLength(warns ? 1 : 0);
      if (warns) {
        expect(JSON.stringify(warnings[0].entry.data)).toMatch(new RegExp(`lists ${count} secret\\(s\\) and 0 parameter\\(s\\) and will be about \\d{4,} characters once deployed; EventBridge accepts 2048 by default`));
      }
    });

    test('an unwatched app is not inspected: another cluster\'s pinned task definition raises nothing', () => {
      const { stack, web, db } = setup();
      const other = cluster(stack, 'Other');
      service(stack, 'Pinned', other, { secrets: { OLD: ecs.Secret.fromSecretsManagerVersion(db, { versionStage: 'AWSPREVIOUS' }) } });
      new SecretRotationRecycler(stack, 'Recycler', { clusters: [web] });
      expect(Annotations.fromStack(stack).findWarning('*', Match.anyValue())).toEqual([]);
    });
  });
});
