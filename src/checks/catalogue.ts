import { EcsScalingMaxBelowMin } from './applicationautoscaling/ecs-scaling-max-below-min';
import { EcsScalingMinimumBelowTwo } from './applicationautoscaling/ecs-scaling-minimum-below-two';
import { EcsScalingRequestCountWithoutLoadBalancer } from './applicationautoscaling/ecs-scaling-request-count-without-load-balancer';
import { Check, checkSuffix } from './check';
import { CheckInfo, CheckLevel } from './check-info';
import { CdnCertificateAliases } from './cloudfront/cdn-certificate-aliases';
import { CdnCertificateRegion } from './cloudfront/cdn-certificate-region';
import { CdnHttpAllowed } from './cloudfront/cdn-http-allowed';
import { CdnLogBucketAcls } from './cloudfront/cdn-log-bucket-acls';
import { CdnMinimumTls } from './cloudfront/cdn-minimum-tls';
import { CdnOaiLegacy } from './cloudfront/cdn-oai-legacy';
import { CdnOaiWithKms } from './cloudfront/cdn-oai-with-kms';
import { CdnVpcOriginInternetFacing } from './cloudfront/cdn-vpc-origin-internet-facing';
import { CdnVpcOriginNoInternetGateway } from './cloudfront/cdn-vpc-origin-no-internet-gateway';
import { CdnVpcOriginOpenLoadBalancer } from './cloudfront/cdn-vpc-origin-open-load-balancer';
import { CdnVpcOriginPublicSubnets } from './cloudfront/cdn-vpc-origin-public-subnets';
import { Ec2NetworkInterfaceAzMismatch } from './ec2/ec2-network-interface-az-mismatch';
import { Ec2UserDataSecrets } from './ec2/ec2-user-data-secrets';
import { Ec2VolumeAzMismatch } from './ec2/ec2-volume-az-mismatch';
import { OpenVpnAdminPortsOpen } from './ec2/openvpn-admin-ports-open';
import { OpenVpnClientCidrOverlap } from './ec2/openvpn-client-cidr-overlap';
import { OpenVpnRoutedClientsNotAdmitted } from './ec2/openvpn-routed-clients-not-admitted';
import { OpenVpnServerNotPublic } from './ec2/openvpn-server-not-public';
import { OpenVpnSourceDestCheck } from './ec2/openvpn-source-dest-check';
import { PrivateLinkEndpointPeerIngress } from './ec2/private-link-endpoint-peer-ingress';
import { PrivateLinkPeerDnsMissing } from './ec2/private-link-peer-dns-missing';
import { PrivateLinkPrivateDnsConflict } from './ec2/private-link-private-dns-conflict';
import { TransitGatewayCidrOverlap } from './ec2/transit-gateway-cidr-overlap';
import { TransitGatewayRouteTableMissing } from './ec2/transit-gateway-route-table-missing';
import { TransitGatewayRoutesMissing } from './ec2/transit-gateway-routes-missing';
import { TransitGatewaySpokeDnsDisabled } from './ec2/transit-gateway-spoke-dns-disabled';
import { VpcCidrSize } from './ec2/vpc-cidr-size';
import { VpcEnvAgnosticAzs } from './ec2/vpc-env-agnostic-azs';
import { VpcFlowLogsMissing } from './ec2/vpc-flow-logs-missing';
import { VpcNatCrossAz } from './ec2/vpc-nat-cross-az';
import { VpcNatGatewaysExceedAzs } from './ec2/vpc-nat-gateways-exceed-azs';
import { VpcNatInstance } from './ec2/vpc-nat-instance';
import { VpcNatInstanceNoPublicIp } from './ec2/vpc-nat-instance-no-public-ip';
import { VpcPeeringCidrOverlap } from './ec2/vpc-peering-cidr-overlap';
import { VpcPeeringDnsDisabled } from './ec2/vpc-peering-dns-disabled';
import { VpcPeeringRoutesMissing } from './ec2/vpc-peering-routes-missing';
import { EcsBakeTimeBelowGracePeriod } from './ecs/ecs-bake-time-below-grace-period';
import { EcsCodeDeployWithSecrets } from './ecs/ecs-code-deploy-with-secrets';
import { EcsDeploymentAlarmUndefined } from './ecs/ecs-deployment-alarm-undefined';
import { EcsRolloutWithoutAlternateTarget } from './ecs/ecs-rollout-without-alternate-target';
import { EcsSecretVersionPinned } from './ecs/ecs-secret-version-pinned';
import { EcsSingleTask } from './ecs/ecs-single-task';
import { EcsVolumeNotWritable } from './ecs/ecs-volume-not-writable';
import { FargateContainerNotHardened } from './ecs/fargate-container-not-hardened';
import { FargateCpuMemory } from './ecs/fargate-cpu-memory';
import { FargateEndpointsUnverified } from './ecs/fargate-endpoints-unverified';
import { FargateHealthCheckPort } from './ecs/fargate-health-check-port';
import { FargateLogsKeptForever } from './ecs/fargate-logs-kept-forever';
import { FargateNoEgress } from './ecs/fargate-no-egress';
import { FargatePublicTasks } from './ecs/fargate-public-tasks';
import { FargateTaskRoleSecrets } from './ecs/fargate-task-role-secrets';
import { FargateTaskRoleWildcard } from './ecs/fargate-task-role-wildcard';
import { AlbAccessLogKmsBucket } from './elbv2/alb-access-log-kms-bucket';
import { AlbHttpOpen } from './elbv2/alb-http-open';
import { AlbPlainHttp } from './elbv2/alb-plain-http';
import { RecyclerEventPatternSize } from './events/recycler-event-pattern-size';
import { IamActionUnknown } from './iam/iam-action-unknown';
import { IamConditionKeyUnsupported } from './iam/iam-condition-key-unsupported';
import { IamResourceTypeMismatch } from './iam/iam-resource-type-mismatch';
import { RecyclerKeyPolicy } from './kms/recycler-key-policy';
import { VpcFlowLogKeyPolicy } from './kms/vpc-flow-log-key-policy';
import { Route53ProfileVpcTwice } from './route53/route53-profile-vpc-twice';
import { CdnBucketExposed } from './s3/cdn-bucket-exposed';
import { RecyclerUnusedSecret } from './secretsmanager/recycler-unused-secret';

