/**
 * The startup app's stack: every pattern, wired together. See ../startup-app.ts.
 */
import {
  CfnOutput, Duration, Stack, StackProps, Validations,
  aws_cloudwatch_actions as cloudwatch_actions, aws_ec2 as ec2, aws_ecr as ecr, aws_ecs as ecs, aws_kms as kms, aws_rds as rds,
  aws_route53 as route53, aws_sns as sns,
} from 'aws-cdk-lib';
import { Construct } from 'constructs';
import {
  OpenVpnAccessServer, PrivateLinkConsumer, PrivateLinkDns, PrivateSubnetVpc, SecureFargateService, SecureS3Cdn,
} from '../../src';

/**
 * The product's database: Aurora PostgreSQL Serverless v2 in the VPC's private subnets, encrypted,
 * whose master password RDS keeps in a Secrets Manager secret of its own and rotates every 7 days
 * (`manageMasterUserPassword`). Plain aws-cdk-lib: the benchmark's baseline (bench/startup-l2.ts)
 * builds the same one.
 */
export function startupDatabase(scope: Construct, vpc: ec2.IVpc): rds.DatabaseCluster {
  return new rds.DatabaseCluster(scope, 'Database', {
    engine: rds.DatabaseClusterEngine.auroraPostgres({ version: rds.AuroraPostgresEngineVersion.VER_17_5 }),
    credentials: rds.Credentials.fromUsername('app'),
    manageMasterUserPassword: true,
    writer: rds.ClusterInstance.serverlessV2('Writer'),
    serverlessV2MinCapacity: 0.5,
    serverlessV2MaxCapacity: 4,
    vpc,
    vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
    defaultDatabaseName: 'app',
    storageEncrypted: true,
    deletionProtection: true,
    iamAuthentication: true,
    backup: { retention: Duration.days(7) },
    cloudwatchLogsExports: ['postgresql'],
    autoMinorVersionUpgrade: true,
    parameters: { 'rds.force_ssl': '1' },
  });
}

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

    // The product's database, whose master password RDS rotates.
    const database = startupDatabase(this, network.vpc);
    const dbSecret = database.secret!;

    // The product: a web service reading the database's credentials from that secret.
    const zone = route53.PublicHostedZone.fromHostedZoneAttributes(this, 'Zone', { hostedZoneId: 'Z0123456789EXAMPLE', zoneName: 'example.com' });
    const web = new SecureFargateService(this, 'Web', {
      vpc: network.vpc,
      image: ecs.ContainerImage.fromEcrRepository(ecr.Repository.fromRepositoryName(this, 'Repository', 'web'), 'v1'),
      domainName: 'app.example.com',
      hostedZone: zone,
      healthCheckPath: '/health',
      environment: {
        DB_HOST: database.clusterEndpoint.hostname,
        DB_PORT: database.clusterEndpoint.port.toString(),
        DB_NAME: 'app',
      },
      // recycleOnSecretChange defaults to true: the stack's recycler redeploys Web when RDS rotates the password.
      secrets: {
        DB_USER: ecs.Secret.fromSecretsManager(dbSecret, 'username'),
        DB_PASSWORD: ecs.Secret.fromSecretsManager(dbSecret, 'password'),
      },
    });
    // Only the web service's tasks reach the database.
    database.connections.allowDefaultPortFrom(web);
    // A password change whose services could not all be redeployed pages the on-call team.
    const onCall = new sns.Topic(this, 'OnCall', { enforceSSL: true, masterKey: kms.Alias.fromAliasName(this, 'SnsKey', 'alias/aws/sns') });
    web.recycler?.addAlarmAction(new cloudwatch_actions.SnsAction(onCall));

    // Images, served through CloudFront; the web service signs uploads for its users.
    const images = new SecureS3Cdn(this, 'Images', {
      uploads: { keyPrefix: 'uploads/', allowedContentTypes: ['image/jpeg', 'image/png'] },
    });
    images.grantSignUpload(web.taskRole);

    // The choices cdk-nag's AwsSolutions pack asks about, decided for this app.
    Validations.of(web.taskDefinition).acknowledge({
      id: 'AwsSolutions-ECS2',
      reason: 'DB_HOST, DB_PORT and DB_NAME say where the database is, not how to log in to it; the credentials come from its secret.',
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
