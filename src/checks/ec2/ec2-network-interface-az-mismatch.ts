import { CfnResource, aws_ec2 as ec2 } from 'aws-cdk-lib';
import { referencedResource } from '../../private/resource-index';
import { interfacesOf } from '../../private/template/routes';
import { defineCheck } from '../check';
import { CheckLevel } from '../check-info';
import { attachedInOtherZone, zoneOf } from './instance-topology';

/**
 * A network interface attached to an instance in another availability zone.
 */
export const Ec2NetworkInterfaceAzMismatch = defineCheck<CfnResource>({
  suffix: 'Ec2NetworkInterfaceAzMismatch',
  level: CheckLevel.ERROR,
  title: 'A network interface attached to an instance in another availability zone.',
  reason: 'A network interface lives in one subnet, so one AZ, and EC2 attaches it only to an instance in that AZ. CloudFormation fails at the attachment and rolls the stack back.',
  source: 'https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/using-eni.html',
  appliesTo: [ec2.CfnNetworkInterfaceAttachment, ec2.CfnInstance],
  inspect: (resource) => attachedInOtherZone(resource, {
    attachmentClass: ec2.CfnNetworkInterfaceAttachment,
    ends: (attachment) => [attachment.instanceId, attachment.networkInterfaceId],
    ofInstance: (instance) => interfacesOf(instance).map((n) => n.networkInterfaceId),
    zone: (eni) => {
      const subnet = eni instanceof ec2.CfnNetworkInterface ? referencedResource(eni.subnetId) : undefined;
      return subnet instanceof ec2.CfnSubnet ? zoneOf(subnet, subnet.availabilityZone) : undefined;
    },
    what: 'network interface',
    rule: 'an interface attaches',
    fix: 'Create the interface in a subnet of the instance\'s AZ.',
  }),
});
