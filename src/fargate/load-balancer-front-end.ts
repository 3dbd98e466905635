import {
  Duration,
  Token,
  Validations,
  aws_certificatemanager as acm,
  aws_ec2 as ec2,
  aws_ecs as ecs,
  aws_elasticloadbalancingv2 as elbv2,
  aws_iam as iam,
  aws_route53 as route53,
  aws_route53_targets as targets,
  aws_s3 as s3,
} from 'aws-cdk-lib';
import { Construct } from 'constructs';
import type { SecureFargateServiceProps } from './secure-fargate-service';
import { AlbAccessLogKmsBucket, bucketKmsAlgorithm } from '../checks/elbv2/alb-access-log-kms-bucket';
import { AlbHttpOpen, httpOpenMessage } from '../checks/elbv2/alb-http-open';
import { pathOf, throwFinding } from '../checks/embed';
import { parseCidr } from '../private/cidr';
import { GuardedPatternsError, PropErrors } from '../private/errors';
import { HIPAA_SECURITY, NIST_800_53_R5, acknowledgeAll, complianceRuleIds } from '../private/nag';
import { Removal } from '../private/removal';

/** Compliance-pack rules about the access log bucket that ALB access logging rules out. */
const ACCESS_LOG_BUCKET_RULES: Array<{ ids: string[]; reason: string }> = [
  {
    ids: complianceRuleIds('S3DefaultEncryptionKMS'),
    reason: 'Elastic Load Balancing writes access logs only to buckets encrypted with S3 managed keys (SSE-S3); a KMS key would stop the logs.',
  },
  {
    ids: ['AwsSolutions-S1', ...complianceRuleIds('S3BucketLoggingEnabled')],
    reason: 'This bucket holds the load balancer\'s access logs; logging access to it into another bucket would only repeat the pattern one level down.',
  },
  {
    ids: complianceRuleIds('S3BucketReplicationEnabled'),
    reason: 'Access logs are versioned and retained in their own region; cross-region replication of request logs is a cost few services need, and a user who needs it can add it on accessLogBucket.',
  },
];

/** Who may reach the load balancer unless `allowedCidrs` says otherwise. */
const ANYWHERE = ['0.0.0.0/0'];

/** Where a front end sends requests: the application container of a service. */
export interface FrontEndTarget {
  readonly service: ecs.FargateService;
  readonly containerName: string;
  readonly containerPort: number;
  readonly healthCheckPath: string;
  /** @default - the container port */
  readonly healthCheckPort?: number;
  /**
   * The role ECS assumes to shift traffic between the target group and an alternate one, for a
   * canary or linear rollout: the front end then also makes the alternate target group and a
   * production listener rule that forwards to both by weight.
   *
   * @default - no alternate target group
   */
  readonly trafficShiftRole?: iam.IRole;
}

/**
 * What a SecureFargateService needs of the front end that admits its users: the load balancer and
 * listener that serve it, and a way to route the listener to its tasks. The service does not know
 * how the front end is built, so another (such as CloudFront before an internal load balancer) can
 * take its place.
 */
export interface FargateFrontEnd {
  readonly loadBalancer: elbv2.ApplicationLoadBalancer;
  readonly securityGroup: ec2.SecurityGroup;
  readonly listener: elbv2.ApplicationListener;
  readonly certificate?: acm.ICertificate;
  readonly accessLogBucket: s3.IBucket;
  /** `https://domainName`, or the load balancer's DNS name. */
  readonly url: string;

  /**
   * The target group ECS moves a new revision's tasks into, made by `addTarget` when given a
   * `trafficShiftRole`; none from a front end that cannot shift traffic.
   */
  readonly alternateTargetGroup?: elbv2.ApplicationTargetGroup;
  /** The listener rule whose weights ECS changes to shift traffic, made with `alternateTargetGroup`. */
  readonly productionListenerRule?: elbv2.ApplicationListenerRule;

  /** Routes the listener to the target's container, admitting the health checks; returns the target group. */
  addTarget(target: FrontEndTarget): elbv2.ApplicationTargetGroup;
}

/** The props of SecureFargateService that shape its load balancer (documented there). */
export type LoadBalancerFrontEndOptions = Pick<SecureFargateServiceProps,
'allowedCidrs' | 'certificate' | 'domainName' | 'hostedZone' | 'accessLogBucket' | 'deletionProtection'>;

/** The props of SecureFargateService that an ingress reads (documented there). */
export type IngressOptions = LoadBalancerFrontEndOptions & Pick<SecureFargateServiceProps, 'webAclArn'>;

