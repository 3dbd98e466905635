import { S3Client } from '@aws-sdk/client-s3';
import type { APIGatewayProxyStructuredResultV2 as LambdaFunctionURLResult, LambdaFunctionURLEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';

const ENV = {
  AWS_REGION: 'eu-west-1',
  AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
  AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  AWS_SESSION_TOKEN: 'session-token',
  BUCKET_NAME: 'files-bucket',
  KEY_PREFIX: 'uploads/',
  MAX_BYTES: '10485760',
  CONTENT_TYPES: 'image/jpeg,image/png',
  EXPIRES_SECONDS: '300',
};

const s3 = mockClient(S3Client);
let handler: (event: LambdaFunctionURLEvent) => Promise<LambdaFunctionURLResult>;
const saved = { ...process.env };

beforeAll(() => {
  Object.assign(process.env, ENV);
  // Loaded after the environment is set, as Lambda would.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  handler = require('../../src/cdn/sign-upload.lambda').handler;
});

afterAll(() => {
  process.env = saved;
});

beforeEach(() => {
  s3.reset();
  jest.spyOn(console, 'log').mockImplementation(() => undefined);
});

function request(body: unknown, method = 'POST'): LambdaFunctionURLEvent {
  return {
    body: typeof body === 'string' ? body : JSON.stringify(body),
    isBase64Encoded: false,
    requestContext: { http: { method } },
  } as unknown as LambdaFunctionURLEvent;
}

function json(result: LambdaFunctionURLResult): any {
  return JSON.parse(result.body as string);
}

describe('sign-upload handler, with the real presigner', () => {
  test('GIVEN a valid request WHEN signed THEN the POST policy pins the key prefix, the size range and the content type', async () => {
    const before = Date.now();
    const result = await handler(request({ key: 'uploads/cat.png', contentType: 'image/png', size: 2048 }));

    expect(result.statusCode).toBe(200);
    const body = json(result);
    expect(body.url).toBe('https://files-bucket.s3.eu-west-1.amazonaws.com/');
    expect(body.key).toBe('uploads/cat.png');
    expect(body.fields).toEqual(expect.objectContaining({
      'key': 'uploads/cat.png',
      'Content-Type': 'image/png',
      'bucket': 'files-bucket',
      'X-Amz-Algorithm': 'AWS4-HMAC-SHA256',
      'X-Amz-Credential': expect.stringMatching(/^AKIAIOSFODNN7EXAMPLE\/\d{8}\/eu-west-1\/s3\/aws4_request$/),
      'X-Amz-Security-Token': 'session-token',
      'X-Amz-Signature': expect.stringMatching(/^[0-9a-f]{64}$/),
    }));
    const policy = JSON.parse(Buffer.from(body.fields.Policy, 'base64').toString('utf8'));
    expect(policy.conditions).toEqual(expect.arrayContaining([
      ['starts-with', '$key', 'uploads/'],
      ['eq', '$Content-Type', 'image/png'],
      ['content-length-range', 1, 10485760],
      { key: 'uploads/cat.png' },
      { bucket: 'files-bucket' },
    ]));
    const expiration = Date.parse(policy.expiration);
    expect(expiration).toBeGreaterThanOrEqual(before + 299_000);
    expect(expiration).toBeLessThanOrEqual(Date.now() + 301_000);
    // Signing is local: no call reaches S3.
    expect(s3.calls()).toHaveLength(0);
  });

  test.each([
    ['too large', { key: 'uploads/big.png', contentType: 'image/png', size: 10485761 }, 413, '10485761 bytes is more than the 10485760 bytes allowed; upload a smaller file.'],
    ['of a wrong type', { key: 'uploads/run.sh', contentType: 'text/x-shellscript' }, 415, "Content type 'text/x-shellscript' is not accepted; use one of: image/jpeg, image/png."],
    ['for a key outside the prefix', { key: 'site/index.html', contentType: 'image/png' }, 403, "Key 'site/index.html' is outside the upload prefix; use a key that starts with 'uploads/' and names a file."],
    ['that is not JSON', 'not json', 400, 'The request body is not JSON. Send {"key": "<prefix>name", "contentType": "type/subtype", "size": bytes}.'],
  ])('GIVEN a request %s WHEN signed THEN it is refused with a 4xx and a clear message', async (_name, body, statusCode, message) => {
    const result = await handler(request(body));

    expect(result.statusCode).toBe(statusCode);
    expect(json(result)).toEqual({ message });
    expect(s3.calls()).toHaveLength(0);
  });

  test('GIVEN a GET WHEN handled THEN it is refused with 405', async () => {
    const result = await handler(request({}, 'GET'));

    expect(result.statusCode).toBe(405);
    expect(json(result).message).toBe('Method GET is not allowed; POST a JSON request.');
  });

  test('GIVEN a function without its bucket setting WHEN invoked THEN it fails loudly rather than sign for nothing', async () => {
    delete process.env.BUCKET_NAME;
    try {
      await expect(handler(request({ key: 'uploads/a.png', contentType: 'image/png' }))).rejects.toThrow('Environment variable BUCKET_NAME is not set');
    } finally {
      process.env.BUCKET_NAME = ENV.BUCKET_NAME;
    }
  });
});
