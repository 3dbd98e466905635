/**
 * The handlers as Lambda runs them: the esbuild bundles in assets/ (built by `npm test` before
 * jest), with only the service clients the Node.js runtime ships left outside.
 */
import { builtinModules } from 'module';
import { bundlePath as bundle, runBundle as run } from './bundle';

const RUNTIME_CLIENTS = /^@aws-sdk\/client-[a-z0-9-]+$/;

describe('handler bundles', () => {
  test.each([
    // The runtime ships the service clients and Node.js; everything else is inside the bundle.
    ['cdn/sign-upload.lambda', ['@aws-sdk/client-s3', 'node:crypto', 'node:fs', 'node:fs/promises', 'node:os', 'node:path', 'node:stream']],
    ['recycler/recycle.lambda', ['@aws-sdk/client-ecs', '@aws-sdk/client-secrets-manager', '@aws-sdk/client-ssm']],
  ])('%s requires exactly %j at run time', (name, expected) => {
    const { requires, handler } = run(name);
    expect(handler).toBe('function');
    expect(requires).toEqual(expected);
    const packages = requires.filter((m) => !m.startsWith('node:') && !builtinModules.includes(m));
    expect(packages.length).toBeGreaterThan(0);
    for (const dependency of packages) {
      expect(dependency).toMatch(RUNTIME_CLIENTS);
    }
  });

  test('the upload signer bundle signs a presigned POST with no network call', async () => {
    const saved = { ...process.env };
    Object.assign(process.env, {
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
      AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
      BUCKET_NAME: 'files-bucket',
      KEY_PREFIX: 'uploads/',
      MAX_BYTES: '1048576',
      CONTENT_TYPES: 'image/png',
      EXPIRES_SECONDS: '300',
    });
    try {
      jest.spyOn(console, 'log').mockImplementation(() => undefined);
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { handler } = require(bundle('cdn/sign-upload.lambda'));
      const result = await handler({
        body: JSON.stringify({ key: 'uploads/cat.png', contentType: 'image/png', size: 2048 }),
        isBase64Encoded: false,
        requestContext: { http: { method: 'POST' } },
      });
      expect(result.statusCode).toBe(200);
      const body = JSON.parse(result.body);
      expect(body.url).toBe('https://files-bucket.s3.us-east-1.amazonaws.com/');
      const policy = JSON.parse(Buffer.from(body.fields.Policy, 'base64').toString('utf8'));
      expect(policy.conditions).toEqual(expect.arrayContaining([['content-length-range', 1, 1048576]]));
      expect(body.fields['X-Amz-Signature']).toMatch(/^[0-9a-f]{64}$/);
    } finally {
      process.env = saved;
    }
  });

  describe('the recycler bundle', () => {
    const cluster = 'arn:aws:ecs:us-east-1:111111111111:cluster/web';
    const secret = 'arn:aws:secretsmanager:us-east-1:111111111111:secret:prod/db-AbCdEf';
    const environment = { CLUSTERS: JSON.stringify([cluster]), AWS_REGION: 'us-east-1', ACCOUNT_ID: '111111111111', AWS_LAMBDA_FUNCTION_NAME: 'recycler' };
    const event = {
      'version': '0',
      'id': 'e6b1c2f4-0000-4000-8000-000000000000',
      'source': 'aws.secretsmanager',
      'detail-type': 'Secret Label Updated',
      'time': '2026-11-21T08:00:00Z',
      'region': 'us-east-1',
      'account': '111111111111',
      'resources': [secret],
      // As documented: https://docs.aws.amazon.com/secretsmanager/latest/userguide/event-detail-secret-label-updated-secretsmanager.html
      'detail': { name: 'prod/db', labelUpdated: 'AWSCURRENT', versionId: 'a1b2c3d4-0000-4000-8000-000000000000' },
    };
    // An empty ECS account whose mock records any call. What the bundle does against ECS itself is
    // proven against moto, with the real SDK: test/recycler/recycle.moto.test.ts.
    const ecs = { services: [], taskDefinitions: {} };

    test('fails the invocation, naming the variable, when CLUSTERS is unset', () => {
      const { result, error, calls, logs } = run('recycler/recycle.lambda', { event, ecs }, { ...environment, CLUSTERS: undefined });
      expect(result).toBeUndefined();
      expect(error).toMatch(/^Error: SecretRotationRecycler handler: CLUSTERS is not set/);
      expect(calls).toEqual([]);
      expect(logs).toEqual([{ level: 'error', message: 'misconfigured', error: expect.stringContaining('CLUSTERS is not set') }]);
    });
  });
});
