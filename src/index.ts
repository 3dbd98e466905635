export * from './checks';
export * from './vpc';
