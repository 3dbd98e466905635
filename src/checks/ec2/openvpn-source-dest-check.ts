import { aws_ec2 as ec2 } from 'aws-cdk-lib';
import { referencedResource, resolved } from '../../private/resource-index';
import { defineCheck, ruleOver } from '../check';
import { CheckLevel } from '../check-info';
import { pathOf } from '../embed';

/** The instance or network interface of the app that a route sends traffic to, when there is one. */
function forwarderOf(route: ec2.CfnRoute): ec2.CfnInstance | ec2.CfnNetworkInterface | undefined {
  const target = referencedResource(route.instanceId) ?? referencedResource(route.networkInterfaceId);
  return target instanceof ec2.CfnInstance || target instanceof ec2.CfnNetworkInterface ? target : undefined;
}

/**
 * A route to an instance or network interface that still checks source and destination.
 */
export const OpenVpnSourceDestCheck = defineCheck({
  suffix: 'OpenVpnSourceDestCheck',
  level: CheckLevel.ERROR,
  title: 'A route whose target is an instance or network interface with source/destination checking on (a VPN server in routing mode, a NAT or router instance).',
  reason: 'EC2 drops every packet whose source or destination is not the interface\'s own address unless the check is off: the route deploys and the forwarded traffic (VPN clients in routing mode, NAT) silently disappears.',
  source: 'https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/using-eni.html#change_source_dest_check',
  appliesTo: [ec2.CfnRoute],
  inspect: ruleOver(forwarderOf, (target, _index, route) => {
    const check = resolved(target, target.sourceDestCheck);
    if (check === false || (check !== undefined && typeof check !== 'boolean')) {
      return [];
    }
    const kind = target instanceof ec2.CfnInstance ? 'instance' : 'network interface';
    return [`Route '${pathOf(route)}' sends traffic to ${kind} '${pathOf(target)}', which has source/destination checking on: EC2 drops the forwarded packets. `
      + 'Set sourceDestCheck: false on it (the OpenVpnAccessServer pattern does this at boot in routing mode).'];
  }),
});
