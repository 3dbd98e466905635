import { aws_elasticloadbalancingv2 as elbv2 } from 'aws-cdk-lib';
import { defineCheck, ruleOver } from '../check';
import { CheckLevel } from '../check-info';
import { pathOf } from '../embed';
import { plainHttpListener } from './load-balancer';

/** The message for a pattern serving plain HTTP to the networks it was given. */
export function plainHttpMessage(subject: string, cidrs: string[]): string {
  return `${subject}: no certificate, so the load balancer serves plain HTTP to ${cidrs.join(', ')}. `
    + 'Give a certificate (or domainName and hostedZone) for HTTPS, or acknowledge this check if the traffic never leaves networks you trust.';
}

/**
 * A load balancer listener serving plain HTTP to chosen networks.
 */
export const AlbPlainHttp = defineCheck({
  suffix: 'AlbPlainHttp',
  level: CheckLevel.WARNING,
  title: 'A load balancer listener that serves plain HTTP rather than redirecting to HTTPS, to sources narrower than the internet.',
  reason: 'Traffic in clear text can be read and altered by anything on the path, including inside a corporate network or a peered VPC. HTTPS costs only a certificate, which ACM issues for free.',
  source: 'https://docs.aws.amazon.com/elasticloadbalancing/latest/application/create-https-listener.html',
  appliesTo: [elbv2.CfnListener],
  inspect: ruleOver(plainHttpListener, (http, _index, listener) => {
    if (http.openToInternet) {
      return [];
    }
    return [`Listener '${pathOf(listener)}' serves plain HTTP${http.port ? ` on port ${http.port}` : ''}. `
      + 'Serve HTTPS with a certificate (ACM issues them for free) and redirect HTTP to it, or acknowledge this check if the traffic never leaves networks you trust.'];
  }),
});
