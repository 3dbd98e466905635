import { Lazy, aws_iam as iam } from 'aws-cdk-lib';

/**
 * A policy statement that is left out of its document unless `present()` holds when the template
 * is written: for a statement whose resources are known only once the app is complete (a lazy
 * resource list cannot be empty in IAM). aws-cdk-lib drops an array element that resolves to
 * undefined, so the document then holds no trace of it.
 */
export class OptionalStatement extends iam.PolicyStatement {
  constructor(props: iam.PolicyStatementProps, private readonly present: () => boolean) {
    super(props);
  }

  public toStatementJson(): any {
    return Lazy.uncachedAny({ produce: () => (this.present() ? super.toStatementJson() : undefined) });
  }
}
