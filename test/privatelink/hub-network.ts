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

/** The account of the remote spoke X of `twoAccountNetwork`. */
export const OTHER_ACCOUNT = '222222222222';

/**
 * `hubNetwork` (the hub, A and B in account 111111111111, C in another stack of that account),
 * and spoke X (10.3.0.0/16, C's block: use one of the two) in stack Remote of account 222222222222.
 */
export function twoAccountNetwork() {
  const app = testApp({ context: { [`availability-zones:account=${OTHER_ACCOUNT}:region=us-east-1`]: ['us-east-1a', 'us-east-1b'] } });
  const n = hubNetwork(app);
  const remote = new Stack(app, 'Remote', { env: { account: OTHER_ACCOUNT, region: 'us-east-1' } });
  const x = new ec2.Vpc(remote, 'X', { ipAddresses: ec2.IpAddresses.cidr('10.3.0.0/16'), natGateways: 0, maxAzs: 2 });
  return { ...n, remote, x };
}
