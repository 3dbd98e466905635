import { CfnResource, aws_ec2 as ec2 } from 'aws-cdk-lib';
import { defineCheck } from '../check';
import { CheckLevel } from '../check-info';
import { attachedInOtherZone, zoneOf } from './instance-topology';

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
  inspect: (resource) => attachedInOtherZone(resource, {
    attachmentClass: ec2.CfnVolumeAttachment,
    ends: (attachment) => [attachment.instanceId, attachment.volumeId],
    ofInstance: (instance) => (Array.isArray(instance.volumes) ? instance.volumes as ec2.CfnInstance.VolumeProperty[] : []).map((v) => v.volumeId),
    zone: (volume) => (volume instanceof ec2.CfnVolume ? zoneOf(volume, volume.availabilityZone) : undefined),
    what: 'EBS volume',
    rule: 'a volume attaches',
    fix: 'Create the volume in the instance\'s AZ (availabilityZone: instance.instanceAvailabilityZone), or restore a snapshot there.',
  }),
});