/** An internal load balancer, in private subnets, that one source alone reaches. */
export interface InternalPlacement {
  /** The private subnets it stands in. */
  readonly subnets: ec2.SubnetSelection;
  /** The only source its security group admits, on the listener port. */
  readonly source: ec2.IPeer;
  /** The source, as the security group's description names it. */
  readonly sourceDescription: string;
}

/** Where the load balancer goes. */
export interface LoadBalancerFrontEndProps extends LoadBalancerFrontEndOptions {
  readonly vpc: ec2.IVpc;
  readonly removal: Removal;
  /**
   * An internal load balancer with one listener (HTTPS with a certificate, HTTP without), no
   * HTTP redirect, and `allowedCidrs` unused.
   *
   * @default - internet-facing, in the public subnets, admitting `allowedCidrs`
   */
  readonly internal?: InternalPlacement;
}

/**
 * An internet-facing Application Load Balancer in the VPC's public subnets, with its security
 * group (only `allowedCidrs`, only the listener ports), an HTTPS listener with HTTP redirected to
 * it (plain HTTP without a certificate), the certificate and alias record for `domainName`, and
 * an access log bucket. With `internal`, an internal one in private subnets that admits one
 * source on one listener (what CloudFrontFrontEnd puts behind CloudFront).
 *
 * Not a construct of its own: it builds in the service's scope, so that its resources keep the
 * construct paths, and logical IDs, they had when the service built them itself.
 */
export class LoadBalancerFrontEnd implements FargateFrontEnd {
  /**
   * Collects the wrong options into `errors`, to be thrown before anything is built. For an
   * internal load balancer, `allowedCidrs` is not checked: the caller refuses it.
   */
  public static checkProps(errors: PropErrors, subject: string, options: LoadBalancerFrontEndOptions, placement: { internal?: boolean } = {}): void {
    errors.check(() => {
      if ((options.domainName === undefined) !== (options.hostedZone === undefined)) {
        throw new GuardedPatternsError(`${subject}: domainName and hostedZone go together (the pattern adds the record, and the certificate unless one is given); `
          + `${options.domainName === undefined ? 'give domainName, a name in the zone' : 'give hostedZone, the public zone that holds it'}.`);
      }
    });
    if (!placement.internal) {
      checkAllowedCidrs(errors, subject, options);
    }
    errors.check(() => {
      if (options.accessLogBucket) {
        checkAccessLogBucket(subject, options.accessLogBucket);
      }
    });
  }

  public readonly loadBalancer: elbv2.ApplicationLoadBalancer;
  public readonly securityGroup: ec2.SecurityGroup;
  public readonly listener: elbv2.ApplicationListener;
  public readonly certificate?: acm.ICertificate;
  public readonly accessLogBucket: s3.IBucket;
  public readonly url: string;
  public alternateTargetGroup?: elbv2.ApplicationTargetGroup;
  public productionListenerRule?: elbv2.ApplicationListenerRule;
  private readonly scope: Construct;
  private readonly vpc: ec2.IVpc;

  constructor(scope: Construct, props: LoadBalancerFrontEndProps) {
    const { vpc, removal, internal } = props;
    this.scope = scope;
    this.vpc = vpc;
    const allowedCidrs = props.allowedCidrs ?? ANYWHERE;
    this.securityGroup = new ec2.SecurityGroup(scope, 'LoadBalancerSecurityGroup', {
      vpc,
      description: `Load balancer of ${scope.node.path}: ${internal ? internal.sourceDescription : allowedCidrs.join(', ')} on its listener ports`,
      allowAllOutbound: false,
    });
    this.loadBalancer = new elbv2.ApplicationLoadBalancer(scope, 'LoadBalancer', {
      vpc,
      internetFacing: !internal,
      vpcSubnets: internal?.subnets ?? { subnetType: ec2.SubnetType.PUBLIC },
      securityGroup: this.securityGroup,
      dropInvalidHeaderFields: true,
      deletionProtection: props.deletionProtection ?? !removal.destroy,
    });
    if (removal.destroy && props.deletionProtection === undefined) {
      acknowledgeAll(this.loadBalancer, complianceRuleIds('ELBDeletionProtectionEnabled', [NIST_800_53_R5, HIPAA_SECURITY]),
        'removalPolicy is DESTROY: the stack is meant to be removed by cdk destroy, which deletion protection on the load balancer would stop.');
    }
    this.accessLogBucket = props.accessLogBucket ?? createAccessLogBucket(scope, removal);
    this.loadBalancer.logAccessLogs(this.accessLogBucket);
    if (!props.accessLogBucket) {
      // The load balancer writes logs until it is gone.
      removal.emptyAfter(this.accessLogBucket, this.loadBalancer);
    }

    this.certificate = props.certificate ?? (props.hostedZone && props.domainName ? new acm.Certificate(scope, 'Certificate', {
      domainName: props.domainName,
      validation: acm.CertificateValidation.fromDns(props.hostedZone),
    }) : undefined);
    if (internal) {
      this.listener = this.addInternalListener(internal, this.certificate);
    } else {
      this.listener = this.certificate ? this.addHttpsListeners(this.certificate, allowedCidrs) : this.addHttpListener(allowedCidrs);
    }

    if (props.hostedZone && props.domainName) {
      new route53.ARecord(scope, 'AliasRecord', {
        zone: props.hostedZone,
        recordName: props.domainName,
        target: route53.RecordTarget.fromAlias(new targets.LoadBalancerTarget(this.loadBalancer)),
      });
    }
    this.url = `${this.certificate ? 'https' : 'http'}://${props.domainName ?? this.loadBalancer.loadBalancerDnsName}`;
  }

