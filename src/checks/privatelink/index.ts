import { Check } from '../check';
import { PrivateLinkEndpointPeerIngress } from './private-link-endpoint-peer-ingress';
import { PrivateLinkPeerDnsMissing } from './private-link-peer-dns-missing';
import { PrivateLinkPrivateDnsConflict } from './private-link-private-dns-conflict';
import { VpcPeeringDnsDisabled } from './vpc-peering-dns-disabled';
import { VpcPeeringRoutesMissing } from './vpc-peering-routes-missing';

/** The checks of interface endpoints used across VPC peering. */
export const PRIVATELINK_CHECKS: Check[] = [
  PrivateLinkPeerDnsMissing,
  VpcPeeringRoutesMissing,
  VpcPeeringDnsDisabled,
  PrivateLinkPrivateDnsConflict,
  PrivateLinkEndpointPeerIngress,
];
