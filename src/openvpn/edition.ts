/**
 * Which OpenVPN server runs.
 */
export enum OpenVpnEdition {
  /**
   * Community OpenVPN from Ubuntu's packages, with its own easy-rsa PKI. No licence; clients
   * connect with certificate-only profiles.
   */
  COMMUNITY = 'COMMUNITY',
  /**
   * OpenVPN Access Server from its AWS Marketplace image: the admin web UI, its own user
   * database and the OpenVPN Connect integration. Without a licence it admits 2 concurrent
   * connections. The account must subscribe to the image in AWS Marketplace first.
   *
   * @see https://openvpn.net/as-docs/
   */
  ACCESS_SERVER = 'ACCESS_SERVER',
}
