/**
 * A SecretRotationRecycler's function as deployed in moto's account, for the tests that run its
 * bundle against moto: its environment and its role's policies, resolved with what CloudFormation
 * would name the resources the policies refer to.
 */
import { DeployedFunction, PhysicalValues, Template, deployedFunction, logicalIdOf } from '../aws/iam';
import { MOTO_ACCOUNT, MOTO_REGION } from '../aws/moto';

/** The recycler's function of `template` (a stack with one recycler), and the physical values used. */
export function deployedRecycler(template: Template): DeployedFunction & { readonly physical: PhysicalValues } {
  const physical: PhysicalValues = {
    [logicalIdOf(template, 'AWS::Logs::LogGroup')]: { ref: 'recycler', attrs: { Arn: `arn:aws:logs:${MOTO_REGION}:${MOTO_ACCOUNT}:log-group:recycler:*` } },
    [logicalIdOf(template, 'AWS::SQS::Queue')]: {
      ref: `https://sqs.${MOTO_REGION}.amazonaws.com/${MOTO_ACCOUNT}/recycler-dlq`,
      attrs: { Arn: `arn:aws:sqs:${MOTO_REGION}:${MOTO_ACCOUNT}:recycler-dlq` },
    },
  };
  const fn = logicalIdOf(template, 'AWS::Lambda::Function', (p) => p.Environment?.Variables?.CLUSTERS !== undefined);
  return { ...deployedFunction(template, fn, physical), physical };
}
