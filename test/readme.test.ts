import * as fs from 'fs';
import * as path from 'path';
import { renderControls } from '../scripts/controls';
import { patternCosts, renderCosts, renderDnsCosts } from '../scripts/cost-model';
import { PATTERN_CHECKS, PatternName, renderCatalogue, renderEmbedded } from '../src/checks/catalogue';
import { HOURS_PER_MONTH } from '../src/private/pricing';

const readme = fs.readFileSync(path.join(__dirname, '..', 'README.md'), 'utf8');

/** What stands between `<!-- name:start -->` and `<!-- name:end -->`. */
function section(name: string): string {
  const match = new RegExp(`<!-- ${name}:start -->\\n([\\s\\S]*?)\\n<!-- ${name}:end -->`).exec(readme);
  if (!match) {
    throw new Error(`README.md has no ${name} markers`);
  }
  return match[1];
}

/** A pattern's own section: from its heading to the next top-level heading. */
function patternSection(pattern: string): string {
  const start = readme.indexOf(`\n## ${pattern}\n`);
  expect(start).toBeGreaterThan(-1);
  const end = readme.indexOf('\n## ', start + 1);
  return readme.substring(start, end);
}

// When a test here fails, run `npm run readme` and commit the README.
describe('README', () => {
  test('the check catalogue is the one the checks define', () => {
    expect(section('catalogue')).toBe(renderCatalogue());
  });

  test.each(Object.keys(PATTERN_CHECKS) as PatternName[])('the checks %s embeds are its row of PATTERN_CHECKS', (pattern) => {
    expect(section(`checks-${pattern}`)).toBe(renderEmbedded(pattern));
  });

  test('PrivateLinkConsumer\'s DNS strategies are compared by the prices of src/private/pricing.ts', () => {
    expect(section('dns-costs')).toBe(renderDnsCosts());
  });

  test('the Control Tower table is the one the scanner test checks', () => {
    expect(section('controls')).toBe(renderControls());
  });

  describe('costs', () => {
    const costs = patternCosts();

    test('the cost table is the one the synthesized defaults give', () => {
      expect(section('costs')).toBe(renderCosts(costs));
    });

    test('"Use it in your app" quotes what its smallest app, a PrivateSubnetVpc, costs a month and an hour', () => {
      const text = patternSection('Use it in your app');
      const { lines } = costs.find((c) => c.pattern === 'PrivateSubnetVpc')!;
      const total = lines.reduce((sum, l) => sum + l.monthlyUsd, 0);
      expect(text).toContain(`$${total.toFixed(2)} a month while it stands, about $${(total / HOURS_PER_MONTH).toFixed(2)} an hour`);
      for (const line of lines) {
        expect(text).toContain(`$${line.monthlyUsd.toFixed(2)}`);
      }
    });

    test.each(costs.map((c) => [c.pattern, c]))('the %s section quotes the same amounts', (pattern, { lines }) => {
      const text = patternSection(pattern);
      for (const line of lines) {
        expect(text).toContain(`$${line.monthlyUsd.toFixed(2)}`);
      }
    });
  });
});
