import { aws_ec2 as ec2 } from 'aws-cdk-lib';
import { defineCheck } from '../check';
import { CheckLevel } from '../check-info';
import { pathOf } from '../embed';

/**
 * A VPC without flow logs.
 */
export const VpcFlowLogsMissing = defineCheck({
  suffix: 'VpcFlowLogsMissing',
  level: CheckLevel.WARNING,
  patternLevel: CheckLevel.ERROR,
  title: 'A VPC with no flow log.',
  reason: 'Without flow logs there is no record of what talked to what: rejected connections, unexpected egress and incident timelines cannot be reconstructed after the fact.',
  source: 'https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs.html',
  alsoReportedBy: ['AwsSolutions-VPC7'],
  appliesTo: [ec2.CfnVPC],
  inspect(vpc, index) {
    const logged = index.referencing<ec2.CfnFlowLog>('AWS::EC2::FlowLog', vpc, 'resourceId').length > 0;
    return logged ? [] : [`VPC '${pathOf(vpc)}' has no flow log. Add one (vpc.addFlowLog('FlowLog') sends them to CloudWatch Logs).`];
  },
});
