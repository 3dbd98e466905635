/**
 * What each pattern's defaults cost a month in us-east-1, read from the templates the patterns
 * synthesize: the README's cost table is rendered from this, and a test keeps it current.
 * Only what is billed by the hour or the month is counted; traffic, requests and storage by use
 * are left to the per-pattern sections.
 */
import { App, Stack, aws_certificatemanager as acm, aws_ec2 as ec2, aws_ecs as ecs, aws_secretsmanager as secretsmanager } from 'aws-cdk-lib';
import {
  OpenVpnAccessServer, PrivateLinkConsumer, PrivateSubnetVpc, SecretRotationRecycler, SecureFargateService, SecureS3Cdn,
} from '../src';
import {
  ALARM_MONTHLY_USD, ALB_HOURLY_USD, DETAILED_MONITORING_MONTHLY_USD, FARGATE_GB_HOURLY_USD, FARGATE_VCPU_HOURLY_USD, GP3_GB_MONTHLY_USD,
  HOSTED_ZONE_MONTHLY_USD, HOURS_PER_MONTH, INSTANCE_HOURLY_USD, INTERFACE_ENDPOINT_HOURLY_USD, KMS_KEY_MONTHLY_USD, NAT_GATEWAY_HOURLY_USD,
  PRICES_AS_OF, PROFILE_HOURLY_USD, PUBLIC_IPV4_HOURLY_USD, RESOLVER_ENDPOINT_ENI_HOURLY_USD, SECRET_MONTHLY_USD, profileHourlyUsd,
} from '../src/private/pricing';

/** One billed item: what, how many, and dollars a month for all of them. */
export interface CostLine {
  readonly item: string;
  readonly count: number;
  readonly monthlyUsd: number;
}

type Resources = Record<string, { Type: string; Properties?: any; Metadata?: any }>;

const hourly = (usd: number) => usd * HOURS_PER_MONTH;

function refOf(value: any): string | undefined {
  return value?.Ref ?? value?.['Fn::GetAtt']?.[0];
}

/** The billed items of the resources under `prefix` (a construct path) in a template. */
export function costLines(template: { Resources: Resources }, prefix: string): CostLine[] {
  const all = template.Resources;
  const lines = new Map<string, { count: number; monthlyUsd: number }>();
  const add = (item: string, count: number, monthlyUsd: number) => {
    const line = lines.get(item) ?? { count: 0, monthlyUsd: 0 };
    lines.set(item, { count: line.count + count, monthlyUsd: line.monthlyUsd + monthlyUsd });
  };
  for (const resource of Object.values(all)) {
    const path: string = resource.Metadata?.['aws:cdk:path'] ?? '';
    if (!path.startsWith(`${prefix}/`)) {
      continue;
    }
    const p = resource.Properties ?? {};
    switch (resource.Type) {
      case 'AWS::EC2::NatGateway':
        add(`NAT gateway, $${NAT_GATEWAY_HOURLY_USD}/hour`, 1, hourly(NAT_GATEWAY_HOURLY_USD));
        break;
      case 'AWS::EC2::EIP':
        add(`Elastic IP (public IPv4), $${PUBLIC_IPV4_HOURLY_USD}/hour`, 1, hourly(PUBLIC_IPV4_HOURLY_USD));
        break;
      case 'AWS::EC2::VPCEndpoint':
        if (p.VpcEndpointType === 'Interface') {
          const azs = (p.SubnetIds ?? []).length;
          add(`interface endpoint AZ, $${INTERFACE_ENDPOINT_HOURLY_USD}/hour`, azs, azs * hourly(INTERFACE_ENDPOINT_HOURLY_USD));
        }
        break;
      case 'AWS::Route53Resolver::ResolverEndpoint': {
        const enis = (p.IpAddresses ?? []).length;
        add(`Resolver endpoint interface, $${RESOLVER_ENDPOINT_ENI_HOURLY_USD}/hour`, enis, enis * hourly(RESOLVER_ENDPOINT_ENI_HOURLY_USD));
        break;
      }
      case 'AWS::Route53::HostedZone':
        add(`hosted zone, $${HOSTED_ZONE_MONTHLY_USD.toFixed(2)}/month`, 1, HOSTED_ZONE_MONTHLY_USD);
        break;
      case 'AWS::ElasticLoadBalancingV2::LoadBalancer': {
        add(`Application Load Balancer, $${ALB_HOURLY_USD}/hour`, 1, hourly(ALB_HOURLY_USD));
        if (p.Scheme === 'internet-facing') {
          const ips = (p.Subnets ?? []).length;
          add(`public IPv4 of the load balancer, $${PUBLIC_IPV4_HOURLY_USD}/hour`, ips, ips * hourly(PUBLIC_IPV4_HOURLY_USD));
        }
        break;
      }
      case 'AWS::ECS::Service': {
        const task = all[refOf(p.TaskDefinition) ?? '']?.Properties;
        if (p.LaunchType === 'FARGATE' && task) {
          const arch = task.RuntimePlatform?.CpuArchitecture === 'ARM64' ? 'ARM64' : 'X86_64';
          const vcpu = Number(task.Cpu) / 1024;
          const gb = Number(task.Memory) / 1024;
          const tasks = Number(p.DesiredCount ?? 1);
          add(`Fargate task (${vcpu} vCPU, ${gb} GB, ${arch === 'ARM64' ? 'Arm' : 'x86'})`, tasks,
            tasks * hourly(vcpu * FARGATE_VCPU_HOURLY_USD[arch] + gb * FARGATE_GB_HOURLY_USD[arch]));
        }
        break;
      }
      case 'AWS::AutoScaling::AutoScalingGroup': {
        const data = all[refOf(p.LaunchTemplate?.LaunchTemplateId) ?? '']?.Properties?.LaunchTemplateData ?? {};
        const instances = Number(p.DesiredCapacity ?? p.MinSize ?? 0);
        const type: string = data.InstanceType;
        if (INSTANCE_HOURLY_USD[type] === undefined) {
          throw new Error(`No price for instance type ${type} (${path}): add it to src/private/pricing.ts`);
        }
        add(`${type} instance, $${INSTANCE_HOURLY_USD[type]}/hour`, instances, instances * hourly(INSTANCE_HOURLY_USD[type]));
        for (const mapping of data.BlockDeviceMappings ?? []) {
          const gb = Number(mapping.Ebs?.VolumeSize ?? 0);
          add(`gp3 GB, $${GP3_GB_MONTHLY_USD}/month`, gb * instances, gb * instances * GP3_GB_MONTHLY_USD);
        }
        if (data.Monitoring?.Enabled === true) {
          add(`detailed monitoring, $${DETAILED_MONITORING_MONTHLY_USD.toFixed(2)}/month`, instances, instances * DETAILED_MONITORING_MONTHLY_USD);
        }
        break;
      }
      case 'AWS::KMS::Key':
        add(`KMS key, $${KMS_KEY_MONTHLY_USD.toFixed(2)}/month`, 1, KMS_KEY_MONTHLY_USD);
        break;
      case 'AWS::SecretsManager::Secret':
        add(`secret, $${SECRET_MONTHLY_USD.toFixed(2)}/month`, 1, SECRET_MONTHLY_USD);
        break;
      case 'AWS::CloudWatch::Alarm':
        add(`alarm, $${ALARM_MONTHLY_USD.toFixed(2)}/month`, 1, ALARM_MONTHLY_USD);
        break;
    }
  }
  return [...lines.entries()].map(([item, line]) => ({ item, ...line }));
}

