/**
 * us-east-1 list prices used in synth-time notes. Check the live pricing pages before quoting.
 * @see https://aws.amazon.com/vpc/pricing/
 */
export const PRICES_AS_OF = '2026-11';

/** Hours in an average month, as AWS pricing pages count them. */
export const HOURS_PER_MONTH = 730;

/** A zonal or regional NAT gateway, per hour (data processing is $0.045/GB on top). */
export const NAT_GATEWAY_HOURLY_USD = 0.045;

/** NAT gateway data processing, per GB. */
export const NAT_GATEWAY_PER_GB_USD = 0.045;

/** A public IPv4 address, per hour. */
export const PUBLIC_IPV4_HOURLY_USD = 0.005;

/** Dollars a month for `count` of something billed hourly. */
export function monthlyUsd(hourlyUsd: number, count = 1): string {
  return `$${(hourlyUsd * HOURS_PER_MONTH * count).toFixed(2)}`;
}

/** An interface VPC endpoint, per AZ (network interface) and hour. */
export const INTERFACE_ENDPOINT_HOURLY_USD = 0.01;

/** A Route 53 Resolver endpoint, per network interface and hour. */
export const RESOLVER_ENDPOINT_ENI_HOURLY_USD = 0.125;

/** A Route 53 hosted zone, per month. */
export const HOSTED_ZONE_MONTHLY_USD = 0.5;

/**
 * Route 53 Profiles, per AWS account and Region: $0.75 an hour for up to 100 Profile-VPC
 * associations, and $0.0014 an hour for each association beyond 100 (the page as transcribed on 2026-09-20).
 * @see https://aws.amazon.com/route53/pricing/
 */
export const PROFILE_HOURLY_USD = { UP_TO_100_ASSOCIATIONS: 0.75, PER_ASSOCIATION_BEYOND_100: 0.0014 };

/** What an account's Profile-VPC associations in one Region cost an hour. */
export function profileHourlyUsd(associations: number): number {
  return associations === 0 ? 0
    : PROFILE_HOURLY_USD.UP_TO_100_ASSOCIATIONS + Math.max(0, associations - 100) * PROFILE_HOURLY_USD.PER_ASSOCIATION_BEYOND_100;
}

/** An Application Load Balancer, per hour (LCUs are $0.008 per LCU-hour on top). */
export const ALB_HOURLY_USD = 0.0225;

/** Fargate, Linux, per vCPU-hour and per GB-hour: x86 and Arm (Graviton). */
export const FARGATE_VCPU_HOURLY_USD = { X86_64: 0.04048, ARM64: 0.03238 };
export const FARGATE_GB_HOURLY_USD = { X86_64: 0.004445, ARM64: 0.00356 };

/** On-demand Linux instances the patterns use by default, per hour. */
export const INSTANCE_HOURLY_USD: Record<string, number> = {
  't4g.nano': 0.0042,
  't4g.micro': 0.0084,
  't4g.small': 0.0168,
};

/** gp3 storage, per GB-month. */
export const GP3_GB_MONTHLY_USD = 0.08;

/** Detailed (one-minute) EC2 monitoring: the 7 instance metrics at $0.30 each, per month. */
export const DETAILED_MONITORING_MONTHLY_USD = 7 * 0.3;

/** A customer managed KMS key, per month. */
export const KMS_KEY_MONTHLY_USD = 1;

/** A Secrets Manager secret, per month. */
export const SECRET_MONTHLY_USD = 0.4;

/** A standard-resolution CloudWatch alarm, per month. */
export const ALARM_MONTHLY_USD = 0.1;

/**
 * Aurora Serverless v2 (Aurora Standard storage configuration), per ACU-hour: the same for the
 * MySQL- and PostgreSQL-compatible editions. The minimum capacity is billed whenever the cluster
 * is not paused. As of 2026-11.
 * @see https://aws.amazon.com/rds/aurora/pricing/
 */
export const AURORA_SERVERLESS_V2_ACU_HOURLY_USD = 0.12;

/** Aurora Standard storage, per GB-month, as of 2026-11. @see https://aws.amazon.com/rds/aurora/pricing/ */
export const AURORA_STORAGE_GB_MONTHLY_USD = 0.1;

/** Aurora Standard storage I/O, per million requests, as of 2026-11. @see https://aws.amazon.com/rds/aurora/pricing/ */
export const AURORA_IO_PER_MILLION_USD = 0.2;
