/**
 * The AWS Control Tower proactive controls that a pattern's defaults fail, with why the pattern
 * cannot pass them and what a user sets to pass them. The scanner test (test/scanners) fails when a
 * control fails that is not here, or when a row here no longer fails; `npm run readme` writes the
 * table into README.md.
 */

/** A control that some resources of a pattern (or of an example app itself) fail with the defaults. */
export interface ControlException {
  /** The control ID, such as `CT.S3.PR.9`. */
  readonly control: string;
  /** The pattern's class name; left out for a resource that an example app creates itself (`example`). */
  readonly pattern?: string;
  /** The example app (its file name in examples/ without `.ts`) whose own resources, outside any pattern, fail the control. */
  readonly example?: string;
  /** The failing resources' construct paths below the pattern, or below the example's stack. */
  readonly resources: string[];
  /** Why the pattern's defaults (or the example's choices) do not pass it. */
  readonly reason: string;
  /** What a user sets to pass it. */
  readonly toPass: string;
}

export const CONTROL_EXCEPTIONS: ControlException[] = [
  // PrivateSubnetVpc
  {
    control: 'CT.CLOUDWATCH.PR.3',
    pattern: 'PrivateSubnetVpc',
    resources: ['FlowLogGroup'],
    reason: 'The flow log group is encrypted by CloudWatch Logs, not with a customer managed KMS key: a key costs a monthly fee and its policy must admit CloudWatch Logs, so the pattern leaves it to you.',
    toPass: '`flowLogEncryptionKey`',
  },
  {
    control: 'CT.LAMBDA.PR.3',
    pattern: 'PrivateSubnetVpc',
    resources: ['Custom::VpcRestrictDefaultSGCustomResourceProvider/Handler'],
    reason: 'aws-cdk-lib\'s custom-resource function that removes the default security group\'s rules (`restrictDefaultSecurityGroup`) runs outside any VPC; aws-cdk-lib offers no way to place it in one.',
    toPass: 'Nothing in the pattern: exempt this function from the control.',
  },
  // OpenVpnAccessServer
  {
    control: 'CT.AUTOSCALING.PR.1',
    pattern: 'OpenVpnAccessServer',
    resources: ['AutoScalingGroup/ASG'],
    reason: 'The group spans every selected public subnet (`VPCZoneIdentifier`), but the control reads only the group\'s `AvailabilityZones` property, which the pattern leaves out.',
    toPass: 'Set `AvailabilityZones` through the escape hatch: `(vpn.autoScalingGroup.node.defaultChild as autoscaling.CfnAutoScalingGroup).availabilityZones = vpc.publicSubnets.map((s) => s.availabilityZone)`.',
  },
  {
    control: 'CT.AUTOSCALING.PR.6',
    pattern: 'OpenVpnAccessServer',
    resources: ['AutoScalingGroup/ASG'],
    reason: 'One server of one instance type, chosen for the edition and its image; a mixed instances policy would gain nothing for a single instance.',
    toPass: 'Nothing in the pattern: exempt the group from the control.',
  },
  {
    control: 'CT.EC2.PR.3',
    pattern: 'OpenVpnAccessServer',
    resources: ['SecurityGroup'],
    reason: 'Clients connect from anywhere on the tunnel port (UDP 1194 by default); the control admits only ports 80 and 443 from 0.0.0.0/0.',
    toPass: '`allowedCidrs` (your clients\' networks), or `protocol: OpenVpnProtocol.TCP` with `port: 443`.',
  },
  {
    control: 'CT.EC2.PR.9',
    pattern: 'OpenVpnAccessServer',
    resources: ['LaunchTemplate'],
    reason: 'The server stands in a public subnet and needs a public address from its first boot: it calls AWS APIs (to take its Elastic IP over) before it has the Elastic IP, with no NAT in its path.',
    toPass: 'Nothing in the pattern: exempt the launch template from the control.',
  },
  // PrivateLinkConsumer
  {
    control: 'CT.AUTOSCALING.PR.1',
    pattern: 'PrivateLinkConsumer',
    resources: ['Forwarder1/ASG', 'Forwarder2/ASG'],
    reason: 'With `PrivateLinkDns.forwarderInstances()`, each forwarder group holds one instance in one subnet, where its fixed network interface (the address peers resolve through) lives; the redundancy is the second group in another zone.',
    toPass: '`PrivateLinkDns.hostedZones()` (the default) or `PrivateLinkDns.resolverEndpoints()`: neither creates instances.',
  },
  {
    control: 'CT.AUTOSCALING.PR.6',
    pattern: 'PrivateLinkConsumer',
    resources: ['Forwarder1/ASG', 'Forwarder2/ASG'],
    reason: 'Each forwarder group holds one instance of one type; a mixed instances policy would gain nothing for a single instance.',
    toPass: '`PrivateLinkDns.hostedZones()` (the default) or `PrivateLinkDns.resolverEndpoints()`.',
  },
  // SecureS3Cdn
  {
    control: 'CT.CLOUDFRONT.PR.1',
    pattern: 'SecureS3Cdn',
    resources: ['Distribution'],
    reason: 'The distribution serves files by key and has no index page by default.',
    toPass: '`defaultRootObject`',
  },
  {
    control: 'CT.CLOUDFRONT.PR.4',
    pattern: 'SecureS3Cdn',
    resources: ['Distribution'],
    reason: 'One bucket origin: an origin group needs a second bucket replicated from the first.',
    toPass: 'Nothing in the pattern: exempt the distribution from the control.',
  },
  {
    control: 'CT.CLOUDFRONT.PR.5',
    pattern: 'SecureS3Cdn',
    resources: ['Distribution'],
    reason: 'The control reads only the distribution\'s legacy `Logging` property, whose log bucket must have ACLs enabled (which CT.S3.PR.5 refuses). The pattern delivers the same access logs through CloudFront standard logging v2 (`AWS::Logs::DeliverySource`, `DeliveryDestination`, `Delivery`), which the control does not see.',
    toPass: 'Nothing that keeps the log bucket free of ACLs: exempt the distribution from the control.',
  },
  {
    control: 'CT.CLOUDFRONT.PR.6',
    pattern: 'SecureS3Cdn',
    resources: ['Distribution'],
    reason: 'Without your own domain, the distribution serves its *.cloudfront.net name with CloudFront\'s default certificate.',
    toPass: '`domainNames` and `certificate`',
  },
  {
    control: 'CT.CLOUDFRONT.PR.7',
    pattern: 'SecureS3Cdn',
    resources: ['Distribution'],
    reason: 'The SNI setting exists only with a custom certificate; the default *.cloudfront.net certificate has none.',
    toPass: '`domainNames` and `certificate`',
  },
  {
    control: 'CT.CLOUDFRONT.PR.9',
    pattern: 'SecureS3Cdn',
    resources: ['Distribution'],
    reason: 'The minimum protocol version applies only with a custom certificate; the default *.cloudfront.net certificate has none.',
    toPass: '`domainNames` and `certificate`',
  },
  {
    control: 'CT.CLOUDWATCH.PR.3',
    pattern: 'SecureS3Cdn',
    resources: ['UploadSigner/LogGroup'],
    reason: 'The upload signer\'s log group is encrypted by CloudWatch Logs, not with a customer managed KMS key.',
    toPass: 'Nothing in the pattern yet: exempt the log group from the control.',
  },
  {
    control: 'CT.LAMBDA.PR.3',
    pattern: 'SecureS3Cdn',
    resources: ['UploadSigner/Function'],
    reason: 'The upload signer signs the POST policy locally and reaches no private resource; in a VPC it would only add cold-start time and NAT cost.',
    toPass: 'Nothing in the pattern: exempt the function from the control.',
  },
  {
    control: 'CT.S3.PR.2',
    pattern: 'SecureS3Cdn',
    resources: ['LogBucket'],
    reason: 'The log bucket is where the logs go: logging it into itself would loop, and into another bucket would need a third.',
    toPass: '`logBucket` (your own, logged) bucket.',
  },
  {
    control: 'CT.S3.PR.4',
    pattern: 'SecureS3Cdn',
    resources: ['Bucket', 'LogBucket'],
    reason: 'The pattern has nothing to notify on a new object.',
    toPass: '`cdn.bucket.addEventNotification(...)`; for the log bucket, your own `logBucket`.',
  },
  {
    control: 'CT.S3.PR.9',
    pattern: 'SecureS3Cdn',
    resources: ['Bucket', 'LogBucket'],
    reason: 'S3 Object Lock keeps objects from being deleted or overwritten for a retention period, which content and expiring logs must be; it can only be enabled on a new bucket.',
    toPass: 'Nothing in the pattern: exempt the buckets from the control.',
  },
  {
    control: 'CT.S3.PR.10',
    pattern: 'SecureS3Cdn',
    resources: ['Bucket', 'LogBucket'],
    reason: 'S3-managed encryption (SSE-S3) by default, as a customer managed key costs a monthly fee; CloudFront standard logs are not delivered to a bucket encrypted with a customer managed key unless its policy admits the log delivery service.',
    toPass: '`encryptionKey` (content bucket); your own `logBucket`.',
  },
  // SecretRotationRecycler
  {
    control: 'CT.CLOUDWATCH.PR.3',
    pattern: 'SecretRotationRecycler',
    resources: ['LogGroup'],
    reason: 'The log group is encrypted by CloudWatch Logs unless you give a key.',
    toPass: '`encryptionKey`',
  },
  {
    control: 'CT.LAMBDA.PR.3',
    pattern: 'SecretRotationRecycler',
    resources: ['Function'],
    reason: 'The function only calls the ECS API; in a VPC it would need a NAT gateway or an ECS interface endpoint and gain nothing.',
    toPass: 'Nothing in the pattern: exempt the function from the control.',
  },
  {
    control: 'CT.SQS.PR.1',
    pattern: 'SecretRotationRecycler',
    resources: ['DeadLetterQueue'],
    reason: 'The queue is itself the function\'s dead-letter queue; a dead-letter queue of its own would only move the problem.',
    toPass: 'Nothing in the pattern: exempt the queue from the control.',
  },
  // SecureFargateService
  {
    control: 'CT.CLOUDWATCH.PR.1',
    pattern: 'SecureFargateService',
    resources: ['Target5xxAlarm', 'UnhealthyTargetsAlarm'],
    reason: 'The deployment alarms act through ECS, which rolls a deployment back when one goes into ALARM; the control asks for an alarm action as well, and who should be told is yours to say.',
    toPass: '`web.deploymentAlarms.forEach((alarm) => alarm.addAlarmAction(new cloudwatch_actions.SnsAction(topic)))`',
  },
  {
    control: 'CT.CLOUDWATCH.PR.3',
    pattern: 'SecureFargateService',
    resources: ['LogGroup'],
    reason: 'The container\'s log group is encrypted by CloudWatch Logs unless you bring one.',
    toPass: '`logGroup` (a log group with `encryptionKey`)',
  },
  {
    control: 'CT.ECS.PR.3',
    pattern: 'SecureFargateService',
    resources: ['TaskDefinition'],
    reason: 'The non-essential `TmpPermissions` container runs as root: Fargate creates the `/tmp` volume owned by root with mode 0755, and only root can open it to the app\'s non-root user. It runs `chmod 1777 /tmp` and exits before the app container starts.',
    toPass: '`writableTmp: WritableTmp.fromImageVolume()`, with an image that declares `VOLUME /tmp` owned by its user.',
  },
  {
    control: 'CT.S3.PR.2',
    pattern: 'SecureFargateService',
    resources: ['AccessLogBucket'],
    reason: 'The load balancer\'s access log bucket is where logs go: logging it into itself would loop.',
    toPass: '`accessLogBucket` (your own, logged) bucket.',
  },
  {
    control: 'CT.S3.PR.4',
    pattern: 'SecureFargateService',
    resources: ['AccessLogBucket'],
    reason: 'The pattern has nothing to notify on a new log object.',
    toPass: '`accessLogBucket`',
  },
  {
    control: 'CT.S3.PR.9',
    pattern: 'SecureFargateService',
    resources: ['AccessLogBucket'],
    reason: 'Object Lock would keep expiring logs from being deleted for the retention period; it can only be enabled on a new bucket.',
    toPass: '`accessLogBucket` (your own bucket with Object Lock).',
  },
  {
    control: 'CT.S3.PR.10',
    pattern: 'SecureFargateService',
    resources: ['AccessLogBucket'],
    reason: 'Elastic Load Balancing delivers access logs only to buckets encrypted with S3-managed keys (SSE-S3).',
    toPass: 'Nothing: exempt the bucket from the control.',
  },
  // The startup example's own database (examples/lib/startup-stack.ts)
  {
    control: 'CT.RDS.PR.2',
    example: 'startup-app',
    resources: ['Database/Writer'],
    reason: 'Enhanced Monitoring (operating-system metrics every 1 to 60 seconds) is billed as CloudWatch Logs ingestion and needs a role with the AWS managed AmazonRDSEnhancedMonitoringRole policy; the cluster\'s CloudWatch metrics are enough for a startup\'s first database.',
    toPass: '`monitoringInterval: Duration.seconds(60)` on the `rds.DatabaseCluster`.',
  },
];

