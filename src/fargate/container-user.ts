import { Token } from 'aws-cdk-lib';
import { GuardedPatternsError } from '../private/errors';

/**
 * Who the container's processes run as.
 */
export class ContainerUser {
  /**
   * A numeric user and group that are not root. The image need not define them; the process can
   * then write only to volumes (the pattern mounts /tmp).
   *
   * @param uid the user ID, 1 to 2147483647
   * @param gid the group ID @default - the same as `uid`
   */
  public static nonRoot(uid = 1000, gid?: number): ContainerUser {
    for (const [name, id] of [['uid', uid], ['gid', gid ?? uid]] as const) {
      if (!Token.isUnresolved(id) && (!Number.isInteger(id) || id < 1 || id > 2147483647)) {
        throw new GuardedPatternsError(`ContainerUser.nonRoot: ${name} (${id}) must be a whole number from 1 to 2147483647; 0 is root.`);
      }
    }
    return new ContainerUser(`${uid}:${gid ?? uid}`);
  }

  /**
   * A user (and optionally group) by name, as the image defines them: `'app'` or `'app:app'`.
   */
  public static named(user: string): ContainerUser {
    if (!Token.isUnresolved(user) && !/^[A-Za-z0-9_.-]+(:[A-Za-z0-9_.-]+)?$/.test(user)) {
      throw new GuardedPatternsError(`ContainerUser.named: '${user}' is not a user or user:group name.`);
    }
    if (user === 'root' || user.startsWith('root:') || user === '0' || user.startsWith('0:')) {
      throw new GuardedPatternsError(`ContainerUser.named: '${user}' is root; use ContainerUser.fromImage() if the image must run as root.`);
    }
    return new ContainerUser(user);
  }

  /**
   * Whatever user the image's USER instruction sets, root when it sets none. For images that
   * cannot run as another user.
   */
  public static fromImage(): ContainerUser {
    return new ContainerUser(undefined);
  }

  /** The container definition's `user`; `undefined` leaves it to the image. */
  public readonly user?: string;

  private constructor(user: string | undefined) {
    this.user = user;
  }
}
