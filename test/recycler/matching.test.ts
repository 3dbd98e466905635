import * as fc from 'fast-check';
import { failedPutSecretValue, labelUpdated, parameterChange, putSecretValue, rotationSucceeded, updateSecret } from './events';
import { ACCOUNT, PARAMETER_ARN, PARAMETER_NAME, REGION, SECRET_ARN } from './fake-ecs';
import { parseChangeEvent } from '../../src/recycler/change-event';
import { backoffMs, batches, certainlyAfter, decide, ServiceState } from '../../src/recycler/plan';
import { Change, parseValueFrom, referenceMatches, sameSecret } from '../../src/recycler/references';

const secretChange: Change = { kind: 'secret', id: SECRET_ARN, event: 'test' };
const parameterChangeOf = (name: string, account = ACCOUNT): Change => ({ kind: 'parameter', id: name, region: REGION, account, event: 'test' });

describe('parseValueFrom', () => {
  test.each([
    [SECRET_ARN, { kind: 'secret', id: SECRET_ARN }],
    [`${SECRET_ARN}:password::`, { kind: 'secret', id: SECRET_ARN, jsonKey: 'password' }],
    [`${SECRET_ARN}:password:AWSCURRENT:`, { kind: 'secret', id: SECRET_ARN, jsonKey: 'password' }],
    [`${SECRET_ARN}::AWSPREVIOUS:`, { kind: 'secret', id: SECRET_ARN, pinned: 'version stage AWSPREVIOUS' }],
    [`${SECRET_ARN}:user::v-1`, { kind: 'secret', id: SECRET_ARN, jsonKey: 'user', pinned: 'version ID v-1' }],
    [PARAMETER_NAME, { kind: 'parameter', id: 'prod/feature-flags' }],
    ['plain', { kind: 'parameter', id: 'plain' }],
    [PARAMETER_ARN, { kind: 'parameter', id: 'prod/feature-flags', region: REGION, account: ACCOUNT }],
  ])('%s', (valueFrom, expected) => {
    expect(parseValueFrom(valueFrom)).toEqual(expect.objectContaining(expected));
    if (!('pinned' in expected)) {
      expect(parseValueFrom(valueFrom)?.pinned).toBeUndefined();
    }
  });

  test('neither a secret nor a parameter', () => {
    expect(parseValueFrom('')).toBeUndefined();
    expect(parseValueFrom('arn:aws:s3:::bucket/key')).toBeUndefined();
  });

  test('compares secrets on the first seven ARN fields, whatever follows', () => {
    fc.assert(fc.property(
      fc.stringMatching(/^[A-Za-z0-9_]{0,12}$/), fc.constantFrom('', 'AWSCURRENT'),
      (key, stage) => {
        const reference = parseValueFrom(`${SECRET_ARN}:${key}:${stage}:`)!;
        expect(referenceMatches(reference, secretChange, REGION, ACCOUNT)).toBe(true);
        expect(reference.pinned).toBeUndefined();
      },
    ));
  });
});

describe('sameSecret', () => {
  test('a complete ARN matches itself only', () => {
    expect(sameSecret(SECRET_ARN, SECRET_ARN)).toBe(true);
    expect(sameSecret(SECRET_ARN, SECRET_ARN.replace('AbCdEf', 'ZzZzZz'))).toBe(false);
  });

  test('a partial ARN matches the complete ARN of that name, not of a longer name', () => {
    const partial = SECRET_ARN.replace(/-AbCdEf$/, '');
    expect(sameSecret(partial, SECRET_ARN)).toBe(true);
    expect(sameSecret(partial, `${partial}-replica-XyZ123`)).toBe(false);
  });
});

describe('referenceMatches for parameters', () => {
  test('by name, with or without the leading slash, or by ARN, in the same account and region', () => {
    for (const valueFrom of [PARAMETER_NAME, PARAMETER_ARN]) {
      const reference = parseValueFrom(valueFrom)!;
      expect(referenceMatches(reference, parameterChangeOf(PARAMETER_NAME), REGION, ACCOUNT)).toBe(true);
      expect(referenceMatches(reference, parameterChangeOf('/prod/other'), REGION, ACCOUNT)).toBe(false);
      expect(referenceMatches(reference, parameterChangeOf(PARAMETER_NAME, '222222222222'), REGION, ACCOUNT)).toBe(false);
      expect(referenceMatches(reference, secretChange, REGION, ACCOUNT)).toBe(false);
    }
  });
});

