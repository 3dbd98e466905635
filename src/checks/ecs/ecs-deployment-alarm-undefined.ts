import { aws_ecs as ecs } from 'aws-cdk-lib';
import { ResourceIndex, literalString, resolved } from '../../private/resource-index';
import { asList } from '../../private/template/json';
import { defineCheck } from '../check';
import { CheckLevel } from '../check-info';
import { pathOf } from '../embed';

/** The literal names of the CloudWatch alarms, metric and composite, that the app defines. */
function alarmNamesInApp(index: ResourceIndex): Set<string> {
  return new Set(['AWS::CloudWatch::Alarm', 'AWS::CloudWatch::CompositeAlarm']
    .flatMap((type) => index.ofType(type))
    .map((alarm) => literalString(alarm, (alarm as any).alarmName))
    .filter((name): name is string => name !== undefined));
}

/**
 * An ECS service whose deployment alarms name an alarm that the app does not define.
 */
export const EcsDeploymentAlarmUndefined = defineCheck({
  suffix: 'EcsDeploymentAlarmUndefined',
  level: CheckLevel.WARNING,
  title: 'An ECS service whose deployment alarms name a CloudWatch alarm that the app does not define.',
  reason: 'ECS watches deployment alarms by name and fails (and rolls back) a deployment when one goes into ALARM: a misspelt name, or an alarm renamed or never created, matches nothing that can, and the deployment goes ahead unwatched.',
  source: 'https://docs.aws.amazon.com/AmazonECS/latest/developerguide/deployment-alarm-failure.html',
  appliesTo: [ecs.CfnService],
  inspect(service, index) {
    const configuration = resolved(service, service.deploymentConfiguration) as any;
    const alarms = configuration?.alarms ?? configuration?.Alarms;
    if (!alarms || (alarms.enable ?? alarms.Enable) !== true) {
      return [];
    }
    // Names known only at deploy time (a reference to an alarm of the app, a parameter) are left out.
    const literals = asList(alarms.alarmNames ?? alarms.AlarmNames).filter((name): name is string => typeof name === 'string');
    if (literals.length === 0) {
      return [];
    }
    const defined = alarmNamesInApp(index);
    return literals.filter((name) => !defined.has(name)).map((name) =>
      `Service '${pathOf(service)}': deployment alarm '${name}' is not defined by any CloudWatch alarm in this app, so a deployment may go ahead unwatched. `
      + 'Check the name; if the alarm lives outside the app (another stack or app, or the console), acknowledge this check.');
  },
});
