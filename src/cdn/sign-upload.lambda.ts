import { S3Client } from '@aws-sdk/client-s3';
import { createPresignedPost } from '@aws-sdk/s3-presigned-post';
import type { APIGatewayProxyStructuredResultV2 as LambdaFunctionURLResult, LambdaFunctionURLEvent } from 'aws-lambda';
import { UploadRefused, parseUploadRequest, planUpload, rulesFromEnvironment } from './upload-policy';

const s3 = new S3Client({});

function reply(statusCode: number, body: unknown): LambdaFunctionURLResult {
  return { statusCode, headers: { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' }, body: JSON.stringify(body) };
}

/**
 * Returns a presigned POST for one upload: `{ url, fields, key, expiresAt }`, where `key` is the
 * object's key (chosen by the signer unless the client names keys). The client posts a multipart
 * form with every field, then the file as the last field named `file`. A function URL hands a
 * body it took for binary over base64-encoded (`isBase64Encoded`); it is decoded here.
 */
export async function handler(event: LambdaFunctionURLEvent): Promise<LambdaFunctionURLResult> {
  const rules = rulesFromEnvironment(process.env);
  const bucket = process.env.BUCKET_NAME;
  if (!bucket) {
    throw new Error('Environment variable BUCKET_NAME is not set');
  }
  if (event.requestContext?.http?.method !== undefined && event.requestContext.http.method !== 'POST') {
    return reply(405, { message: `Method ${event.requestContext.http.method} is not allowed; POST a JSON request.` });
  }
  try {
    const plan = planUpload(parseUploadRequest(event.body, event.isBase64Encoded), rules);
    const post = await createPresignedPost(s3, {
      Bucket: bucket,
      Key: plan.key,
      Fields: plan.fields,
      Conditions: plan.conditions,
      Expires: plan.expiresSeconds,
    });
    const expiresAt = new Date(Date.now() + plan.expiresSeconds * 1000).toISOString();
    console.log(JSON.stringify({ level: 'info', message: 'upload signed', key: plan.key, contentType: plan.fields['Content-Type'], expiresAt }));
    return reply(200, { url: post.url, fields: post.fields, key: plan.key, expiresAt });
  } catch (error) {
    if (error instanceof UploadRefused) {
      console.log(JSON.stringify({ level: 'warn', message: 'upload refused', statusCode: error.statusCode, reason: error.message }));
      return reply(error.statusCode, { message: error.message });
    }
    // The presigner failed (credentials, configuration): the caller gets a 500 it may retry, the log the cause.
    const { name, message } = error instanceof Error ? error : { name: typeof error, message: String(error) };
    console.error(JSON.stringify({ level: 'error', message: 'upload signing failed', error: name, reason: message }));
    return reply(500, { message: 'The upload could not be signed because of an error on the server; try again later.' });
  }
}
