import { App, Stack, Validations, aws_ec2 as ec2, aws_kms as kms, aws_sns as sns } from 'aws-cdk-lib';
import { SameAccountZones } from './same-account-zones';
import { PrivateLinkConsumer, PrivateLinkConsumerProps, PrivateLinkDns, PrivateLinkTransitGateway, PrivateSubnetVpc } from '../../src';
import { acknowledgedRules, acknowledgements, complianceFindings, testApp, testStack } from '../util';

/** The compliance packs' KMS rule on the VPCs' flow log groups, acknowledged as in PrivateSubnetVpc's own nag test. */
const LOG_ENCRYPTION_REASON = 'CloudWatch Logs encrypts every log group at rest; a customer managed key (flowLogEncryptionKey) is for regimes that require key control, and is tested with PrivateSubnetVpc.';

function network(stack: Stack, maxAzs = 3) {
  const shared = new PrivateSubnetVpc(stack, 'Shared', { maxAzs });
  const app = new PrivateSubnetVpc(stack, 'App', { cidr: '10.1.0.0/16', natGateways: 0, maxAzs });
  for (const vpc of [shared, app]) {
    Validations.of(vpc.flowLogGroup).acknowledge(
      ...['NIST.800.53.R5', 'HIPAA.Security', 'PCI.DSS.321'].map((pack) => ({ id: `${pack}-CloudWatchLogGroupEncrypted`, reason: LOG_ENCRYPTION_REASON })));
  }
  return { shared: shared.vpc, app: app.vpc };
}

/**
 * Without a notification topic AwsSolutions asks for one on each forwarder group: the user's
 * choice, acknowledged here as a user would, pointing at the prop that settles it.
 */
const NO_TOPIC = {
  id: 'AwsSolutions-AS3',
  reason: 'This test gives no notification topic: PrivateLinkDns.forwarderInstances({ notificationTopic }) subscribes the forwarder groups to the team\'s operations topic.',
};

const SERVICES = [
  ec2.InterfaceVpcEndpointAwsService.KINESIS_STREAMS,
  ec2.InterfaceVpcEndpointAwsService.ECR,
  ec2.InterfaceVpcEndpointAwsService.ECR_DOCKER,
];

const variants: Array<[string, (n: ReturnType<typeof network>) => Partial<PrivateLinkConsumerProps>]> = [
  ['defaults (hosted zones, one peer)', () => ({})],
  ['no peers', () => ({ peerVpcs: [] })],
  ['an existing peering', (n) => ({ peerVpcs: [], existingPeerVpcs: [n.app] })],
  ['Resolver endpoints', () => ({ dns: PrivateLinkDns.resolverEndpoints() })],
  ['forwarder instances', () => ({ dns: PrivateLinkDns.forwarderInstances() })],
];

describe('PrivateLinkConsumer under AwsSolutions, NIST 800-53 rev 5, HIPAA, PCI DSS and GuardedPatterns', () => {
  test.each(variants)('%s: no unacknowledged findings', (_name, props) => {
    const stack = testStack();
    const n = network(stack);
    const consumer = new PrivateLinkConsumer(stack, 'Endpoints', { vpc: n.shared, services: SERVICES, peerVpcs: [n.app], ...props(n) });
    for (const group of consumer.forwarderGroups) {
      Validations.of(group).acknowledge(NO_TOPIC);
    }
    expect(complianceFindings(stack)).toEqual([]);
  });

  test('forwarder instances with a notification topic: AwsSolutions-AS3 needs no acknowledgement', () => {
    const stack = testStack();
    const n = network(stack);
    const topic = new sns.Topic(stack, 'Operations', { enforceSSL: true, masterKey: new kms.Key(stack, 'TopicKey', { enableKeyRotation: true }) });
    new PrivateLinkConsumer(stack, 'Endpoints', { vpc: n.shared, services: SERVICES, peerVpcs: [n.app], dns: PrivateLinkDns.forwarderInstances({ notificationTopic: topic }) });
    expect(complianceFindings(stack)).toEqual([]);
  });

  test('forwarder instances without a topic or an acknowledgement: only AwsSolutions-AS3, once per group', () => {
    const stack = testStack();
    const n = network(stack);
    new PrivateLinkConsumer(stack, 'Endpoints', { vpc: n.shared, services: SERVICES, peerVpcs: [n.app], dns: PrivateLinkDns.forwarderInstances() });
    expect(complianceFindings(stack)).toEqual(['AwsSolutions-AS3 at TestStack/Endpoints/Forwarder1/ASG', 'AwsSolutions-AS3 at TestStack/Endpoints/Forwarder2/ASG']);
  });

  test.each(['hostedZones', 'resolverEndpoints', 'forwarderInstances'] as const)('an environment-agnostic stack with %s: no unacknowledged findings', (kind) => {
    const stack = testStack(undefined, 'TestStack', { envAgnostic: true });
    const n = network(stack, 2);
    const consumer = new PrivateLinkConsumer(stack, 'Endpoints', { vpc: n.shared, services: SERVICES, peerVpcs: [n.app], dns: PrivateLinkDns[kind]() });
    for (const group of consumer.forwarderGroups) {
      Validations.of(group).acknowledge(NO_TOPIC);
    }
    expect(complianceFindings(stack)).toEqual([]);
  });

  test('every acknowledgement inside the pattern carries a reason', () => {
    const stack = testStack();
    const n = network(stack);
    const consumer = new PrivateLinkConsumer(stack, 'Endpoints', { vpc: n.shared, services: SERVICES, peerVpcs: [n.app], dns: PrivateLinkDns.forwarderInstances() });
    const acks = acknowledgements(consumer);
    expect(acks).toHaveLength(1);
    expect(acks[0].id).toMatch(/AwsSolutions-IAM5\[Resource::arn:<AWS::Partition>:ec2:us-east-1:111111111111:instance\/\*\]$/);
    for (const ack of acks) {
      expect(ack.reason.length).toBeGreaterThan(40);
    }
  });
});

