import { aws_iam as iam } from 'aws-cdk-lib';
import { Construct } from 'constructs';

/** Where a ManagedPolicyRole keeps its policy. */
export interface ManagedPolicyRoleProps extends iam.RoleProps {
  /**
   * The construct ID of the policy, created beside the role (in the role's scope) rather than
   * under it: the ID the pattern's policy had when it was built apart, which keeps its logical ID.
   *
   * @default - 'Policy', a child of the role
   */
  readonly policyId?: string;

  /**
   * The policy's description.
   *
   * @default - none
   */
  readonly policyDescription?: string;
}

/**
 * A role whose grants land in one customer managed policy instead of an inline default policy,
 * which the NIST 800-53, HIPAA and PCI DSS packs flag (IAMNoInlinePolicy). The policy is created
 * with the first statement, so a role nobody grants to has no policy at all. By default it is a
 * child of the role, so whatever depends on the role also waits for its permissions.
 */
export class ManagedPolicyRole extends iam.Role {
  /**
   * Puts `statements` in the customer managed policy of `role`: its own when it is a
   * ManagedPolicyRole, else (a role the user brought) a new policy `policyId` in `scope`,
   * attached to it.
   */
  public static addToManagedPolicyOf(scope: Construct, role: iam.IRole, options: { policyId: string; policyDescription?: string },
    ...statements: iam.PolicyStatement[]): iam.ManagedPolicy {
    if (role instanceof ManagedPolicyRole) {
      return role.addToManagedPolicy(...statements);
    }
    return new iam.ManagedPolicy(scope, options.policyId, { description: options.policyDescription, roles: [role], statements });
  }

  private readonly policyScope: Construct;
  private readonly policyId: string;
  private readonly policyDescription?: string;
  private policy?: iam.ManagedPolicy;

  constructor(scope: Construct, id: string, props: ManagedPolicyRoleProps) {
    const { policyId, policyDescription, ...roleProps } = props;
    super(scope, id, roleProps);
    this.policyScope = policyId === undefined ? this : scope;
    this.policyId = policyId ?? 'Policy';
    this.policyDescription = policyDescription;
  }

  /** Adds statements to the managed policy, created with the first, and returns it. */
  public addToManagedPolicy(...statements: iam.PolicyStatement[]): iam.ManagedPolicy {
    if (!this.policy) {
      this.policy = new iam.ManagedPolicy(this.policyScope, this.policyId, { description: this.policyDescription, roles: [this] });
    }
    this.policy.addStatements(...statements);
    return this.policy;
  }

  public addToPrincipalPolicy(statement: iam.PolicyStatement): iam.AddToPrincipalPolicyResult {
    return { statementAdded: true, policyDependable: this.addToManagedPolicy(statement) };
  }

  /**
   * This role taken by ARN, for a Lambda function: the function's GetAtt of the role already
   * orders it after the role, and the dependency on the role construct that a function adds would
   * repeat it (cfn-lint W3005). Grants to the function go nowhere: grant to this role.
   */
  public byArn(scope: Construct, id: string): iam.IRole {
    return iam.Role.fromRoleArn(scope, id, this.roleArn, { mutable: false });
  }
}
