import { aws_ecs as ecs } from 'aws-cdk-lib';
import { literalString } from '../../private/resource-index';
import { taskDefinitionOf, valueFromsOfTaskDefinition } from '../../private/template/ecs';
import { defineCheck } from '../check';
import { CheckLevel } from '../check-info';
import { pathOf } from '../embed';

/**
 * A service with the CODE_DEPLOY deployment controller whose tasks read secrets.
 */
export const EcsCodeDeployWithSecrets = defineCheck({
  suffix: 'EcsCodeDeployWithSecrets',
  level: CheckLevel.WARNING,
  title: 'An ECS service with the CODE_DEPLOY deployment controller whose task definition injects secrets or parameters.',
  reason: 'ECS reads secrets only when a task starts. A service deployed by CodeDeploy cannot be redeployed with UpdateService and forceNewDeployment, so its tasks keep the old value after a rotation until a CodeDeploy deployment replaces them; a SecretRotationRecycler reports it as failed (its alarm fires) rather than redeploying it.',
  source: 'https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_UpdateService.html',
  appliesTo: [ecs.CfnService],
  inspect(service, index) {
    const controller = service.deploymentController as ecs.CfnService.DeploymentControllerProperty | undefined;
    if (!controller || literalString(service, controller.type) !== 'CODE_DEPLOY') {
      return [];
    }
    const taskDefinition = taskDefinitionOf(service, index);
    const count = taskDefinition ? valueFromsOfTaskDefinition(taskDefinition).length : 0;
    if (count === 0) {
      return [];
    }
    return [`Service '${pathOf(service)}' is deployed by CodeDeploy and its task definition injects ${count} secret(s) or parameter(s): `
      + 'a forced deployment cannot refresh them after a rotation. Start a CodeDeploy deployment after each rotation (or use the ECS deployment controller), or acknowledge this check.'];
  },
});
