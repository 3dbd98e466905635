import { aws_iam as iam } from 'aws-cdk-lib';
import { Construct } from 'constructs';

/**
 * A role whose grants land in one customer managed policy instead of an inline default policy,
 * which the NIST 800-53, HIPAA and PCI DSS packs flag (IAMNoInlinePolicy). The policy is created
 * with the first statement, so a role nobody grants to has no policy at all. It is a child of
 * the role, so whatever depends on the role also waits for its permissions.
 */
export class ManagedPolicyRole extends iam.Role {
  private policy?: iam.ManagedPolicy;

  constructor(scope: Construct, id: string, props: iam.RoleProps) {
    super(scope, id, props);
  }

  public addToPrincipalPolicy(statement: iam.PolicyStatement): iam.AddToPrincipalPolicyResult {
    if (!this.policy) {
      this.policy = new iam.ManagedPolicy(this, 'Policy', { roles: [this] });
    }
    this.policy.addStatements(statement);
    return { statementAdded: true, policyDependable: this.policy };
  }
}
