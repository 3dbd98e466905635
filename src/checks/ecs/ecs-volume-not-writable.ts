import { aws_ecs as ecs } from 'aws-cdk-lib';
import { resolved } from '../../private/resource-index';
import { fargateContainersOf } from '../../private/template/ecs';
import { asList } from '../../private/template/json';
import { defineCheck, ruleOver } from '../check';
import { CheckLevel } from '../check-info';
import { pathOf } from '../embed';
import { isRootUser } from './task-definition';

/**
 * The names of the task's volumes that Fargate creates empty, owned by root with mode 0755: no
 * host path and no EFS, Docker or FSx configuration.
 */
function taskVolumes(task: ecs.CfnTaskDefinition): Set<string> {
  const names = new Set<string>();
  for (const volume of asList(resolved(task, task.volumes)) as any[]) {
    if (typeof volume?.name !== 'string' || volume.host?.sourcePath !== undefined || volume.efsVolumeConfiguration
      || volume.dockerVolumeConfiguration || volume.fSxWindowsFileServerVolumeConfiguration || volume.configuredAtLaunch) {
      continue;
    }
    names.add(volume.name);
  }
  return names;
}

/**
 * A Fargate container running as a non-root user that writes to a task volume nothing makes writable.
 */
export const EcsVolumeNotWritable = defineCheck({
  suffix: 'EcsVolumeNotWritable',
  level: CheckLevel.WARNING,
  title: 'A Fargate container running as a non-root user that mounts a task volume, which Fargate creates owned by root with mode 0755, with nothing in the task to make it writable.',
  reason: 'Fargate creates a task volume (a bind mount with no host path) owned by root with mode 0755 unless the image declares the path a VOLUME. '
    + 'A process running as another user cannot write to it, and fails only when it first does (often for /tmp).',
  source: 'https://docs.aws.amazon.com/AmazonECS/latest/developerguide/bind-mounts.html',
  appliesTo: [ecs.CfnTaskDefinition],
  inspect: ruleOver(fargateContainersOf, (containers, _index, task) => {
    const volumes = taskVolumes(task);
    if (volumes.size === 0) {
      return [];
    }
    const findings: string[] = [];
    for (const container of containers) {
      const user = container?.user;
      if (typeof user !== 'string' || isRootUser(user)) {
        continue;
      }
      // The containers this one waits for until they have exited: each may have prepared a volume.
      const preparers = new Set(asList(container.dependsOn)
        .filter((d: any) => d?.condition === 'SUCCESS' || d?.condition === 'COMPLETE')
        .map((d: any) => d?.containerName));
      for (const mount of asList(container.mountPoints) as any[]) {
        const volume = mount?.sourceVolume;
        if (!volumes.has(volume) || mount.readOnly === true) {
          continue;
        }
        const prepared = containers.some((other) => other !== container && other?.essential === false && preparers.has(other?.name)
          && asList(other?.mountPoints).some((m: any) => m?.sourceVolume === volume));
        if (!prepared) {
          findings.push(`Task definition '${pathOf(task)}': container '${container.name}' runs as user '${user}' and mounts task volume '${volume}' at ${mount.containerPath}, `
            + 'which Fargate creates owned by root with mode 0755, so it cannot write there. '
            + `Add a non-essential container that mounts '${volume}', runs as root and runs chmod (such as chmod 1777 for a temporary directory), `
            + `and make '${container.name}' depend on it with condition SUCCESS; or declare the path a VOLUME in the image, owned by the user, and acknowledge this check.`);
        }
      }
    }
    return findings;
  }),
});
