import { Duration, Size, SizeRoundingBehavior, Token, aws_lambda as lambda } from 'aws-cdk-lib';
import { CdnUploadKeyNaming, CdnUploadOptions } from './upload-options';
import { GuardedPatternsError, PropErrors } from '../private/errors';

/*
 * The options of an upload signer with their defaults and checks, for SecureS3Cdn and UploadSigner.
 */

/** The options of an upload signer with their defaults applied, as the function's environment takes them. */
export interface UploadSettings {
  readonly keyPrefix: string;
  readonly keyNaming: CdnUploadKeyNaming;
  readonly maxBytes: number;
  readonly contentTypes: string[];
  readonly expiresSeconds: number;
  readonly authType: lambda.FunctionUrlAuthType;
  readonly allowedOrigins?: string[];
}

export const DEFAULT_KEY_PREFIX = 'uploads/';
const DEFAULT_CONTENT_TYPES = ['image/jpeg', 'image/png', 'image/gif', 'image/webp'];

/**
 * S3's safe key characters, less '*' (it would widen the grant) and parentheses (the prefix goes
 * into a validation rule ID, where brackets must balance).
 * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-keys.html
 */
export const SAFE_KEY_PREFIX = /^[0-9A-Za-z!\-_.'/]+$/;

const CONTENT_TYPE = /^[a-z0-9][a-z0-9!#$&^_.+-]*\/([a-z0-9][a-z0-9!#$&^_.+-]*|\*)$/;
const BROWSER_ORIGIN = /^(\*|https?:\/\/[a-z0-9.-]+(:\d{1,5})?)$/;
/** A presigned POST can carry at most 5 GB. */
const MAX_POST_BYTES = 5 * 1024 ** 3;

/**
 * `options` with their defaults; each wrong option goes to `errors`, named `<prop><option>`
 * (`prop` is `uploads.` where the options are a prop of a larger construct).
 */
export function resolveUploadSettings(errors: PropErrors, subject: string, options: CdnUploadOptions, prop = ''): UploadSettings {
  const keyPrefix = options.keyPrefix ?? DEFAULT_KEY_PREFIX;
  errors.check(() => {
    if (Token.isUnresolved(keyPrefix) || !SAFE_KEY_PREFIX.test(keyPrefix) || keyPrefix.startsWith('/')
      || keyPrefix.split('/').some((part) => part === '..' || part === '.')) {
      throw new GuardedPatternsError(`${subject}: ${prop}keyPrefix ('${keyPrefix}') must be a literal, non-empty S3 key prefix of S3's safe characters `
        + "(letters, digits, ! - _ . ' and /), without a leading '/' or '..', such as 'uploads/'.");
    }
  });
  const maxSize = options.maxSize ?? Size.mebibytes(10);
  const maxBytes = maxSize.toBytes({ rounding: SizeRoundingBehavior.NONE });
  errors.check(() => {
    if (!Number.isInteger(maxBytes) || maxBytes < 1 || maxBytes > MAX_POST_BYTES) {
      throw new GuardedPatternsError(`${subject}: ${prop}maxSize (${maxBytes} bytes) must be a whole number of bytes from 1 to 5 GiB, the most a presigned POST carries; use Size.mebibytes(10) or similar.`);
    }
  });
  const contentTypes = options.allowedContentTypes ?? DEFAULT_CONTENT_TYPES;
  const badType = contentTypes.find((t) => Token.isUnresolved(t) || !CONTENT_TYPE.test(t));
  errors.check(() => {
    if (contentTypes.length === 0 || badType !== undefined) {
      throw new GuardedPatternsError(`${subject}: ${prop}allowedContentTypes ${contentTypes.length === 0 ? 'is empty' : `has '${badType}', not a lower-case type/subtype`}; `
        + "list types such as 'image/png', or a family such as 'image/*'.");
    }
  });
  const expiresIn = options.expiresIn ?? Duration.minutes(5);
  const expiresSeconds = expiresIn.toSeconds({ integral: false });
  errors.check(() => {
    if (!Number.isInteger(expiresSeconds) || expiresSeconds < 1 || expiresSeconds > 3600) {
      throw new GuardedPatternsError(`${subject}: ${prop}expiresIn (${expiresSeconds} seconds) must be a whole number of seconds from 1 to 3600; a presigned POST should expire quickly (the default is 5 minutes).`);
    }
  });
  const badOrigin = (options.allowedOrigins ?? []).find((o) => Token.isUnresolved(o) || !BROWSER_ORIGIN.test(o));
  errors.check(() => {
    if (badOrigin !== undefined || (options.allowedOrigins && options.allowedOrigins.length === 0)) {
      throw new GuardedPatternsError(`${subject}: ${prop}allowedOrigins ${badOrigin === undefined ? 'is empty' : `has '${badOrigin}'`}; `
        + "list browser origins without a path, such as 'https://app.example.com', or leave allowedOrigins unset.");
    }
  });
  const keyNaming = options.keyNaming ?? CdnUploadKeyNaming.GENERATED;
  errors.check(() => {
    if (!Object.values(CdnUploadKeyNaming).includes(keyNaming)) {
      throw new GuardedPatternsError(`${subject}: ${prop}keyNaming (${String(keyNaming)}) is not a CdnUploadKeyNaming; use CdnUploadKeyNaming.GENERATED (the default) or CLIENT.`);
    }
  });
  return {
    keyPrefix,
    keyNaming,
    maxBytes,
    contentTypes,
    expiresSeconds,
    authType: options.authType ?? lambda.FunctionUrlAuthType.AWS_IAM,
    // CloudFormation refuses a CORS rule that lists an origin twice.
    allowedOrigins: options.allowedOrigins && [...new Set(options.allowedOrigins)],
  };
}
