import { defineCheck } from '../check';
import { CheckLevel } from '../check-info';

/** The message for tasks placed in isolated subnets of a VPC whose endpoints the pattern cannot see. */
export function endpointsUnverifiedMessage(subject: string, services: string[]): string {
  return `${subject}: the tasks run in isolated subnets of an imported VPC, whose endpoints the app cannot see. They need VPC endpoints for ${services.join(', ')}. `
    + 'Set vpcEndpoints: true to add them, or acknowledge this check when the VPC has them already.';
}

/**
 * Tasks in isolated subnets of an imported VPC, where the endpoints they need cannot be checked.
 */
export const FargateEndpointsUnverified = defineCheck({
  suffix: 'FargateEndpointsUnverified',
  level: CheckLevel.WARNING,
  title: 'Fargate tasks in isolated subnets of an imported VPC, whose endpoints for ECR, CloudWatch Logs and secrets the app cannot see.',
  reason: 'Without NAT, Fargate reaches ECR, CloudWatch Logs and Secrets Manager or SSM only through VPC endpoints. An imported VPC\'s endpoints are not in the app, so a missing one shows only when the tasks fail to start; adding them blindly fails too when the VPC has them with private DNS already.',
  source: 'https://docs.aws.amazon.com/AmazonECS/latest/developerguide/vpc-endpoints.html',
  // The template holds only the imported subnet IDs: only the pattern knows they are isolated.
});
