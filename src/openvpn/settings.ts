import { Token, aws_ec2 as ec2 } from 'aws-cdk-lib';
import { OpenVpnEdition } from './edition';
import type { OpenVpnAccessServerProps } from './open-vpn-access-server';
import { OpenVpnProtocol } from './protocol';
import { OpenVpnRoutingMode } from './routing-mode';
import { OpenVpnClientCidrOverlap, clientCidrOverlapMessage } from '../checks/ec2/openvpn-client-cidr-overlap';
import { OpenVpnServerNotPublic } from '../checks/ec2/openvpn-server-not-public';
import { throwFinding } from '../checks/embed';
import { Ipv4Cidr, cidrsOverlap, formatCidr, literalVpcCidr, parseCidr } from '../private/cidr';
import { GuardedPatternsError, PropErrors } from '../private/errors';
import { Removal } from '../private/removal';

/** Client pools tried in order for the default: the first that overlaps nothing known. */
const DEFAULT_CLIENT_CIDRS = ['10.255.240.0/20', '192.168.240.0/20', '172.31.240.0/20'];

/** The Ubuntu LTS release the server runs, from Canonical's public SSM parameters. */
const UBUNTU_RELEASE = '24.04';

/** An OpenVpnAccessServer's props with their defaults applied. */
export interface OpenVpnSettings {
  readonly removal: Removal;
  readonly port: number;
  readonly protocol: OpenVpnProtocol;
  readonly mode: OpenVpnRoutingMode;
  readonly edition: OpenVpnEdition;
  readonly accessServer: boolean;
  readonly allowedCidrs: string[];
  readonly routes: string[];
  readonly dnsServers: string[];
  readonly clientCidr: string;
  /** `clientCidr` parsed, when it is a literal, for the checks that need the complete tree. */
  readonly client?: Ipv4Cidr;
  readonly vpcSubnets: ec2.SubnetSelection;
  readonly instanceType: ec2.InstanceType;
  readonly machineImage: ec2.IMachineImage;
  /** In routing mode, every route table of the VPC's subnets, once each; none in NAT mode. */
  readonly routeTables: string[];
}

/**
 * `props` with their defaults; each wrong prop goes to `errors`, which the caller throws before
 * building anything.
 */
