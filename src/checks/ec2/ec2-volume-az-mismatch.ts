import { CfnResource, aws_ec2 as ec2 } from 'aws-cdk-lib';
import { referencedResource } from '../../private/resource-index';
import { defineCheck } from '../check';
import { CheckLevel } from '../check-info';
import { pathOf } from '../embed';
import { instanceZone, zoneOf } from './instance-topology';

function mismatch(volume: CfnResource | undefined, instance: ec2.CfnInstance, via: CfnResource): string[] {
  if (!(volume instanceof ec2.CfnVolume)) {
    return [];
  }
  const a = zoneOf(volume, volume.availabilityZone);
  const b = instanceZone(instance);
  if (!a || !b || a.key === b.key) {
    return [];
  }
  return [`'${pathOf(via)}' attaches EBS volume '${pathOf(volume)}' (${a.label}) to instance '${pathOf(instance)}' (${b.label}): a volume attaches only to an instance in its own availability zone. `
    + 'Create the volume in the instance\'s AZ (availabilityZone: instance.instanceAvailabilityZone), or restore a snapshot there.'];
}

/**
 * An EBS volume attached to an instance in another availability zone.
 */
export const Ec2VolumeAzMismatch = defineCheck<CfnResource>({
  suffix: 'Ec2VolumeAzMismatch',
  level: CheckLevel.ERROR,
  title: 'An EBS volume attached to an instance in another availability zone.',
  reason: 'EC2 attaches a volume only to an instance in the same AZ. CloudFormation creates both and then fails at the attachment, rolling back the stack.',
  source: 'https://docs.aws.amazon.com/ebs/latest/userguide/ebs-attaching-volume.html',
  appliesTo: [ec2.CfnVolumeAttachment, ec2.CfnInstance],
  inspect(resource) {
    if (resource instanceof ec2.CfnVolumeAttachment) {
      const instance = referencedResource(resource.instanceId);
      return instance instanceof ec2.CfnInstance ? mismatch(referencedResource(resource.volumeId), instance, resource) : [];
    }
    const instance = resource as ec2.CfnInstance;
    const volumes = Array.isArray(instance.volumes) ? instance.volumes as ec2.CfnInstance.VolumeProperty[] : [];
    return volumes.flatMap((v) => mismatch(referencedResource(v.volumeId), instance, instance));
  },
});
