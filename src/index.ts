export * from './checks';
export * from './cdn';
export * from './vpc';
export * from './fargate';
export * from './privatelink';
export * from './recycler';
export * from './openvpn';
