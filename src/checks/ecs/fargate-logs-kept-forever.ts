import { aws_ecs as ecs, aws_logs as logs } from 'aws-cdk-lib';
import { referencedOfType } from '../../private/template/refs';
import { defineCheck } from '../check';
import { CheckLevel } from '../check-info';
import { pathOf } from '../embed';

/**
 * Container logs sent to a log group with no retention.
 */
export const FargateLogsKeptForever = defineCheck({
  suffix: 'FargateLogsKeptForever',
  level: CheckLevel.WARNING,
  title: 'An ECS task definition that sends container logs to a CloudWatch Logs group that keeps them forever.',
  reason: 'A log group without a retention keeps every event and bills its storage every month, for ever; application logs can also hold personal data that must not be kept longer than needed.',
  source: 'https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/Working-with-log-groups-and-streams.html#SettingLogRetention',
  appliesTo: [ecs.CfnTaskDefinition],
  inspect(task, index) {
    const groups = new Set<logs.CfnLogGroup>();
    for (const group of referencedOfType<logs.CfnLogGroup>(task, task.containerDefinitions, 'AWS::Logs::LogGroup', index)) {
      groups.add(group);
    }
    return [...groups].filter((g) => g.retentionInDays === undefined).map((g) =>
      `Task definition '${pathOf(task)}' logs to log group '${pathOf(g)}', which keeps them forever. Set a retention (logRetention, or retention on the logs.LogGroup), or acknowledge this check if the logs must be kept.`);
  },
});
