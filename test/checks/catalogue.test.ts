import { GuardedPatternsChecks, CheckLevel } from '../../src';

describe('the check catalogue', () => {
  const catalogue = GuardedPatternsChecks.catalogue();

  test('every check has a unique ID under the pack name, a reason and a source', () => {
    const ids = catalogue.map((c) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const check of catalogue) {
      expect(check.id).toMatch(/^GuardedPatterns-[A-Z][A-Za-z0-9]+$/);
      expect(Object.values(CheckLevel)).toContain(check.level);
      expect(Object.values(CheckLevel)).toContain(check.patternLevel);
      expect(check.title.length).toBeGreaterThan(20);
      expect(check.reason.length).toBeGreaterThan(40);
      expect(check.source).toMatch(/^https:\/\/docs\.aws\.amazon\.com\//);
      expect(check.patterns.length).toBeGreaterThan(0);
    }
  });
});
