export * from './check-info';
export * from './guarded-patterns-checks';
