/**
 * Writes the generated sections of README.md between their markers: the check catalogue, the
 * checks each pattern embeds, the
 * cost of each pattern's defaults, and the AWS Control Tower controls the defaults fail.
 * `npm run readme`; a test fails when any of them is stale.
 */
import * as fs from 'fs';
import * as path from 'path';
import { renderControls } from './controls';
import { renderCosts, renderDnsCosts } from './cost-model';
import { PATTERN_CHECKS, PatternName, renderCatalogue, renderEmbedded } from '../src/checks/catalogue';

/** Replaces what stands between `<!-- name:start -->` and `<!-- name:end -->`. */
export function replaceSection(text: string, name: string, content: string): string {
  const pattern = new RegExp(`(<!-- ${name}:start -->\\n)[\\s\\S]*?(<!-- ${name}:end -->)`);
  if (!pattern.test(text)) {
    throw new Error(`README.md has no <!-- ${name}:start --> / <!-- ${name}:end --> markers`);
  }
  return text.replace(pattern, (_all, start: string, end: string) => `${start}${content}\n${end}`);
}

if (require.main === module) {
  const readmePath = path.join(__dirname, '..', 'README.md');
  let readme = fs.readFileSync(readmePath, 'utf8');
  readme = replaceSection(readme, 'catalogue', renderCatalogue());
  for (const pattern of Object.keys(PATTERN_CHECKS) as PatternName[]) {
    readme = replaceSection(readme, `checks-${pattern}`, renderEmbedded(pattern));
  }
  readme = replaceSection(readme, 'costs', renderCosts());
  readme = replaceSection(readme, 'dns-costs', renderDnsCosts());
  readme = replaceSection(readme, 'controls', renderControls());
  fs.writeFileSync(readmePath, readme);
}
