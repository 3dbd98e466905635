import {
  RemovalPolicy, Stack, aws_certificatemanager as acm, aws_ec2 as ec2, aws_ecs as ecs, aws_s3 as s3, aws_secretsmanager as secretsmanager,
} from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import {
  OpenVpnAccessServer, OpenVpnEdition, PrivateLinkConsumer, PrivateLinkDns, PrivateSubnetVpc,
  SecretRotationRecycler, SecureFargateService, SecureS3Cdn,
} from '../src';
import { acknowledgements, testStack } from './util';

/**
 * What would survive `cdk destroy` in a template, as `Type at logical ID (why)` lines: resources
 * that CloudFormation keeps (DeletionPolicy or UpdateReplacePolicy Retain) and load balancers
 * that refuse to be deleted.
 */
function kept(template: Template): string[] {
  type Resource = { Type: string; Properties?: any; DeletionPolicy?: string; UpdateReplacePolicy?: string };
  const resources = template.toJSON().Resources as Record<string, Resource>;
  return Object.entries(resources).flatMap(([id, r]) => {
    const why: string[] = [];
    if (r.DeletionPolicy?.startsWith('Retain')) {
      why.push(`DeletionPolicy ${r.DeletionPolicy}`);
    }
    if (r.UpdateReplacePolicy === 'Retain') {
      why.push('UpdateReplacePolicy Retain');
    }
    const attributes: Array<{ Key: string; Value: string }> = r.Properties?.LoadBalancerAttributes ?? [];
    if (attributes.some((a) => a.Key === 'deletion_protection.enabled' && a.Value === 'true')) {
      why.push('deletion protection');
    }
    return why.length > 0 ? [`${r.Type} at ${id} (${why.join(', ')})`] : [];
  }).sort();
}

const IMAGE = ecs.ContainerImage.fromRegistry('public.ecr.aws/nginx/nginx:stable');
const CERTIFICATE_ARN = 'arn:aws:acm:us-east-1:111111111111:certificate/11111111-2222-3333-4444-555555555555';

/** A VPC from aws-cdk-lib, so that only the pattern under test decides what is kept. */
function plainVpc(stack: Stack): ec2.Vpc {
  return new ec2.Vpc(stack, 'Vpc', { restrictDefaultSecurityGroup: false });
}

/** A Fargate service that injects a secret, so that it registers with the stack's recycler. */
function fargate(stack: Stack, id: string, removalPolicy?: RemovalPolicy, vpc: ec2.IVpc = plainVpc(stack)): SecureFargateService {
  return new SecureFargateService(stack, id, {
    vpc,
    image: IMAGE,
    certificate: acm.Certificate.fromCertificateArn(stack, `${id}Certificate`, CERTIFICATE_ARN),
    secrets: { PASSWORD: ecs.Secret.fromSecretsManager(new secretsmanager.Secret(stack, `${id}Password`)) },
    removalPolicy,
  });
}

/** Each pattern that keeps something by default, built with a given removalPolicy. */
const PATTERNS: Array<[string, (stack: Stack, removalPolicy?: RemovalPolicy) => void, string[]]> = [
  ['PrivateSubnetVpc', (stack, removalPolicy) => new PrivateSubnetVpc(stack, 'Network', { removalPolicy }), [
    'AWS::Logs::LogGroup at NetworkFlowLogGroup4F8CEEEF (DeletionPolicy Retain, UpdateReplacePolicy Retain)',
  ]],
  ['SecureFargateService', (stack, removalPolicy) => fargate(stack, 'Web', removalPolicy), [
    'AWS::ElasticLoadBalancingV2::LoadBalancer at WebLoadBalancer8E8983B1 (deletion protection)',
    'AWS::Logs::LogGroup at SecretRotationRecyclerLogGroup0D11D0F4 (DeletionPolicy Retain, UpdateReplacePolicy Retain)',
    'AWS::Logs::LogGroup at WebLogGroup1664F270 (DeletionPolicy Retain, UpdateReplacePolicy Retain)',
    'AWS::S3::Bucket at WebAccessLogBucketFF53D2BA (DeletionPolicy Retain, UpdateReplacePolicy Retain)',
  ]],
  ['SecureS3Cdn', (stack, removalPolicy) => new SecureS3Cdn(stack, 'Cdn', { uploads: {}, removalPolicy }), [
    'AWS::Logs::LogGroup at CdnUploadSignerLogGroupFE580C08 (DeletionPolicy Retain, UpdateReplacePolicy Retain)',
    'AWS::S3::Bucket at CdnBucket0DC12795 (DeletionPolicy Retain, UpdateReplacePolicy Retain)',
    'AWS::S3::Bucket at CdnLogBucket75337C09 (DeletionPolicy Retain, UpdateReplacePolicy Retain)',
  ]],
  ['SecretRotationRecycler', (stack, removalPolicy) => {
    const cluster = new ecs.Cluster(stack, 'Cluster', { vpc: plainVpc(stack) });
    const task = new ecs.FargateTaskDefinition(stack, 'Task');
    task.addContainer('App', { image: IMAGE, secrets: { PASSWORD: ecs.Secret.fromSecretsManager(new secretsmanager.Secret(stack, 'Password')) } });
    const recycler = new SecretRotationRecycler(stack, 'Recycler', { removalPolicy });
    recycler.addService(new ecs.FargateService(stack, 'Service', { cluster, taskDefinition: task }));
  }, [
    'AWS::Logs::LogGroup at RecyclerLogGroupBBB7E3F7 (DeletionPolicy Retain, UpdateReplacePolicy Retain)',
  ]],
  ['OpenVpnAccessServer', (stack, removalPolicy) => new OpenVpnAccessServer(stack, 'Vpn', { vpc: plainVpc(stack), removalPolicy }), [
    'AWS::KMS::Key at VpnKey98BB9EAA (DeletionPolicy Retain, UpdateReplacePolicy Retain)',
    'AWS::SecretsManager::Secret at VpnPki1E49176E (DeletionPolicy Retain, UpdateReplacePolicy Retain)',
  ]],
  ['OpenVpnAccessServer, Access Server edition', (stack, removalPolicy) => new OpenVpnAccessServer(stack, 'Vpn', {
    vpc: plainVpc(stack),
    edition: OpenVpnEdition.ACCESS_SERVER,
    machineImage: ec2.MachineImage.genericLinux({ 'us-east-1': 'ami-0123456789abcdef0' }),
    removalPolicy,
  }), [
    'AWS::KMS::Key at VpnKey98BB9EAA (DeletionPolicy Retain, UpdateReplacePolicy Retain)',
    'AWS::SecretsManager::Secret at VpnPki1E49176E (DeletionPolicy Retain, UpdateReplacePolicy Retain)',
  ]],
];

