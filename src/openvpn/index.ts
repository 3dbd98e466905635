export * from './open-vpn-access-server';