describe('parseChangeEvent', () => {
  test.each([
    ['Secret Label Updated', labelUpdated(), 'Secret Label Updated'],
    ['PutSecretValue', putSecretValue(), 'PutSecretValue'],
    ['PutSecretValue with aRN', putSecretValue(['AWSCURRENT'], 'aRN'), 'PutSecretValue'],
    ['UpdateSecret', updateSecret(), 'UpdateSecret'],
    ['RotationSucceeded', rotationSucceeded(), 'RotationSucceeded'],
  ])('%s names the secret', (_name, event, source) => {
    expect(parseChangeEvent(event)).toEqual({ change: { kind: 'secret', id: SECRET_ARN, event: source, time: '2026-11-21T08:00:00Z' } });
  });

  test('Parameter Store Change names the parameter, its region and account', () => {
    expect(parseChangeEvent(parameterChange('Update'))).toEqual({
      change: { kind: 'parameter', id: PARAMETER_NAME, region: REGION, account: ACCOUNT, event: 'Parameter Store Change Update', time: '2026-11-21T08:00:00Z' },
    });
  });

  test.each([
    ['AWSPENDING write', putSecretValue(['AWSPENDING']), /AWSPENDING/],
    ['failed call', failedPutSecretValue(), /AccessDenied/],
    ['label other than AWSCURRENT', labelUpdated(SECRET_ARN, 'AWSPREVIOUS'), /AWSPREVIOUS/],
    ['parameter deleted', parameterChange('Delete'), /Delete/],
    ['another source', { 'source': 'aws.ec2', 'detail-type': 'EC2 Instance State-change Notification', 'detail': {} }, /not a secret or parameter change/],
  ])('ignores a %s', (_name, event, reason) => {
    const parsed = parseChangeEvent(event);
    expect('ignored' in parsed && parsed.ignored).toMatch(reason);
  });

  test('never throws on arbitrary input', () => {
    fc.assert(fc.property(fc.record({
      'source': fc.constantFrom('aws.secretsmanager', 'aws.ssm', 'x'),
      'detail-type': fc.constantFrom('Secret Label Updated', 'AWS API Call via CloudTrail', 'AWS Service Event via CloudTrail', 'Parameter Store Change', 'y'),
      'resources': fc.array(fc.string()),
      'detail': fc.anything(),
    }), (event) => {
      const parsed = parseChangeEvent(event as any);
      expect('change' in parsed || 'ignored' in parsed).toBe(true);
    }));
  });
});

