/**
 * The rules an upload request must follow, and the presigned POST policy that enforces them on
 * S3's side. Plain functions: the signing handler calls them, and the tests call them directly.
 */

import { randomUUID } from 'node:crypto';

/** Who names the uploaded object. */
export enum KeyNaming {
  /** The signer: a random UUID under the prefix, with the client's extension when it is plain. */
  GENERATED = 'generated',
  /** The client: any key under the prefix (an upload to an existing key replaces it). */
  CLIENT = 'client',
}

/** What the signing function is configured with (from its environment). */
export interface UploadRules {
  /** Every key must start with this prefix, such as `uploads/`. */
  readonly keyPrefix: string;
  /** Who names the object. */
  readonly keyNaming: KeyNaming;
  /** The largest object accepted, in bytes. */
  readonly maxBytes: number;
  /** Accepted content types: exact (`image/png`) or a whole family (`image/*`). */
  readonly contentTypes: string[];
  /** How long the presigned POST stays valid, in seconds. */
  readonly expiresSeconds: number;
}

/**
 * A request the client sends: `{ "fileName": "cat.png", "contentType": "image/png", "size": 1234 }`,
 * or with client-chosen keys `{ "key": "uploads/cat.png", "contentType": "image/png" }`.
 */
export interface UploadRequest {
  /** The key the client asks for: required with client-chosen keys, otherwise only its extension is used. */
  readonly key?: string;
  /** The file's name on the client: only its extension is used. */
  readonly fileName?: string;
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

/** What a request looks like, for the messages of refusals. */
const REQUEST_SHAPE = '{"contentType": "type/subtype", "size": bytes, "fileName": "name.ext"} (or "key": "<prefix>name" where the client names keys)';

/** A file name extension kept on a generated key: short, letters and digits only. */
const PLAIN_EXTENSION = /\.([A-Za-z0-9]{1,10})$/;

/** A MIME type essence without parameters or spaces (RFC 9110 token characters). */
const MIME_ESSENCE = /^[a-z0-9!#$%&'*+.^_`|~-]+\/[a-z0-9!#$%&'*+.^_`|~-]+$/;

/**
 * The JavaScript MIME types of the WHATWG MIME Sniffing Standard: served from the CDN's domain,
 * a browser runs them as script.
 * @see https://mimesniff.spec.whatwg.org/#javascript-mime-type
 */
const JAVASCRIPT_TYPES = new Set([
  'application/ecmascript', 'application/javascript', 'application/x-ecmascript', 'application/x-javascript',
  'text/ecmascript', 'text/javascript', 'text/javascript1.0', 'text/javascript1.1', 'text/javascript1.2', 'text/javascript1.3',
  'text/javascript1.4', 'text/javascript1.5', 'text/jscript', 'text/livescript', 'text/x-ecmascript', 'text/x-javascript',
]);

/**
 * Whether a content type is active content: a scriptable MIME type (XML, whose subtype ends in
 * `+xml` such as `image/svg+xml` or `application/xhtml+xml`, `text/xml`, `application/xml`;
 * HTML; `application/pdf`) or a JavaScript MIME type, per the WHATWG MIME Sniffing Standard.
 * Served from the CDN's domain, such a file can run script in that origin.
 * @see https://mimesniff.spec.whatwg.org/#scriptable-mime-type
 */
export function isActiveContentType(contentType: string): boolean {
  const essence = contentType.split(';')[0].trim().toLowerCase();
  const [type, subtype = ''] = essence.split('/');
  return subtype.endsWith('+xml') || essence === 'text/xml' || essence === 'application/xml'
    || essence === 'text/html' || essence === 'application/pdf' || JAVASCRIPT_TYPES.has(`${type}/${subtype}`);
}

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
  const keyNaming = env.KEY_NAMING ?? KeyNaming.GENERATED;
  if (!(Object.values(KeyNaming) as string[]).includes(keyNaming)) {
    throw new Error(`KEY_NAMING (${keyNaming}) must be one of ${Object.values(KeyNaming).join(', ')}`);
  }
  return {
    keyPrefix: read('KEY_PREFIX'),
    keyNaming: keyNaming as KeyNaming,
    maxBytes,
    contentTypes: read('CONTENT_TYPES').split(',').map((t) => t.trim()).filter((t) => t !== ''),
    expiresSeconds,
  };
}

/** Parses the request body; anything but the expected JSON object is a 400. */
export function parseUploadRequest(body: string | undefined, isBase64Encoded = false): UploadRequest {
  if (body === undefined || body === '') {
    throw new UploadRefused(400, `The request has no body. Send JSON: ${REQUEST_SHAPE}.`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(isBase64Encoded ? Buffer.from(body, 'base64').toString('utf8') : body);
  } catch {
    throw new UploadRefused(400, `The request body is not JSON. Send ${REQUEST_SHAPE}.`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new UploadRefused(400, `The request body must be a JSON object: ${REQUEST_SHAPE}.`);
  }
  const { key, fileName, contentType, size } = parsed as Record<string, unknown>;
  if (typeof contentType !== 'string' || (key !== undefined && typeof key !== 'string') || (fileName !== undefined && typeof fileName !== 'string')) {
    throw new UploadRefused(400, 'The request body must give "contentType", and "key" or "fileName" when given, as strings.');
  }
  if (size !== undefined && (typeof size !== 'number' || !Number.isInteger(size) || size < 0)) {
    throw new UploadRefused(400, `"size" (${JSON.stringify(size)}) must be a whole number of bytes.`);
  }
  return { key: key as string | undefined, fileName: fileName as string | undefined, contentType, size: size as number | undefined };
}


/**
 * Whether a content type is accepted: an exact entry, or a `family/*` entry for a type that is
 * not active content (`image/*` does not admit `image/svg+xml`: name it to accept it).
 * Parameters (`; charset=...`) and spaces are not allowed.
 */
export function contentTypeAllowed(contentType: string, allowed: string[]): boolean {
  const type = contentType.toLowerCase();
  if (!MIME_ESSENCE.test(type)) {
    return false;
  }
  return allowed.some((entry) => {
    const rule = entry.toLowerCase();
    return rule.endsWith('/*') ? type.startsWith(rule.slice(0, -1)) && !isActiveContentType(type) : type === rule;
  });
}

/** The key the signer chooses: a random UUID under the prefix, with the extension of the client's name when it is plain. */
export function generatedKey(prefix: string, clientName: string | undefined): string {
  const extension = clientName?.match(PLAIN_EXTENSION)?.[1]?.toLowerCase();
  return `${prefix}${randomUUID()}${extension ? `.${extension}` : ''}`;
}

/**
 * Checks a request against the rules and plans the presigned POST: the policy pins the exact
 * key (under the prefix), the content type, and a size from 1 byte to the maximum, so S3 itself
 * refuses an upload that strays from what was signed.
 */
export function planUpload(request: UploadRequest, rules: UploadRules): PresignPlan {
  const { contentType, size } = request;
  const key = rules.keyNaming === KeyNaming.CLIENT ? request.key : generatedKey(rules.keyPrefix, request.fileName ?? request.key);
  if (key === undefined) {
    throw new UploadRefused(400, `The request must give "key": the client names keys here; use a key that starts with '${rules.keyPrefix}'.`);
  }
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
    const active = isActiveContentType(contentType) ? ' (active content, which runs script in the CDN\'s origin, is accepted only when named exactly)' : '';
    throw new UploadRefused(415, `Content type '${contentType}' is not accepted${active}; use one of: ${rules.contentTypes.join(', ')}.`);
  }
  if (size !== undefined && size > rules.maxBytes) {
    throw new UploadRefused(413, `${size} bytes is more than the ${rules.maxBytes} bytes allowed; upload a smaller file.`);
  }
  if (size === 0) {
    throw new UploadRefused(400, 'An empty file (0 bytes) is not accepted.');
  }
  // The signed type is the one checked, in lower case: a family entry never reaches S3 as starts-with.
  const signedType = contentType.toLowerCase();
  return {
    key,
    fields: { 'Content-Type': signedType },
    conditions: [
      ['starts-with', '$key', rules.keyPrefix],
      ['eq', '$Content-Type', signedType],
      ['content-length-range', 1, rules.maxBytes],
    ],
    expiresSeconds: rules.expiresSeconds,
  };
}
