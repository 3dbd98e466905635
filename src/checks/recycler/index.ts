import { EcsCodeDeployWithSecrets } from './ecs-code-deploy-with-secrets';
import { EcsSecretVersionPinned } from './ecs-secret-version-pinned';
import { RecyclerEventPatternSize } from './recycler-event-pattern-size';
import { RecyclerKeyPolicy } from './recycler-key-policy';
import { RecyclerUnusedSecret } from './recycler-unused-secret';
import { Check } from '../check';

/** The checks of SecretRotationRecycler. */
export const RECYCLER_CHECKS: Check[] = [
  RecyclerUnusedSecret,
  RecyclerEventPatternSize,
  RecyclerKeyPolicy,
  EcsSecretVersionPinned,
  EcsCodeDeployWithSecrets,
];
