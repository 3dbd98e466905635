/**
 * The README's TypeScript examples as programs: extracted as jsii-rosetta reads them (a ```ts
 * block, with its `fixture=` or the default fixture from rosetta/), the values they `declare`
 * replaced by stand-ins, and the checks the README recommends read from the validation report.
 * Used by test/readme-examples.test.ts (against the sources) and test/package.test.ts (against
 * the packed tarball, in a scratch app).
 */
import * as fs from 'fs';
import * as path from 'path';

const root = path.join(__dirname, '..');

/** The README's path. */
export const README = path.join(root, 'README.md');

/** One ```ts block of the README. */
export interface ReadmeExample {
  /** The line of the opening fence (1-based), to name the example. */
  readonly line: number;
  /** The `##` section it stands in. */
  readonly section: string;
  /** The rosetta fixture it compiles in: `default` (inside a Stack's constructor) or `bare`. */
  readonly fixture: string;
  readonly code: string;
}

/** Every ```ts block of the README, in order. */
export function readmeExamples(readme = fs.readFileSync(README, 'utf8')): ReadmeExample[] {
  const examples: ReadmeExample[] = [];
  const lines = readme.split('\n');
  let section = '';
  for (let i = 0; i < lines.length; i++) {
    const heading = /^## (.+)$/.exec(lines[i]);
    if (heading) {
      section = heading[1];
    }
    const fence = /^```ts(?:\s+fixture=(\S+))?\s*$/.exec(lines[i]);
    if (!fence) {
      continue;
    }
    const end = lines.indexOf('```', i + 1);
    examples.push({ line: i + 1, section, fixture: fence[1] ?? 'default', code: lines.slice(i + 1, end).join('\n') });
    i = end;
  }
  return examples;
}

/** The heading of the README's section for users. */
export const USE_IT_SECTION = 'Use it in your app';

/** The smallest app of "Use it in your app": a complete program (fixture `bare`). */
export function smallestApp(examples = readmeExamples()): ReadmeExample {
  const app = examples.find((e) => e.section === USE_IT_SECTION && e.fixture === 'bare');
  if (!app) {
    throw new Error(`README.md has no \`\`\`ts fixture=bare block under "## ${USE_IT_SECTION}"`);
  }
  return app;
}

/** Each pattern's smallest example: the first ```ts block of each pattern's section. */
export function smallestExamples(patterns: string[], examples = readmeExamples()): ReadmeExample[] {
  return patterns.map((pattern) => {
    const first = examples.find((e) => e.section === pattern);
    if (!first) {
      throw new Error(`README.md has no \`\`\`ts block under "## ${pattern}"`);
    }
    return first;
  });
}

/** The account, region and AZs the examples synthesize in, with no AWS credentials. */
export const EXAMPLE_ENV = { account: '111111111111', region: 'us-east-1' };
export const EXAMPLE_CONTEXT = {
  [`availability-zones:account=${EXAMPLE_ENV.account}:region=${EXAMPLE_ENV.region}`]: ['us-east-1a', 'us-east-1b', 'us-east-1c'],
  // The account of the README's spoke in another account.
  [`availability-zones:account=222222222222:region=${EXAMPLE_ENV.region}`]: ['us-east-1a', 'us-east-1b'],
  // What `cdk synth` with credentials keeps in cdk.context.json for the Access Server example's image lookup.
  'ami:account=111111111111:filters.image-type.0=machine:filters.name.0=OpenVPN Access Server*:filters.state.0=available:owners.0=aws-marketplace:region=us-east-1': 'ami-0123456789abcdef0',
  // Templates CloudFormation would reject fail the synth, as in every test of this repository.
  '@aws-cdk/core:validateAgainstDefaultRules': true,
  '@aws-cdk/core:strictCfnValidateErrors': true,
};

/**
 * What the reader already has where an example `declare`s it, built inside the fixture's stack
 * (`this`), each with the acknowledgements it needs of its own. Keyed by `name: Type` as declared.
 */
