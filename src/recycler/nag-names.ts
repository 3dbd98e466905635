/**
 * A resolved CloudFormation value as cdk-nag names it in a finding such as
 * `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ecs:...]`: `Ref` as `<Name>`, `Fn::GetAtt` as
 * `<Name.Attr>`, `Fn::Join` joined. Acknowledgements must name the finding exactly.
 */
export function flattenForAcknowledgement(value: unknown): string {
  if (value === undefined) {
    return '';
  }
  if (typeof value === 'string') {
    return value.replace(/\${/g, '<').replace(/}/g, '>');
  }
  if (value !== null && typeof value === 'object') {
    const node = value as Record<string, any>;
    if (Array.isArray(node['Fn::Join'])) {
      const [delimiter, items] = node['Fn::Join'];
      return (items as unknown[]).map(flattenForAcknowledgement).join(delimiter);
    }
    if ('Fn::Sub' in node) {
      return flattenForAcknowledgement(node['Fn::Sub']);
    }
    if (Array.isArray(node['Fn::GetAtt'])) {
      const [resource, attribute] = node['Fn::GetAtt'];
      return `<${flattenForAcknowledgement(resource)}.${flattenForAcknowledgement(attribute)}>`;
    }
    if ('Fn::ImportValue' in node) {
      return flattenForAcknowledgement(node['Fn::ImportValue']);
    }
    if ('Ref' in node) {
      return `<${flattenForAcknowledgement(node.Ref)}>`;
    }
  }
  return JSON.stringify(value);
}
