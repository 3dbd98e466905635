export * from './checks';
export * from './vpc';
export * from './openvpn';
