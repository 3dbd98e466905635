import { S3Client } from '@aws-sdk/client-s3';
import { createPresignedPost } from '@aws-sdk/s3-presigned-post';
import type { APIGatewayProxyStructuredResultV2 as LambdaFunctionURLResult, LambdaFunctionURLEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';

// The real presigner, unless a test makes it fail.
jest.mock('@aws-sdk/s3-presigned-post', () => {
  const actual = jest.requireActual('@aws-sdk/s3-presigned-post');
  return { ...actual, createPresignedPost: jest.fn(actual.createPresignedPost) };
});

const ENV = {
  AWS_REGION: 'eu-west-1',
  AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
  AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  AWS_SESSION_TOKEN: 'session-token',
  BUCKET_NAME: 'files-bucket',
  KEY_PREFIX: 'uploads/',
  KEY_NAMING: 'client',
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
  jest.mocked(createPresignedPost).mockClear();
  jest.spyOn(console, 'log').mockImplementation(() => undefined);
});

/** The POST policy of a signed response, decoded. */
function policyOf(body: any): { conditions: unknown[]; expiration: string } {
  return JSON.parse(Buffer.from(body.fields.Policy, 'base64').toString('utf8'));
}

/** Runs `action` with some environment variables changed, as a function configured otherwise would see them. */
async function withEnvironment<T>(changes: Record<string, string>, action: () => Promise<T>): Promise<T> {
  const before = { ...process.env };
  Object.assign(process.env, changes);
  try {
    return await action();
  } finally {
    process.env = before;
  }
}

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
    ['that is not JSON', 'not json', 400, 'The request body is not JSON. Send {"contentType": "type/subtype", "size": bytes, "fileName": "name.ext"} (or "key": "<prefix>name" where the client names keys).'],
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

  test('GIVEN a body the function URL delivered base64-encoded WHEN handled THEN it is decoded and signed', async () => {
    const body = Buffer.from(JSON.stringify({ key: 'uploads/b64.png', contentType: 'image/png', size: 10 })).toString('base64');
    const result = await handler({ ...request(body), isBase64Encoded: true });

    expect(result.statusCode).toBe(200);
    expect(json(result).key).toBe('uploads/b64.png');
    expect(policyOf(json(result)).conditions).toEqual(expect.arrayContaining([{ key: 'uploads/b64.png' }, ['eq', '$Content-Type', 'image/png']]));
  });

  test('GIVEN a presigner that fails WHEN handled THEN the caller gets a 500 with a message and the cause is logged as JSON', async () => {
    jest.mocked(createPresignedPost).mockRejectedValueOnce(Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError' }));
    const errors = jest.spyOn(console, 'error').mockImplementation(() => undefined);

    const result = await handler(request({ key: 'uploads/a.png', contentType: 'image/png' }));

    expect(result.statusCode).toBe(500);
    expect(result.headers).toEqual(expect.objectContaining({ 'Content-Type': 'application/json' }));
    expect(json(result)).toEqual({ message: 'The upload could not be signed because of an error on the server; try again later.' });
    expect(errors).toHaveBeenCalledTimes(1);
    expect(JSON.parse(errors.mock.calls[0][0] as string)).toEqual({
      level: 'error', message: 'upload signing failed', error: 'CredentialsProviderError', reason: 'Could not load credentials from any providers',
    });
  });
});

describe('sign-upload handler: active content under a family wildcard', () => {
  test('GIVEN image/* WHEN a client asks for image/svg+xml THEN it is refused with 415 and nothing is signed', async () => {
    const result = await withEnvironment({ CONTENT_TYPES: 'image/*' }, () => handler(request({ key: 'uploads/x.svg', contentType: 'image/svg+xml' })));

    expect(result.statusCode).toBe(415);
    expect(json(result)).toEqual({ message: "Content type 'image/svg+xml' is not accepted (active content, which runs script in the CDN's origin, is accepted only when named exactly); use one of: image/*." });
    expect(createPresignedPost).not.toHaveBeenCalled();
  });

  test('GIVEN image/* WHEN a client asks for image/png in upper case THEN the policy pins the exact lower-case type, not the family', async () => {
    const result = await withEnvironment({ CONTENT_TYPES: 'image/*' }, () => handler(request({ key: 'uploads/x.png', contentType: 'IMAGE/PNG' })));

    expect(result.statusCode).toBe(200);
    const body = json(result);
    expect(body.fields['Content-Type']).toBe('image/png');
    const conditions = policyOf(body).conditions;
    expect(conditions).toContainEqual(['eq', '$Content-Type', 'image/png']);
    expect(conditions.filter((c) => Array.isArray(c) && c[1] === '$Content-Type')).toEqual([['eq', '$Content-Type', 'image/png']]);
  });

  test('GIVEN image/* and image/svg+xml named WHEN a client asks for image/svg+xml THEN it is signed for exactly that type', async () => {
    const result = await withEnvironment({ CONTENT_TYPES: 'image/*,image/svg+xml' }, () => handler(request({ key: 'uploads/x.svg', contentType: 'image/svg+xml' })));

    expect(result.statusCode).toBe(200);
    expect(policyOf(json(result)).conditions).toContainEqual(['eq', '$Content-Type', 'image/svg+xml']);
  });
});

describe('sign-upload handler: keys the signer chooses', () => {
  const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}';

  test('GIVEN generated keys WHEN two clients upload cat.png THEN each gets its own key under the prefix, pinned in its policy', async () => {
    const [first, second] = await withEnvironment({ KEY_NAMING: 'generated' }, async () => [
      json(await handler(request({ fileName: 'cat.PNG', contentType: 'image/png', size: 10 }))),
      json(await handler(request({ fileName: 'cat.png', contentType: 'image/png', size: 10 }))),
    ]);

    for (const body of [first, second]) {
      expect(body.key).toMatch(new RegExp(`^uploads/${UUID}\\.png$`));
      expect(body.fields.key).toBe(body.key);
      expect(policyOf(body).conditions).toEqual(expect.arrayContaining([{ key: body.key }, ['starts-with', '$key', 'uploads/']]));
    }
    expect(first.key).not.toBe(second.key);
  });

  test('GIVEN generated keys WHEN the client asks for a key THEN only its extension is kept; a name with no plain extension gets none', async () => {
    const [asked, odd] = await withEnvironment({ KEY_NAMING: 'generated' }, async () => [
      json(await handler(request({ key: 'uploads/index.png', contentType: 'image/png' }))),
      json(await handler(request({ fileName: 'photo.p/ng%00', contentType: 'image/png' }))),
    ]);

    expect(asked.key).toMatch(new RegExp(`^uploads/${UUID}\\.png$`));
    expect(odd.key).toMatch(new RegExp(`^uploads/${UUID}$`));
  });

  test('GIVEN client-chosen keys WHEN a request has no key THEN it is refused with 400', async () => {
    const result = await handler(request({ fileName: 'cat.png', contentType: 'image/png' }));

    expect(result.statusCode).toBe(400);
    expect(json(result)).toEqual({ message: "The request must give \"key\": the client names keys here; use a key that starts with 'uploads/'." });
  });
});
