import { Check } from '../check';
import { Ec2NetworkInterfaceAzMismatch } from './ec2-network-interface-az-mismatch';
import { Ec2UserDataSecrets } from './ec2-user-data-secrets';
import { Ec2VolumeAzMismatch } from './ec2-volume-az-mismatch';
import { OpenVpnAdminPortsOpen } from './openvpn-admin-ports-open';
import { OpenVpnClientCidrOverlap } from './openvpn-client-cidr-overlap';
import { OpenVpnRoutedClientsNotAdmitted } from './openvpn-routed-clients-not-admitted';
import { OpenVpnServerNotPublic } from './openvpn-server-not-public';
import { OpenVpnSourceDestCheck } from './openvpn-source-dest-check';

/** The remote-access checks, and the EC2 checks that apply to any instance. */
export const OPENVPN_CHECKS: Check[] = [
  OpenVpnClientCidrOverlap,
  OpenVpnServerNotPublic,
  OpenVpnSourceDestCheck,
  OpenVpnAdminPortsOpen,
  OpenVpnRoutedClientsNotAdmitted,
  Ec2UserDataSecrets,
  Ec2VolumeAzMismatch,
  Ec2NetworkInterfaceAzMismatch,
];
