export * from './open-vpn-access-server';
export * from './edition';
export * from './protocol';
export * from './routing-mode';
