import { aws_ecs as ecs } from 'aws-cdk-lib';
import { valueFromsOfTaskDefinition } from '../../private/template/ecs';
import { WatchedValue, watchedValue } from '../../private/template/value-from';

/** The references of a task definition that pin a secret version. */
export function pinnedReferences(taskDefinition: ecs.CfnTaskDefinition): WatchedValue[] {
  return valueFromsOfTaskDefinition(taskDefinition)
    .map(watchedValue)
    .filter((w): w is WatchedValue => w !== undefined && w.pinned !== undefined);
}
