export * from './container-user';
export * from './secure-fargate-service';