  /** One listener, admitting the one source: HTTPS on 443 with a certificate, HTTP on 80 without. */
  private addInternalListener(internal: InternalPlacement, certificate: acm.ICertificate | undefined): elbv2.ApplicationListener {
    const port = certificate ? 443 : 80;
    this.securityGroup.addIngressRule(internal.source, ec2.Port.tcp(port), `${certificate ? 'HTTPS' : 'HTTP'} from ${internal.sourceDescription}`);
    return certificate
      ? this.loadBalancer.addListener('Https', { protocol: elbv2.ApplicationProtocol.HTTPS, port, certificates: [certificate], sslPolicy: elbv2.SslPolicy.RECOMMENDED_TLS, open: false })
      : this.loadBalancer.addListener('Http', { protocol: elbv2.ApplicationProtocol.HTTP, port, open: false });
  }

  public addTarget(target: FrontEndTarget): elbv2.ApplicationTargetGroup {
    const { service, containerName, containerPort, healthCheckPort, trafficShiftRole } = target;
    const groupProps = {
      protocol: elbv2.ApplicationProtocol.HTTP,
      port: containerPort,
      healthCheck: {
        path: target.healthCheckPath,
        port: healthCheckPort === undefined ? undefined : String(healthCheckPort),
        healthyHttpCodes: '200-399',
      },
    };
    let group: elbv2.ApplicationTargetGroup;
    if (!trafficShiftRole) {
      group = this.listener.addTargets('Tasks', { ...groupProps, targets: [service.loadBalancerTarget({ containerName, containerPort })] });
    } else {
      group = this.listener.addTargets('Tasks', groupProps);
      const alternate = new elbv2.ApplicationTargetGroup(this.scope, 'AlternateTargetGroup', { ...groupProps, vpc: this.vpc, targetType: elbv2.TargetType.IP });
      // ECS shifts traffic by the weights of a listener rule (for an ALB, not the default action);
      // the rule matches every path, so the listener's default action is only its fallback.
      const rule = new elbv2.ApplicationListenerRule(this.scope, 'ProductionListenerRule', {
        listener: this.listener,
        priority: 1,
        conditions: [elbv2.ListenerCondition.pathPatterns(['/*'])],
        action: elbv2.ListenerAction.weightedForward([{ targetGroup: group, weight: 100 }, { targetGroup: alternate, weight: 0 }]),
      });
      group.addTarget(service.loadBalancerTarget({
        containerName,
        containerPort,
        alternateTarget: new ecs.AlternateTarget('AlternateTarget', {
          alternateTargetGroup: alternate,
          productionListener: ecs.ListenerRuleConfiguration.applicationListenerRule(rule),
          role: trafficShiftRole,
        }),
      }));
      this.alternateTargetGroup = alternate;
      this.productionListenerRule = rule;
    }
    if (healthCheckPort !== undefined && healthCheckPort !== containerPort) {
      service.connections.allowFrom(this.loadBalancer, ec2.Port.tcp(healthCheckPort), 'Load balancer health checks');
    }
    return group;
  }