const ENV = { account: '111111111111', region: 'us-east-1' };
const AZS = ['us-east-1a', 'us-east-1b', 'us-east-1c'];

/** Each pattern with its defaults, as its README section's smallest example builds it. */
const SCENARIOS: Array<{ pattern: string; id: string; build: (stack: Stack) => void }> = [
  { pattern: 'PrivateSubnetVpc', id: 'Network', build: (stack) => new PrivateSubnetVpc(stack, 'Network') },
  {
    pattern: 'SecureFargateService',
    id: 'Web',
    build: (stack) => new SecureFargateService(stack, 'Web', {
      vpc: new PrivateSubnetVpc(stack, 'Vpc').vpc,
      image: ecs.ContainerImage.fromRegistry('public.ecr.aws/nginx/nginx:stable'),
      certificate: acm.Certificate.fromCertificateArn(stack, 'Certificate', 'arn:aws:acm:us-east-1:111111111111:certificate/00000000-0000-0000-0000-000000000000'),
    }),
  },
  { pattern: 'SecureS3Cdn', id: 'Cdn', build: (stack) => new SecureS3Cdn(stack, 'Cdn') },
  {
    pattern: 'PrivateLinkConsumer',
    id: 'Endpoints',
    build: (stack) => new PrivateLinkConsumer(stack, 'Endpoints', {
      vpc: new PrivateSubnetVpc(stack, 'Shared').vpc,
      services: [ec2.InterfaceVpcEndpointAwsService.KINESIS_STREAMS, ec2.InterfaceVpcEndpointAwsService.STS],
      peerVpcs: [new PrivateSubnetVpc(stack, 'Application', { cidr: '10.1.0.0/16', natGateways: 0 }).vpc],
    }),
  },
  {
    pattern: 'SecretRotationRecycler',
    id: 'SecretRotationRecycler',
    build: (stack) => {
      const cluster = new ecs.Cluster(stack, 'Cluster', { vpc: new PrivateSubnetVpc(stack, 'Vpc', { natGateways: 0 }).vpc });
      const task = new ecs.FargateTaskDefinition(stack, 'Task');
      task.addContainer('App', {
        image: ecs.ContainerImage.fromRegistry('public.ecr.aws/nginx/nginx:stable'),
        secrets: { DB: ecs.Secret.fromSecretsManager(new secretsmanager.Secret(stack, 'Password')) },
      });
      SecretRotationRecycler.ofStack(stack).addService(new ecs.FargateService(stack, 'Service', { cluster, taskDefinition: task }));
    },
  },
  { pattern: 'OpenVpnAccessServer', id: 'Vpn', build: (stack) => new OpenVpnAccessServer(stack, 'Vpn', { vpc: new PrivateSubnetVpc(stack, 'Vpc').vpc }) },
];

