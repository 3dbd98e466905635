export * from './private-link-consumer';
export * from './private-link-dns';
export * from './dns-hosted-zones';
export * from './dns-resolver-endpoints';
export * from './dns-forwarder-instances';
export * from './dns-route53-profile';
export * from './transit-gateway';
