import * as fs from 'fs';
import * as path from 'path';
import { ALL_CHECKS, PATTERN_CHECKS, PatternName } from '../../src/checks/catalogue';
import { Check } from '../../src/checks/check';

const SRC = path.join(__dirname, '..', '..', 'src');
const CHECKS = path.join(SRC, 'checks');

/** The folder of the pattern: the one whose file declares its class. */
function folderOf(pattern: string): string {
  const folders = fs.readdirSync(SRC, { withFileTypes: true }).filter((d) => d.isDirectory() && d.name !== 'checks' && d.name !== 'private');
  const owner = folders.find((d) => sourceFiles(path.join(SRC, d.name)).some((file) => fs.readFileSync(file, 'utf8').includes(`export class ${pattern} `)));
  if (!owner) {
    throw new Error(`no folder under src/ declares ${pattern}`);
  }
  return path.join(SRC, owner.name);
}

/** The construct code of a pattern folder: not the Lambda handlers, which checks never run in. */
function sourceFiles(folder: string): string[] {
  return fs.readdirSync(folder, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.lambda.ts'))
    .map((f) => path.join(folder, f));
}

/** The checks a file imports from src/checks/: the ones it raises, acknowledges or runs itself. */
function importedChecks(file: string): Check[] {
  const text = fs.readFileSync(file, 'utf8');
  const checks: Check[] = [];
  for (const [, names, from] of text.matchAll(/^import \{([^}]*)\} from '(\.[^']*)';$/gm)) {
    const module = path.resolve(path.dirname(file), from);
    if (!module.startsWith(`${CHECKS}${path.sep}`)) {
      continue;
    }
    const exports = jest.requireActual(module);
    for (const name of names.split(',').map((n) => n.trim()).filter((n) => n.length > 0)) {
      if (ALL_CHECKS.includes(exports[name])) {
        checks.push(exports[name]);
      }
    }
  }
  return checks;
}

describe('PATTERN_CHECKS, the one declaration of which checks each pattern embeds', () => {
  const patterns = Object.keys(PATTERN_CHECKS) as PatternName[];

  test('a row holds a check once', () => {
    for (const pattern of patterns) {
      expect(new Set(PATTERN_CHECKS[pattern]).size).toBe(PATTERN_CHECKS[pattern].length);
    }
  });

  test.each(patterns)('%s embeds its row', (pattern) => {
    const calls = sourceFiles(folderOf(pattern)).flatMap((file) => [...fs.readFileSync(file, 'utf8').matchAll(/embedChecks\(this, ([^,)]*)/g)].map((m) => m[1]));
    expect(calls).toContain(`PATTERN_CHECKS.${pattern}`);
  });

  test.each(patterns)('every check that %s raises or runs itself is in its row', (pattern) => {
    const used = sourceFiles(folderOf(pattern)).flatMap(importedChecks);
    const missing = used.filter((check) => !PATTERN_CHECKS[pattern].includes(check)).map((c) => c.id);
    expect(missing).toEqual([]);
  });

  test.each(patterns)('every check in the row of %s that reads no template is raised by the pattern', (pattern) => {
    // A check that reads the template is run by the embedding; one that reads only props must be
    // raised by the pattern's code, or the row claims what the pattern never reports.
    const used = new Set(sourceFiles(folderOf(pattern)).flatMap(importedChecks));
    const unraised = PATTERN_CHECKS[pattern].filter((check) => check.resourceTypes.length === 0 && !used.has(check)).map((c) => c.id);
    expect(unraised).toEqual([]);
  });
});
