export * from './container-user';
export * from './secure-fargate-service';
export { WritableTmp } from './writable-tmp';
export * from './auto-scaling';
export { FargateDeploymentAlarms } from './deployment-alarms';
export { FargateRollout } from './rollout';
export * from './rollout-options';
export * from './ingress';
