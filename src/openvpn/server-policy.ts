import { Stack, Validations, aws_ec2 as ec2, aws_iam as iam, aws_kms as kms, aws_secretsmanager as secretsmanager } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { OpenVpnRoutingMode } from './routing-mode';
import { ManagedPolicyRole } from '../private/managed-policy-role';
import { iam5ResourceId, nagArn } from '../private/nag';

/** The tag that marks the server's instances, for the IAM conditions. */
export const SERVER_TAG = 'guarded-patterns:openvpn-server';

/**
 * What the SSM Agent needs for Session Manager and Run Command, and nothing of
 * AmazonSSMManagedInstanceCore's reads (parameters, documents, associations, inventory).
 *
 * @see https://docs.aws.amazon.com/systems-manager/latest/userguide/getting-started-create-iam-instance-profile.html
 * @see https://docs.aws.amazon.com/systems-manager/latest/userguide/systems-manager-setting-up-messageAPIs.html
 */
const SSM_AGENT_ACTIONS = [
  'ssm:UpdateInstanceInformation',
  'ssmmessages:CreateControlChannel',
  'ssmmessages:CreateDataChannel',
  'ssmmessages:OpenControlChannel',
  'ssmmessages:OpenDataChannel',
  'ec2messages:AcknowledgeMessage',
  'ec2messages:DeleteMessage',
  'ec2messages:FailMessage',
  'ec2messages:GetEndpoint',
  'ec2messages:GetMessages',
  'ec2messages:SendReply',
];

/** What the server's permissions name: its own resources. */
export interface ServerResources {
  readonly role: iam.IRole;
  readonly pkiSecret: secretsmanager.ISecret;
  readonly adminPasswordSecret?: secretsmanager.ISecret;
  /** The client profile secrets' prefix, and their ARN pattern. */
  readonly clientProfilePrefix: string;
  readonly clientSecretsArn: string;
  readonly encryptionKey: kms.IKey;
  readonly elasticIp: ec2.CfnEIP;
  readonly mode: OpenVpnRoutingMode;
  /** The route tables that routing mode points at the server. */
  readonly routeTables: string[];
}

/** The managed policy that holds the server's permissions, and the user's grants to a role the pattern made. */
export function serverPolicy(server: Construct): { policyId: string; policyDescription: string } {
  return { policyId: 'ServerPolicy', policyDescription: `What the OpenVPN server ${server.node.path} does with AWS` };
}

/**
 * What the server does with AWS, scoped to its resources: in the role's own managed policy, or in
 * one beside a role the user brought. Acknowledges the wildcards that the design implies.
 */
export function grantServerPermissions(server: Construct, resources: ServerResources): iam.ManagedPolicy {
  const stack = Stack.of(server);
  const ec2Arn = (resource: string, name: string) => stack.formatArn({ service: 'ec2', resource, resourceName: name });
  const statements = [
    // What the SSM Agent calls for Session Manager and Run Command (the client profile document):
    // the heartbeat, and the message channels (ssmmessages, or ec2messages where the agent cannot
    // use ssmmessages). None of the channel actions takes a resource type.
    new iam.PolicyStatement({
      sid: 'SsmAgent',
      actions: [...SSM_AGENT_ACTIONS],
      resources: ['*'],
    }),
    new iam.PolicyStatement({
      sid: 'Pki',
      actions: ['secretsmanager:GetSecretValue', 'secretsmanager:PutSecretValue', 'secretsmanager:DescribeSecret'],
      resources: [resources.pkiSecret.secretArn],
    }),
    ...(resources.adminPasswordSecret ? [new iam.PolicyStatement({
      sid: 'AdminPassword',
      actions: ['secretsmanager:GetSecretValue'],
      resources: [resources.adminPasswordSecret.secretArn],
    })] : []),
    new iam.PolicyStatement({
      sid: 'ClientProfiles',
      actions: ['secretsmanager:CreateSecret', 'secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret', 'secretsmanager:DeleteSecret'],
      resources: [resources.clientSecretsArn],
    }),
    // Secrets Manager encrypts each new value with a data key from GenerateDataKey and decrypts it
    // with Decrypt, on the caller's behalf; kms:Encrypt serves only re-encrypting the versions of a
    // secret whose key changes, which the server never does.
    // https://docs.aws.amazon.com/secretsmanager/latest/userguide/security-encryption.html#security-encryption-authz
    new iam.PolicyStatement({
      sid: 'Encryption',
      actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
      resources: [resources.encryptionKey.keyArn],
      conditions: { StringEquals: { 'kms:ViaService': `secretsmanager.${stack.region}.amazonaws.com` } },
    }),
    new iam.PolicyStatement({
      sid: 'ElasticIp',
      actions: ['ec2:AssociateAddress'],
      resources: [
        ec2Arn('elastic-ip', resources.elasticIp.attrAllocationId),
        ec2Arn('instance', '*'),
        ec2Arn('network-interface', '*'),
      ],
    }),
    new iam.PolicyStatement({
      sid: 'Signal',
      actions: ['cloudformation:SignalResource'],
      resources: [stack.stackId],
    }),
  ];
  if (resources.mode === OpenVpnRoutingMode.ROUTED) {
    statements.push(new iam.PolicyStatement({
      sid: 'SourceDestCheck',
      actions: ['ec2:ModifyInstanceAttribute'],
      resources: [ec2Arn('instance', '*')],
      conditions: { StringEquals: { [`aws:ResourceTag/${SERVER_TAG}`]: server.node.addr } },
    }));
    if (resources.routeTables.length > 0) {
      statements.push(new iam.PolicyStatement({
        sid: 'ClientRoutes',
        actions: ['ec2:CreateRoute', 'ec2:ReplaceRoute'],
        resources: resources.routeTables.map((t) => ec2Arn('route-table', t)),
      }));
    }
  }
  Validations.of(server).acknowledge(
    {
      id: iam5ResourceId('*'),
      reason: 'Only the SSM Agent\'s own calls for Session Manager and Run Command, the only way to administer the server (no SSH): its heartbeat (ssm:UpdateInstanceInformation) '
        + 'and its message channels (ssmmessages, ec2messages), which take no resource type in the Service Authorization Reference; AWS documents them on every resource.',
    },
    {
      id: iam5ResourceId(nagArn(stack, 'ec2', 'instance/*')),
      reason: 'The instance and its network interface exist only after the auto-scaling group launches them; the Elastic IP it may associate is named exactly, and routing-mode source/destination changes are limited to instances tagged as this server.',
    },
    {
      id: iam5ResourceId(nagArn(stack, 'ec2', 'network-interface/*')),
      reason: 'AssociateAddress authorizes the instance\'s network interface, which exists only after launch; the Elastic IP is named exactly.',
    },
    {
      id: iam5ResourceId(nagArn(stack, 'secretsmanager', `secret:${resources.clientProfilePrefix}/*`)),
      reason: 'The server creates one secret per client profile, named after the client when it is issued; the prefix is this server\'s own.',
    },
  );
  return ManagedPolicyRole.addToManagedPolicyOf(server, resources.role, serverPolicy(server), ...statements);
}