/** A hub or spoke VPC with no NAT, its flow log's KMS finding acknowledged as above. */
function hubVpc(scope: Stack, id: string, cidr: string): ec2.IVpc {
  const created = new PrivateSubnetVpc(scope, id, { cidr, natGateways: 0 });
  Validations.of(created.flowLogGroup).acknowledge(
    ...['NIST.800.53.R5', 'HIPAA.Security', 'PCI.DSS.321'].map((pack) => ({ id: `${pack}-CloudWatchLogGroupEncrypted`, reason: LOG_ENCRYPTION_REASON })));
  return created.vpc;
}

describe('PrivateLinkConsumer as a Transit Gateway hub with three spokes, one in another stack', () => {
  test.each(['hostedZones', 'forwarderInstances', 'route53Profile'] as const)('%s: both stacks pass strict CloudFormation validation and every pack', (kind) => {
    const stack = testStack();
    const other = testStack(stack.node.root as App, 'Spokes');
    const consumer = new PrivateLinkConsumer(stack, 'Endpoints', {
      vpc: hubVpc(stack, 'Hub', '10.0.0.0/16'),
      services: SERVICES,
      spokes: [hubVpc(stack, 'A', '10.1.0.0/16'), hubVpc(stack, 'B', '10.2.0.0/16'), hubVpc(other, 'C', '10.3.0.0/16')],
      dns: PrivateLinkDns[kind](),
    });
    for (const group of consumer.forwarderGroups) {
      Validations.of(group).acknowledge(NO_TOPIC);
    }
    expect(consumer.spokeAttachments).toHaveLength(3);
    expect(complianceFindings(stack)).toEqual([]);
    expect(complianceFindings(other)).toEqual([]);
  });
});

describe('PrivateLinkConsumer as a Transit Gateway hub with three spokes, one in another account', () => {
  test.each<[string, () => PrivateLinkDns]>([
    // Hosted zones for the spokes of the hub's account only.
    ['hosted zones in the hub\'s account', () => new SameAccountZones()],
    ['a Route 53 Profile shared with the other account', () => PrivateLinkDns.route53Profile({ profileId: 'rp-0123456789abcdef' })],
  ])('%s: both accounts\' stacks pass strict CloudFormation validation and every pack', (_name, dns) => {
    const app = testApp({ context: { 'availability-zones:account=222222222222:region=us-east-1': ['us-east-1a', 'us-east-1b', 'us-east-1c'] } });
    const stack = testStack(app);
    const remote = new Stack(app, 'Remote', { env: { account: '222222222222', region: 'us-east-1' } });
    const consumer = new PrivateLinkConsumer(stack, 'Endpoints', {
      vpc: hubVpc(stack, 'Hub', '10.0.0.0/16'),
      services: SERVICES,
      spokes: [hubVpc(stack, 'A', '10.1.0.0/16'), hubVpc(stack, 'B', '10.2.0.0/16'), hubVpc(remote, 'X', '10.3.0.0/16')],
      transitGateway: PrivateLinkTransitGateway.fromId('tgw-0123456789abcdef0'),
      dns: dns(),
    });
    expect(consumer.spokeAttachments).toHaveLength(3);
    expect(complianceFindings(stack)).toEqual([]);
    expect(complianceFindings(remote)).toEqual([]);
  });
});

/**
 * The exact rules the pattern acknowledges on its own, where the test acknowledges nothing: a new
 * acknowledgement inside the pattern fails here until someone has read its reason. aws-cdk-lib's
 * own acknowledgements of its CloudFormation validation findings (`CloudFormation-Validate::...`)
 * come with the resources the pattern creates, and are listed too.
 */
describe('PrivateLinkConsumer acknowledges exactly', () => {
  test.each<[string, () => PrivateLinkDns, string[]]>([
    ['hosted zones', () => PrivateLinkDns.hostedZones(), [
      'CloudFormation-Validate::W3010 at TestStack',
    ]],
    ['Resolver endpoints', () => PrivateLinkDns.resolverEndpoints(), [
      'CloudFormation-Validate::W3010 at TestStack',
    ]],
    ['a Route 53 Profile', () => PrivateLinkDns.route53Profile(), [
      'CloudFormation-Validate::W3010 at TestStack',
    ]],
    ['forwarder instances', () => PrivateLinkDns.forwarderInstances(), [
      'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ec2:us-east-1:111111111111:instance/*] at TestStack/Endpoints',
      'CloudFormation-Validate::W3010 at TestStack',
    ]],
  ])('%s', (_name, dns, expected) => {
    const stack = testStack();
    const shared = new ec2.Vpc(stack, 'Shared', { ipAddresses: ec2.IpAddresses.cidr('10.0.0.0/16'), natGateways: 0 });
    const peer = new ec2.Vpc(stack, 'App', { ipAddresses: ec2.IpAddresses.cidr('10.1.0.0/16'), natGateways: 0 });
    new PrivateLinkConsumer(stack, 'Endpoints', { vpc: shared, services: SERVICES, peerVpcs: [peer], dns: dns() });
    expect(acknowledgedRules(stack)).toEqual(expected);
  });
});
