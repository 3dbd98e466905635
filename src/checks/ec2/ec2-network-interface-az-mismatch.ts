import { CfnResource, aws_ec2 as ec2 } from 'aws-cdk-lib';
import { referencedResource } from '../../private/resource-index';
import { interfacesOf } from '../../private/template/routes';
import { defineCheck } from '../check';
import { CheckLevel } from '../check-info';
import { pathOf } from '../embed';
import { instanceZone, zoneOf } from './instance-topology';

function mismatch(eni: CfnResource | undefined, instance: ec2.CfnInstance, via: CfnResource): string[] {
  if (!(eni instanceof ec2.CfnNetworkInterface)) {
    return [];
  }
  const subnet = referencedResource(eni.subnetId);
  const a = subnet instanceof ec2.CfnSubnet ? zoneOf(subnet, subnet.availabilityZone) : undefined;
  const b = instanceZone(instance);
  if (!a || !b || a.key === b.key) {
    return [];
  }
  return [`'${pathOf(via)}' attaches network interface '${pathOf(eni)}' (${a.label}) to instance '${pathOf(instance)}' (${b.label}): an interface attaches only to an instance in its own availability zone. `
    + 'Create the interface in a subnet of the instance\'s AZ.'];
}

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
  inspect(resource) {
    if (resource instanceof ec2.CfnNetworkInterfaceAttachment) {
      const instance = referencedResource(resource.instanceId);
      return instance instanceof ec2.CfnInstance ? mismatch(referencedResource(resource.networkInterfaceId), instance, resource) : [];
    }
    const instance = resource as ec2.CfnInstance;
    return interfacesOf(instance).flatMap((n) => mismatch(referencedResource(n.networkInterfaceId), instance, instance));
  },
});