describe('decide', () => {
  const service = (overrides: Partial<ServiceState> = {}): ServiceState => ({
    serviceArn: 'arn:aws:ecs:us-east-1:111111111111:service/web/api',
    clusterArn: 'arn:aws:ecs:us-east-1:111111111111:cluster/web',
    taskDefinition: 'td',
    status: 'ACTIVE',
    deploymentController: 'ECS',
    deployments: [{ status: 'PRIMARY', rolloutState: 'COMPLETED' }],
    ...overrides,
  });
  const reads = [parseValueFrom(`${SECRET_ARN}:password::`)!];

  test('recycles an idle ECS-controlled service that reads the value', () => {
    expect(decide(service(), reads, secretChange, REGION, ACCOUNT)).toEqual({ action: 'recycle' });
  });

  test('leaves a service that does not read the value alone', () => {
    expect(decide(service(), [parseValueFrom('/other')!], secretChange, REGION, ACCOUNT)).toBeUndefined();
  });

  test('skips a draining service with the reason', () => {
    expect(decide(service({ status: 'DRAINING' }), reads, secretChange, REGION, ACCOUNT)).toEqual({ action: 'skip', reason: expect.stringMatching(/DRAINING/) });
  });

  test.each([
    ['CODE_DEPLOY', service({ deploymentController: 'CODE_DEPLOY' })],
    ['EXTERNAL', service({ deploymentController: 'EXTERNAL' })],
  ])('fails a %s service, whose tasks the recycler cannot replace', (controller, state) => {
    expect(decide(state, reads, secretChange, REGION, ACCOUNT)).toEqual({
      action: 'fail',
      reason: `the ${controller} deployment controller does not take forced deployments, so its tasks keep the old value; start a deployment with it`,
    });
  });

  describe('with a deployment in progress', () => {
    const changeAt = { ...secretChange, time: '2026-11-21T08:00:00Z' };
    const deploying = (createdAt: string | undefined, rolloutState = 'IN_PROGRESS') => service({
      deployments: [
        { id: 'ecs-svc/2', status: 'PRIMARY', rolloutState, createdAt: createdAt === undefined ? undefined : new Date(createdAt) },
        { id: 'ecs-svc/1', status: 'ACTIVE', rolloutState: 'COMPLETED', createdAt: new Date('2026-11-20T00:00:00Z') },
      ],
    });
    const supersede = { action: 'recycle', reason: 'supersedes the deployment in progress, which started before the change' };

    test.each([
      ['before the change', '2026-11-21T07:59:59.999Z'],
      ['in the second of the change (which the event time does not divide)', '2026-11-21T08:00:00.999Z'],
      ['at an unknown time', undefined],
    ])('supersedes a deployment that started %s', (_name, createdAt) => {
      expect(decide(deploying(createdAt), reads, changeAt, REGION, ACCOUNT)).toEqual(supersede);
    });

    test('supersedes any deployment when the event has no time', () => {
      expect(decide(deploying('2026-11-21T09:00:00Z'), reads, secretChange, REGION, ACCOUNT)).toEqual(supersede);
    });

    test('supersedes a deployment that started after the change but failed', () => {
      expect(decide(deploying('2026-11-21T08:00:05Z', 'FAILED'), reads, changeAt, REGION, ACCOUNT)).toEqual(supersede);
    });

    test.each([['2026-11-21T08:00:01Z'], ['2026-11-21T08:30:00Z']])('leaves a deployment that started at %s, after the change, to finish', (createdAt) => {
      expect(decide(deploying(createdAt), reads, changeAt, REGION, ACCOUNT)).toEqual({
        action: 'skip',
        reason: `deployment ecs-svc/2 started at ${new Date(createdAt).toISOString()}, after the change (2026-11-21T08:00:00Z): its tasks read the new value`,
      });
    });

    test('leaves a completed deployment that started after the change alone', () => {
      const done = service({ deployments: [{ id: 'ecs-svc/3', status: 'PRIMARY', rolloutState: 'COMPLETED', createdAt: new Date('2026-11-21T08:02:00Z') }] });
      expect(decide(done, reads, changeAt, REGION, ACCOUNT)).toEqual({ action: 'skip', reason: expect.stringMatching(/^deployment ecs-svc\/3 started at 2026-11-21T08:02:00.000Z, after the change/) });
    });

    test('certainlyAfter is the end of the event time\'s second, and undefined for no or a malformed time', () => {
      expect(certainlyAfter('2026-11-21T08:00:00Z')).toEqual(new Date('2026-11-21T08:00:01Z'));
      expect(certainlyAfter(undefined)).toBeUndefined();
      expect(certainlyAfter('yesterday')).toBeUndefined();
    });
  });

  test('skips a pinned reference, but not when another reference refreshes', () => {
    const pinned = parseValueFrom(`${SECRET_ARN}::AWSPREVIOUS:`)!;
    expect(decide(service(), [pinned], secretChange, REGION, ACCOUNT)).toEqual({ action: 'skip', reason: expect.stringMatching(/pins version stage AWSPREVIOUS/) });
    expect(decide(service(), [pinned, ...reads], secretChange, REGION, ACCOUNT)).toEqual({ action: 'recycle' });
  });
});

describe('batches and backoff', () => {
  test('batches never exceed the size and keep every item in order', () => {
    fc.assert(fc.property(fc.array(fc.integer(), { maxLength: 250 }), fc.integer({ min: 1, max: 20 }), (items, size) => {
      const result = batches(items, size);
      expect(result.every((b) => b.length >= 1 && b.length <= size)).toBe(true);
      expect(result.flat()).toEqual(items);
    }));
  });

  test('full jitter: between 0 and an exponential cap of at most 5 seconds', () => {
    expect(backoffMs(0, 0.999)).toBe(99);
    expect(backoffMs(3, 0.5)).toBe(400);
    expect(backoffMs(20, 0.999)).toBe(4995);
    fc.assert(fc.property(fc.integer({ min: 0, max: 40 }), fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), (attempt, r) => {
      const delay = backoffMs(attempt, r);
      expect(delay).toBeGreaterThanOrEqual(0);
      expect(delay).toBeLessThan(Math.min(5_000, 100 * 2 ** attempt));
    }));
  });
});
