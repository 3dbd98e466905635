import {
  Stack,
  Token,
  Validations,
  aws_certificatemanager as acm,
  aws_cloudfront as cloudfront,
  aws_cloudfront_origins as origins,
  aws_ec2 as ec2,
  custom_resources as cr,
} from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { IngressOptions, LoadBalancerFrontEnd } from './load-balancer-front-end';
import { AlbPlainHttp } from '../checks/elbv2/alb-plain-http';
import { addAliasRecords, checkViewerCertificate, checkWebAclId } from '../private/cloudfront-viewer';
import { GuardedPatternsError, PropErrors } from '../private/errors';
import { HIPAA_SECURITY, NIST_800_53_R5, acknowledgeAll, complianceRuleIds, iam5ResourceId } from '../private/nag';
import { Removal } from '../private/removal';

/** The name of the managed prefix list of CloudFront's origin-facing servers, the same in every region. */
export const CLOUDFRONT_ORIGIN_FACING_PREFIX_LIST = 'com.amazonaws.global.cloudfront.origin-facing';

/** The ID of aws-cdk-lib's singleton function behind every AwsCustomResource of a stack. */
const AWS_CUSTOM_RESOURCE_FUNCTION = 'AWS679f53fac002430cb0da5b7982bd2287';

/** The region whose ACM certificates CloudFront presents. */
const VIEWER_CERTIFICATE_REGION = 'us-east-1';

/** The props of SecureFargateService that shape the CloudFront front end (documented there). */
export interface CloudFrontFrontEndOptions extends IngressOptions {
  readonly priceClass?: cloudfront.PriceClass;
}

/** Where the front end goes. */
export interface CloudFrontFrontEndProps extends CloudFrontFrontEndOptions {
  readonly vpc: ec2.IVpc;
  readonly removal: Removal;
  /** The private subnets of the internal load balancer. */
  readonly subnets: ec2.SubnetSelection;
}

/**
 * A CloudFront distribution in front of an internal Application Load Balancer, reached through a
 * CloudFront VPC origin. The load balancer is the LoadBalancerFrontEnd this class extends, placed
 * in the private subnets, whose security group admits CloudFront's origin-facing managed prefix
 * list on its one listener port and nothing else. CloudFront speaks HTTP to it inside the VPC
 * without a certificate, and HTTPS with one (which then serves `domainName` on both).
 *
 * Not a construct of its own: it builds in the service's scope, as LoadBalancerFrontEnd does.
 */
export class CloudFrontFrontEnd extends LoadBalancerFrontEnd {
  /** Collects the wrong options into `errors`, to be thrown before anything is built. */
  public static checkCloudFrontProps(errors: PropErrors, subject: string, options: CloudFrontFrontEndOptions, scope: Construct): void {
    LoadBalancerFrontEnd.checkProps(errors, subject, options, { internal: true });
    checkWebAclId(errors, subject, 'webAclArn', options.webAclArn);
    if (options.domainName === undefined && options.certificate !== undefined) {
      errors.add(`${subject}: certificate is given without domainName; with ingress FargateIngress.cloudFront() the distribution serves a certificate only for its alternate domain name. `
        + 'Give domainName (and hostedZone for the record), or drop certificate to serve HTTPS on the distribution\'s own domain.');
    }
    if (options.domainName === undefined) {
      return;
    }
    if (options.certificate) {
      checkViewerCertificate(errors, subject, options.certificate, [options.domainName], 'domainName');
    }
    const region = Stack.of(scope).region;
    errors.check(() => {
      if (!Token.isUnresolved(region) && region !== VIEWER_CERTIFICATE_REGION) {
        throw new GuardedPatternsError(`${subject}: domainName with ingress FargateIngress.cloudFront() needs stack '${Stack.of(scope).stackName}' in ${VIEWER_CERTIFICATE_REGION}, and it is in ${region}: `
          + `one certificate serves the name on CloudFront, which reads certificates only from ${VIEWER_CERTIFICATE_REGION}, and on the internal load balancer, which reads them only from its own region. `
          + `Deploy the stack to ${VIEWER_CERTIFICATE_REGION}, or leave domainName out and serve the distribution's own domain, or use ingress: FargateIngress.publicLoadBalancer().`);
      }
    });
  }

