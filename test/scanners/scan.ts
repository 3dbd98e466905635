import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { CfnGuardValidator } from '@cdklabs/cdk-validator-cfnguard';
import { App } from 'aws-cdk-lib';

/** A cfn-lint finding, as `cfn-lint --format json` reports it. */
export interface LintFinding {
  readonly rule: string;
  readonly level: string;
  readonly templatePath: string;
  /** The logical ID of the resource the finding is on, if it is on one. */
  readonly logicalId?: string;
  readonly message: string;
}

interface CfnLintJson {
  readonly Rule: { readonly Id: string };
  readonly Level: string;
  readonly Filename: string;
  readonly Location: { readonly Path?: Array<string | number> };
  readonly Message: string;
}

/**
 * Runs the machine's cfn-lint once over every template (it takes seconds to start) and returns
 * its findings. Fails when cfn-lint itself fails or prints no JSON.
 */
export function runCfnLint(templatePaths: string[]): Promise<LintFinding[]> {
  return new Promise((resolve, reject) => {
    const child = spawn('cfn-lint', ['--format', 'json', '--', ...templatePaths], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    child.on('error', reject);
    child.on('close', (code) => {
      // The exit code is a bit mask of the finding levels (2 error, 4 warning, 8 informational); 1 is a crash.
      if (code === null || code % 2 === 1) {
        reject(new Error(`cfn-lint failed (exit ${code}): ${stderr}`));
        return;
      }
      const raw = JSON.parse(stdout) as CfnLintJson[];
      resolve(raw.map((f) => {
        const location = f.Location.Path ?? [];
        return {
          rule: f.Rule.Id,
          level: f.Level,
          templatePath: path.resolve(f.Filename),
          logicalId: location[0] === 'Resources' ? String(location[1]) : undefined,
          message: f.Message,
        };
      }));
    });
  });
}

/** A failed AWS Control Tower proactive control, on one resource of one template. */
export interface ControlFinding {
  /** The control ID, such as `CT.EC2.PR.10`. */
  readonly control: string;
  readonly templatePath: string;
  /** The failing resource; cfn-guard reports some failures of a rule's helper clauses on no resource. */
  readonly logicalId?: string;
}

const RULES_DIR = path.join(path.dirname(require.resolve('@cdklabs/cdk-validator-cfnguard/package.json')), 'rules', 'control-tower', 'cfn-guard');

/** Each cfn-guard rule name of the bundled controls, mapped to its control ID (`ct-ec2-pr-10.guard` is CT.EC2.PR.10). */
function controlIds(): Map<string, string> {
  const ids = new Map<string, string>();
  for (const service of fs.readdirSync(RULES_DIR)) {
    for (const file of fs.readdirSync(path.join(RULES_DIR, service))) {
      const control = path.basename(file, '.guard').toUpperCase().replace(/-/g, '.');
      const text = fs.readFileSync(path.join(RULES_DIR, service, file), 'utf8');
      // The first rule of each file is the control; the others are its helpers.
      const name = /^rule (\S+)/m.exec(text)?.[1];
      if (name) {
        ids.set(name, control);
      }
    }
  }
  return ids;
}

/**
 * Runs the Control Tower proactive controls that `@cdklabs/cdk-validator-cfnguard` bundles over the
 * templates, through the plugin's own `validate` (one cfn-guard process for every template), and
 * returns each failed control on each resource.
 */
export function runControlTower(templatePaths: string[]): ControlFinding[] {
  const ids = controlIds();
  // The plugin reads only the template paths; the app it would get at synth is not needed.
  const report = new CfnGuardValidator().validate({ templatePaths, appConstruct: new App() });
  const found = new Map<string, ControlFinding>();
  for (const violation of report.violations) {
    const control = ids.get(violation.ruleName);
    if (!control) {
      throw new Error(`cfn-guard reported ${violation.ruleName}, which no bundled control defines`);
    }
    for (const resource of violation.violatingResources) {
      const finding = { control, templatePath: path.resolve(resource.templatePath), logicalId: resource.resourceLogicalId };
      found.set(JSON.stringify(finding), finding);
    }
  }
  return [...found.values()];
}

/** Where a resource comes from: the pattern that creates it, or the app itself. */
export interface Owner {
  /** The pattern's class name, or `undefined` for a resource no pattern creates. */
  readonly pattern?: string;
  /** The resource's construct path below the pattern (or below its stack), without `/Resource`. */
  readonly resource: string;
}

/**
 * Resources that aws-cdk-lib creates once per stack, outside the pattern that asks for them: their
 * construct ID at the stack's top level and the pattern that causes them.
 */
const STACK_SINGLETONS: Record<string, string> = {
  // ec2.Vpc's restrictDefaultSecurityGroup, which PrivateSubnetVpc turns on.
  'Custom::VpcRestrictDefaultSGCustomResourceProvider': 'PrivateSubnetVpc',
};

/**
 * The owner of a resource of a synthesized template, from its `aws:cdk:path` metadata and the
 * construct paths of the patterns in the app.
 */
export function ownerOf(templatePath: string, logicalId: string, patterns: Record<string, string>): Owner {
  const template = readTemplate(templatePath);
  const cdkPath = template.Resources?.[logicalId]?.Metadata?.['aws:cdk:path'];
  if (typeof cdkPath !== 'string') {
    throw new Error(`${templatePath}: resource ${logicalId} has no aws:cdk:path metadata`);
  }
  const trim = (p: string) => p.replace(/\/Resource$/, '');
  const owner = Object.keys(patterns)
    .filter((p) => cdkPath.startsWith(`${p}/`))
    .sort((a, b) => b.length - a.length)[0];
  if (owner) {
    return { pattern: patterns[owner], resource: trim(cdkPath.substring(owner.length + 1)) };
  }
  const inStack = cdkPath.substring(cdkPath.indexOf('/') + 1);
  const singleton = STACK_SINGLETONS[inStack.split('/')[0]];
  return { pattern: singleton, resource: trim(inStack) };
}

interface TemplateJson {
  readonly Resources?: Record<string, { readonly Type: string; readonly Metadata?: Record<string, unknown> }>;
}

const templates = new Map<string, TemplateJson>();

function readTemplate(templatePath: string): TemplateJson {
  let template = templates.get(templatePath);
  if (!template) {
    template = JSON.parse(fs.readFileSync(templatePath, 'utf8')) as TemplateJson;
    templates.set(templatePath, template);
  }
  return template;
}
