/**
 * The transport of the tunnels.
 */
export enum OpenVpnProtocol {
  /** UDP: the fastest, and OpenVPN's default. */
  UDP = 'UDP',
  /** TCP: gets through networks that allow only web traffic, on port 443. */
  TCP = 'TCP',
}