  /** `https://domainName`, or the distribution's own domain. */
  public readonly url: string;
  /** The distribution users reach. */
  public readonly distribution: cloudfront.Distribution;
  /** The VPC origin through which CloudFront reaches the internal load balancer. */
  public readonly vpcOrigin: cloudfront.VpcOrigin;

  constructor(scope: Construct, props: CloudFrontFrontEndProps) {
    const { domainName, hostedZone } = props;
    // The certificate serves domainName on both the distribution and the internal load balancer;
    // the load balancer is given no domainName or hostedZone, so the alias record is CloudFront's.
    super(scope, {
      vpc: props.vpc,
      removal: props.removal,
      certificate: props.certificate ?? (domainName && hostedZone ? new acm.Certificate(scope, 'Certificate', {
        domainName,
        validation: acm.CertificateValidation.fromDns(hostedZone),
      }) : undefined),
      accessLogBucket: props.accessLogBucket,
      deletionProtection: props.deletionProtection,
      internal: {
        subnets: props.subnets,
        source: ec2.Peer.prefixList(originFacingPrefixListId(scope)),
        sourceDescription: `CloudFront (${CLOUDFRONT_ORIGIN_FACING_PREFIX_LIST})`,
      },
    });
    const certificate = this.certificate;

    this.vpcOrigin = new cloudfront.VpcOrigin(scope, 'VpcOrigin', {
      endpoint: cloudfront.VpcOriginEndpoint.applicationLoadBalancer(this.loadBalancer),
      protocolPolicy: certificate ? cloudfront.OriginProtocolPolicy.HTTPS_ONLY : cloudfront.OriginProtocolPolicy.HTTP_ONLY,
      httpPort: 80,
      httpsPort: 443,
      originSslProtocols: [cloudfront.OriginSslPolicy.TLS_V1_2],
    });
    // With a certificate, CloudFront checks the load balancer's certificate against the origin's
    // domain name, so the origin is the service's name rather than the load balancer's own.
    const origin = origins.VpcOrigin.withVpcOrigin(this.vpcOrigin, { domainName: certificate ? domainName : this.loadBalancer.loadBalancerDnsName });
    this.distribution = new cloudfront.Distribution(scope, 'Distribution', {
      defaultBehavior: {
        origin,
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        allowedMethods: cloudfront.AllowedMethods.ALLOW_ALL,
        // An application's responses differ by user: nothing is cached unless the user adds a behavior.
        cachePolicy: cloudfront.CachePolicy.CACHING_DISABLED,
        originRequestPolicy: cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
        responseHeadersPolicy: cloudfront.ResponseHeadersPolicy.SECURITY_HEADERS,
        compress: true,
      },
      domainNames: domainName && certificate ? [domainName] : undefined,
      certificate,
      minimumProtocolVersion: certificate ? cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021 : undefined,
      sslSupportMethod: certificate ? cloudfront.SSLMethod.SNI : undefined,
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      enableIpv6: true,
      priceClass: props.priceClass ?? cloudfront.PriceClass.PRICE_CLASS_100,
      webAclId: props.webAclArn,
    });
    if (hostedZone && domainName) {
      addAliasRecords(scope, hostedZone, [domainName], this.distribution);
    }
    this.url = `https://${domainName && certificate ? domainName : this.distribution.distributionDomainName}`;
    this.acknowledge(certificate);
  }

  /** The findings this front end causes on purpose, each with why. */
  private acknowledge(certificate: acm.ICertificate | undefined): void {
    if (!certificate) {
      Validations.of(this.listener).acknowledge({
        id: AlbPlainHttp.id,
        reason: 'The load balancer is internal and admits CloudFront\'s VPC origin alone: viewers reach the distribution over HTTPS (HTTP is redirected), and the HTTP hop stays inside the VPC, where CloudFront offers HTTPS only with a certificate for a name of your own (give domainName).',
      });
      acknowledgeAll(this.listener, [...complianceRuleIds('ELBv2ACMCertificateRequired'), ...complianceRuleIds('ALBHttpToHttpsRedirection')],
        'The listener is internal, reached only by CloudFront\'s VPC origin inside the VPC; the distribution presents the certificate to viewers. An ACM certificate here needs a domain name of your own (give domainName).');
      Validations.of(this.distribution).acknowledge({
        id: 'AwsSolutions-CFR4',
        reason: 'Without domainName the distribution serves its *.cloudfront.net name with the default CloudFront certificate, whose security policy AWS fixes and no one can raise; with domainName the pattern requires TLSv1.2_2021 or newer.',
      });
    }
    Validations.of(this.distribution).acknowledge(
      {
        id: 'AwsSolutions-CFR1',
        reason: 'The service decides who its users are; geo restrictions are a business choice the pattern cannot make. Add them with a web ACL (webAclArn) or on the distribution.',
      },
      {
        id: 'AwsSolutions-CFR2',
        reason: 'A web ACL costs $5 a month plus $1 per rule and per million requests and needs rules chosen for the application, so none is attached by default. '
          + 'Create an AWS WAF web ACL of scope CLOUDFRONT in us-east-1 (for example with the AWSManagedRulesCommonRuleSet) and pass its ARN as webAclArn.',
      },
      {
        id: 'AwsSolutions-CFR3',
        reason: 'The distribution caches nothing (CachingDisabled), so every request it serves reaches the internal load balancer, whose access logs (accessLogBucket) record it; '
          + 'CloudFront standard logging v2 can be set up only in us-east-1 and legacy logging needs a bucket with ACLs enabled.',
      },
    );
  }
}

