import { CfnResource, IResolvable, Reference, Stack, Token, Tokenization } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/**
 * The L1 resources of one app, grouped by CloudFormation type. A validation run builds it once,
 * when the tree is complete, so that a check never walks the whole tree per resource.
 */
export class ResourceIndex {
  private byType?: Map<string, CfnResource[]>;

  constructor(private readonly root: IConstruct) {}

  /** Every resource of this CloudFormation type in the app. */
  public ofType(type: string): CfnResource[] {
    if (!this.byType) {
      this.byType = new Map();
      for (const construct of this.root.node.findAll()) {
        if (CfnResource.isCfnResource(construct)) {
          const list = this.byType.get(construct.cfnResourceType) ?? [];
          list.push(construct);
          this.byType.set(construct.cfnResourceType, list);
        }
      }
    }
    return this.byType.get(type) ?? [];
  }

  /** Every resource of this type whose property (read by `read`) refers to `target`. */
  public referencing<T extends CfnResource>(type: string, target: CfnResource, read: (resource: T) => unknown): T[] {
    return (this.ofType(type) as T[]).filter((resource) => referencedResource(read(resource)) === target);
  }
}

/**
 * The L1 resource that a value refers to with `Ref` or `Fn::GetAtt`, in any stack of the app;
 * `undefined` for a literal or any other expression.
 */
export function referencedResource(value: unknown): CfnResource | undefined {
  if (value === undefined || value === null || !Token.isUnresolved(value)) {
    return undefined;
  }
  let token: IResolvable | undefined;
  try {
    token = Tokenization.reverse(value, { failConcat: false });
  } catch {
    return undefined;
  }
  if (token instanceof Reference && CfnResource.isCfnResource(token.target)) {
    return token.target;
  }
  return undefined;
}

/** A property of an L1 resource as CloudFormation will see it, tokens resolved where they can be. */
export function resolved(resource: CfnResource, value: unknown): unknown {
  return Stack.of(resource).resolve(value);
}

/** A resolved value as a literal string, or `undefined` where it is known only at deploy time. */
export function literalString(resource: CfnResource, value: unknown): string | undefined {
  const result = resolved(resource, value);
  return typeof result === 'string' ? result : undefined;
}
