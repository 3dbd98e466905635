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