const STAND_INS: Record<string, string> = {
  'network: PrivateSubnetVpc': "const network = new PrivateSubnetVpc(this, 'Network');",
  'zone: route53.IHostedZone': "const zone = route53.PublicHostedZone.fromHostedZoneAttributes(this, 'Zone', { hostedZoneId: 'Z0123456789ABCDEFGHIJ', zoneName: 'example.com' });",
  'hostedZone: route53.IHostedZone': "const hostedZone = route53.PublicHostedZone.fromHostedZoneAttributes(this, 'Zone', { hostedZoneId: 'Z0123456789ABCDEFGHIJ', zoneName: 'example.com' });",
  'certificate: acm.ICertificate': "const certificate = acm.Certificate.fromCertificateArn(this, 'Certificate', 'arn:aws:acm:us-east-1:111111111111:certificate/11111111-2222-3333-4444-555555555555');",
  'bucket: s3.Bucket': [
    "const bucket = new s3.Bucket(this, 'Bucket', {",
    "  blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL, enforceSSL: true, serverAccessLogsPrefix: 'access-logs/', removalPolicy: RemovalPolicy.DESTROY, autoDeleteObjects: true,",
    '});',
  ].join('\n'),
  'web: SecureFargateService': [
    "const web = new SecureFargateService(this, 'Web', {",
    "  vpc: new PrivateSubnetVpc(this, 'WebNetwork').vpc,",
    "  image: ecs.ContainerImage.fromRegistry('public.ecr.aws/nginx/nginx:stable'),",
    "  domainName: 'app.example.com',",
    "  hostedZone: route53.PublicHostedZone.fromHostedZoneAttributes(this, 'WebZone', { hostedZoneId: 'Z0123456789ABCDEFGHIJ', zoneName: 'example.com' }),",
    "  secrets: { DB_PASSWORD: ecs.Secret.fromSecretsManager(new secretsmanager.Secret(this, 'WebDbPassword')) },",
    '});',
    "Validations.of(this.node.findChild('WebDbPassword')).acknowledge({ id: 'AwsSolutions-SMG4', reason: 'Stand-in for the reader\\'s secret, whose rotation is theirs.' });",
  ].join('\n'),
  'onCall: sns.ITopic': "const onCall = sns.Topic.fromTopicArn(this, 'OnCall', 'arn:aws:sns:us-east-1:111111111111:on-call');",
  'operations: sns.ITopic': "const operations = sns.Topic.fromTopicArn(this, 'Operations', 'arn:aws:sns:us-east-1:111111111111:operations');",
  'shared: PrivateSubnetVpc': "const shared = new PrivateSubnetVpc(this, 'Shared');",
  'application: PrivateSubnetVpc': "const application = new PrivateSubnetVpc(this, 'Application', { cidr: '10.1.0.0/16' });",
  'payments: PrivateSubnetVpc': "const payments = new PrivateSubnetVpc(this, 'Payments', { cidr: '10.1.0.0/16', natGateways: 0 });",
  'analytics: PrivateSubnetVpc': "const analytics = new PrivateSubnetVpc(new Stack(this.node.scope!, 'Analytics', { env: { account: '222222222222', region: this.region } }), 'Analytics', { cidr: '10.3.0.0/16', natGateways: 0 });",
  'orders: PrivateSubnetVpc': "const orders = new PrivateSubnetVpc(this, 'Orders', { cidr: '10.2.0.0/16', natGateways: 0 });",
  'appRole: iam.IRole': "const appRole = iam.Role.fromRoleArn(this, 'AppRole', 'arn:aws:iam::111111111111:role/app');",
  'service: ecs.FargateService': [
    "const serviceTask = new ecs.FargateTaskDefinition(this, 'Task');",
    "serviceTask.addContainer('App', {",
    "  image: ecs.ContainerImage.fromRegistry('public.ecr.aws/nginx/nginx:stable'),",
    "  logging: ecs.LogDrivers.awsLogs({ streamPrefix: 'app', logGroup: new logs.LogGroup(this, 'Logs', { retention: logs.RetentionDays.ONE_YEAR }) }),",
    "  secrets: { DB_PASSWORD: ecs.Secret.fromSecretsManager(new secretsmanager.Secret(this, 'DbPassword')) },",
    '});',
    "const service = new ecs.FargateService(this, 'Service', {",
    "  cluster: new ecs.Cluster(this, 'Cluster', { vpc: new PrivateSubnetVpc(this, 'Network').vpc, containerInsightsV2: ecs.ContainerInsights.ENABLED }),",
    '  taskDefinition: serviceTask,',
    '});',
    "Validations.of(this.node.findChild('DbPassword')).acknowledge({ id: 'AwsSolutions-SMG4', reason: 'Stand-in for the reader\\'s secret, whose rotation is theirs.' });",
  ].join('\n'),
};

