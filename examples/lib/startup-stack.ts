/**
 * The startup app's stack: every pattern, wired together. See ../startup-app.ts.
 */
import {
  CfnOutput, Stack, StackProps, Validations,
  aws_cloudwatch_actions as cloudwatch_actions, aws_ec2 as ec2, aws_ecr as ecr, aws_ecs as ecs, aws_kms as kms, aws_route53 as route53,
  aws_secretsmanager as secretsmanager, aws_sns as sns,
} from 'aws-cdk-lib';
import { Construct } from 'constructs';
import {
  OpenVpnAccessServer, PrivateLinkConsumer, PrivateLinkDns, PrivateSubnetVpc, SecureFargateService, SecureS3Cdn,
} from '../../src';

export class StartupStack extends Stack {
  constructor(scope: Construct, id: string, props: StackProps = {}) {
    super(scope, id, props);

    // The network, and an analytics VPC that reaches AWS only through the product VPC's endpoints.
    const network = new PrivateSubnetVpc(this, 'Network');
    const analytics = new PrivateSubnetVpc(this, 'Analytics', { cidr: '10.1.0.0/16', natGateways: 0 });

    const endpoints = new PrivateLinkConsumer(this, 'Endpoints', {
      vpc: network.vpc,
      services: [ec2.InterfaceVpcEndpointAwsService.KINESIS_STREAMS, ec2.InterfaceVpcEndpointAwsService.STS],
      peerVpcs: [analytics.vpc],
      dns: PrivateLinkDns.forwarderInstances(),
    });

    // The team's VPN: clients resolve the endpoints through the same forwarders.
    const vpn = new OpenVpnAccessServer(this, 'Vpn', {
      vpc: network.vpc,
      dnsServers: endpoints.dnsServers,
    });

    // The product: a web service reading its database password from Secrets Manager.
    const zone = route53.PublicHostedZone.fromHostedZoneAttributes(this, 'Zone', { hostedZoneId: 'Z0123456789EXAMPLE', zoneName: 'example.com' });
    const dbPassword = new secretsmanager.Secret(this, 'DbPassword', {
      generateSecretString: { secretStringTemplate: '{"username":"app"}', generateStringKey: 'password', excludePunctuation: true },
    });
    const web = new SecureFargateService(this, 'Web', {
      vpc: network.vpc,
      image: ecs.ContainerImage.fromEcrRepository(ecr.Repository.fromRepositoryName(this, 'Repository', 'web'), 'v1'),
      domainName: 'app.example.com',
      hostedZone: zone,
      healthCheckPath: '/health',
      // recycleOnSecretChange defaults to true: the stack's recycler redeploys Web when the password rotates.
      secrets: { DB_PASSWORD: ecs.Secret.fromSecretsManager(dbPassword, 'password') },
    });
    // A password change whose services could not all be redeployed pages the on-call team.
    const onCall = new sns.Topic(this, 'OnCall', { enforceSSL: true, masterKey: kms.Alias.fromAliasName(this, 'SnsKey', 'alias/aws/sns') });
    web.recycler?.addAlarmAction(new cloudwatch_actions.SnsAction(onCall));

    // Images, served through CloudFront; the web service signs uploads for its users.
    const images = new SecureS3Cdn(this, 'Images', {
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

    new CfnOutput(this, 'WebUrl', { value: web.url });
    new CfnOutput(this, 'ImagesDomain', { value: images.domainName });
    new CfnOutput(this, 'VpnAddress', { value: vpn.endpointAddress });
  }
}