/** Every pattern's billed items, synthesized now. */
export function patternCosts(): Array<{ pattern: string; lines: CostLine[] }> {
  return SCENARIOS.map(({ pattern, id, build }) => {
    const app = new App({ context: { [`availability-zones:account=${ENV.account}:region=${ENV.region}`]: AZS, 'aws:cdk:enable-path-metadata': true } });
    const stack = new Stack(app, 'Costs', { env: ENV });
    build(stack);
    const template = app.synth().getStackByName('Costs').template;
    return { pattern, lines: costLines(template, `Costs/${id}`) };
  });
}

const usd = (n: number) => `$${n.toFixed(2)}`;

/** The README's cost table. */
export function renderCosts(costs = patternCosts()): string {
  const rows = costs.map(({ pattern, lines }) => {
    const total = lines.reduce((sum, l) => sum + l.monthlyUsd, 0);
    const detail = lines.length === 0 ? 'nothing billed by the hour or month; usage only' : lines.map((l) => `${l.count} × ${l.item}: ${usd(l.monthlyUsd)}`).join('; ');
    return `| ${pattern} | ${usd(total)} | ${detail} |`;
  });
  return [
    `| pattern, defaults | per month | billed by the hour or month (us-east-1 list prices of ${PRICES_AS_OF}) |`,
    '| --- | --- | --- |',
    ...rows,
  ].join('\n');
}

/**
 * What each of PrivateLinkConsumer's DNS strategies costs a month for a hub with `spokes` VPCs,
 * beyond the endpoints (the same for all four), from src/private/pricing.ts: `zones` private
 * hosted zones (4 for Kinesis Data Streams and STS), Resolver endpoints with two interfaces each
 * way, two `t4g.nano` forwarders with 8 GiB disks, or the zones and a Profile associated with
 * each spoke. Queries and traffic are billed by use and left out.
 */
export function dnsStrategyMonthlyUsd(spokes: number, zones = 4): Record<'hostedZones' | 'resolverEndpoints' | 'forwarderInstances' | 'route53Profile', number> {
  const zoneCost = zones * HOSTED_ZONE_MONTHLY_USD;
  return {
    hostedZones: zoneCost,
    resolverEndpoints: 4 * hourly(RESOLVER_ENDPOINT_ENI_HOURLY_USD),
    forwarderInstances: 2 * (hourly(INSTANCE_HOURLY_USD['t4g.nano']) + 8 * GP3_GB_MONTHLY_USD),
    route53Profile: zoneCost + hourly(profileHourlyUsd(spokes)),
  };
}

/** The README's comparison of the DNS strategies for 2, 10 and 50 spokes. */
export function renderDnsCosts(spokeCounts = [2, 10, 50]): string {
  const rows = (['hostedZones', 'route53Profile', 'forwarderInstances', 'resolverEndpoints'] as const).map((strategy) =>
    `| \`${strategy}()\` | ${spokeCounts.map((n) => `$${dnsStrategyMonthlyUsd(n)[strategy].toFixed(2)}`).join(' | ')} |`);
  const cheapest = spokeCounts.map((n) => Object.entries(dnsStrategyMonthlyUsd(n)).sort((a, b) => a[1] - b[1])[0][0]);
  return [
    `| DNS for a hub with 2 services (4 zones), ${PRICES_AS_OF} | ${spokeCounts.map((n) => `${n} spokes`).join(' | ')} |`,
    `| --- | ${spokeCounts.map(() => '---').join(' | ')} |`,
    ...rows,
    '',
    `Cheapest for ${spokeCounts.join(', ')} spokes: ${cheapest.map((s) => `\`${s}()\``).join(', ')}. Private hosted zones cost the same whatever the number of VPCs associated with them, `
      + `so \`hostedZones()\` stays the cheapest, for two or three VPCs as for fifty. A Route 53 Profile adds $${PROFILE_HOURLY_USD.UP_TO_100_ASSOCIATIONS.toFixed(2)} an hour `
      + `per account and region for its first 100 VPC associations ($${hourly(PROFILE_HOURLY_USD.UP_TO_100_ASSOCIATIONS).toFixed(2)} a month), and $${PROFILE_HOURLY_USD.PER_ASSOCIATION_BEYOND_100} an hour for each association beyond: `
      + 'choose it for one association per VPC instead of one per zone and VPC, or when the account pays for Profiles already, not for the price.',
  ].join('\n');
}
