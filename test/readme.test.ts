import * as fs from 'fs';
import * as path from 'path';
import { Template } from 'aws-cdk-lib/assertions';
import { TEST_ENV, testApp } from './util';
import { StartupStack } from '../examples/lib/startup-stack';
import { renderControls } from '../scripts/controls';
import { patternCosts, renderCosts, renderDnsCosts } from '../scripts/cost-model';
import { PATTERN_CHECKS, PatternName, renderCatalogue, renderEmbedded } from '../src/checks/catalogue';
import {
  AURORA_IO_PER_MILLION_USD, AURORA_SERVERLESS_V2_ACU_HOURLY_USD, AURORA_STORAGE_GB_MONTHLY_USD, HOURS_PER_MONTH, SECRET_MONTHLY_USD,
} from '../src/private/pricing';

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

    test('the SecretRotationRecycler section quotes what the startup example\'s database costs at its minimum capacity', () => {
      const stack = new StartupStack(testApp(), 'StartupApp', { env: TEST_ENV });
      const cluster = Object.values(Template.fromStack(stack).findResources('AWS::RDS::DBCluster'));
      expect(cluster).toHaveLength(1);
      const minimum: number = cluster[0].Properties.ServerlessV2ScalingConfiguration.MinCapacity;
      const capacity = AURORA_SERVERLESS_V2_ACU_HOURLY_USD * HOURS_PER_MONTH * minimum;
      const text = patternSection('SecretRotationRecycler');
      expect(text).toContain(`${minimum} ACU, $${AURORA_SERVERLESS_V2_ACU_HOURLY_USD.toFixed(2)} per ACU-hour | $${capacity.toFixed(2)} |`);
      expect(text).toContain(`$${SECRET_MONTHLY_USD.toFixed(2)} a month`);
      expect(text).toContain(`$${AURORA_STORAGE_GB_MONTHLY_USD.toFixed(2)} per GB-month, and I/O, $${AURORA_IO_PER_MILLION_USD.toFixed(2)} per million requests`);
      expect(text).toContain(`at least $${(capacity + SECRET_MONTHLY_USD).toFixed(2)} a month`);
    });
  });
});
