import { aws_ecs as ecs, aws_logs as logs } from 'aws-cdk-lib';

/** The volume the pattern mounts at /tmp when the root filesystem is read-only. */
export const TMP_VOLUME = 'tmp';

/** The image of the default init container where the tasks can reach ECR Public. */
export const BUSYBOX_IMAGE = 'public.ecr.aws/docker/library/busybox:1.37.0';

/** The init container's memory hard limit, in MiB: enough for `chmod`, above the runtime's 6 MiB floor. */
export const INIT_MEMORY_MIB = 32;

/** What `WritableTmp` needs from the pattern to set /tmp up. */
interface WritableTmpContext {
  readonly taskDefinition: ecs.FargateTaskDefinition;
  readonly app: ecs.ContainerDefinition;
  readonly appImage: ecs.ContainerImage;
  readonly logGroup: logs.ILogGroup;
  /** Whether the tasks' subnets have no route to the internet, so ECR Public is out of reach. */
  readonly isolated: boolean;
}

/**
 * How the task's /tmp volume becomes writable for a non-root user.
 *
 * Fargate creates a task volume owned by root with mode 0755, unless the image declares the path
 * a `VOLUME`; a non-root process cannot write to it as created.
 *
 * @see https://docs.aws.amazon.com/AmazonECS/latest/developerguide/bind-mounts.html
 */
export class WritableTmp {
  /**
   * A non-essential init container runs `chmod 1777 /tmp` as root on the shared volume and exits;
   * the application container starts only after it succeeds. It has a read-only root filesystem,
   * a memory hard limit of 32 MiB and logs to the service's log group.
   *
   * The init container runs as root, which AWS Control Tower's CT.ECS.PR.3 refuses; where it is
   * enabled, use `WritableTmp.fromImageVolume()`.
   *
   * @param image an image with a `chmod` program. @default - busybox from ECR Public
   * (`public.ecr.aws/docker/library/busybox:1.37.0`) when the tasks' subnets reach the internet;
   * in isolated subnets, which cannot reach ECR Public, the application's own image
   */
  public static initContainer(image?: ecs.ContainerImage): WritableTmp {
    return new WritableTmp(INIT_MEMORY_MIB, (context) => addInitContainer(context, image));
  }

  /**
   * The same init container, from the application's own image, which then needs a `chmod`
   * program: no other registry is involved.
   */
  public static initContainerFromAppImage(): WritableTmp {
    return new WritableTmp(INIT_MEMORY_MIB, (context) => addInitContainer(context, context.appImage));
  }

  /**
   * No init container: the image declares `VOLUME ["/tmp"]` with the directory owned by (or
   * writable for) the container's user, and Fargate creates the volume with that owner and mode.
   */
  public static fromImageVolume(): WritableTmp {
    return new WritableTmp(0, () => undefined);
  }

  /**
   * The memory hard limit (MiB) of the container it adds, which the application's own limit leaves free.
   *
   * @internal
   */
  public readonly _initMemoryMiB: number;

  private readonly setUp: (context: WritableTmpContext) => ecs.ContainerDefinition | undefined;

  private constructor(initMemoryMiB: number, setUp: (context: WritableTmpContext) => ecs.ContainerDefinition | undefined) {
    this._initMemoryMiB = initMemoryMiB;
    this.setUp = setUp;
  }

  /**
   * Sets /tmp up for the application container; returns the init container, if any.
   *
   * @internal
   */
  public _bind(context: WritableTmpContext): ecs.ContainerDefinition | undefined {
    return this.setUp(context);
  }
}

function addInitContainer(context: WritableTmpContext, image: ecs.ContainerImage | undefined): ecs.ContainerDefinition {
  const { taskDefinition, app, appImage, logGroup, isolated } = context;
  const init = taskDefinition.addContainer('TmpPermissions', {
    image: image ?? (isolated ? appImage : ecs.ContainerImage.fromRegistry(BUSYBOX_IMAGE)),
    essential: false,
    // Only root may change the mode of the root-owned volume.
    user: '0',
    // Both set, so that neither the image's ENTRYPOINT nor its CMD adds to the command.
    entryPoint: ['chmod'],
    command: ['1777', '/tmp'],
    readonlyRootFilesystem: true,
    memoryLimitMiB: INIT_MEMORY_MIB,
    logging: ecs.LogDriver.awsLogs({ logGroup, streamPrefix: 'tmp-permissions' }),
  });
  init.addMountPoints({ sourceVolume: TMP_VOLUME, containerPath: '/tmp', readOnly: false });
  app.addContainerDependencies({ container: init, condition: ecs.ContainerDependencyCondition.SUCCESS });
  return init;
}