/**
 * The ID of CloudFront's origin-facing managed prefix list in the stack's region, read at deploy
 * time (ec2:DescribeManagedPrefixLists by name): its ID differs by region and CloudFormation has
 * no way to name it. One lookup per stack, shared by its services.
 */
function originFacingPrefixListId(scope: Construct): string {
  const stack = Stack.of(scope);
  const id = 'CloudFrontOriginFacingPrefixList';
  const call: cr.AwsSdkCall = {
    service: 'EC2',
    action: 'DescribeManagedPrefixLists',
    parameters: { Filters: [{ Name: 'prefix-list-name', Values: [CLOUDFRONT_ORIGIN_FACING_PREFIX_LIST] }] },
    physicalResourceId: cr.PhysicalResourceId.fromResponse('PrefixLists.0.PrefixListId'),
    outputPaths: ['PrefixLists.0.PrefixListId'],
  };
  const existing = stack.node.tryFindChild(id) as cr.AwsCustomResource | undefined;
  if (existing) {
    return existing.getResponseField('PrefixLists.0.PrefixListId');
  }
  const lookup = new cr.AwsCustomResource(stack, id, {
    onCreate: call,
    onUpdate: call,
    // DescribeManagedPrefixLists accepts no resource but *.
    policy: cr.AwsCustomResourcePolicy.fromSdkCalls({ resources: cr.AwsCustomResourcePolicy.ANY_RESOURCE }),
    installLatestAwsSdk: false,
  });
  Validations.of(lookup).acknowledge({
    id: iam5ResourceId('*'),
    reason: 'ec2:DescribeManagedPrefixLists, the only action of this lookup, accepts no resource but *; it reads the ID of CloudFront\'s origin-facing prefix list.',
  });
  acknowledgeAll(lookup, complianceRuleIds('IAMNoInlinePolicy'),
    'AwsCustomResource keeps the one statement its SDK call needs (ec2:DescribeManagedPrefixLists, read-only) in its own policy, created and deleted with it.');
  // aws-cdk-lib's function for every AwsCustomResource of the stack, at the stack's root.
  const provider = stack.node.tryFindChild(AWS_CUSTOM_RESOURCE_FUNCTION);
  if (provider) {
    Validations.of(provider).acknowledge({
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      reason: 'aws-cdk-lib\'s AwsCustomResource function runs only during deployments; AWSLambdaBasicExecutionRole lets it write its own logs and nothing else.',
    });
    acknowledgeAll(provider, complianceRuleIds('LambdaConcurrency', [NIST_800_53_R5, HIPAA_SECURITY]),
      'The function runs only when CloudFormation creates or updates a lookup; reserving concurrency for it would take from the account\'s unreserved pool for nothing.');
    acknowledgeAll(provider, complianceRuleIds('LambdaDLQ', [NIST_800_53_R5, HIPAA_SECURITY]),
      'CloudFormation invokes the function for a custom resource and fails the deployment when it fails: there is no asynchronous event to lose.');
    acknowledgeAll(provider, complianceRuleIds('LambdaInsideVPC'),
      'The function calls only the EC2 API, at deploy time; inside a VPC it would need NAT or an EC2 endpoint, which the service\'s VPC may lack.');
  }
  return lookup.getResponseField('PrefixLists.0.PrefixListId');
}