function build(make: (stack: Stack, removalPolicy?: RemovalPolicy) => void, removalPolicy?: RemovalPolicy): Template {
  const stack = testStack();
  make(stack, removalPolicy);
  return Template.fromStack(stack);
}

describe('removalPolicy', () => {
  describe.each(PATTERNS)('%s', (_name, make, keptByDefault) => {
    test('by default, keeps its logs, buckets, keys and secrets, and protects its load balancer', () => {
      expect(kept(build(make))).toEqual(keptByDefault);
    });

    test('RETAIN keeps the same', () => {
      expect(kept(build(make, RemovalPolicy.RETAIN))).toEqual(keptByDefault);
    });

    test('DESTROY: nothing is kept, and no load balancer refuses deletion', () => {
      expect(kept(build(make, RemovalPolicy.DESTROY))).toEqual([]);
    });

    test('fails when SNAPSHOT, which none of what it keeps supports', () => {
      expect(() => build(make, RemovalPolicy.SNAPSHOT)).toThrow(/removalPolicy is SNAPSHOT, which none of what the pattern keeps .* supports; use RemovalPolicy.RETAIN .* or RemovalPolicy.DESTROY/);
    });
  });

  test.each([
    ['hosted zones', PrivateLinkDns.hostedZones()],
    ['Resolver endpoints', PrivateLinkDns.resolverEndpoints()],
    ['forwarder instances', PrivateLinkDns.forwarderInstances()],
  ])('PrivateLinkConsumer with %s keeps nothing: it has no removalPolicy', (_name, dns) => {
    const template = build((stack) => new PrivateLinkConsumer(stack, 'Endpoints', {
      vpc: plainVpc(stack),
      services: [ec2.InterfaceVpcEndpointAwsService.STS],
      dns,
    }));
    expect(kept(template)).toEqual([]);
  });

  describe('DESTROY empties the buckets first, after what writes to them', () => {
    test('SecureS3Cdn: both buckets; the log bucket once the distribution and the log delivery are deleted', () => {
      const template = build((stack) => new SecureS3Cdn(stack, 'Cdn', { removalPolicy: RemovalPolicy.DESTROY }));
      template.resourceCountIs('Custom::S3AutoDeleteObjects', 2);
      const emptying = (bucket: string) => Object.keys(template.findResources('Custom::S3AutoDeleteObjects', {
        Properties: { BucketName: { Ref: bucket } },
      }))[0];
      const logs = emptying('CdnLogBucket75337C09');
      template.hasResource('AWS::CloudFront::Distribution', { DependsOn: Match.arrayWith([logs]) });
      template.hasResource('AWS::Logs::Delivery', { DependsOn: Match.arrayWith([logs]) });
      expect(emptying('CdnBucket0DC12795')).toBeDefined();
    });

    test('SecureFargateService: the access log bucket, once the load balancer is deleted', () => {
      const template = build((stack) => fargate(stack, 'Web', RemovalPolicy.DESTROY));
      template.resourceCountIs('Custom::S3AutoDeleteObjects', 1);
      const emptying = Object.keys(template.findResources('Custom::S3AutoDeleteObjects'))[0];
      template.hasResource('AWS::ElasticLoadBalancingV2::LoadBalancer', {
        DependsOn: Match.arrayWith([emptying]),
        Properties: { LoadBalancerAttributes: Match.arrayWith([{ Key: 'deletion_protection.enabled', Value: 'false' }]) },
      });
    });

    test('a bucket the user brings is left as it is', () => {
      const template = build((stack) => new SecureS3Cdn(stack, 'Cdn', {
        removalPolicy: RemovalPolicy.DESTROY,
        logBucket: new s3.Bucket(stack, 'Logs', { enforceSSL: true }),
      }));
      template.resourceCountIs('Custom::S3AutoDeleteObjects', 1);
      expect(template.toJSON().Resources.Logs6819BB44).toMatchObject({ DeletionPolicy: 'Retain' });
    });
  });

  test('OpenVpnAccessServer DESTROY: the key waits 7 days in pending deletion, the shortest window KMS allows', () => {
    const template = build((stack) => new OpenVpnAccessServer(stack, 'Vpn', { vpc: plainVpc(stack), removalPolicy: RemovalPolicy.DESTROY }));
    template.hasResource('AWS::KMS::Key', { Properties: { PendingWindowInDays: 7 }, DeletionPolicy: 'Delete' });
  });

  test('SecureFargateService: deletionProtection overrides what DESTROY turns off', () => {
    const template = build((stack) => new SecureFargateService(stack, 'Web', {
      vpc: plainVpc(stack),
      image: IMAGE,
      certificate: acm.Certificate.fromCertificateArn(stack, 'Certificate', CERTIFICATE_ARN),
      removalPolicy: RemovalPolicy.DESTROY,
      deletionProtection: true,
    }));
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
      LoadBalancerAttributes: Match.arrayWith([{ Key: 'deletion_protection.enabled', Value: 'true' }]),
    });
  });

  test.each<[string, boolean | undefined, string[]]>([
    ['DESTROY alone', undefined, ['HIPAA.Security-ELBDeletionProtectionEnabled', 'NIST.800.53.R5-ELBDeletionProtectionEnabled']],
    ['DESTROY with deletionProtection: false, the user\'s own choice', false, []],
  ])('SecureFargateService: %s acknowledges the compliance packs\' deletion protection rules with its reason', (_name, deletionProtection, expected) => {
    const stack = testStack();
    new SecureFargateService(stack, 'Web', {
      vpc: plainVpc(stack),
      image: IMAGE,
      certificate: acm.Certificate.fromCertificateArn(stack, 'Certificate', CERTIFICATE_ARN),
      removalPolicy: RemovalPolicy.DESTROY,
      deletionProtection,
    });
    const acks = acknowledgements(stack).filter((a) => a.id.endsWith('-ELBDeletionProtectionEnabled'));
    expect(acks.map((a) => a.id).sort()).toEqual(expected);
    for (const ack of acks) {
      expect(ack.reason).toContain('removalPolicy is DESTROY');
    }
  });

  describe('the stack\'s recycler follows the services that register with it', () => {
    const recyclerLogs = (template: Template) => Object.entries(template.findResources('AWS::Logs::LogGroup'))
      .filter(([id]) => id.startsWith('SecretRotationRecycler'))
      .map(([, r]) => r.DeletionPolicy);

    test('when they all say DESTROY, its log group goes too', () => {
      const template = build((stack) => {
        const vpc = plainVpc(stack);
        fargate(stack, 'Web', RemovalPolicy.DESTROY, vpc);
        fargate(stack, 'Api', RemovalPolicy.DESTROY, vpc);
      });
      expect(recyclerLogs(template)).toEqual(['Delete']);
    });

    test.each([
      ['RETAIN first', [RemovalPolicy.RETAIN, RemovalPolicy.DESTROY]],
      ['DESTROY first', [RemovalPolicy.DESTROY, RemovalPolicy.RETAIN]],
      ['one left to its default', [undefined, RemovalPolicy.DESTROY]],
    ])('when they differ (%s), its log group is kept', (_name, policies) => {
      const template = build((stack) => {
        const vpc = plainVpc(stack);
        policies.forEach((policy, i) => fargate(stack, `Web${i}`, policy, vpc));
      });
      expect(recyclerLogs(template)).toEqual(['Retain']);
    });

    test('a removalPolicy given to the recycler wins', () => {
      const template = build((stack) => {
        new SecretRotationRecycler(stack, 'SecretRotationRecycler', { removalPolicy: RemovalPolicy.RETAIN });
        fargate(stack, 'Web', RemovalPolicy.DESTROY);
      });
      expect(recyclerLogs(template)).toEqual(['Retain']);
    });
  });
});
