/**
 * Reads the EventBridge events that announce a new secret or parameter value. Pure functions,
 * bundled into the handler.
 *
 * @see https://docs.aws.amazon.com/secretsmanager/latest/userguide/monitoring-eventbridge.html
 * @see https://docs.aws.amazon.com/systems-manager/latest/userguide/monitoring-systems-manager-event-examples.html
 */
import { CURRENT_STAGE, Change } from './references';
import { asList } from '../private/template/json';

/** The EventBridge envelope, as far as the handler reads it. */
export interface ChangeEvent {
  readonly 'source'?: string;
  readonly 'detail-type'?: string;
  readonly 'time'?: string;
  readonly 'region'?: string;
  readonly 'account'?: string;
  readonly 'resources'?: string[];
  readonly 'detail'?: any;
}

/** A change to act on, or why the event asks for nothing. */
export type ParsedChange = { readonly change: Change } | { readonly ignored: string };

export const SECRETS_MANAGER_SOURCE = 'aws.secretsmanager';
export const SSM_SOURCE = 'aws.ssm';
export const LABEL_UPDATED = 'Secret Label Updated';
export const API_CALL = 'AWS API Call via CloudTrail';
export const SERVICE_EVENT = 'AWS Service Event via CloudTrail';
export const PARAMETER_CHANGE = 'Parameter Store Change';
/** The CloudTrail calls that write a new secret value. */
export const SECRET_WRITES = ['PutSecretValue', 'UpdateSecret'];
export const ROTATION_SUCCEEDED = 'RotationSucceeded';
/** Parameter operations after which a task that starts reads a new value. */
export const PARAMETER_WRITES = ['Create', 'Update'];

/** The strings of an event field that may hold one string or a list. */
function stringsOf(value: unknown): string[] {
  return asList(value).filter((v): v is string => typeof v === 'string');
}

function firstString(...values: unknown[]): string | undefined {
  return values.find((v): v is string => typeof v === 'string' && v.length > 0);
}

/**
 * What changed, from any of the event shapes the recycler's rule matches. Writes that do not
 * change the current value (an AWSPENDING write during rotation, a failed call, a deleted or
 * labelled parameter) are ignored, with the reason.
 */
export function parseChangeEvent(event: ChangeEvent): ParsedChange {
  const parsed = parseChange(event);
  return 'change' in parsed && typeof event.time === 'string' ? { change: { ...parsed.change, time: event.time } } : parsed;
}

function parseChange(event: ChangeEvent): ParsedChange {
  const detail = event.detail ?? {};
  const type = event['detail-type'];
  if (event.source === SECRETS_MANAGER_SOURCE && type === LABEL_UPDATED) {
    const labels = stringsOf(detail.labelUpdated ?? detail.labelsUpdated);
    if (!labels.includes(CURRENT_STAGE)) {
      return { ignored: `label ${labels.join(', ') || '(none)'} updated, not ${CURRENT_STAGE}` };
    }
    const arn = firstString(event.resources?.[0], detail.secretId, detail.secretArn);
    return arn ? { change: { kind: 'secret', id: arn, event: type } } : { ignored: 'no secret ARN in the event' };
  }
  if (event.source === SECRETS_MANAGER_SOURCE && type === API_CALL) {
    const name = detail.eventName;
    if (!SECRET_WRITES.includes(name)) {
      return { ignored: `${name} does not write a secret value` };
    }
    if (detail.errorCode) {
      return { ignored: `${name} failed (${detail.errorCode})` };
    }
    const stages = stringsOf(detail.requestParameters?.versionStages);
    if (stages.length > 0 && !stages.includes(CURRENT_STAGE)) {
      // Rotation's createSecret step writes the new value as AWSPENDING: tasks started now would read the old one.
      return { ignored: `${name} wrote version stage ${stages.join(', ')}, not ${CURRENT_STAGE}` };
    }
    // Older events spell the response field aRN.
    const arn = firstString(detail.responseElements?.arn, detail.responseElements?.aRN, detail.responseElements?.ARN);
    return arn ? { change: { kind: 'secret', id: arn, event: name } } : { ignored: `no secret ARN in the ${name} event` };
  }
  if (event.source === SECRETS_MANAGER_SOURCE && type === SERVICE_EVENT) {
    if (detail.eventName !== ROTATION_SUCCEEDED) {
      return { ignored: `${detail.eventName} is not ${ROTATION_SUCCEEDED}` };
    }
    const arn = firstString(detail.additionalEventData?.SecretId, detail.additionalEventData?.secretId);
    return arn ? { change: { kind: 'secret', id: arn, event: ROTATION_SUCCEEDED } } : { ignored: 'no secret ARN in the RotationSucceeded event' };
  }
  if (event.source === SSM_SOURCE && type === PARAMETER_CHANGE) {
    const operation = detail.operation;
    if (!PARAMETER_WRITES.includes(operation)) {
      return { ignored: `parameter ${operation ?? '(no operation)'}: no new value for tasks to read` };
    }
    const name = firstString(detail.name);
    return name
      ? { change: { kind: 'parameter', id: name, region: event.region, account: event.account, event: `${PARAMETER_CHANGE} ${operation}` } }
      : { ignored: 'no parameter name in the event' };
  }
  return { ignored: `not a secret or parameter change (${event.source ?? '?'} / ${type ?? '?'})` };
}
