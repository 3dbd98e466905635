/**
 * The rotation story of the startup example (examples/lib/startup-stack.ts), read from its
 * synthesized template: RDS rotates the database's master password in a Secrets Manager secret,
 * the web service reads the credentials from that secret, and the stack's recycler watches exactly
 * that secret, so a rotation redeploys the web service.
 */
import { aws_rds as rds } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { StartupStack } from '../../examples/lib/startup-stack';
import { PrivateSubnetVpc, SecureFargateService } from '../../src';
import { TEST_ENV, testApp } from '../util';

const stack = new StartupStack(testApp(), 'StartupApp', { env: TEST_ENV });
const template = Template.fromStack(stack);
const database = stack.node.findChild('Database') as rds.DatabaseCluster;
const databaseId = stack.getLogicalId(database.node.defaultChild as rds.CfnDBCluster);
/** The complete ARN of the secret RDS manages, as the template writes it. */
const databaseSecret = { 'Fn::GetAtt': [databaseId, 'MasterUserSecret.SecretArn'] };

/** The web service's task definition: the one whose App container the load balancer targets. */
function webContainer(): any {
  const definitions = Object.values(template.findResources('AWS::ECS::TaskDefinition'));
  expect(definitions).toHaveLength(1);
  return definitions[0].Properties.ContainerDefinitions.find((c: any) => c.Name === 'App');
}

describe('the startup example\'s database rotation', () => {
  test('the database is Aurora PostgreSQL in the network\'s private subnets, encrypted, with the master password managed (and rotated) by RDS', () => {
    template.hasResourceProperties('AWS::RDS::DBCluster', {
      Engine: 'aurora-postgresql',
      ManageMasterUserPassword: true,
      StorageEncrypted: true,
      MasterUserPassword: Match.absent(),
    });
    template.resourceCountIs('AWS::SecretsManager::Secret', 1); // the VPN's PKI secret; the database's is RDS's own
    const network = stack.node.findChild('Network') as PrivateSubnetVpc;
    template.hasResourceProperties('AWS::RDS::DBSubnetGroup', {
      SubnetIds: network.vpc.privateSubnets.map((s) => stack.resolve(s.subnetId)),
    });
  });

  test('the recycler\'s rule matches Secret Label Updated (AWSCURRENT) for exactly the database\'s secret', () => {
    // The other rule of the stack is the recycler's staleness schedule, which has no event pattern.
    const rules = Object.values(template.findResources('AWS::Events::Rule', { Properties: { EventPattern: Match.anyValue() } }));
    expect(rules).toHaveLength(1);
    expect(rules[0].Properties.EventPattern).toEqual({
      'source': ['aws.secretsmanager'],
      'detail-type': ['Secret Label Updated'],
      'resources': [databaseSecret],
      'detail': { labelUpdated: ['AWSCURRENT'] },
    });
  });

  test('the web service reads its database credentials from that secret, and no other secret', () => {
    const secrets = webContainer().Secrets;
    expect(secrets.map((s: any) => s.Name).sort()).toEqual(['DB_PASSWORD', 'DB_USER']);
    for (const s of secrets) {
      expect(s.ValueFrom['Fn::Join'][1][0]).toEqual(databaseSecret);
    }
  });

  test('only the web service\'s tasks reach the database', () => {
    const ingress = Object.values(template.findResources('AWS::EC2::SecurityGroupIngress', {
      Properties: { GroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^DatabaseSecurityGroup'), 'GroupId'] } },
    }));
    const web = stack.node.findChild('Web') as SecureFargateService;
    const webGroups = web.connections.securityGroups.map((g) => stack.resolve(g.securityGroupId));
    expect(ingress.map((r) => r.Properties.SourceSecurityGroupId)).toEqual(webGroups);
    template.hasResourceProperties('AWS::EC2::SecurityGroup', {
      GroupDescription: 'RDS security group',
      SecurityGroupIngress: Match.absent(),
    });
  });
});
