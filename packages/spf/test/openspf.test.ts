import { describe, expect, test } from 'vitest';
import { ZoneResolver } from '@authgate/dns';
import { verifySpf } from '../src/index.js';
import { loadSuite } from './helpers/openspf-suite.js';
import type { SuiteTest } from './helpers/openspf-suite.js';

/**
 * The openspf RFC 7208 test suite, driven from its YAML: one vitest test per suite test, named
 * after it, inside one `describe` per scenario, answered by a `ZoneResolver` over the scenario's
 * zonedata (which applies the suite drivers' SPF-as-TXT and TIMEOUT conventions). As those
 * drivers do, the default explanation is set to the placeholder 'DEFAULT' the suite expects.
 */
const scenarios = loadSuite(new URL('../../../test-fixtures/openspf/rfc7208-tests.yml', import.meta.url));

/**
 * Explanations compared without regard to ASCII case. Only v-macro-ip6: its expected text holds
 * the %{ir} nibbles of an IPv6 address in upper case (as pyspf writes them), while this checker
 * writes them in lower case, as RFC 7208 §7.4's IPv6 example and RFC 5952 §4.3 do. Hex digits are
 * case-insensitive (RFC 4291 §2.2) and so are the DNS names they form (RFC 4343).
 */
const CASE_INSENSITIVE_EXPLANATION = new Set(['v-macro-ip6']);

test('the suite file has every scenario and test', () => {
  expect(scenarios).toHaveLength(16);
  expect(scenarios.reduce((sum, scenario) => sum + scenario.tests.length, 0)).toBe(203);
});

for (const scenario of scenarios) {
  describe(scenario.description, () => {
    test.for(scenario.tests)('$name', async (suiteTest: SuiteTest) => {
      const outcome = await verifySpf({
        ip: suiteTest.host,
        mailFrom: suiteTest.mailfrom,
        helo: suiteTest.helo,
        resolver: new ZoneResolver(scenario.zonedata),
        defaultExplanation: 'DEFAULT',
        ...(suiteTest.receiver === undefined ? {} : { receiver: suiteTest.receiver }),
      });
      const accepted = Array.isArray(suiteTest.result) ? suiteTest.result : [suiteTest.result];
      expect(accepted, `spec ${suiteTest.spec}: ${JSON.stringify(outcome.problem ?? outcome.mechanism)}`).toContain(outcome.result);
      if (suiteTest.explanation !== undefined) {
        if (CASE_INSENSITIVE_EXPLANATION.has(suiteTest.name)) {
          expect(outcome.explanation?.toLowerCase()).toBe(suiteTest.explanation.toLowerCase());
        } else {
          expect(outcome.explanation).toBe(suiteTest.explanation);
        }
      }
    });
  });
}
