export * from './secure-s3-cdn';
