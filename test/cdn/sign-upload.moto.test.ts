/**
 * The bundled upload signer (assets/cdn/sign-upload.lambda) and the real AWS SDK against an S3 the
 * project did not write: moto's server on loopback (test/aws/moto.ts). The handler signs with
 * credentials of its own; the test posts a real multipart form to the URL it returned, and reads
 * the object back through the SDK. The POST, as moto recorded it, is then evaluated as S3
 * authorizes it (s3:PutObject on the object, with the credentials in the form's
 * `X-Amz-Credential`) against the policies SecureS3Cdn synthesizes for the signer's role
 * (test/aws/iam.ts).
 *
 * moto does not enforce a POST policy's conditions (content-length-range, starts-with, eq), nor its
 * signature: an upload that strays from the policy would succeed here. What the policy pins is
 * checked by decoding it: test/cdn/sign-upload.lambda.test.ts ("the POST policy pins the key
 * prefix, the size range and the content type") and test/cdn/upload-policy.test.ts (planUpload).
 */
import { CreateBucketCommand, GetObjectCommand, HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { Size } from 'aws-cdk-lib';
import { SecureS3Cdn } from '../../src';
import { runBundle } from '../assets/bundle';
import { DeployedFunction, decide, deployedFunction, expectAllAllowed, logicalIdOf, statementOf, templateOf, unusedStatements } from '../aws/iam';
import { MOTO_ACCOUNT, MOTO_REGION, MotoServer, SETUP_CREDENTIALS } from '../aws/moto';
import { testApp, testStack } from '../util';

/** The signer's credentials: its calls, and the POSTs made with what it signs, carry this key. */
const SIGNER_KEY = 'AKIASIGNER';
/** What CloudFormation would name the content bucket. */
const BUCKET = 'cdn-content-bucket';

/** The signer's function as deployed from a SecureS3Cdn with uploads. */
function synthesize(): DeployedFunction {
  const stack = testStack(testApp(), 'Cdn', { env: { account: MOTO_ACCOUNT, region: MOTO_REGION } });
  new SecureS3Cdn(stack, 'Cdn', { uploads: { maxSize: Size.kibibytes(64) } });
  const template = templateOf(stack);
  const fn = logicalIdOf(template, 'AWS::Lambda::Function', (p) => p.Environment?.Variables?.BUCKET_NAME !== undefined);
  const bucket = template.Resources[fn].Properties.Environment.Variables.BUCKET_NAME.Ref;
  const physical = {
    [bucket]: { ref: BUCKET, attrs: { Arn: `arn:aws:s3:::${BUCKET}` } },
    [logicalIdOf(template, 'AWS::Logs::LogGroup')]: { ref: 'signer', attrs: { Arn: `arn:aws:logs:${MOTO_REGION}:${MOTO_ACCOUNT}:log-group:signer:*` } },
  };
  return deployedFunction(template, fn, physical);
}

/** A PNG's signature, then bytes that a text-minded recorder or parser would mangle: NUL, CR LF, a form boundary's dashes, 0xFF. */
const FILE = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0xff]), Buffer.from('\r\n--\r\nend')]);

