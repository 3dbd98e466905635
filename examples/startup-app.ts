/**
 * The whole product in one app, as a startup would deploy it:
 * - a PrivateSubnetVpc for the product, and a second one (analytics, no NAT) peered with it;
 * - PrivateLinkConsumer endpoints in the product VPC that the analytics VPC resolves through
 *   forwarder instances, whose addresses the VPN pushes to its clients too;
 * - an OpenVpnAccessServer for the team;
 * - a SecureFargateService with a database password from Secrets Manager, redeployed by the
 *   stack's SecretRotationRecycler when the password rotates;
 * - a SecureS3Cdn serving images, with presigned uploads the service signs for.
 */
import {
  App, CfnOutput, Stack, Validations,
  aws_ec2 as ec2, aws_ecr as ecr, aws_ecs as ecs, aws_route53 as route53, aws_secretsmanager as secretsmanager,
} from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import {
  GuardedPatternsChecks, OpenVpnAccessServer, PrivateLinkConsumer, PrivateLinkDns, PrivateSubnetVpc, SecureFargateService, SecureS3Cdn,
} from '../src';

const app = new App();
// Run the library's checks and cdk-nag's AwsSolutions over everything in the app.
Validations.of(app).addPlugins(new GuardedPatternsChecks(app), new AwsSolutionsChecks(app));

const stack = new Stack(app, 'StartupApp', {
  // The availability zones of this account and region are in cdk.context.json: no lookup at synth.
  env: { account: process.env.CDK_DEFAULT_ACCOUNT ?? '111111111111', region: process.env.CDK_DEFAULT_REGION ?? 'us-east-1' },
});

// The network, and an analytics VPC that reaches AWS only through the product VPC's endpoints.
const network = new PrivateSubnetVpc(stack, 'Network');
const analytics = new PrivateSubnetVpc(stack, 'Analytics', { cidr: '10.1.0.0/16', natGateways: 0 });

const endpoints = new PrivateLinkConsumer(stack, 'Endpoints', {
  vpc: network.vpc,
  services: [ec2.InterfaceVpcEndpointAwsService.KINESIS_STREAMS, ec2.InterfaceVpcEndpointAwsService.STS],
  peerVpcs: [analytics.vpc],
  dns: PrivateLinkDns.forwarderInstances(),
});

// The team's VPN: clients resolve the endpoints through the same forwarders.
const vpn = new OpenVpnAccessServer(stack, 'Vpn', {
  vpc: network.vpc,
  dnsServers: endpoints.dnsServers,
});

// The product: a web service reading its database password from Secrets Manager.
const zone = route53.PublicHostedZone.fromHostedZoneAttributes(stack, 'Zone', { hostedZoneId: 'Z0123456789EXAMPLE', zoneName: 'example.com' });
const dbPassword = new secretsmanager.Secret(stack, 'DbPassword', {
  generateSecretString: { secretStringTemplate: '{"username":"app"}', generateStringKey: 'password', excludePunctuation: true },
});
const web = new SecureFargateService(stack, 'Web', {
  vpc: network.vpc,
  image: ecs.ContainerImage.fromEcrRepository(ecr.Repository.fromRepositoryName(stack, 'Repository', 'web'), 'v1'),
  domainName: 'app.example.com',
  hostedZone: zone,
  healthCheckPath: '/health',
  // recycleOnSecretChange defaults to true: the stack's recycler redeploys Web when the password rotates.
  secrets: { DB_PASSWORD: ecs.Secret.fromSecretsManager(dbPassword, 'password') },
});

// Images, served through CloudFront; the web service signs uploads for its users.
const images = new SecureS3Cdn(stack, 'Images', {
  uploads: { keyPrefix: 'uploads/', allowedContentTypes: ['image/jpeg', 'image/png'] },
});
images.grantSignUpload(web.taskRole);

// The choices cdk-nag's AwsSolutions pack asks about, decided for this app.
Validations.of(dbPassword).acknowledge({
  id: 'AwsSolutions-SMG4',
  reason: 'Rotation is set up with the database, which this app leaves out; the recycler reacts to it.',
});
Validations.of(images.distribution).acknowledge(
  { id: 'AwsSolutions-CFR1', reason: 'Public images for every country; no licence restricts where they may be served.' },
  { id: 'AwsSolutions-CFR2', reason: 'Images behind origin access control; a web ACL is added when the threat model needs one.' },
);
for (const group of [vpn.autoScalingGroup, ...endpoints.forwarderGroups]) {
  Validations.of(group).acknowledge({
    id: 'AwsSolutions-AS3',
    reason: 'Replacements of single-instance groups are followed in CloudFormation and EC2 here, without notifications.',
  });
}

new CfnOutput(stack, 'WebUrl', { value: web.url });
new CfnOutput(stack, 'ImagesDomain', { value: images.domainName });
new CfnOutput(stack, 'VpnAddress', { value: vpn.endpointAddress });
