import { aws_ecs as ecs } from 'aws-cdk-lib';
import { literalString, resolved } from '../../private/resource-index';
import { defineCheck } from '../check';
import { CheckLevel } from '../check-info';
import { pathOf } from '../embed';

/**
 * An ECS service that runs a single task.
 */
export const EcsSingleTask = defineCheck({
  suffix: 'EcsSingleTask',
  level: CheckLevel.WARNING,
  title: 'An ECS service that runs a single task.',
  reason: 'One task lives in one AZ: the service is down whenever that task is replaced (a deployment, a failed health check, Fargate maintenance) or its AZ fails. Two or more tasks spread over AZs keep it up.',
  source: 'https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-options.html',
  appliesTo: [ecs.CfnService],
  inspect(service) {
    // Daemon services and services scaled by an outside controller have no fixed count.
    if (literalString(service, service.schedulingStrategy) === 'DAEMON' || resolved(service, service.desiredCount) !== 1) {
      return [];
    }
    return [`Service '${pathOf(service)}': desiredCount is 1, so the service is down whenever its task is replaced or its AZ fails. `
      + 'Use 2 or more for production, or acknowledge this check for a service that may pause.'];
  },
});
