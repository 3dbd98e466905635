import { Duration, RemovalPolicy, aws_s3 as s3 } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { PropErrors } from './errors';

/** The child that `autoDeleteObjects` adds to a bucket (aws-cdk-lib aws-s3 BucketAutoDeleteObjects). */
const AUTO_DELETE_ID = 'AutoDeleteObjectsCustomResource';

/** KMS keeps a deleted key this long before it deletes it for good: the shortest window it allows. */
const KEY_PENDING_WINDOW = Duration.days(7);

/**
 * What a pattern's `removalPolicy` prop means for what it would otherwise keep after the stack
 * is deleted: log groups, buckets, keys and secrets follow it; with DESTROY, buckets are emptied
 * first, keys wait the shortest pending window, and load balancers lose their deletion protection.
 */
export class Removal {
  /**
   * Reads the prop; `subject` names the construct in the error, which joins the construct's other
   * prop errors (the default, RETAIN, stands in for a wrong policy until they are thrown).
   */
  public static of(errors: PropErrors, subject: string, policy: RemovalPolicy | undefined): Removal {
    if (policy === RemovalPolicy.SNAPSHOT) {
      errors.add(`${subject}: removalPolicy is SNAPSHOT, which none of what the pattern keeps (log groups, buckets, keys, secrets) supports; `
        + 'use RemovalPolicy.RETAIN (the default) to keep them, or RemovalPolicy.DESTROY for a trial that `cdk destroy` removes.');
      return new Removal(RemovalPolicy.RETAIN);
    }
    return new Removal(policy ?? RemovalPolicy.RETAIN);
  }

  /** True when `cdk destroy` must remove everything. */
  public readonly destroy: boolean;

  private constructor(public readonly policy: RemovalPolicy) {
    this.destroy = policy === RemovalPolicy.DESTROY;
  }

  /** Bucket props: CloudFormation deletes only empty buckets, so a destroyed one is emptied first. */
  public get bucket(): Pick<s3.BucketProps, 'removalPolicy' | 'autoDeleteObjects'> {
    return { removalPolicy: this.policy, autoDeleteObjects: this.destroy ? true : undefined };
  }

  /** KMS key props: a destroyed key waits 7 days (the shortest window) in pending deletion. */
  public get key(): { removalPolicy: RemovalPolicy; pendingWindow?: Duration } {
    return { removalPolicy: this.policy, pendingWindow: this.destroy ? KEY_PENDING_WINDOW : undefined };
  }

  /**
   * Empties `bucket` only once `writers` (what delivers logs or files to it) are deleted, so that
   * nothing lands in it between its emptying and its deletion. No-op unless destroyed.
   */
  public emptyAfter(bucket: s3.IBucket, ...writers: IConstruct[]): void {
    const emptying = bucket.node.tryFindChild(AUTO_DELETE_ID);
    if (this.destroy && emptying) {
      // CloudFormation deletes a resource before what it depends on.
      for (const writer of writers) {
        writer.node.addDependency(emptying);
      }
    }
  }
}