/** The example's code with each `declare const name: Type;` replaced by its stand-in. */
export function withStandIns(example: ReadmeExample): string {
  return example.code.replace(/^declare const (\w+): ([\w.]+);$/gm, (declaration, name: string, type: string) => {
    const standIn = STAND_INS[`${name}: ${type}`];
    if (!standIn) {
      throw new Error(`README.md line ${example.line}: no stand-in for \`${declaration}\`; add one to STAND_INS in test/readme-code.ts`);
    }
    return standIn;
  });
}

/** The stack class name of the nth example in a generated program. */
export function exampleClass(example: ReadmeExample): string {
  return `ReadmeLine${example.line}`;
}

/**
 * A module exporting the example as a Stack class (default fixture only): the fixture's imports,
 * and the example with its stand-ins in the constructor of a stack in EXAMPLE_ENV.
 */
export function exampleModule(example: ReadmeExample): string {
  if (example.fixture !== 'default') {
    throw new Error(`README.md line ${example.line}: only examples in the default fixture are stack classes`);
  }
  const fixture = fs.readFileSync(path.join(root, 'rosetta', 'default.ts-fixture'), 'utf8');
  const parts = fixture.split('/// here');
  if (parts.length !== 2 || !parts[0].includes('super(scope, id);')) {
    throw new Error('rosetta/default.ts-fixture changed: expected the imports, a class whose constructor calls super(scope, id), and one "/// here"');
  }
  const [header, footer] = parts;
  return [
    "import { RemovalPolicy } from 'aws-cdk-lib';",
    header
      .replace('class Fixture extends Stack', `export class ${exampleClass(example)} extends Stack`)
      .replace('super(scope, id);', `super(scope, id, { env: ${JSON.stringify(EXAMPLE_ENV)} });`),
    withStandIns(example),
    footer,
  ].join('\n');
}

/** A finding of the validation report, as `plugin: severity rule at paths`. */
export type ReportLine = string;

interface ValidationReport {
  readonly pluginReports?: Array<{
    readonly pluginName: string;
    readonly violations: Array<{ ruleName: string; severity?: string; violatingConstructs?: Array<{ constructPath?: string }> }>;
  }>;
}

/**
 * The findings of a validation report (`validation-report.json` in the output directory) that
 * the README's checks do not let through: any of cdk-nag's AwsSolutions pack, CloudFormation's
 * own validation, or any other plugin, and the errors of GuardedPatternsChecks. The pack's
 * warnings are reported by the synth and, in the README's words, meant to be read, not to fail it.
 */
export function blockingFindings(outdir: string): ReportLine[] {
  const file = path.join(outdir, 'validation-report.json');
  if (!fs.existsSync(file)) {
    return [];
  }
  const report = JSON.parse(fs.readFileSync(file, 'utf8')) as ValidationReport;
  return (report.pluginReports ?? []).flatMap((plugin) => plugin.violations
    .filter((v) => plugin.pluginName !== 'GuardedPatterns' || v.severity === 'error')
    .map((v) => `${plugin.pluginName}: ${v.severity ?? ''} ${v.ruleName} at ${(v.violatingConstructs ?? []).map((c) => c.constructPath).join(', ')}`));
}
