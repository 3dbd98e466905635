import { App, Stack, aws_ec2 as ec2 } from 'aws-cdk-lib';
import { testApp, testStack } from '../util';

/** A hub (10.0.0.0/16) and spokes A and B (10.1.0.0/16, 10.2.0.0/16) in one stack, spoke C (10.3.0.0/16) in another. */
export function hubNetwork(app: App = testApp()) {
  const stack = testStack(app);
  const other = testStack(app, 'Other');
  const vpc = (scope: Stack, id: string, cidr: string) =>
    new ec2.Vpc(scope, id, { ipAddresses: ec2.IpAddresses.cidr(cidr), natGateways: 0, maxAzs: 2 });
  return {
    app,
    stack,
    other,
    hub: vpc(stack, 'Hub', '10.0.0.0/16'),
    a: vpc(stack, 'A', '10.1.0.0/16'),
    b: vpc(stack, 'B', '10.2.0.0/16'),
    c: vpc(other, 'C', '10.3.0.0/16'),
  };
}
