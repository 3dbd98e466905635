/**
 * How client traffic reaches the VPC.
 */
export enum OpenVpnRoutingMode {
  /**
   * The server masquerades client traffic as its own address: nothing in the VPC changes, and
   * resources see connections from the server.
   */
  NAT = 'NAT',
  /**
   * Client addresses stay visible in the VPC: the server turns off its source/destination check
   * and points a route for the client block at its network interface in every route table of the
   * VPC, at each boot (a replacement instance has a new interface).
   */
  ROUTED = 'ROUTED',
}
