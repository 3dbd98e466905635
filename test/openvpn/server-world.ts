/**
 * An OpenVpnAccessServer template's resources, created in moto from the template's values as
 * CloudFormation and the auto-scaling group would create them: the VPC, its subnets and route
 * tables, the server's security group, the Elastic IP, the KMS key, the secrets (the state secret
 * with the value CloudFormation generates first, Access Server's admin password) and an instance
 * launched with the group's tags. Every logical ID's physical value is what moto returned, so the
 * user data and the role's policies are filled with moto's real IDs and ARNs.
 *
 * The set-up and the checks of moto's state afterwards are signed 'testing'; the server script's
 * own calls are signed SERVER_ACCESS_KEY, so that they are told apart at the endpoint.
 */
import { randomUUID } from 'crypto';
import {
  AllocateAddressCommand, AssociateAddressCommand, AssociateRouteTableCommand, CreateRouteCommand, CreateRouteTableCommand,
  CreateSecurityGroupCommand, CreateSubnetCommand, CreateVpcCommand, DescribeAddressesCommand, DescribeImagesCommand,
  DescribeInstanceAttributeCommand, DescribeNetworkInterfacesCommand, DescribeRouteTablesCommand, DescribeTagsCommand, EC2Client,
  RunInstancesCommand, Tag, _InstanceType,
} from '@aws-sdk/client-ec2';
import { CreateKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import {
  CreateSecretCommand, GetSecretValueCommand, ListSecretVersionIdsCommand, ListSecretsCommand, PutSecretValueCommand, ResourceNotFoundException,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { Decision, NamedPolicy, PhysicalValues, RequestFacts, decide, resolveValue, rolePolicies, unusedStatements } from '../aws/iam';
import { MOTO_ACCOUNT, MOTO_REGION, MotoServer, RecordedCall, SETUP_CREDENTIALS } from '../aws/moto';

/** A template as JSON. */
export type TemplateJson = { Resources: Record<string, { Type: string; Properties: any }> };

/** The access key ID the server script's calls are signed with: the instance role's. */
export const SERVER_ACCESS_KEY = 'AKIAOPENVPNSERVER';

/**
 * The address the tests ask moto to allocate as the Elastic IP: the server's end of the tunnel
 * test's network.
 */
export const FAKE_PUBLIC_ADDRESS = '198.18.0.1';

/**
 * The PKI secret's first value, as CloudFormation generates one with GenerateSecretString's
 * defaults (32 characters, letters, digits and punctuation, no space), with the characters a
 * shell could trip on.
 */
export const PLACEHOLDER = 'q8"V\'2L\\`7$(Kp)4X;w9N|b3H&d6T*y1';

/** The admin password the tests put in the admin secret, as CloudFormation would generate one (no punctuation). */
export const ADMIN_PASSWORD = 'Zq8v2Lr7Kp4Xw9Nb3Hd6Ty1Fm5Gc0Js2';

/** An instance as its metadata service describes it. */
export interface ServerInstance {
  readonly id: string;
  readonly mac: string;
  /** Its primary network interface. */
  readonly eni: string;
}

/** How the group launches an instance: from the launch template, in one of its subnets, with its tags. */
interface LaunchSettings {
  readonly ImageId: string;
  readonly InstanceType: _InstanceType;
  readonly MetadataOptions: any;
  readonly SecurityGroupIds: string[];
  readonly subnets: string[];
  readonly tags: Tag[];
}

const tagsOf = (value: any): Tag[] => (value ?? []).map((t: any) => ({ Key: t.Key, Value: t.Value }));
const ofType = (template: TemplateJson, type: string) => Object.entries(template.Resources).filter(([, r]) => r.Type === type);

/** The role of the launch template's instance profile. */
function serverRoleId(template: TemplateJson): string {
  const [[, launchTemplate]] = ofType(template, 'AWS::EC2::LaunchTemplate');
  const [profileId] = launchTemplate.Properties.LaunchTemplateData.IamInstanceProfile.Arn['Fn::GetAtt'];
  return template.Resources[profileId].Properties.Roles[0].Ref;
}

export class ServerWorld {
  /** Creates the template's resources in moto, with one instance of the group running. */
  public static async create(server: MotoServer, template: TemplateJson, stackName = 'TestStack'): Promise<ServerWorld> {
    const clientConfig = { endpoint: server.endpoint, region: MOTO_REGION, credentials: SETUP_CREDENTIALS };
    const ec2 = new EC2Client(clientConfig);
    const kms = new KMSClient(clientConfig);
    const secrets = new SecretsManagerClient(clientConfig);
    const physical: PhysicalValues = {
      'AWS::StackId': { ref: `arn:aws:cloudformation:${MOTO_REGION}:${MOTO_ACCOUNT}:stack/${stackName}/${randomUUID()}` },
    };
    const resolve = (value: any) => resolveValue(template, value, physical);

    for (const [id, vpc] of ofType(template, 'AWS::EC2::VPC')) {
      const created = (await ec2.send(new CreateVpcCommand({
        CidrBlock: vpc.Properties.CidrBlock,
        TagSpecifications: [{ ResourceType: 'vpc', Tags: tagsOf(vpc.Properties.Tags) }],
      }))).Vpc!;
      physical[id] = { ref: created.VpcId!, attrs: { CidrBlock: created.CidrBlock! } };
    }
    for (const [id, subnet] of ofType(template, 'AWS::EC2::Subnet')) {
      const created = (await ec2.send(new CreateSubnetCommand({
        VpcId: resolve(subnet.Properties.VpcId),
        CidrBlock: subnet.Properties.CidrBlock,
        AvailabilityZone: subnet.Properties.AvailabilityZone,
        TagSpecifications: [{ ResourceType: 'subnet', Tags: tagsOf(subnet.Properties.Tags) }],
      }))).Subnet!;
      physical[id] = { ref: created.SubnetId!, attrs: { AvailabilityZone: created.AvailabilityZone! } };
    }
    for (const [id, table] of ofType(template, 'AWS::EC2::RouteTable')) {
      const created = (await ec2.send(new CreateRouteTableCommand({
        VpcId: resolve(table.Properties.VpcId),
        TagSpecifications: [{ ResourceType: 'route-table', Tags: tagsOf(table.Properties.Tags) }],
      }))).RouteTable!;
      physical[id] = { ref: created.RouteTableId! };
    }
    for (const [, association] of ofType(template, 'AWS::EC2::SubnetRouteTableAssociation')) {
      const { RouteTableId, SubnetId } = association.Properties;
      await ec2.send(new AssociateRouteTableCommand({ RouteTableId: resolve(RouteTableId), SubnetId: resolve(SubnetId) }));
    }
    const [[launchTemplateId, launchTemplate]] = ofType(template, 'AWS::EC2::LaunchTemplate');
    const data = launchTemplate.Properties.LaunchTemplateData;
    const groupId: string = data.NetworkInterfaces[0].Groups[0]['Fn::GetAtt'][0];
    const group = template.Resources[groupId];
    const groupCreated = await ec2.send(new CreateSecurityGroupCommand({
      GroupName: groupId, Description: group.Properties.GroupDescription, VpcId: resolve(group.Properties.VpcId),
    }));
    physical[groupId] = { ref: groupCreated.GroupId!, attrs: { GroupId: groupCreated.GroupId! } };

    // The server's Elastic IP is the one the user data names; the NAT gateways' are not needed.
    const userData = JSON.stringify(launchTemplate.Properties.LaunchTemplateData.UserData);
    const [[eipId, eip]] = ofType(template, 'AWS::EC2::EIP').filter(([id]) => userData.includes(`"${id}"`));
    const address = await ec2.send(new AllocateAddressCommand({
      Domain: 'vpc', Address: FAKE_PUBLIC_ADDRESS, TagSpecifications: [{ ResourceType: 'elastic-ip', Tags: tagsOf(eip.Properties.Tags) }],
    }));
    physical[eipId] = { ref: address.PublicIp!, attrs: { AllocationId: address.AllocationId!, PublicIp: address.PublicIp! } };

    for (const [id, key] of ofType(template, 'AWS::KMS::Key')) {
      const created = (await kms.send(new CreateKeyCommand({ Description: key.Properties.Description }))).KeyMetadata!;
      physical[id] = { ref: created.KeyId!, attrs: { Arn: created.Arn! } };
    }
    for (const [id, secret] of ofType(template, 'AWS::SecretsManager::Secret')) {
      const created = await secrets.send(new CreateSecretCommand({
        // CloudFormation names a secret without a name after its logical ID, with a random suffix.
        Name: `${id}-${randomUUID().replace(/-/g, '').slice(0, 12)}`,
        Description: secret.Properties.Description,
        KmsKeyId: resolve(secret.Properties.KmsKeyId),
        SecretString: generatedValue(secret.Properties.GenerateSecretString),
      }));
      physical[id] = { ref: created.ARN! };
    }

    const [[, autoScalingGroup]] = ofType(template, 'AWS::AutoScaling::AutoScalingGroup');
    const [image] = (await ec2.send(new DescribeImagesCommand({ Owners: ['amazon'], Filters: [{ Name: 'name', Values: ['*ubuntu*'] }] }))).Images!;
    const launch: LaunchSettings = {
      // One of moto's own images: the template's (an SSM parameter, or a Marketplace image) is not in moto.
      ImageId: image.ImageId!,
      InstanceType: data.InstanceType as _InstanceType,
      MetadataOptions: data.MetadataOptions,
      SecurityGroupIds: [physical[groupId].ref],
      subnets: (autoScalingGroup.Properties.VPCZoneIdentifier as any[]).map(resolve) as string[],
      // The launch template's instance tags, and the group's tags that it propagates at launch.
      tags: [
        ...(data.TagSpecifications ?? []).filter((t: any) => t.ResourceType === 'instance').flatMap((t: any) => tagsOf(t.Tags)),
        ...(autoScalingGroup.Properties.Tags ?? []).filter((t: any) => t.PropagateAtLaunch).map((t: any) => ({ Key: t.Key, Value: t.Value })),
      ],
    };
    const world = new ServerWorld(server, template, physical, ec2, secrets, launch, launchTemplateId, eipId);
    world.instance = await world.launchInstance();
    return world;
  }

  /** The instance of the group that boots first. */
  public instance!: ServerInstance;
  private launched = 0;

  private constructor(
    public readonly server: MotoServer,
    public readonly template: TemplateJson,
    /** Each logical ID's Ref and attributes, as moto created it. */
    public readonly physical: PhysicalValues,
    private readonly ec2: EC2Client,
    private readonly secrets: SecretsManagerClient,
    private readonly launch: LaunchSettings,
    private readonly launchTemplateId: string,
    private readonly eipId: string,
  ) {}

  /** Another instance, launched as the group launches one (a replacement), in the group's next subnet. */
  public async launchInstance(): Promise<ServerInstance> {
    const subnet = this.launch.subnets[this.launched++ % this.launch.subnets.length];
    const [instance] = (await this.ec2.send(new RunInstancesCommand({
      ImageId: this.launch.ImageId,
      InstanceType: this.launch.InstanceType,
      MinCount: 1,
      MaxCount: 1,
      MetadataOptions: this.launch.MetadataOptions,
      NetworkInterfaces: [{ DeviceIndex: 0, SubnetId: subnet, Groups: this.launch.SecurityGroupIds, AssociatePublicIpAddress: true }],
      TagSpecifications: [{ ResourceType: 'instance', Tags: this.launch.tags }],
    }))).Instances!;
    const [eni] = instance.NetworkInterfaces!;
    return { id: instance.InstanceId!, mac: eni.MacAddress!, eni: eni.NetworkInterfaceId! };
  }

  /** The launch template's user data, its intrinsics filled with moto's values. */
  public get userData(): string {
    return resolveValue(this.template, this.template.Resources[this.launchTemplateId].Properties.LaunchTemplateData.UserData['Fn::Base64'], this.physical);
  }

  public get allocationId(): string {
    return this.physical[this.eipId].attrs!.AllocationId;
  }

  /** The state secret's ARN (the PKI, or Access Server's databases). */
  public get pkiSecret(): string {
    return this.secretArn('Pki');
  }

  /** Access Server's admin password secret's ARN. */
  public get adminSecret(): string {
    return this.secretArn('AdminPassword');
  }

  /** The route tables the template creates, as moto's IDs. */
  public get routeTables(): string[] {
    return ofType(this.template, 'AWS::EC2::RouteTable').map(([id]) => this.physical[id].ref);
  }

  private secretArn(idPart: string): string {
    const [id] = ofType(this.template, 'AWS::SecretsManager::Secret').map(([i]) => i).filter((i) => i.includes(idPart));
    return this.physical[id].ref;
  }

  /** The calls the server script made, as moto received them. */
  public serverCalls(): RecordedCall[] {
    return this.server.calls(SERVER_ACCESS_KEY);
  }

  /** The current value of a secret, `undefined` when there is no such secret. */
  public async secretValue(id: string): Promise<string | undefined> {
    try {
      return (await this.secrets.send(new GetSecretValueCommand({ SecretId: id }))).SecretString;
    } catch (e) {
      if (e instanceof ResourceNotFoundException) {
        return undefined;
      }
      throw e;
    }
  }

  /** A new current version of a secret, as something other than the server would write it. */
  public async putSecretValue(id: string, value: string | Uint8Array): Promise<void> {
    await this.secrets.send(new PutSecretValueCommand(typeof value === 'string' ? { SecretId: id, SecretString: value } : { SecretId: id, SecretBinary: value }));
  }

  /** The IDs of a secret's versions. */
  public async secretVersions(id: string): Promise<string[]> {
    return ((await this.secrets.send(new ListSecretVersionIdsCommand({ SecretId: id }))).Versions ?? []).map((v) => v.VersionId!).sort();
  }

  /** Where the Elastic IP is: the instance and the interface it is associated with. */
  public async elasticIp(): Promise<{ instance?: string; eni?: string }> {
    const [address] = (await this.ec2.send(new DescribeAddressesCommand({ AllocationIds: [this.allocationId] }))).Addresses!;
    return { instance: address.InstanceId, eni: address.NetworkInterfaceId };
  }

  /** Associates the Elastic IP with an instance, as a server before this one did. */
  public async associateElasticIp(instance: ServerInstance): Promise<void> {
    await this.ec2.send(new AssociateAddressCommand({ AllocationId: this.allocationId, InstanceId: instance.id }));
  }

  /** Per route table, the interface its route for the block goes to (`undefined`: no such route). */
  public async routesFor(cidr: string): Promise<Record<string, string | undefined>> {
    const tables = (await this.ec2.send(new DescribeRouteTablesCommand({ RouteTableIds: this.routeTables }))).RouteTables!;
    return Object.fromEntries(this.routeTables.map((id) => {
      const route = tables.find((t) => t.RouteTableId === id)!.Routes?.find((r) => r.DestinationCidrBlock === cidr);
      return [id, route ? route.NetworkInterfaceId ?? `not an interface: ${JSON.stringify(route)}` : undefined];
    }));
  }

  /** Adds the route for the block to an interface in every route table, as a server before this one did. */
  public async routeTo(cidr: string, eni: string): Promise<void> {
    for (const table of this.routeTables) {
      await this.ec2.send(new CreateRouteCommand({ RouteTableId: table, DestinationCidrBlock: cidr, NetworkInterfaceId: eni }));
    }
  }

  public async sourceDestCheck(instance: ServerInstance): Promise<boolean> {
    return (await this.ec2.send(new DescribeInstanceAttributeCommand({ InstanceId: instance.id, Attribute: 'sourceDestCheck' }))).SourceDestCheck!.Value!;
  }

  /** The instance an interface is attached to, and its status. */
  public async attachment(eni: string): Promise<{ instance?: string; status?: string }> {
    const [found] = (await this.ec2.send(new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: [eni] }))).NetworkInterfaces!;
    return { instance: found.Attachment?.InstanceId, status: found.Attachment?.Status };
  }

  /** The instance role's synthesized policies (the ServerPolicy among them), filled with moto's values. */
  public serverPolicies(): NamedPolicy[] {
    return rolePolicies(this.template, serverRoleId(this.template), this.physical);
  }

  /**
   * What IAM needs beyond the calls' parameters, read from moto: the instances' tags, the ARNs of
   * the secrets named by name, and the stack's ID.
   */
  public async facts(calls: RecordedCall[]): Promise<RequestFacts> {
    const tags: Record<string, Record<string, string>> = {};
    for (const tag of (await this.ec2.send(new DescribeTagsCommand({ Filters: [{ Name: 'resource-type', Values: ['instance'] }] }))).Tags ?? []) {
      const arn = `arn:aws:ec2:${MOTO_REGION}:${MOTO_ACCOUNT}:instance/${tag.ResourceId}`;
      tags[arn] = { ...tags[arn], [tag.Key!]: tag.Value! };
    }
    const secretArns: Record<string, string> = {};
    for (const call of calls.filter((c) => c.service === 'secretsmanager')) {
      const name: string = call.params.SecretId ?? call.params.Name;
      if (name.startsWith('arn:')) {
        continue;
      }
      // A name that no secret has (any more: a revoked profile's is deleted) is authorized as the
      // ARN that name gives, without the random suffix Secrets Manager appends to a new secret's.
      secretArns[name] = `arn:aws:secretsmanager:${MOTO_REGION}:${MOTO_ACCOUNT}:secret:${name}`;
    }
    for (const secret of (await this.secrets.send(new ListSecretsCommand({ IncludePlannedDeletion: true }))).SecretList ?? []) {
      secretArns[secret.Name!] = secret.ARN!;
    }
    const stackName = this.physical['AWS::StackId'].ref.split('/')[1];
    return { tags, secretArns, stackArns: { [stackName]: this.physical['AWS::StackId'].ref } };
  }

  /** The Sids of the instance role's statements that none of the decisions used. */
  public unusedServerStatements(decisions: Decision[]): string[] {
    const policies = this.serverPolicies();
    return unusedStatements(policies, decisions).map((id) => {
      const [name, index] = id.split('#');
      return policies.find((p) => p.name === name)!.policy.Statement[Number(index) - 1].Sid ?? id;
    });
  }

  /** Every call the server script made, evaluated against the instance role's policies. */
  public async serverDecisions(): Promise<Decision[]> {
    const calls = this.serverCalls();
    return decide(calls, this.serverPolicies(), await this.facts(calls));
  }
}

/**
 * A value CloudFormation could generate with the template's GenerateSecretString: the test's
 * fixed placeholder with Secrets Manager's defaults, the admin password without punctuation.
 */
function generatedValue(settings: any): string {
  const value = settings?.ExcludePunctuation ? ADMIN_PASSWORD : PLACEHOLDER;
  expect(value).toHaveLength(settings?.PasswordLength ?? 32);
  return value;
}
