import { aws_cloudfront as cloudfront, aws_ec2 as ec2 } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { CloudFrontFrontEnd, CloudFrontFrontEndOptions } from './cloudfront-front-end';
import { FargateFrontEnd, IngressOptions, LoadBalancerFrontEnd } from './load-balancer-front-end';
import { GuardedPatternsError, PropErrors } from '../private/errors';
import { Removal } from '../private/removal';

/** Options of `FargateIngress.cloudFront()`. */
export interface FargateCloudFrontOptions {
  /**
   * Which edge locations serve the service.
   *
   * @default cloudfront.PriceClass.PRICE_CLASS_100 (North America and Europe, the cheapest)
   */
  readonly priceClass?: cloudfront.PriceClass;
}

/** What a SecureFargateService hands its ingress: the props that shape the front end, checked. */
interface IngressContext {
  readonly scope: Construct;
  readonly vpc: ec2.IVpc;
  readonly removal: Removal;
  /** The private subnets of the tasks, where an internal load balancer goes. */
  readonly privateSubnets: ec2.SubnetSelection;
  readonly options: IngressOptions;
}

/**
 * How users reach a SecureFargateService: through CloudFront to an internal load balancer, or
 * straight to an internet-facing one.
 */
export abstract class FargateIngress {
  /**
   * A CloudFront distribution in front of an internal Application Load Balancer in the tasks'
   * private subnets, reached through a CloudFront VPC origin: HTTPS on the distribution's own
   * domain (or on `domainName`) from the first deploy, HTTP redirected to HTTPS, and a load
   * balancer that admits CloudFront alone (its origin-facing managed prefix list). No public
   * load balancer; VPC origins cost nothing on top of CloudFront's requests and data transfer.
   *
   * @see https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/private-content-vpc-origins.html
   */
  public static cloudFront(options: FargateCloudFrontOptions = {}): FargateIngress {
    return new CloudFrontIngress(options);
  }

  /**
   * An internet-facing Application Load Balancer in the VPC's public subnets, admitting
   * `allowedCidrs`: HTTPS with HTTP redirected when there is a certificate (or `domainName` and
   * `hostedZone`); plain HTTP without one, which is an error when `allowedCidrs` admits the internet.
   */
  public static publicLoadBalancer(): FargateIngress {
    return new PublicLoadBalancerIngress();
  }

  /**
   * The ingress a service gets when it names none: the public load balancer when the props are
   * about one (a certificate, a domain, or `allowedCidrs`), so that those keep what they built;
   * CloudFront otherwise.
   *
   * @internal
   */
  public static _defaultFor(options: IngressOptions): FargateIngress {
    const aboutLoadBalancer = options.certificate !== undefined || options.domainName !== undefined
      || options.hostedZone !== undefined || options.allowedCidrs !== undefined;
    return aboutLoadBalancer ? FargateIngress.publicLoadBalancer() : FargateIngress.cloudFront();
  }

  /** The name of the factory that made it, for messages. @internal */
  public abstract readonly _name: string;

  /** Collects what is wrong with the props for this ingress into `errors`. @internal */
  public abstract _checkProps(errors: PropErrors, subject: string, options: IngressOptions, scope: Construct): void;

  /** Builds the front end in the service's scope. @internal */
  public abstract _bind(context: IngressContext): FargateFrontEnd;
}

class PublicLoadBalancerIngress extends FargateIngress {
  public readonly _name = 'FargateIngress.publicLoadBalancer()';

  public _checkProps(errors: PropErrors, subject: string, options: IngressOptions): void {
    errors.check(() => {
      if (options.webAclArn !== undefined) {
        throw new GuardedPatternsError(`${subject}: webAclArn attaches a web ACL to the CloudFront distribution, which ingress ${this._name} does not have. `
          + 'Use ingress: FargateIngress.cloudFront(), or associate a REGIONAL web ACL with the load balancer yourself (wafv2.CfnWebACLAssociation on loadBalancer.loadBalancerArn).');
      }
    });
    LoadBalancerFrontEnd.checkProps(errors, subject, options);
  }

  public _bind(context: IngressContext): FargateFrontEnd {
    return new LoadBalancerFrontEnd(context.scope, { ...context.options, vpc: context.vpc, removal: context.removal });
  }
}

class CloudFrontIngress extends FargateIngress {
  public readonly _name = 'FargateIngress.cloudFront()';

  constructor(private readonly cloudFrontOptions: FargateCloudFrontOptions) {
    super();
  }

  public _checkProps(errors: PropErrors, subject: string, options: IngressOptions, scope: Construct): void {
    errors.check(() => {
      if (options.allowedCidrs !== undefined) {
        throw new GuardedPatternsError(`${subject}: allowedCidrs (${options.allowedCidrs.join(', ')}) says who may reach a public load balancer, and ingress ${this._name} has none: `
          + 'its internal load balancer admits CloudFront alone. To limit viewers, give webAclArn (an AWS WAF web ACL with an IP set rule); '
          + 'to serve those networks from a public load balancer, set ingress: FargateIngress.publicLoadBalancer().');
      }
    });
    CloudFrontFrontEnd.checkCloudFrontProps(errors, subject, options, scope);
  }

  public _bind(context: IngressContext): FargateFrontEnd {
    const options: CloudFrontFrontEndOptions = { ...context.options, priceClass: this.cloudFrontOptions.priceClass };
    return new CloudFrontFrontEnd(context.scope, { ...options, vpc: context.vpc, removal: context.removal, subnets: context.privateSubnets });
  }
}