/**
 * The identity-policy checks, embedded by the patterns whose roles take the user's grants (their
 * `grantPrincipal`). The other patterns' roles hold only their own fixed policies, which the
 * tests read.
 */
export const IAM_CHECKS: Check[] = [IamActionUnknown, IamResourceTypeMismatch, IamConditionKeyUnsupported];

/** The patterns that embed checks. */
export type PatternName = 'PrivateSubnetVpc' | 'SecureFargateService' | 'SecureS3Cdn' | 'PrivateLinkConsumer' | 'SecretRotationRecycler' | 'OpenVpnAccessServer';

/**
 * Which checks each pattern embeds: the one declaration. A row holds the checks the pattern runs
 * over the resources it makes (and, for some, over the user's resources it is given) and the
 * checks it raises from its props (`throwFinding`, `warnFinding`). `CheckInfo.patterns`, and so
 * the README's Embedded column, is derived from it; test/checks/pattern-checks.test.ts fails when
 * a pattern file uses a check that its row does not hold.
 */
export const PATTERN_CHECKS: Readonly<Record<PatternName, Check[]>> = Object.freeze({
  PrivateSubnetVpc: row(
    VpcCidrSize,
    VpcNatGatewaysExceedAzs,
    VpcNatCrossAz,
    VpcNatInstance,
    VpcNatInstanceNoPublicIp,
    VpcEnvAgnosticAzs,
    VpcFlowLogsMissing,
    VpcFlowLogKeyPolicy,
    VpcPeeringCidrOverlap,
  ),
  SecureFargateService: row(
    FargateCpuMemory,
    FargateTaskRoleWildcard,
    FargateTaskRoleSecrets,
    FargatePublicTasks,
    FargateNoEgress,
    FargateEndpointsUnverified,
    FargateHealthCheckPort,
    FargateLogsKeptForever,
    FargateContainerNotHardened,
    EcsSingleTask,
    EcsScalingMinimumBelowTwo,
    EcsScalingMaxBelowMin,
    EcsScalingRequestCountWithoutLoadBalancer,
    EcsDeploymentAlarmUndefined,
    EcsRolloutWithoutAlternateTarget,
    EcsBakeTimeBelowGracePeriod,
    EcsVolumeNotWritable,
    EcsSecretVersionPinned,
    AlbHttpOpen,
    AlbPlainHttp,
    AlbAccessLogKmsBucket,
    CdnVpcOriginInternetFacing,
    CdnVpcOriginOpenLoadBalancer,
    CdnVpcOriginNoInternetGateway,
    CdnVpcOriginPublicSubnets,
    CdnHttpAllowed,
    CdnCertificateRegion,
    CdnCertificateAliases,
    CdnMinimumTls,
    ...IAM_CHECKS,
  ),
  SecureS3Cdn: row(
    CdnHttpAllowed,
    CdnCertificateRegion,
    CdnCertificateAliases,
    CdnMinimumTls,
    CdnOaiWithKms,
    CdnOaiLegacy,
    CdnBucketExposed,
    CdnLogBucketAcls,
  ),
  PrivateLinkConsumer: row(
    PrivateLinkPeerDnsMissing,
    VpcPeeringRoutesMissing,
    VpcPeeringDnsDisabled,
    PrivateLinkPrivateDnsConflict,
    PrivateLinkEndpointPeerIngress,
    VpcPeeringCidrOverlap,
    TransitGatewayRoutesMissing,
    TransitGatewayRouteTableMissing,
    TransitGatewaySpokeDnsDisabled,
    TransitGatewayCidrOverlap,
    Route53ProfileVpcTwice,
  ),
  SecretRotationRecycler: row(
    RecyclerUnusedSecret,
    RecyclerEventPatternSize,
    RecyclerKeyPolicy,
    EcsSecretVersionPinned,
    EcsCodeDeployWithSecrets,
    ...IAM_CHECKS,
  ),
  OpenVpnAccessServer: row(
    OpenVpnClientCidrOverlap,
    OpenVpnServerNotPublic,
    OpenVpnSourceDestCheck,
    OpenVpnAdminPortsOpen,
    OpenVpnRoutedClientsNotAdmitted,
    Ec2UserDataSecrets,
    Ec2VolumeAzMismatch,
    Ec2NetworkInterfaceAzMismatch,
    ...IAM_CHECKS,
  ),
});

