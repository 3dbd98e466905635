import { CfnResource, aws_ec2 as ec2 } from 'aws-cdk-lib';
import { Ipv4Cidr, cidrContains, formatCidr, parseCidr } from '../../private/cidr';
import { ResourceIndex, literalString, referencedResource } from '../../private/resource-index';
import { isInterfaceEndpoint } from '../../private/template/endpoints';
import { refersTo } from '../../private/template/refs';
import { routeTablesOf, routesIn } from '../../private/template/routes';
import { vpcCidrs } from '../../private/template/vpc';
import { L1Class } from '../check';
import { vpcOf } from './endpoint-topology';

/**
 * Who is attached to which Transit Gateway, and who exchanges traffic with whom through it, read
 * from the L1 resources. A hub is a VPC with interface endpoints; the VPCs attached to the same
 * transit gateway as a hub are its spokes. Shared by the Transit Gateway checks; not a check itself.
 */

/** A VPC attachment, in either of CloudFormation's two types. */
export type TransitGatewayVpcAttachment = ec2.CfnTransitGatewayAttachment | ec2.CfnTransitGatewayVpcAttachment;

/** The L1 classes of VPC attachments, for the checks' `appliesTo`. */
export const VPC_ATTACHMENT_CLASSES: Array<L1Class<TransitGatewayVpcAttachment>> = [
  ec2.CfnTransitGatewayAttachment,
  ec2.CfnTransitGatewayVpcAttachment,
];

/** A transit gateway: the one of the app, or an ID. */
export type GatewayRef = ec2.CfnTransitGateway | string;

/** A VPC of the app attached to a transit gateway. */
export interface AttachedVpc {
  readonly attachment: TransitGatewayVpcAttachment;
  readonly vpc: ec2.CfnVPC;
}

/** An attached VPC, the transit gateway, and the attached VPCs it exchanges traffic with there. */
export interface TransitGatewayNeighbours extends AttachedVpc {
  readonly gateway: GatewayRef;
  /** Whether the VPC has interface endpoints. */
  readonly hub: boolean;
  /** For a hub, every other VPC attached; for a spoke, the hubs. */
  readonly partners: AttachedVpc[];
  /** Every other VPC attached to the transit gateway, where it has a hub. */
  readonly attached: AttachedVpc[];
}

/** The transit gateway an attachment is on, where the template says. */
export function gatewayOf(attachment: TransitGatewayVpcAttachment): GatewayRef | undefined {
  const target = referencedResource(attachment.transitGatewayId);
  if (target) {
    return target instanceof ec2.CfnTransitGateway ? target : undefined;
  }
  return literalString(attachment, attachment.transitGatewayId);
}

/** Whether a VPC has interface endpoints: the endpoint hub of the VPCs attached with it. */
export function isEndpointHub(vpc: ec2.CfnVPC, index: ResourceIndex): boolean {
  return index.referencing<ec2.CfnVPCEndpoint>('AWS::EC2::VPCEndpoint', vpc, 'vpcId').some(isInterfaceEndpoint);
}

/** The VPC attachments of the app. */
function vpcAttachments(index: ResourceIndex): TransitGatewayVpcAttachment[] {
  return [
    ...index.ofType('AWS::EC2::TransitGatewayAttachment'),
    ...index.ofType('AWS::EC2::TransitGatewayVpcAttachment'),
  ] as TransitGatewayVpcAttachment[];
}

/**
 * An attachment's VPC and who it exchanges traffic with through the transit gateway; `undefined`
 * where the VPC or the transit gateway is not known, or the transit gateway has no hub.
 */
export function neighboursOf(attachment: TransitGatewayVpcAttachment, index: ResourceIndex): TransitGatewayNeighbours | undefined {
  const vpc = vpcOf(attachment.vpcId);
  const gateway = gatewayOf(attachment);
  if (vpc === undefined || gateway === undefined) {
    return undefined;
  }
  const attached = vpcAttachments(index)
    .filter((other) => other !== attachment && gatewayOf(other) === gateway)
    .map((other) => ({ attachment: other, vpc: vpcOf(other.vpcId) }))
    .filter((other): other is AttachedVpc => other.vpc !== undefined && other.vpc !== vpc);
  const hub = isEndpointHub(vpc, index);
  const partners = hub ? attached : attached.filter((other) => isEndpointHub(other.vpc, index));
  return partners.length === 0 ? undefined : { attachment, vpc, gateway, hub, partners, attached };
}

/** The VPCs attached to the transit gateways a hub (a VPC with interface endpoints) is attached to: its spokes. */
export function spokesOf(hub: ec2.CfnVPC, index: ResourceIndex): AttachedVpc[] {
  return [
    ...index.referencing<ec2.CfnTransitGatewayAttachment>('AWS::EC2::TransitGatewayAttachment', hub, 'vpcId'),
    ...index.referencing<ec2.CfnTransitGatewayVpcAttachment>('AWS::EC2::TransitGatewayVpcAttachment', hub, 'vpcId'),
  ].flatMap((attachment) => neighboursOf(attachment, index)?.attached ?? []);
}

