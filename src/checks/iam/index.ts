import { Check } from '../check';
import { IamActionUnknown } from './iam-action-unknown';
import { IamConditionKeyUnsupported } from './iam-condition-key-unsupported';
import { IamResourceTypeMismatch } from './iam-resource-type-mismatch';

/** The IAM identity policy checks, read against the Service Authorization Reference. */
export const IAM_CHECKS: Check[] = [
  IamActionUnknown,
  IamResourceTypeMismatch,
  IamConditionKeyUnsupported,
];