  /** HTTPS on 443, and HTTP on 80 that only redirects to it. */
  private addHttpsListeners(certificate: acm.ICertificate, allowedCidrs: string[]): elbv2.ApplicationListener {
    for (const cidr of allowedCidrs) {
      const peer = ec2.Peer.ipv4(cidr);
      this.securityGroup.addIngressRule(peer, ec2.Port.tcp(443), 'HTTPS');
      this.securityGroup.addIngressRule(peer, ec2.Port.tcp(80), 'HTTP, redirected to HTTPS');
    }
    const listener = this.loadBalancer.addListener('Https', {
      protocol: elbv2.ApplicationProtocol.HTTPS,
      port: 443,
      certificates: [certificate],
      sslPolicy: elbv2.SslPolicy.RECOMMENDED_TLS,
      open: false,
    });
    const redirect = this.loadBalancer.addRedirect({ sourcePort: 80, targetPort: 443, open: false });
    acknowledgeAll(redirect, complianceRuleIds('ELBv2ACMCertificateRequired'),
      'This HTTP listener serves nothing: it only redirects to the HTTPS listener, which presents the certificate.');
    if (allowedCidrs.includes('0.0.0.0/0')) {
      Validations.of(this.securityGroup).acknowledge({
        id: 'AwsSolutions-EC23',
        reason: 'The internet-facing load balancer is the service\'s public entry point (allowedCidrs): it admits HTTPS, and HTTP that it only redirects to HTTPS; the tasks admit the load balancer alone.',
      });
    }
    return listener;
  }

  /** Plain HTTP on 80: only for the networks in `allowedCidrs`, never the internet (AlbHttpOpen). */
  private addHttpListener(allowedCidrs: string[]): elbv2.ApplicationListener {
    for (const cidr of allowedCidrs) {
      this.securityGroup.addIngressRule(ec2.Peer.ipv4(cidr), ec2.Port.tcp(80), 'HTTP');
    }
    return this.loadBalancer.addListener('Http', { protocol: elbv2.ApplicationProtocol.HTTP, port: 80, open: false });
  }
}

/** The public load balancer's `allowedCidrs`: IPv4 blocks, and never the internet for plain HTTP. */
function checkAllowedCidrs(errors: PropErrors, subject: string, options: LoadBalancerFrontEndOptions): void {
  const allowedCidrs = options.allowedCidrs ?? ANYWHERE;
  errors.check(() => {
    if (allowedCidrs.length === 0) {
      throw new GuardedPatternsError(`${subject}: allowedCidrs is empty, so nothing could reach the load balancer; give the networks that may, such as ['0.0.0.0/0'] or ['10.0.0.0/8'].`);
    }
  });
  for (const cidr of allowedCidrs) {
    errors.check(() => {
      if (!Token.isUnresolved(cidr) && !parseCidr(cidr)) {
        throw new GuardedPatternsError(`${subject}: allowedCidrs holds '${cidr}', which is not an IPv4 CIDR block with its host bits clear, such as '203.0.113.0/24'.`);
      }
    });
  }
  const https = options.certificate !== undefined || options.hostedZone !== undefined;
  errors.check(() => {
    if (!https && allowedCidrs.includes('0.0.0.0/0')) {
      throwFinding(AlbHttpOpen, httpOpenMessage(subject));
    }
  });
}

function createAccessLogBucket(scope: Construct, removal: Removal): s3.Bucket {
  const bucket = new s3.Bucket(scope, 'AccessLogBucket', {
    encryption: s3.BucketEncryption.S3_MANAGED,
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    enforceSSL: true,
    versioned: true,
    objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
    lifecycleRules: [{ expiration: Duration.days(365), noncurrentVersionExpiration: Duration.days(30) }],
    ...removal.bucket,
  });
  for (const { ids, reason } of ACCESS_LOG_BUCKET_RULES) {
    acknowledgeAll(bucket, ids, reason);
  }
  return bucket;
}

/**
 * Refuses an access log bucket encrypted with SSE-KMS, before aws-cdk-lib's own error (which
 * names neither the prop nor the fix, and sees only a key object, not KMS_MANAGED or DSSE).
 */
function checkAccessLogBucket(subject: string, bucket: s3.IBucket): void {
  const cfnBucket = bucket.node.defaultChild;
  const algorithm = cfnBucket instanceof s3.CfnBucket ? bucketKmsAlgorithm(cfnBucket) : undefined;
  if (bucket.encryptionKey || algorithm) {
    throwFinding(AlbAccessLogKmsBucket, `${subject}: accessLogBucket '${pathOf(bucket)}' is encrypted with SSE-KMS (${algorithm ?? 'a KMS key'}); `
      + 'Elastic Load Balancing writes access logs only to buckets encrypted with S3 managed keys. '
      + 'Give a bucket with encryption: s3.BucketEncryption.S3_MANAGED, or leave accessLogBucket out and the pattern creates one.');
  }
}
