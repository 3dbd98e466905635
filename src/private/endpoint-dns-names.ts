/**
 * The private DNS names of AWS services' interface endpoints: the names the endpoint answers for
 * when private DNS is on, which peers must resolve to it too. They cannot be derived from the
 * endpoint's short name (`kinesis-firehose` answers as `firehose.<region>...`, `kinesis-streams`
 * also as `<account>.data-kinesis.<region>...`), so they are listed here, one entry per service.
 *
 * Each name is relative to the region's domain (`<region>.amazonaws.com`); `*.` stands for the
 * names under it (`*.data-kinesis` is every `<account>.data-kinesis.<region>.amazonaws.com`).
 * Source: the `PrivateDnsNames` that `aws ec2 describe-vpc-endpoint-services` reports, checked
 * against the hosts that botocore's endpoint rule sets resolve (test/privatelink/endpoint-dns-names.test.ts).
 */
const NAMES: Record<string, readonly string[]> = {
  'ec2': ['ec2'],
  'ec2messages': ['ec2messages'],
  'ecr.api': ['api.ecr'],
  'ecr.dkr': ['dkr.ecr', '*.dkr.ecr'],
  'ecs': ['ecs'],
  'elasticloadbalancing': ['elasticloadbalancing'],
  'events': ['events'],
  'execute-api': ['*.execute-api'],
  'kinesis-firehose': ['firehose'],
  'kinesis-streams': ['kinesis', '*.control-kinesis', '*.data-kinesis'],
  'kinesis-streams-fips': ['kinesis-fips', '*.control-kinesis-fips', '*.data-kinesis-fips'],
  'kms': ['kms'],
  'kms-fips': ['kms-fips'],
  'lambda': ['lambda'],
  'logs': ['logs'],
  'monitoring': ['monitoring'],
  'secretsmanager': ['secretsmanager'],
  'sns': ['sns'],
  'sqs': ['sqs'],
  'sqs-fips': ['sqs-fips'],
  'ssm': ['ssm'],
  'ssm-fips': ['ssm-fips'],
  'ssmmessages': ['ssmmessages'],
  'states': ['states'],
  'sts': ['sts'],
  'sts-fips': ['sts-fips'],
};

/** The DNS suffix of AWS service names in a region (`amazonaws.com.cn` in China). */
export function dnsSuffixOf(region: string): string {
  return region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com';
}

/** The short names of the services the table knows, sorted. */
export function knownEndpointServices(): string[] {
  return Object.keys(NAMES).sort();
}

/**
 * A service's private DNS names relative to the region's domain (`kinesis`, `*.data-kinesis`);
 * `undefined` for a service the table does not know.
 */
export function relativeDnsNamesOf(shortName: string): readonly string[] | undefined {
  return Object.prototype.hasOwnProperty.call(NAMES, shortName) ? NAMES[shortName] : undefined;
}

/** One DNS zone that a service's names need: its name, and whether its apex and its `*` answer. */
export interface DnsZoneNeed {
  readonly zone: string;
  readonly apex: boolean;
  readonly wildcard: boolean;
}

/** The zones that cover a list of names, in the order the names come: `*.x` and `x` share zone `x`. */
export function zonesOf(names: readonly string[]): DnsZoneNeed[] {
  const zones = new Map<string, { apex: boolean; wildcard: boolean }>();
  for (const name of names) {
    const wildcard = name.startsWith('*.');
    const zone = wildcard ? name.substring(2) : name;
    const entry = zones.get(zone) ?? { apex: false, wildcard: false };
    zones.set(zone, { apex: entry.apex || !wildcard, wildcard: entry.wildcard || wildcard });
  }
  return [...zones.entries()].map(([zone, { apex, wildcard }]) => ({ zone, apex, wildcard }));
}

/** Whether a host is one of the names (`*.x` covers every name under `x`). */
export function namesCover(names: readonly string[], host: string): boolean {
  const normalized = host.toLowerCase().replace(/\.$/, '');
  return names.some((name) => (name.startsWith('*.') ? normalized.endsWith(name.substring(1)) : normalized === name));
}
