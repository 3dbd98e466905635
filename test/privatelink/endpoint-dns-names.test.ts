import { spawnSync } from 'child_process';
import { dnsSuffixOf, knownEndpointServices, namesCover, relativeDnsNamesOf, zonesOf } from '../../src/private/endpoint-dns-names';

/**
 * The table of private DNS names, proved against an implementation the project did not write:
 * botocore's endpoint rule sets (botocore/data/<service>/<version>/endpoint-rule-set-1.json), the
 * rules every AWS SDK resolves its hosts with. Each host botocore resolves for a service must be
 * one of the table's names for that service's endpoint.
 */

/** The botocore service an endpoint serves, and whether it is a FIPS endpoint. */
const SDK_SERVICES: Record<string, { botocore: string; fips?: boolean; streamArn?: boolean }> = {
  'ec2': { botocore: 'ec2' },
  'ecr.api': { botocore: 'ecr' },
  'ecs': { botocore: 'ecs' },
  'elasticloadbalancing': { botocore: 'elbv2' },
  'events': { botocore: 'events' },
  'kinesis-firehose': { botocore: 'firehose' },
  'kinesis-streams': { botocore: 'kinesis', streamArn: true },
  'kinesis-streams-fips': { botocore: 'kinesis', fips: true, streamArn: true },
  'kms': { botocore: 'kms' },
  'kms-fips': { botocore: 'kms', fips: true },
  'lambda': { botocore: 'lambda' },
  'logs': { botocore: 'logs' },
  'monitoring': { botocore: 'cloudwatch' },
  'secretsmanager': { botocore: 'secretsmanager' },
  'sns': { botocore: 'sns' },
  'sqs': { botocore: 'sqs' },
  'sqs-fips': { botocore: 'sqs', fips: true },
  'ssm': { botocore: 'ssm' },
  'ssm-fips': { botocore: 'ssm', fips: true },
  'states': { botocore: 'stepfunctions' },
  'sts': { botocore: 'sts' },
  'sts-fips': { botocore: 'sts', fips: true },
};

/**
 * Services no SDK has endpoint rules for (their clients are agents or HTTP clients), with where
 * their names are documented.
 */
const DOCUMENTED_ONLY: Record<string, string> = {
  'ec2messages': 'https://docs.aws.amazon.com/systems-manager/latest/userguide/setup-create-vpc.html',
  'ssmmessages': 'https://docs.aws.amazon.com/systems-manager/latest/userguide/setup-create-vpc.html',
  'ecr.dkr': 'https://docs.aws.amazon.com/AmazonECR/latest/userguide/vpc-endpoints.html',
  'execute-api': 'https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-private-apis.html',
};

const REGIONS = ['us-east-1', 'eu-west-1', 'ap-southeast-2', 'cn-north-1'];
const FIPS_REGIONS = ['us-east-1', 'us-west-2'];
const ACCOUNT = '123456789012';

interface Case {
  readonly shortName: string;
  readonly service: string;
  readonly region: string;
  readonly params: Record<string, string | boolean>;
}

const RESOLVER = `
import json, sys
from botocore.endpoint_provider import EndpointProvider
from botocore.loaders import create_loader
loader = create_loader()
partitions = loader.load_data('partitions')
providers = {}
out = []
for case in json.load(sys.stdin):
    service = case['service']
    if service not in providers:
        providers[service] = EndpointProvider(loader.load_service_model(service, 'endpoint-rule-set-1'), partitions)
    out.append(providers[service].resolve_endpoint(**case['params']).url)
print(json.dumps(out))
`;

/** Resolves every case with botocore's EndpointProvider; the hosts, in order. */
function resolveWithBotocore(cases: Case[]): string[] {
  const result = spawnSync('python3', ['-c', RESOLVER], { input: JSON.stringify(cases), encoding: 'utf8', timeout: 60000 });
  if (result.error) {
    throw new Error(`This test runs botocore in python3, which could not start: ${result.error.message}. Install it: apt-get install -y python3-botocore`);
  }
  expect(result.stderr).toBe('');
  expect(result.status).toBe(0);
  return (JSON.parse(result.stdout) as string[]).map((url) => new URL(url).hostname);
}

function casesOf(shortName: string): Case[] {
  const { botocore, fips, streamArn } = SDK_SERVICES[shortName];
  return (fips ? FIPS_REGIONS : REGIONS).flatMap((region) => {
    const base = { Region: region, ...(fips ? { UseFIPS: true } : {}) };
    const partition = region.startsWith('cn-') ? 'aws-cn' : 'aws';
    const variants: Array<Record<string, string | boolean>> = [base];
    if (streamArn) {
      for (const operation of ['data', 'control']) {
        variants.push({ ...base, StreamARN: `arn:${partition}:kinesis:${region}:${ACCOUNT}:stream/orders`, OperationType: operation });
      }
    }
    return variants.map((params) => ({ shortName, service: botocore, region, params }));
  });
}

describe('the private DNS names of AWS services\' interface endpoints', () => {
  test('every service in the table is proved by botocore or documented as having no SDK', () => {
    expect(knownEndpointServices()).toEqual(Object.keys({ ...SDK_SERVICES, ...DOCUMENTED_ONLY }).sort());
  });

  test('every host botocore\'s endpoint rules resolve is one of the table\'s names for that service', () => {
    const cases = Object.keys(SDK_SERVICES).flatMap(casesOf);
    const hosts = resolveWithBotocore(cases);
    const uncovered = cases.map((c, i) => ({ ...c, host: hosts[i] })).filter(({ shortName, region, host }) => {
      const names = relativeDnsNamesOf(shortName)!.map((name) => `${name}.${region}.${dnsSuffixOf(region)}`);
      return !namesCover(names, host);
    }).map(({ shortName, region, params, host }) => `${shortName} ${region} ${JSON.stringify(params)}: ${host}`);
    expect(uncovered).toEqual([]);
    // The account-specific Kinesis hosts are among those resolved, and covered.
    expect(hosts).toContain(`${ACCOUNT}.data-kinesis.eu-west-1.amazonaws.com`);
    expect(hosts).toContain(`${ACCOUNT}.control-kinesis.eu-west-1.amazonaws.com`);
    expect(hosts).toContain('firehose.eu-west-1.amazonaws.com');
  });

  test('Firehose answers as firehose.<region>, Kinesis Data Streams also under data-kinesis and control-kinesis', () => {
    expect(relativeDnsNamesOf('kinesis-firehose')).toEqual(['firehose']);
    expect(zonesOf(relativeDnsNamesOf('kinesis-streams')!)).toEqual([
      { zone: 'kinesis', apex: true, wildcard: false },
      { zone: 'control-kinesis', apex: false, wildcard: true },
      { zone: 'data-kinesis', apex: false, wildcard: true },
    ]);
    expect(relativeDnsNamesOf('bedrock-runtime')).toBeUndefined();
  });
});
