import {
  App, Duration, Stack,
  aws_certificatemanager as acm, aws_ec2 as ec2, aws_ecr as ecr, aws_ecs as ecs, aws_kms as kms, aws_route53 as route53,
  aws_secretsmanager as secretsmanager, aws_ssm as ssm,
} from 'aws-cdk-lib';
import { patternsOf } from './examples';
import {
  CdnOriginAccess, FargateRollout, OpenVpnAccessServer, OpenVpnEdition, OpenVpnRoutingMode, PrivateLinkConsumer, PrivateLinkDns,
  PrivateSubnetVpc, SecretRotationRecycler, SecureFargateService, SecureS3Cdn,
} from '../../src';
import { TEST_ENV, testApp } from '../util';

/** A stack template of one pattern variant. */
export interface VariantTemplate {
  readonly variant: string;
  readonly templatePath: string;
  /** The construct path of every pattern in the stack, mapped to the pattern's class name. */
  readonly patterns: Record<string, string>;
}

/** The Marketplace image an Access Server user subscribes to (an image ID in the test region). */
const ACCESS_SERVER_IMAGE = ec2.MachineImage.genericLinux({ [TEST_ENV.region]: 'ami-0123456789abcdef0' });

const CERTIFICATE_ARN = 'arn:aws:acm:us-east-1:111111111111:certificate/11111111-2222-3333-4444-555555555555';

/** Each variant builds into its own stack: the defaults of a pattern and each of its major options. */
const VARIANTS: Record<string, (stack: Stack) => void> = {
  'vpc-defaults': (stack) => new PrivateSubnetVpc(stack, 'Network'),
  'vpc-nat-instances': (stack) => new PrivateSubnetVpc(stack, 'Network', {
    natGatewayProvider: ec2.NatProvider.instanceV2({
      instanceType: ec2.InstanceType.of(ec2.InstanceClass.T4G, ec2.InstanceSize.NANO),
      associatePublicIpAddress: true,
    }),
  }),
  'vpc-regional-nat': (stack) => new PrivateSubnetVpc(stack, 'Network', { natGatewayProvider: ec2.NatProvider.regionalGateway() }),
  'vpc-no-nat': (stack) => new PrivateSubnetVpc(stack, 'Network', { natGateways: 0, flowLogEncryptionKey: new kms.Key(stack, 'FlowLogKey', { enableKeyRotation: true }) }),

  'openvpn-community-nat': (stack) => new OpenVpnAccessServer(stack, 'Vpn', { vpc: network(stack) }),
  'openvpn-community-routed': (stack) => new OpenVpnAccessServer(stack, 'Vpn', { vpc: network(stack), routingMode: OpenVpnRoutingMode.ROUTED }),
  'openvpn-access-server-nat': (stack) => new OpenVpnAccessServer(stack, 'Vpn', { vpc: network(stack), edition: OpenVpnEdition.ACCESS_SERVER, machineImage: ACCESS_SERVER_IMAGE }),
  'openvpn-access-server-routed': (stack) => new OpenVpnAccessServer(stack, 'Vpn', {
    vpc: network(stack), edition: OpenVpnEdition.ACCESS_SERVER, machineImage: ACCESS_SERVER_IMAGE, routingMode: OpenVpnRoutingMode.ROUTED,
  }),

  'privatelink-hosted-zones': (stack) => privateLink(stack, PrivateLinkDns.hostedZones()),
  'privatelink-resolver-endpoints': (stack) => privateLink(stack, PrivateLinkDns.resolverEndpoints()),
  'privatelink-forwarder-instances': (stack) => privateLink(stack, PrivateLinkDns.forwarderInstances()),
  'privatelink-route53-profile-hub': (stack) => privateLinkHub(stack, PrivateLinkDns.route53Profile()),

  'cdn-defaults': (stack) => new SecureS3Cdn(stack, 'Cdn'),
  'cdn-domain-uploads-key': (stack) => {
    const zone = new route53.PublicHostedZone(stack, 'Zone', { zoneName: 'example.com' });
    const certificate = new acm.Certificate(stack, 'Certificate', { domainName: 'cdn.example.com', validation: acm.CertificateValidation.fromDns(zone) });
    new SecureS3Cdn(stack, 'Cdn', {
      domainNames: ['cdn.example.com'],
      certificate,
      hostedZone: zone,
      encryptionKey: new kms.Key(stack, 'BucketKey', { enableKeyRotation: true }),
      uploads: { keyPrefix: 'uploads/', allowedContentTypes: ['image/png'] },
    });
  },
  'cdn-origin-access-identity': (stack) => new SecureS3Cdn(stack, 'Cdn', { originAccess: CdnOriginAccess.IDENTITY }),

  'fargate-cloudfront': (stack) => new SecureFargateService(stack, 'Web', { vpc: network(stack), image: image(stack) }),
  'fargate-certificate': (stack) => new SecureFargateService(stack, 'Web', {
    vpc: network(stack),
    image: image(stack),
    certificate: acm.Certificate.fromCertificateArn(stack, 'Certificate', CERTIFICATE_ARN),
  }),
  'fargate-canary': (stack) => new SecureFargateService(stack, 'Web', {
    vpc: network(stack),
    image: image(stack),
    certificate: acm.Certificate.fromCertificateArn(stack, 'Certificate', CERTIFICATE_ARN),
    rollout: FargateRollout.canary(),
  }),
  'fargate-linear': (stack) => new SecureFargateService(stack, 'Web', {
    vpc: network(stack),
    image: image(stack),
    certificate: acm.Certificate.fromCertificateArn(stack, 'Certificate', CERTIFICATE_ARN),
    rollout: FargateRollout.linear({ stepPercent: 25, stepBakeTime: Duration.minutes(2) }),
  }),
  'fargate-plain-http-secrets': (stack) => new SecureFargateService(stack, 'Web', {
    vpc: network(stack),
    image: image(stack),
    allowedCidrs: ['10.0.0.0/8'],
    secrets: { DB_PASSWORD: ecs.Secret.fromSecretsManager(new secretsmanager.Secret(stack, 'DbPassword'), 'password') },
  }),

  'recycler-cloudtrail-parameters': (stack) => new SecretRotationRecycler(stack, 'Recycler', {
    clusters: [new ecs.Cluster(stack, 'Cluster', { vpc: network(stack), containerInsightsV2: ecs.ContainerInsights.ENABLED })],
    secrets: [new secretsmanager.Secret(stack, 'DbPassword')],
    parameters: [new ssm.StringParameter(stack, 'Flags', { stringValue: '{}' })],
    cloudTrailEvents: true,
  }),
};

