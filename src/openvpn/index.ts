export * from './open-vpn-access-server';
export * from './edition';