function row(...checks: Check[]): Check[] {
  return Object.freeze(checks) as Check[];
}

/** The patterns whose rows hold `check`, in the table's order. */
export function patternsEmbedding(check: Check): string[] {
  return Object.entries(PATTERN_CHECKS).filter(([, checks]) => checks.includes(check)).map(([pattern]) => pattern);
}

/**
 * Every check of the library, in the order the README lists them: by the first pattern whose
 * row holds it. Every check is embedded by a pattern today; one that only `GuardedPatternsChecks`
 * runs would be added here after the rows.
 */
export const ALL_CHECKS: Check[] = [...new Set(Object.values(PATTERN_CHECKS).flat())];

/** What the catalogue shows of a check: all but its rule, with the patterns that embed it. */
export function checkInfo(check: Check): CheckInfo {
  const { inspect, ...info } = check;
  return { ...info, patterns: patternsEmbedding(check) };
}

/**
 * The checks `GuardedPatternsChecks` runs over any app: those that read the template, less those
 * another tool already reports the same way.
 */
export const PACK_CHECKS: Check[] = ALL_CHECKS.filter((c) => c.resourceTypes.length > 0 && (c.alsoReportedBy ?? []).length === 0);

const LEVEL_LABEL: Record<CheckLevel, string> = {
  [CheckLevel.ERROR]: 'error',
  [CheckLevel.WARNING]: 'warning',
  [CheckLevel.INFO]: 'info',
};

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

/** The checks a pattern embeds, as the README lists them under the pattern. */
export function renderEmbedded(pattern: PatternName): string {
  const ids = PATTERN_CHECKS[pattern].map((c, i) => (i === 0 ? `\`${c.id}\`` : `\`-${checkSuffix(c)}\``));
  return `${ids.join(', ')}: see the catalogue below.`;
}

/**
 * The catalogue as the Markdown table the README shows between its catalogue markers.
 */
export function renderCatalogue(checks: CheckInfo[] = ALL_CHECKS.map(checkInfo)): string {
  const rows = checks.map((c) => {
    const pack = (c.alsoReportedBy ?? []).length > 0 ? `left to ${c.alsoReportedBy!.map((r) => `\`${r}\``).join(', ')}, which report${c.alsoReportedBy!.length === 1 ? 's' : ''} the same`
      : c.resourceTypes.length > 0 ? `${LEVEL_LABEL[c.level]} on ${c.resourceTypes.map((t) => `\`${t}\``).join(', ')}` : 'pattern only';
    return `| \`${c.id}\` | ${cell(c.title)} | ${LEVEL_LABEL[c.patternLevel]} in ${c.patterns.join(', ')} | ${pack} | ${cell(c.reason)} [source](${c.source}) |`;
  });
  return [
    '| ID | What it catches | Embedded | GuardedPatternsChecks | Why |',
    '| --- | --- | --- | --- | --- |',
    ...rows,
  ].join('\n');
}
