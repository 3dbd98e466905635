/**
 * The event shapes the recycler's rule matches, as EventBridge delivers them.
 */
import { ACCOUNT, PARAMETER_ARN, PARAMETER_NAME, REGION, SECRET_ARN } from './fake-ecs';
import { ChangeEvent } from '../../src/recycler/change-event';

const envelope = { version: '0', id: 'e6b1c2f4-0000-4000-8000-000000000000', time: '2026-11-21T08:00:00Z', region: REGION, account: ACCOUNT };

/**
 * Secrets Manager's own event: AWSCURRENT moved to a new version (rotation's finishSecret, or a
 * manual update). The detail as documented: the secret's name, the label (a string), the version.
 * @see https://docs.aws.amazon.com/secretsmanager/latest/userguide/event-detail-secret-label-updated-secretsmanager.html
 */
export function labelUpdated(arn = SECRET_ARN, label = 'AWSCURRENT'): ChangeEvent {
  return {
    ...envelope,
    'source': 'aws.secretsmanager',
    'detail-type': 'Secret Label Updated',
    'resources': [arn],
    'detail': { name: 'prod/db', labelUpdated: label, versionId: 'a1b2c3d4-0000-4000-8000-000000000000' },
  };
}

type Fields = Record<string, unknown>;

function apiCall(eventName: string, requestParameters: Fields, responseElements: Fields | null, extra: Fields = {}): ChangeEvent {
  return {
    ...envelope,
    'source': 'aws.secretsmanager',
    'detail-type': 'AWS API Call via CloudTrail',
    'resources': [],
    'detail': {
      eventVersion: '1.09',
      eventSource: 'secretsmanager.amazonaws.com',
      eventName,
      awsRegion: REGION,
      requestParameters,
      responseElements,
      ...extra,
    },
  };
}

/** PutSecretValue through CloudTrail; `versionStages` as the caller gave them. */
export function putSecretValue(versionStages?: string[], field: 'arn' | 'aRN' = 'arn'): ChangeEvent {
  return apiCall('PutSecretValue',
    { secretId: SECRET_ARN, clientRequestToken: 'token', ...(versionStages ? { versionStages } : {}) },
    { [field]: SECRET_ARN, name: 'prod/db', versionId: 'v2', versionStages: versionStages ?? ['AWSCURRENT'] });
}

export function updateSecret(): ChangeEvent {
  return apiCall('UpdateSecret', { secretId: 'prod/db' }, { arn: SECRET_ARN, name: 'prod/db', versionId: 'v3' });
}

export function failedPutSecretValue(): ChangeEvent {
  return apiCall('PutSecretValue', { secretId: SECRET_ARN }, null, { errorCode: 'AccessDenied', errorMessage: 'denied' });
}

/** Rotation's success, reported by Secrets Manager through CloudTrail. */
export function rotationSucceeded(): ChangeEvent {
  return {
    ...envelope,
    'source': 'aws.secretsmanager',
    'detail-type': 'AWS Service Event via CloudTrail',
    'resources': [],
    'detail': {
      eventSource: 'secretsmanager.amazonaws.com',
      eventName: 'RotationSucceeded',
      eventType: 'AwsServiceEvent',
      additionalEventData: { SecretId: SECRET_ARN },
    },
  };
}

export function parameterChange(operation = 'Update', name = PARAMETER_NAME): ChangeEvent {
  return {
    ...envelope,
    'source': 'aws.ssm',
    'detail-type': 'Parameter Store Change',
    'resources': [PARAMETER_ARN],
    'detail': { name, type: 'String', operation },
  };
}
