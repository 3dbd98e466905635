import { CfnResource, aws_ec2 as ec2 } from 'aws-cdk-lib';
import { defineCheck } from '../check';
import { CheckLevel } from '../check-info';
import { pathOf } from '../embed';
import { userDataText } from './instance-topology';

/** What gives a secret away, and how a message names it (never quoting the secret). */
const SECRET_PATTERNS: Array<[RegExp, string]> = [
  [/-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----/, 'a private key'],
  [/-----BEGIN OpenVPN Static key V\d-----/, 'an OpenVPN static key (tls-auth or tls-crypt)'],
  [/\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/, 'an AWS access key ID'],
  [/aws_secret_access_key\s*[=:]\s*['"]?[A-Za-z0-9/+]{30,}/i, 'an AWS secret access key'],
  // NAME=value or NAME: value (shell, YAML, JSON), where NAME ends in password, passwd, pwd, pw (Access Server's
  // admin_pw), secret or token and the value is a literal (not $VAR, $(...), a file:// reference or the ARN of a secret).
  [/(?:^|[\s;&|'"{,])(?:[A-Za-z_][A-Za-z0-9_.-]*)?(?:password|passwd|pwd|pw|secret|token)['"]?\s*[=:]\s*(['"]?)(?![$`]|file:\/\/|arn:)[^\s'"]{4,}\1/im, 'a password or secret assigned to a variable'],
  [/--(?:password|passwd|new[_-]?pass)[ =](['"]?)(?![$`-])[^\s'"]{4,}\1/i, 'a password given on a command line'],
  [/echo\s+['"]?[A-Za-z_][A-Za-z0-9_-]*:(?![$`])[^\s'"]{4,}['"]?\s*\|\s*(?:sudo\s+)?chpasswd/, 'a password piped to chpasswd'],
];

/** The kinds of secret in a text, each with the line it is on. */
export function secretsIn(text: string): string[] {
  const found: string[] = [];
  for (const [pattern, kind] of SECRET_PATTERNS) {
    const match = pattern.exec(text);
    if (match) {
      const line = text.substring(0, match.index + (match[0].startsWith('\n') ? 1 : 0)).split('\n').length;
      found.push(`${kind} (line ${line})`);
    }
  }
  return found;
}

/**
 * Secrets written into the user data of an instance or launch template.
 */
export const Ec2UserDataSecrets = defineCheck<CfnResource>({
  suffix: 'Ec2UserDataSecrets',
  level: CheckLevel.ERROR,
  title: 'A private key, access key or password in the user data of an EC2 instance or launch template.',
  reason: 'User data is not secret: it sits in the template, in the launch template versions and in DescribeInstanceAttribute for anyone with read access to EC2, and inside the instance at 169.254.169.254 for every process. Secrets belong in Secrets Manager or Parameter Store, read at boot with the instance role.',
  source: 'https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/user-data.html',
  appliesTo: [ec2.CfnInstance, ec2.CfnLaunchTemplate],
  inspect(resource) {
    let text: string | undefined;
    let kind: string;
    if (resource instanceof ec2.CfnInstance) {
      text = userDataText(resource, resource.userData);
      kind = 'Instance';
    } else {
      const template = resource as ec2.CfnLaunchTemplate;
      const data = template.stack.resolve(template.launchTemplateData) as { userData?: unknown } | undefined;
      text = userDataText(template, data?.userData);
      kind = 'Launch template';
    }
    const secrets = text === undefined ? [] : secretsIn(text);
    return secrets.length === 0 ? [] : [`${kind} '${pathOf(resource)}' has ${secrets.join(', ')} in its user data, readable by anyone who can describe it. `
      + 'Store the secret in Secrets Manager (or a SecureString parameter), grant the instance role read access, and fetch it at boot.'];
  },
});
