/**
 * The handlers as Lambda runs them: the esbuild bundles in assets/ (built by `npm test` before
 * jest), with only the service clients the Node.js runtime ships left outside.
 */
import * as fs from 'fs';
import { builtinModules } from 'module';
import * as path from 'path';

const assets = path.join(__dirname, '..', '..', 'assets');
const RUNTIME_CLIENTS = /^@aws-sdk\/client-[a-z0-9-]+$/;

function bundle(name: string): string {
  return path.join(assets, name, 'index.js');
}

/** What a bundle requires at run time, besides Node.js built-ins. */
function requires(file: string): string[] {
  const code = fs.readFileSync(file, 'utf8');
  const found = new Set<string>();
  for (const match of code.matchAll(/require\("([^"]+)"\)/g)) {
    if (!match[1].startsWith('node:') && !builtinModules.includes(match[1])) {
      found.add(match[1]);
    }
  }
  return [...found].sort();
}

describe('handler bundles', () => {
  test.each(['cdn/sign-upload.lambda', 'recycler/recycle.lambda'])('%s requires nothing the runtime lacks', (name) => {
    for (const dependency of requires(bundle(name))) {
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

  test('the recycler bundle loads and exports its handler', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    expect(typeof require(bundle('recycler/recycle.lambda')).handler).toBe('function');
  });
});
