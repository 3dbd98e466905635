import { aws_ecs as ecs } from 'aws-cdk-lib';
import { defineCheck, ruleOver } from '../check';
import { CheckLevel } from '../check-info';
import { awsManagedPoliciesOf, roleStatements, taskRoleSubject } from './task-definition';

/** Verbs that only read: on `*` they disclose, but cannot change anything. */
const READ_VERBS = /^(Get|List|Describe|Head|BatchGet|Query|Scan|Select|Search|Lookup|View)/;

/**
 * Actions that accept no resource but `*`: an application that sends metrics, traces or ECS Exec
 * sessions cannot be granted them any narrower.
 * @see https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html
 */
const RESOURCELESS_ACTIONS = new Set([
  'cloudwatch:putmetricdata',
  'xray:puttracesegments',
  'xray:puttelemetryrecords',
  'xray:getsamplingrules',
  'xray:getsamplingtargets',
  'ssmmessages:createcontrolchannel',
  'ssmmessages:createdatachannel',
  'ssmmessages:opencontrolchannel',
  'ssmmessages:opendatachannel',
]);

/** AWS managed policies that grant whole services or everything. */
const BROAD_MANAGED = /^(AdministratorAccess|PowerUserAccess|.*FullAccess.*)$/;

/** Whether an action names every action of a service, or of every service. */
function isWildcardAction(action: string): boolean {
  return action === '*' || /^[a-z0-9-]+:\*$/i.test(action);
}

function isWrite(action: string): boolean {
  const verb = action.split(':')[1] ?? '';
  return !READ_VERBS.test(verb) && !RESOURCELESS_ACTIONS.has(action.toLowerCase());
}

/**
 * A task role that may call every action of a service, or write to every resource.
 */
export const FargateTaskRoleWildcard = defineCheck({
  suffix: 'FargateTaskRoleWildcard',
  level: CheckLevel.WARNING,
  patternLevel: CheckLevel.ERROR,
  title: 'An ECS task role with wildcard actions, or write actions on every resource (`*`).',
  reason: 'The task role is what the application, and anyone who takes it over, can do in the account. A wildcard turns one compromised container into a compromised account; each task role should allow only the calls its application makes, on its own resources.',
  source: 'https://docs.aws.amazon.com/AmazonECS/latest/developerguide/security-iam-roles.html',
  appliesTo: [ecs.CfnTaskDefinition],
  inspect: ruleOver(taskRoleSubject, ({ role, subject }, index) => {
    const messages: string[] = [];
    for (const statement of roleStatements(role, index)) {
      if (statement.notAction) {
        messages.push(`${subject}: ${statement.policy} allows every action except ${statement.actions.join(', ')} (NotAction). List the actions the application calls instead.`);
        continue;
      }
      const wildcards = statement.actions.filter(isWildcardAction);
      if (wildcards.length > 0) {
        messages.push(`${subject}: ${statement.policy} allows ${wildcards.join(', ')}. Grant the actions the application calls (bucket.grantRead(service) and the like) instead.`);
      }
      const writes = statement.actions.filter((a) => !isWildcardAction(a) && isWrite(a));
      if (writes.length > 0 && statement.resources.some((r) => r === '*')) {
        messages.push(`${subject}: ${statement.policy} allows ${writes.join(', ')} on every resource (*). Name the resources (${writes[0].split(':')[0]} ARNs) the application writes to.`);
      }
    }
    for (const name of awsManagedPoliciesOf(role).filter((n) => BROAD_MANAGED.test(n))) {
      messages.push(`${subject}: the AWS managed policy ${name} grants whole services. Replace it with grants for the calls the application makes.`);
    }
    return messages;
  }),
});
