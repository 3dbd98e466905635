import {
  App, Stack,
  aws_cloudfront as cloudfront, aws_cloudfront_origins as origins, aws_ec2 as ec2, aws_ecs as ecs, aws_kms as kms, aws_s3 as s3,
} from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { GuardedPatternsChecks } from '../../src';
import { testApp, testStack } from '../util';

/**
 * An app built only from plain aws-cdk-lib constructs, with the classic mistakes: each deploys
 * (or fails late) and breaks in production. `GuardedPatternsChecks` must report every one.
 */
function classicMistakes(stack: Stack): void {
  // One NAT gateway for three AZs: two AZs lose egress with the third.
  const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 3, natGateways: 1 });
  vpc.addFlowLog('FlowLog');

  // CloudFront that serves plain HTTP (Distribution's default viewer protocol policy).
  const site = new s3.Bucket(stack, 'Site');
  new cloudfront.Distribution(stack, 'Site Distribution', { defaultBehavior: { origin: origins.S3BucketOrigin.withOriginAccessControl(site) } });

  // An origin access identity on a KMS-encrypted bucket: CloudFront cannot decrypt a single object.
  const media = new s3.Bucket(stack, 'Media', { encryptionKey: new kms.Key(stack, 'MediaKey', { enableKeyRotation: true }) });
  new cloudfront.Distribution(stack, 'MediaDistribution', {
    defaultBehavior: {
      origin: origins.S3BucketOrigin.withOriginAccessIdentity(media),
      viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
    },
  });

  // A Fargate size Fargate does not offer (256 CPU units with 4 GiB).
  new ecs.CfnTaskDefinition(stack, 'Task', {
    requiresCompatibilities: ['FARGATE'],
    networkMode: 'awsvpc',
    cpu: '256',
    memory: '4096',
    containerDefinitions: [{ name: 'app', image: 'public.ecr.aws/nginx/nginx:stable', essential: true }],
  });

  // An interface endpoint with private DNS, in a VPC peered with another: the peer resolves the public name.
  const peer = new ec2.Vpc(stack, 'Peer', { ipAddresses: ec2.IpAddresses.cidr('10.1.0.0/16'), maxAzs: 2, natGateways: 0 });
  peer.addFlowLog('FlowLog');
  const peering = new ec2.CfnVPCPeeringConnection(stack, 'Peering', { vpcId: vpc.vpcId, peerVpcId: peer.vpcId });
  vpc.privateSubnets.forEach((subnet, i) => new ec2.CfnRoute(stack, `ToPeer${i}`, {
    routeTableId: subnet.routeTable.routeTableId, destinationCidrBlock: '10.1.0.0/16', vpcPeeringConnectionId: peering.ref,
  }));
  peer.isolatedSubnets.forEach((subnet, i) => new ec2.CfnRoute(stack, `FromPeer${i}`, {
    routeTableId: subnet.routeTable.routeTableId, destinationCidrBlock: '10.0.0.0/16', vpcPeeringConnectionId: peering.ref,
  }));
  const kinesis = new ec2.InterfaceVpcEndpoint(stack, 'Kinesis', { vpc, service: ec2.InterfaceVpcEndpointAwsService.KINESIS_STREAMS });
  kinesis.connections.allowFrom(ec2.Peer.ipv4('10.1.0.0/16'), ec2.Port.tcp(443));

  // SSH open to the world.
  const bastion = new ec2.SecurityGroup(stack, 'Bastion', { vpc });
  bastion.addIngressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(22), 'SSH');
}

describe('GuardedPatternsChecks over an app of plain aws-cdk-lib constructs with the classic mistakes', () => {
  const stack = testStack();
  classicMistakes(stack);
  const report = new GuardedPatternsChecks().validateScope(stack);
  const found = report.violations.flatMap((v) => v.violatingResources.map((r) => `${v.ruleName} at ${r.constructPath}`));

  test.each([
    ['a single NAT gateway for three AZs', 'GuardedPatterns-VpcNatCrossAz at TestStack/Vpc/Resource'],
    ['CloudFront allowing HTTP', 'GuardedPatterns-CdnHttpAllowed at TestStack/Site Distribution/Resource'],
    ['OAI on a KMS bucket', 'GuardedPatterns-CdnOaiWithKms at TestStack/MediaDistribution/Resource'],
    ['an endpoint with private DNS used from a peer', 'GuardedPatterns-PrivateLinkPeerDnsMissing at TestStack/Kinesis/Resource'],
    ['SSH open to the world', 'GuardedPatterns-OpenVpnAdminPortsOpen at TestStack/Bastion/Resource'],
  ])('reports %s', (_mistake, finding) => {
    expect(found).toContain(finding);
  });

  test('fails the synth of the app, with every mistake in the report', () => {
    const app = testApp({ packs: [new GuardedPatternsChecks()] });
    const appStack = testStack(app);
    classicMistakes(appStack);
    let message = '';
    try {
      Template.fromStack(appStack);
    } catch (e) {
      message = (e as Error).message;
    }
    for (const id of ['VpcNatCrossAz', 'CdnHttpAllowed', 'CdnOaiWithKms', 'PrivateLinkPeerDnsMissing', 'OpenVpnAdminPortsOpen']) {
      expect(message).toContain(`GuardedPatterns::GuardedPatterns-${id}`);
    }
    // The invalid Fargate size, once: by aws-cdk-lib's own validation, which the pack leaves it to.
    expect(message).toMatch(/E3047/);
    expect(message).not.toContain('GuardedPatterns-FargateCpuMemory');
  });

  test('an app without the mistakes reports none of them', () => {
    const clean = testStack(new App(), 'Clean');
    const vpc = new ec2.Vpc(clean, 'Vpc', { maxAzs: 3 });
    vpc.addFlowLog('FlowLog');
    const bastion = new ec2.SecurityGroup(clean, 'Admin', { vpc });
    bastion.addIngressRule(ec2.Peer.ipv4('203.0.113.0/24'), ec2.Port.tcp(443), 'HTTPS from the office');
    expect(new GuardedPatternsChecks().validateScope(clean).violations).toEqual([]);
  });
});
