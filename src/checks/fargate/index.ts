import { Check } from '../check';
import { AlbAccessLogKmsBucket } from './alb-access-log-kms-bucket';
import { AlbHttpOpen } from './alb-http-open';
import { AlbPlainHttp } from './alb-plain-http';
import { EcsSingleTask } from './ecs-single-task';
import { EcsVolumeNotWritable } from './ecs-volume-not-writable';
import { FargateContainerNotHardened } from './fargate-container-not-hardened';
import { FargateCpuMemory } from './fargate-cpu-memory';
import { FargateEndpointsUnverified } from './fargate-endpoints-unverified';
import { FargateHealthCheckPort } from './fargate-health-check-port';
import { FargateLogsKeptForever } from './fargate-logs-kept-forever';
import { FargateNoEgress } from './fargate-no-egress';
import { FargatePublicTasks } from './fargate-public-tasks';
import { FargateTaskRoleSecrets } from './fargate-task-role-secrets';
import { FargateTaskRoleWildcard } from './fargate-task-role-wildcard';

/** The Fargate service and load balancer checks. */
export const FARGATE_CHECKS: Check[] = [
  FargateCpuMemory,
  FargateTaskRoleWildcard,
  FargateTaskRoleSecrets,
  FargatePublicTasks,
  FargateNoEgress,
  FargateEndpointsUnverified,
  FargateHealthCheckPort,
  FargateLogsKeptForever,
  FargateContainerNotHardened,
  EcsSingleTask,
  EcsVolumeNotWritable,
  AlbHttpOpen,
  AlbPlainHttp,
  AlbAccessLogKmsBucket,
];
