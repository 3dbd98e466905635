import { CfnResource, IAspect, IResolvable, Reference, Stack, Token, Tokenization } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

const COMPLETE_TREE_INDEXES = new WeakMap<IConstruct, ResourceIndex>();
const SYNTHESIS_INDEXES = new WeakMap<IConstruct, ResourceIndex>();

/**
 * The L1 resources of one app, grouped by CloudFormation type. A validation run builds it once,
 * when the tree is complete, so that a check never walks the whole tree per resource.
 */
export class ResourceIndex {
  /**
   * The index of a complete app, shared by every validation of one synth: one walk of the tree
   * per synth, however many patterns validate. Only for code that runs in `node.addValidation`,
   * when no construct can be added any more; code that may run earlier builds its own.
   */
  public static ofCompleteTree(root: IConstruct): ResourceIndex {
    let index = COMPLETE_TREE_INDEXES.get(root);
    if (!index) {
      index = new ResourceIndex(root);
      COMPLETE_TREE_INDEXES.set(root, index);
    }
    return index;
  }

  /**
   * The index for values resolved while the app is synthesized (lazy values that read the app),
   * shared by all of them from the start of a synthesis, which `SynthesisIndexStart` marks: one
   * walk of the tree per synthesis, where an index per value would walk it once per value and
   * stack, a cost that grows with the square of the app. Before any synthesis, each call gets a
   * fresh index, so that a value resolved early sees the tree as it is then.
   */
  public static ofSynthesis(root: IConstruct): ResourceIndex {
    return SYNTHESIS_INDEXES.get(root) ?? new ResourceIndex(root);
  }

  private byType?: Map<string, CfnResource[]>;
  private readonly references = new Map<string, Map<CfnResource, CfnResource[]>>();

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

  /**
   * Every resource of this type whose property refers to `target`. The first call for a type and
   * property maps every such reference in the app, so later calls cost a lookup.
   */
  public referencing<T extends CfnResource>(type: string, target: CfnResource, property: keyof T & string): T[] {
    const key = `${type}.${property}`;
    let byTarget = this.references.get(key);
    if (!byTarget) {
      byTarget = new Map();
      for (const resource of this.ofType(type)) {
        const referenced = referencedResource((resource as any)[property]);
        if (referenced) {
          byTarget.set(referenced, [...(byTarget.get(referenced) ?? []), resource]);
        }
      }
      this.references.set(key, byTarget);
    }
    return (byTarget.get(target) ?? []) as T[];
  }
}

/**
 * Starts a new `ResourceIndex.ofSynthesis` of the app when `owner` is visited: aspects run when a
 * synthesis begins, once the app's constructs are added and before any value is resolved for the
 * templates (aws-cdk-lib's `synthesize` in core/lib/private/synthesis.ts invokes the aspects, then
 * prepares the app, which resolves every value to find references across stacks, validates it and
 * writes the templates). Add it to the construct whose lazy values read the app.
 */
export class SynthesisIndexStart implements IAspect {
  constructor(private readonly owner: IConstruct) {}

  public visit(node: IConstruct): void {
    if (node === this.owner) {
      // Built on its first read, after every aspect, so what they add is in it.
      SYNTHESIS_INDEXES.set(node.node.root, new ResourceIndex(node.node.root));
    }
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
