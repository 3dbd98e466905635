/**
 * The rules an upload request must follow, and the presigned POST policy that enforces them on
 * S3's side. Plain functions: the signing handler calls them, and the tests call them directly.
 */

/** What the signing function is configured with (from its environment). */
export interface UploadRules {
  /** Every key must start with this prefix, such as `uploads/`. */
  readonly keyPrefix: string;
  /** The largest object accepted, in bytes. */
  readonly maxBytes: number;
  /** Accepted content types: exact (`image/png`) or a whole family (`image/*`). */
  readonly contentTypes: string[];
  /** How long the presigned POST stays valid, in seconds. */
  readonly expiresSeconds: number;
}

/** A request the client sends: `{ "key": "uploads/cat.png", "contentType": "image/png", "size": 1234 }`. */
export interface UploadRequest {
  readonly key: string;
  readonly contentType: string;
  /** The size the client means to upload, when it knows it: refused early when too large. */
  readonly size?: number;
}

/** A request refused, with the HTTP status and a message the client can act on. */
export class UploadRefused extends Error {
  constructor(public readonly statusCode: number, message: string) {
    super(message);
    this.name = 'UploadRefused';
  }
}

/** A condition of an S3 POST policy. */
export type PostCondition = ['eq' | 'starts-with', string, string] | ['content-length-range', number, number];

/** What goes to the presigner: the key, the form fields to sign and the policy conditions. */
export interface PresignPlan {
  readonly key: string;
  readonly fields: Record<string, string>;
  readonly conditions: PostCondition[];
  readonly expiresSeconds: number;
}

/** S3 object keys are at most 1,024 bytes of UTF-8. */
const MAX_KEY_BYTES = 1024;

/** Reads the rules from the function's environment; a misconfigured function fails loudly. */
export function rulesFromEnvironment(env: Record<string, string | undefined>): UploadRules {
  const read = (name: string): string => {
    const value = env[name];
    if (value === undefined || value === '') {
      throw new Error(`Environment variable ${name} is not set`);
    }
    return value;
  };
  const maxBytes = Number(read('MAX_BYTES'));
  const expiresSeconds = Number(read('EXPIRES_SECONDS'));
  if (!Number.isInteger(maxBytes) || maxBytes < 1 || !Number.isInteger(expiresSeconds) || expiresSeconds < 1) {
    throw new Error(`MAX_BYTES (${env.MAX_BYTES}) and EXPIRES_SECONDS (${env.EXPIRES_SECONDS}) must be positive whole numbers`);
  }
  return {
    keyPrefix: read('KEY_PREFIX'),
    maxBytes,
    contentTypes: read('CONTENT_TYPES').split(',').map((t) => t.trim()).filter((t) => t !== ''),
    expiresSeconds,
  };
}

/** Parses the request body; anything but the expected JSON object is a 400. */
export function parseUploadRequest(body: string | undefined, isBase64Encoded = false): UploadRequest {
  if (body === undefined || body === '') {
    throw new UploadRefused(400, 'The request has no body. Send JSON: {"key": "<prefix>name", "contentType": "type/subtype", "size": bytes}.');
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(isBase64Encoded ? Buffer.from(body, 'base64').toString('utf8') : body);
  } catch {
    throw new UploadRefused(400, 'The request body is not JSON. Send {"key": "<prefix>name", "contentType": "type/subtype", "size": bytes}.');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new UploadRefused(400, 'The request body must be a JSON object with "key" and "contentType".');
  }
  const { key, contentType, size } = parsed as Record<string, unknown>;
  if (typeof key !== 'string' || typeof contentType !== 'string') {
    throw new UploadRefused(400, 'The request body must give "key" and "contentType" as strings.');
  }
  if (size !== undefined && (typeof size !== 'number' || !Number.isInteger(size) || size < 0)) {
    throw new UploadRefused(400, `"size" (${JSON.stringify(size)}) must be a whole number of bytes.`);
  }
  return { key, contentType, size: size as number | undefined };
}

/** Whether a content type is accepted: exact match, or a `family/*` entry. Parameters (`; charset=...`) are not allowed. */
export function contentTypeAllowed(contentType: string, allowed: string[]): boolean {
  const type = contentType.toLowerCase();
  return allowed.some((entry) => {
    const rule = entry.toLowerCase();
    return rule.endsWith('/*') ? type.startsWith(rule.slice(0, -1)) && type.length > rule.length - 1 && !type.includes(';') : type === rule;
  });
}

/**
 * Checks a request against the rules and plans the presigned POST: the policy pins the exact
 * key (under the prefix), the content type, and a size from 1 byte to the maximum, so S3 itself
 * refuses an upload that strays from what was signed.
 */
export function planUpload(request: UploadRequest, rules: UploadRules): PresignPlan {
  const { key, contentType, size } = request;
  if (!key.startsWith(rules.keyPrefix) || key.length === rules.keyPrefix.length) {
    throw new UploadRefused(403, `Key '${key}' is outside the upload prefix; use a key that starts with '${rules.keyPrefix}' and names a file.`);
  }
  const relative = key.substring(rules.keyPrefix.length);
  if (relative.split('/').some((part) => part === '..' || part === '.' || part === '') || /[\u0000-\u001f\u007f\\]/.test(key)) {
    throw new UploadRefused(400, `Key '${key}' has an empty, '.' or '..' path segment, a backslash or a control character; use a plain path under '${rules.keyPrefix}'.`);
  }
  if (Buffer.byteLength(key, 'utf8') > MAX_KEY_BYTES) {
    throw new UploadRefused(400, `Key is ${Buffer.byteLength(key, 'utf8')} bytes long; S3 keys are at most ${MAX_KEY_BYTES} bytes.`);
  }
  if (!contentTypeAllowed(contentType, rules.contentTypes)) {
    throw new UploadRefused(415, `Content type '${contentType}' is not accepted; use one of: ${rules.contentTypes.join(', ')}.`);
  }
  if (size !== undefined && size > rules.maxBytes) {
    throw new UploadRefused(413, `${size} bytes is more than the ${rules.maxBytes} bytes allowed; upload a smaller file.`);
  }
  if (size === 0) {
    throw new UploadRefused(400, 'An empty file (0 bytes) is not accepted.');
  }
  return {
    key,
    fields: { 'Content-Type': contentType },
    conditions: [
      ['starts-with', '$key', rules.keyPrefix],
      ['eq', '$Content-Type', contentType],
      ['content-length-range', 1, rules.maxBytes],
    ],
    expiresSeconds: rules.expiresSeconds,
  };
}