function network(stack: Stack): ec2.IVpc {
  return new PrivateSubnetVpc(stack, 'Network').vpc;
}

function image(stack: Stack): ecs.ContainerImage {
  return ecs.ContainerImage.fromEcrRepository(ecr.Repository.fromRepositoryName(stack, 'Repository', 'web'), 'v1');
}

function privateLink(stack: Stack, dns: PrivateLinkDns): void {
  const peer = new PrivateSubnetVpc(stack, 'Peer', { cidr: '10.1.0.0/16', natGateways: 0 });
  new PrivateLinkConsumer(stack, 'Endpoints', {
    vpc: network(stack),
    services: [ec2.InterfaceVpcEndpointAwsService.KINESIS_STREAMS, ec2.InterfaceVpcEndpointAwsService.STS],
    peerVpcs: [peer.vpc],
    dns,
  });
}

/** A hub with three spokes through a Transit Gateway. */
function privateLinkHub(stack: Stack, dns: PrivateLinkDns): void {
  new PrivateLinkConsumer(stack, 'Endpoints', {
    vpc: network(stack),
    services: [ec2.InterfaceVpcEndpointAwsService.KINESIS_STREAMS, ec2.InterfaceVpcEndpointAwsService.STS],
    spokes: ['10.1.0.0/16', '10.2.0.0/16', '10.3.0.0/16'].map((cidr, i) => new PrivateSubnetVpc(stack, `Spoke${i + 1}`, { cidr, natGateways: 0 }).vpc),
    dns,
  });
}

/** The names of the variants, in a stable order. */
export function variantNames(): string[] {
  return Object.keys(VARIANTS);
}

/** Builds every variant into its own stack of `app`, in the order of `variantNames`. */
export function buildVariants(app: App): Array<{ variant: string; stack: Stack }> {
  return Object.entries(VARIANTS).map(([variant, build]) => {
    const stack = new Stack(app, variant.replace(/(^|-)([a-z])/g, (_m, _d, c: string) => c.toUpperCase()), { env: TEST_ENV });
    build(stack);
    return { variant, stack };
  });
}

/**
 * Synthesizes every variant, each into its own stack of one app with strict CloudFormation
 * validation, and returns where each template went.
 */
export function synthesizeVariants(): VariantTemplate[] {
  // As the CDK CLI does: each resource's construct path goes into its aws:cdk:path metadata.
  const app: App = testApp({ context: { 'aws:cdk:enable-path-metadata': true } });
  const stacks = buildVariants(app).map(({ variant, stack }) => ({ variant, stackName: stack.stackName, patterns: patternsOf(stack) }));
  const assembly = app.synth();
  return stacks.map(({ variant, stackName, patterns }) => ({ variant, patterns, templatePath: assembly.getStackByName(stackName).templateFullPath }));
}
