import { aws_ecs as ecs } from 'aws-cdk-lib';
import { fargateContainersOf } from '../../private/template/ecs';
import { asList } from '../../private/template/json';
import { defineCheck, ruleOver } from '../check';
import { CheckLevel } from '../check-info';
import { pathOf } from '../embed';
import { isRootUser } from './task-definition';

/**
 * The non-essential containers another container of the task waits for until they have exited
 * (condition SUCCESS or COMPLETE): init containers, which are gone before the others start.
 */
function initContainers(containers: any[]): Set<string> {
  const awaited = new Set(containers.flatMap((c) => asList(c?.dependsOn))
    .filter((d: any) => d?.condition === 'SUCCESS' || d?.condition === 'COMPLETE')
    .map((d: any) => d?.containerName));
  return new Set(containers.filter((c) => c?.essential === false && awaited.has(c?.name)).map((c) => c.name));
}

/**
 * A Fargate container that may run as root, or whose root filesystem is writable. It reads every
 * container of the task definition once the app is complete, so containers added after a
 * pattern (`service.taskDefinition.addContainer(...)`) are seen too.
 */
export const FargateContainerNotHardened = defineCheck({
  suffix: 'FargateContainerNotHardened',
  level: CheckLevel.WARNING,
  title: 'A Fargate container that sets no user or runs as root, or whose root filesystem is writable.',
  reason: 'A container runs as root unless its definition or its image names another user, and its root filesystem is writable unless readonlyRootFilesystem is true. '
    + 'Running as root and writing to the image let a compromised process change what the container runs; AWS Control Tower refuses both (CT.ECS.PR.3, CT.ECS.PR.6), and AWS Config flags them (ecs-task-definition-linux-user-non-root, ecs-containers-readonly-access). '
    + 'An init container that the others wait for may run as root: it has exited before they start.',
  source: 'https://docs.aws.amazon.com/AmazonECS/latest/developerguide/security-tasks-containers.html',
  appliesTo: [ecs.CfnTaskDefinition],
  inspect: ruleOver(fargateContainersOf, (containers, _index, task) => {
    const inits = initContainers(containers);
    const findings: string[] = [];
    for (const container of containers) {
      const problems: string[] = [];
      const fixes: string[] = [];
      const user = container?.user;
      // A user known only at deploy time, or an init container, is not judged.
      if (!inits.has(container?.name) && (user === undefined || (typeof user === 'string' && isRootUser(user)))) {
        problems.push(user === undefined ? 'sets no user, so it runs as the image\'s USER (root when the image sets none)' : `runs as root (user '${user}')`);
        fixes.push('user: \'1000:1000\' (or a non-root user the image defines)');
      }
      if (container?.readonlyRootFilesystem === undefined || container.readonlyRootFilesystem === false) {
        problems.push('has a writable root filesystem');
        fixes.push('readonlyRootFilesystem: true (with a task volume mounted where it must write)');
      }
      if (problems.length > 0) {
        findings.push(`Task definition '${pathOf(task)}': container '${container?.name}' ${problems.join(' and ')}. `
          + `Set ${fixes.join(' and ')} in its container options; where it must run as root or write to its image (some log routers and agents do), `
          + 'acknowledge this check on the task definition, which covers all its containers.');
      }
    }
    return findings;
  }),
});
