import { defineCheck } from '../check';
import { CheckLevel } from '../check-info';

/** The message for a client block that overlaps a block the clients must reach or come from. */
export function clientCidrOverlapMessage(subject: string, clientCidr: string, what: string, cidr: string): string {
  return `${subject}: clientCidr ${clientCidr} overlaps ${what} (${cidr}). Packets for those addresses would go to the wrong side of the tunnel. `
    + 'Choose a clientCidr outside every VPC, peer and pushed route, such as 10.255.240.0/20 or 192.168.240.0/20.';
}

/**
 * The tunnel's address pool overlapping the VPC, a peered VPC or a pushed route.
 */
export const OpenVpnClientCidrOverlap = defineCheck({
  suffix: 'OpenVpnClientCidrOverlap',
  level: CheckLevel.ERROR,
  title: 'An OpenVPN client address pool that overlaps the VPC, a peered VPC or a route pushed to the clients.',
  reason: 'Clients get addresses from the pool; where it overlaps a network they must reach, the server and the VPC route replies for those addresses into the tunnel (or out of it), and connections hang with no error. AWS Client VPN refuses the same overlap for the same reason.',
  source: 'https://docs.aws.amazon.com/vpn/latest/clientvpn-admin/what-is-best-practices.html',
  // The pool lives in the server's configuration, which the template does not show: only the pattern knows it.
});
