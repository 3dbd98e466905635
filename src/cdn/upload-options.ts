import { Duration, Size, aws_lambda as lambda } from 'aws-cdk-lib';

/**
 * Who names an uploaded object.
 */
export enum CdnUploadKeyNaming {
  /**
   * The signer: a random UUID under the prefix, keeping the extension of the client's `fileName`
   * when it is plain (letters and digits, at most 10). Two uploads never overwrite each other.
   */
  GENERATED = 'GENERATED',
  /**
   * The client: any key under the prefix, for applications that manage names themselves. An
   * upload to an existing key replaces it (the previous version is kept for
   * `noncurrentVersionExpiration`).
   */
  CLIENT = 'CLIENT',
}

/**
 * How the upload-signing function hands out presigned POSTs.
 */
export interface CdnUploadOptions {
  /**
   * Every upload's key starts with this prefix.
   *
   * @default 'uploads/'
   */
  readonly keyPrefix?: string;

  /**
   * Who names the object: the signer (a unique key under the prefix) or the client. The
   * response tells the client the key either way.
   *
   * @default CdnUploadKeyNaming.GENERATED
   */
  readonly keyNaming?: CdnUploadKeyNaming;

  /**
   * The largest file accepted. S3 enforces it through the POST policy's `content-length-range`.
   *
   * @default Size.mebibytes(10)
   */
  readonly maxSize?: Size;

  /**
   * Content types accepted: exact (`image/png`) or a family (`image/*`). The signer checks the
   * requested type and signs exactly that type, which S3 enforces through the POST policy.
   * A family never admits active content, which a browser runs as script in the CDN's origin
   * (XML types such as `image/svg+xml`, HTML, PDF, JavaScript): name such a type to accept it.
   *
   * @see https://mimesniff.spec.whatwg.org/#scriptable-mime-type
   * @default ['image/jpeg', 'image/png', 'image/gif', 'image/webp']
   */
  readonly allowedContentTypes?: string[];

  /**
   * How long a presigned POST stays valid: at most one hour.
   *
   * @default Duration.minutes(5)
   */
  readonly expiresIn?: Duration;

  /**
   * Who may call the function URL. With `AWS_IAM`, callers sign requests with SigV4 and need
   * `lambda:InvokeFunctionUrl` (`grantSignUpload`); `NONE` lets anyone ask for upload URLs.
   *
   * @default lambda.FunctionUrlAuthType.AWS_IAM
   */
  readonly authType?: lambda.FunctionUrlAuthType;

  /**
   * Browser origins (`https://app.example.com`) allowed to call the function URL and to POST
   * the file to the bucket (CORS on both).
   *
   * @default - no CORS: for server-side clients
   */
  readonly allowedOrigins?: string[];
}