export function resolveSettings(subject: string, props: OpenVpnAccessServerProps, errors: PropErrors): OpenVpnSettings {
  const vpc = props.vpc;
  const removal = Removal.of(errors, subject, props.removalPolicy);
  const port = props.port ?? 1194;
  errors.check(() => {
    if (!Token.isUnresolved(port) && (!Number.isInteger(port) || port < 1 || port > 65535)) {
      throw new GuardedPatternsError(`${subject}: port (${port}) must be a whole number from 1 to 65535; use 1194 for UDP or 443 for TCP.`);
    }
  });
  const mode = props.routingMode ?? OpenVpnRoutingMode.NAT;
  const edition = props.edition ?? OpenVpnEdition.COMMUNITY;
  const accessServer = edition === OpenVpnEdition.ACCESS_SERVER;
  errors.check(() => {
    if (accessServer && !props.machineImage) {
      throw new GuardedPatternsError(`${subject}: edition is OpenVpnEdition.ACCESS_SERVER but machineImage is not set; subscribe to OpenVPN Access Server in AWS Marketplace and give its image, `
        + "for example machineImage: ec2.MachineImage.lookup({ name: 'OpenVPN Access Server*', owners: ['aws-marketplace'] }).");
    }
  });

  const allowedCidrs = props.allowedCidrs ?? ['0.0.0.0/0'];
  errors.check(() => {
    if (allowedCidrs.length === 0) {
      throw new GuardedPatternsError(`${subject}: allowedCidrs is empty, so no client could connect; give the blocks clients connect from, or leave it unset for anywhere.`);
    }
  });
  allowedCidrs.forEach((c) => literalCidr(errors, subject, 'allowedCidrs', c, 0));
  const routes = props.routes ?? [vpc.vpcCidrBlock];
  const literalRoutes = routes.map((r) => literalCidr(errors, subject, 'routes', r, 0));
  const dnsServers = props.dnsServers ?? [];
  for (const dns of dnsServers) {
    errors.check(() => {
      if (!Token.isUnresolved(dns) && !parseCidr(`${dns}/32`)) {
        throw new GuardedPatternsError(`${subject}: dnsServers has '${dns}', which is not an IPv4 address; give addresses such as '10.0.0.2'.`);
      }
    });
  }

  // What the clients must reach, as far as it is known now; peers are checked when the tree is complete.
  const vpcBlock = literalVpcCidr(vpc);
  const known: Array<[string, Ipv4Cidr]> = [];
  if (vpcBlock) {
    known.push(['the VPC\'s block', vpcBlock]);
  }
  literalRoutes.forEach((r) => r && known.push(['a pushed route', r]));
  const free = (c: string) => !known.some(([, k]) => cidrsOverlap(parseCidr(c)!, k));
  const clientCidr = props.clientCidr ?? DEFAULT_CLIENT_CIDRS.find(free) ?? DEFAULT_CLIENT_CIDRS[0];
  const client = literalCidr(errors, subject, 'clientCidr', clientCidr, 16, 29);
  errors.check(() => {
    const [what, block] = (client && known.find(([, b]) => cidrsOverlap(client, b))) || [];
    if (what && block) {
      throwFinding(OpenVpnClientCidrOverlap, clientCidrOverlapMessage(subject, clientCidr, what, formatCidr(block)));
    }
  });

  const vpcSubnets = props.vpcSubnets ?? { subnetType: ec2.SubnetType.PUBLIC };
  let selected: ec2.ISubnet[] = [];
  try {
    selected = vpc.selectSubnets(vpcSubnets).subnets;
  } catch {
    // ec2.Vpc throws when the VPC has no subnet of the selected type: reported below.
  }
  const publicIds = new Set(vpc.publicSubnets.map((s) => s.subnetId));
  const notPublic = selected.filter((s) => !publicIds.has(s.subnetId));
  errors.check(() => {
    if (selected.length === 0 || notPublic.length > 0) {
      throwFinding(OpenVpnServerNotPublic, `${subject}: vpcSubnets selects ${selected.length === 0 ? 'no subnet' : `${notPublic.length} subnet(s) that are not public (${notPublic.map((s) => s.node.path).join(', ')})`}; `
        + 'clients connect from the internet, so the server needs a public subnet. Use { subnetType: ec2.SubnetType.PUBLIC } with a VPC that has public subnets.');
    }
  });

  const instanceType = props.instanceType ?? new ec2.InstanceType(accessServer ? 't3.small' : 't4g.micro');
  const arch = instanceType.architecture === ec2.InstanceArchitecture.ARM_64 ? 'arm64' : 'amd64';
  return {
    removal,
    port,
    protocol: props.protocol ?? OpenVpnProtocol.UDP,
    mode,
    edition,
    accessServer,
    allowedCidrs,
    routes,
    dnsServers,
    clientCidr,
    client,
    vpcSubnets,
    instanceType,
    machineImage: props.machineImage ?? ec2.MachineImage.fromSsmParameter(
      `/aws/service/canonical/ubuntu/server/${UBUNTU_RELEASE}/stable/current/${arch}/hvm/ebs-gp3/ami-id`),
    routeTables: mode === OpenVpnRoutingMode.ROUTED ? uniqueRouteTables(vpc) : [],
  };
}

/** A prop's CIDR parsed, or `undefined` for a token or for malformed text, which it adds to `errors`. */
function literalCidr(errors: PropErrors, subject: string, prop: string, text: string, minMask: number, maxMask = 32): Ipv4Cidr | undefined {
  if (Token.isUnresolved(text)) {
    return undefined;
  }
  const cidr = parseCidr(text);
  if (!cidr || cidr.mask < minMask || cidr.mask > maxMask) {
    errors.add(`${subject}: ${prop} has '${text}', which is not an IPv4 CIDR block${minMask > 0 || maxMask < 32 ? ` from /${minMask} to /${maxMask}` : ''} with no host bits set; `
      + `use a block such as ${prop === 'clientCidr' ? "'10.255.240.0/20'" : "'10.0.0.0/16'"}.`);
    return undefined;
  }
  return cidr;
}

/** Every route table of the VPC's subnets, once each. */
function uniqueRouteTables(vpc: ec2.IVpc): string[] {
  const ids = [...vpc.publicSubnets, ...vpc.privateSubnets, ...vpc.isolatedSubnets]
    .map((s) => s.routeTable?.routeTableId)
    .filter((id): id is string => id !== undefined);
  return [...new Set(ids)];
}
