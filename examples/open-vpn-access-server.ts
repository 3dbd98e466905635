/**
 * Remote access to private subnets: a self-healing OpenVPN server in a PrivateSubnetVpc.
 *
 * After `cdk deploy`, issue a profile for a person and fetch it:
 *
 *   aws ssm send-command --document-name <ClientProfileDocument> \
 *     --targets Key=tag:aws:autoscaling:groupName,Values=<ServerGroup> \
 *     --parameters action=issue,clientName=alice
 *   aws secretsmanager get-secret-value --secret-id openvpn/<...>/alice --query SecretString --output text > alice.ovpn
 */
import { App, CfnOutput, Stack, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { GuardedPatternsChecks, OpenVpnAccessServer, PrivateSubnetVpc } from '../src';

const app = new App();
// Run the library's checks and cdk-nag's AwsSolutions over everything in the app.
Validations.of(app).addPlugins(new GuardedPatternsChecks(app), new AwsSolutionsChecks(app));

const stack = new Stack(app, 'OpenVpnAccessServerExample', {
  // The availability zones of this account and region are in cdk.context.json: no lookup at synth.
  env: { account: process.env.CDK_DEFAULT_ACCOUNT ?? '111111111111', region: process.env.CDK_DEFAULT_REGION ?? 'us-east-1' },
});

const network = new PrivateSubnetVpc(stack, 'Network');
const vpn = new OpenVpnAccessServer(stack, 'Vpn', { vpc: network.vpc });
// The server's replacements are followed through CloudFormation and EC2 health checks here; pass
// notificationTopic to hear of each one instead.
Validations.of(vpn.autoScalingGroup).acknowledge({
  id: 'AwsSolutions-AS3',
  reason: 'Example app: replacements of the server are followed in CloudFormation and EC2, without notifications.',
});

new CfnOutput(stack, 'VpnAddress', { value: vpn.endpointAddress, description: 'The address in every client profile' });
new CfnOutput(stack, 'ClientProfileDocument', { value: vpn.clientProfileDocument.ref, description: 'Run with action=issue|revoke and clientName' });
new CfnOutput(stack, 'ClientProfilePrefix', { value: vpn.clientProfilePrefix, description: 'Profiles are the secrets <prefix>/<clientName>' });
new CfnOutput(stack, 'ServerGroup', { value: vpn.autoScalingGroup.autoScalingGroupName, description: 'Target the document with Key=tag:aws:autoscaling:groupName,Values=<this>' });
