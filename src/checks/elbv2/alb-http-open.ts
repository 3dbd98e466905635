import { aws_elasticloadbalancingv2 as elbv2 } from 'aws-cdk-lib';
import { defineCheck, ruleOver } from '../check';
import { CheckLevel } from '../check-info';
import { pathOf } from '../embed';
import { plainHttpListener } from './load-balancer';

/** The message for a pattern asked to serve plain HTTP to the internet. */
export function httpOpenMessage(subject: string): string {
  return `${subject}: without a certificate the load balancer would serve plain HTTP to 0.0.0.0/0 (allowedCidrs). `
    + 'Give a certificate (or domainName and hostedZone) for HTTPS with HTTP redirected to it, or limit allowedCidrs to the networks that may use plain HTTP, '
    + 'or set ingress: FargateIngress.cloudFront() (the default without these props) for HTTPS on a CloudFront domain with no certificate of your own.';
}

/**
 * A load balancer serving plain HTTP to the whole internet.
 */
export const AlbHttpOpen = defineCheck({
  suffix: 'AlbHttpOpen',
  level: CheckLevel.ERROR,
  title: 'An internet-facing load balancer listener that serves plain HTTP to 0.0.0.0/0 instead of redirecting to HTTPS.',
  reason: 'Plain HTTP from the internet carries credentials, cookies and data in clear text across networks nobody controls, and can be altered on the way. An HTTP listener open to the world should only redirect to HTTPS.',
  source: 'https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-listeners.html#redirect-actions',
  appliesTo: [elbv2.CfnListener],
  inspect: ruleOver(plainHttpListener, (http, _index, listener) => {
    if (!http.openToInternet) {
      return [];
    }
    return [`Listener '${pathOf(listener)}' of load balancer '${pathOf(http.loadBalancer!)}' serves plain HTTP on port ${http.port} to 0.0.0.0/0. `
      + 'Serve HTTPS with a certificate and make this listener redirect to it (loadBalancer.addRedirect()), or admit only the networks that may use plain HTTP.'];
  }),
});
