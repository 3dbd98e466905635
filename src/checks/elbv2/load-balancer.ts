import { aws_ec2 as ec2, aws_elasticloadbalancingv2 as elbv2 } from 'aws-cdk-lib';
import { ResourceIndex, literalString, referencedResource, resolved } from '../../private/resource-index';
import { asList } from '../../private/template/json';
import { referencedOfType } from '../../private/template/refs';
import { admits, fromAnywhere, ingressRules } from '../../private/template/security-group-rules';

/**
 * What an HTTP listener serves and who can reach it. Shared by the load balancer checks; not a
 * check itself.
 */

/** An HTTP listener that serves content rather than redirecting to HTTPS, with what is known of its reach. */
export interface PlainHttpListener {
  readonly port?: number;
  readonly loadBalancer?: elbv2.CfnLoadBalancer;
  /** Whether the load balancer is internet-facing and admits 0.0.0.0/0 or ::/0 on the port. */
  readonly openToInternet: boolean;
}

/** The listener, when it serves plain HTTP; `undefined` for HTTPS listeners and HTTP→HTTPS redirects. */
export function plainHttpListener(listener: elbv2.CfnListener, index: ResourceIndex): PlainHttpListener | undefined {
  if (literalString(listener, listener.protocol) !== 'HTTP') {
    return undefined;
  }
  const actions = asList(resolved(listener, listener.defaultActions));
  const redirects = actions.length > 0 && actions.every((a: any) => a?.type === 'redirect' && a?.redirectConfig?.protocol === 'HTTPS');
  if (redirects) {
    return undefined;
  }
  const port = resolved(listener, listener.port);
  const target = referencedResource(listener.loadBalancerArn);
  const loadBalancer = target instanceof elbv2.CfnLoadBalancer ? target : undefined;
  let openToInternet = false;
  if (loadBalancer && typeof port === 'number' && literalString(loadBalancer, loadBalancer.scheme) !== 'internal') {
    openToInternet = referencedOfType(loadBalancer, loadBalancer.securityGroups, 'AWS::EC2::SecurityGroup', index)
      .flatMap((sg) => ingressRules(sg as ec2.CfnSecurityGroup, index))
      .some((rule) => fromAnywhere(rule) && admits(rule, 'tcp', port));
  }
  return { port: typeof port === 'number' ? port : undefined, loadBalancer, openToInternet };
}
