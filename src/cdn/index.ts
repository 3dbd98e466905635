export * from './secure-s3-cdn';
export * from './upload-options';
export * from './upload-signer';
