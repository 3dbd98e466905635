export * from './private-link-consumer';
export * from './private-link-dns';