const CONTROL_DOCS = 'https://docs.aws.amazon.com/controltower/latest/controlreference/';

/** The control's page in the AWS Control Tower control reference. */
function controlLink(control: string): string {
  const service = control.split('.')[1].toLowerCase();
  const page: Record<string, string> = { autoscaling: 'ec2-auto-scaling-rules', cloudfront: 'cloudfront-rules', cloudwatch: 'cloudwatch-rules', ec2: 'ec2-rules', ecs: 'ecs-rules', lambda: 'lambda-rules', s3: 's3-rules', sqs: 'sqs-rules' };
  return `[${control}](${CONTROL_DOCS}${page[service] ?? `${service}-rules`}.html#${control.toLowerCase().replace(/\./g, '-')}-description)`;
}

/** Who fails a control, as the README table's first column shows it. */
function ownerName(e: ControlException): string {
  return e.pattern ?? `${e.example} example`;
}

/** The README table: one row per control and pattern (or example). */
export function renderControls(exceptions: ControlException[] = CONTROL_EXCEPTIONS): string {
  const rows = [...exceptions]
    .sort((a, b) => ownerName(a).localeCompare(ownerName(b)) || a.control.localeCompare(b.control, 'en', { numeric: true }))
    .map((e) => `| ${ownerName(e)} | ${controlLink(e.control)} | ${e.resources.map((r) => `\`${r}\``).join(', ')} | ${e.reason} | ${e.toPass} |`);
  return [
    '| Pattern | Control | Resources | Why the defaults fail it | To pass it |',
    '| --- | --- | --- | --- | --- |',
    ...rows,
  ].join('\n');
}