/**
 * A rule over an attachment's neighbours (`ruleOver` with the index): no finding where the
 * attachment has none, or its VPC or transit gateway is not known.
 */
export function ruleOverNeighbours(rule: (neighbours: TransitGatewayNeighbours, index: ResourceIndex) => string[]):
(attachment: TransitGatewayVpcAttachment, index: ResourceIndex) => string[] {
  return (attachment, index) => {
    const neighbours = neighboursOf(attachment, index);
    return neighbours === undefined ? [] : rule(neighbours, index);
  };
}

/** How a message names a transit gateway. */
export function gatewayLabel(gateway: GatewayRef): string {
  return typeof gateway === 'string' ? gateway : `'${gateway.node.path}'`;
}

/** A VPC's blocks as a message writes them. */
export function blocksLabel(vpc: ec2.CfnVPC, index: ResourceIndex): string {
  const blocks = vpcCidrs(vpc, index);
  return blocks.length === 0 ? 'its CIDR block' : blocks.map(formatCidr).join(', ');
}

/**
 * Whether some route table of `vpc` sends `other`'s primary block to the transit gateway: a route
 * whose destination holds the block (or is its CidrBlock attribute). Values the template cannot
 * tell count as yes.
 */
export function routesThrough(vpc: ec2.CfnVPC, other: ec2.CfnVPC, gateway: GatewayRef, index: ResourceIndex): boolean {
  const blocks = vpcCidrs(other, index);
  return routeTablesOf(vpc, index).some((table) => routesIn(table, index).some((route) => {
    if (route.transitGatewayId === undefined || !sameGateway(route, route.transitGatewayId, gateway)) {
      return false;
    }
    const destination = literalString(route, route.destinationCidrBlock);
    if (destination === undefined) {
      return refersTo(route, route.destinationCidrBlock, other, other.attrCidrBlock) !== false;
    }
    const cidr = parseCidr(destination);
    return cidr === undefined || blocks.length === 0 || blocks.some((block: Ipv4Cidr) => cidrContains(cidr, block));
  }));
}

/** Whether a property of `owner` names the transit gateway; unknown counts as yes. */
export function sameGateway(owner: CfnResource, value: unknown, gateway: GatewayRef): boolean {
  if (typeof gateway === 'string') {
    const literal = literalString(owner, value);
    return literal === undefined ? referencedResource(value) === undefined : literal === gateway;
  }
  return refersTo(owner, value, gateway) !== false;
}

/** A transit gateway route table: one of the app, an ID, or the transit gateway's default one. */
export type RouteTableRef = CfnResource | string;

/** The default route table of a transit gateway of the app. */
export const DEFAULT_ROUTE_TABLE = 'the default route table';

function tableRef(owner: CfnResource, value: unknown, gateway: ec2.CfnTransitGateway): RouteTableRef | undefined {
  const target = referencedResource(value);
  // The transit gateway's AssociationDefaultRouteTableId or PropagationDefaultRouteTableId.
  return target === gateway ? DEFAULT_ROUTE_TABLE : target ?? literalString(owner, value);
}

/**
 * The route table an attachment on a transit gateway of the app is associated with: its
 * association, or the default route table when the transit gateway associates by default;
 * `null` when none.
 */
export function associationOf(attachment: TransitGatewayVpcAttachment, gateway: ec2.CfnTransitGateway, index: ResourceIndex): RouteTableRef | null {
  const explicit = index.referencing<ec2.CfnTransitGatewayRouteTableAssociation>('AWS::EC2::TransitGatewayRouteTableAssociation', attachment, 'transitGatewayAttachmentId')[0];
  if (explicit) {
    return tableRef(explicit, explicit.transitGatewayRouteTableId, gateway) ?? null;
  }
  return literalString(gateway, gateway.defaultRouteTableAssociation) === 'disable' ? null : DEFAULT_ROUTE_TABLE;
}

/**
 * The route tables that hold a route to an attachment on a transit gateway of the app: those it
 * propagates to, those with a static route to it, and the default route table when the transit
 * gateway propagates by default.
 */
export function tablesRoutingTo(attachment: TransitGatewayVpcAttachment, gateway: ec2.CfnTransitGateway, index: ResourceIndex): RouteTableRef[] {
  const propagations = index.referencing<ec2.CfnTransitGatewayRouteTablePropagation>('AWS::EC2::TransitGatewayRouteTablePropagation', attachment, 'transitGatewayAttachmentId');
  const routes = index.referencing<ec2.CfnTransitGatewayRoute>('AWS::EC2::TransitGatewayRoute', attachment, 'transitGatewayAttachmentId');
  const tables = [...propagations, ...routes].map((r) => tableRef(r, r.transitGatewayRouteTableId, gateway));
  if (literalString(gateway, gateway.defaultRouteTablePropagation) !== 'disable') {
    tables.push(DEFAULT_ROUTE_TABLE);
  }
  return tables.filter((t): t is RouteTableRef => t !== undefined);
}