describe('the upload signer bundle against moto', () => {
  let moto: MotoServer;
  let s3: S3Client;
  let signer: DeployedFunction;

  beforeAll(async () => {
    moto = await MotoServer.start();
    s3 = new S3Client({ region: MOTO_REGION, endpoint: moto.endpoint, forcePathStyle: true, credentials: SETUP_CREDENTIALS });
    signer = synthesize();
    await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
  }, 300_000);

  afterAll(async () => {
    s3?.destroy();
    await moto?.stop();
  });

  /** The bundle, configured as the synthesized function (with `env` on top), signs for `request`. */
  function sign(request: object, env: Record<string, string> = {}): { url: string; fields: Record<string, string>; key: string } {
    const run = runBundle('cdn/sign-upload.lambda', {
      event: { body: JSON.stringify(request), isBase64Encoded: false, requestContext: { http: { method: 'POST' } } },
    }, { ...moto.env(SIGNER_KEY), ...signer.environment, ...env });
    expect(run.error).toBeUndefined();
    expect(run.result.statusCode).toBe(200);
    return JSON.parse(run.result.body);
  }

  /** A multipart form, every field first and the file last (as S3 requires), posted as a browser would. */
  async function post(url: string, fields: Record<string, string>, file: Buffer): Promise<number> {
    const form = new FormData();
    for (const [name, value] of Object.entries(fields)) {
      form.append(name, value);
    }
    // The part's own type differs: S3 takes the object's type from the signed Content-Type field.
    form.append('file', new Blob([file], { type: 'application/octet-stream' }), 'upload');
    return (await fetch(url, { method: 'POST', body: form })).status;
  }

  /** The POSTs moto recorded with the signer's credentials, evaluated against the signer's role. */
  async function authorized(key: string) {
    const calls = moto.calls(SIGNER_KEY);
    expect(calls).toEqual([expect.objectContaining({ action: 's3:PutObject', method: 'POST', params: expect.objectContaining({ 'key': key, 'Content-Type': 'image/png' }) })]);
    const decisions = await decide(calls, signer.policies);
    expect(decisions.map((d) => d.request.resource)).toEqual([`arn:aws:s3:::${BUCKET}/${key}`]);
    expectAllAllowed(decisions);
    return { calls, decisions };
  }

  beforeEach(() => moto.clearCalls());

  test('GIVEN a signed POST WHEN the client posts the file with its fields THEN the object is under the key prefix with the signed content type, and the signer\'s role allows the upload', async () => {
    // GIVEN
    const { url, fields, key } = sign({ fileName: 'cat.png', contentType: 'image/png', size: FILE.length });
    // With AWS_ENDPOINT_URL on a loopback address the SDK builds a path-style URL: no host to rewrite.
    expect(url).toBe(`${moto.endpoint}/${BUCKET}`);
    expect(key).toMatch(/^uploads\/[0-9a-f-]{36}\.png$/);
    expect(fields['X-Amz-Credential']).toMatch(new RegExp(`^${SIGNER_KEY}/\\d{8}/${MOTO_REGION}/s3/aws4_request$`));
    // Signing is local: the signer itself makes no call.
    expect(moto.calls(SIGNER_KEY)).toEqual([]);

    // WHEN
    const status = await post(url, fields, FILE);

    // THEN: stored under the key the signer chose, as the signed type, byte for byte.
    expect(status).toBe(204);
    const head = await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: key }));
    expect(head).toMatchObject({ ContentType: 'image/png', ContentLength: FILE.length });
    const object = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
    expect(Buffer.from(await object.Body!.transformToByteArray())).toEqual(FILE);

    // THEN: moto recorded the POST (its body base64-encoded) as one PutObject, signed with the
    // signer's key, which the role allows.
    const { calls, decisions } = await authorized(key);
    expect(Buffer.from(calls[0].params.file, 'latin1')).toEqual(FILE);
    // The log group's statement is used by the Lambda runtime, which writes the function's logs.
    expect(unusedStatements(signer.policies, decisions).map((id) => statementOf(signer.policies, id).Action)).toEqual([['logs:CreateLogStream', 'logs:PutLogEvents']]);
  });

  test('GIVEN client-named keys WHEN the key has characters beyond ASCII THEN the object has exactly that key, and the upload is authorized on it', async () => {
    // GIVEN: the function as keyNaming CdnUploadKeyNaming.CLIENT configures it.
    const asked = 'uploads/été/chat 🐱.png';
    const { url, fields, key } = sign({ key: asked, contentType: 'image/png', size: 3 }, { KEY_NAMING: 'client' });
    expect(key).toBe(asked);

    // WHEN
    expect(await post(url, fields, Buffer.from('png'))).toBe(204);

    // THEN
    expect(await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: asked }))).toMatchObject({ ContentType: 'image/png', ContentLength: 3 });
    await authorized(asked);
  });
});
