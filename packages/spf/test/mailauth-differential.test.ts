import { beforeAll, describe, expect, test } from 'vitest';
import { ZoneResolver } from '@authgate/dns';
import { verifySpf } from '../src/index.js';
import type { SpfResult } from '../src/index.js';
import { judge } from './helpers/differential.js';
import { KNOWN_DIFFERENCES } from './helpers/mailauth-differences.js';
import type { MailauthComparison } from './helpers/mailauth-differences.js';
import { RECEIVER, mailauthSpf, mailauthVersion } from './helpers/mailauth-spf.js';
import { generateCorpus } from './helpers/spf-case-generator.js';

/**
 * A differential test against mailauth's SPF (lib/spf), the implementation most Node.js mail
 * software uses: the generated corpus of the pyspf differential, each case judged by verifySpf
 * over ZoneResolver and by mailauth over the same ZoneResolver, for the MAIL FROM identity only
 * (mailauth has no HELO identity; its `helo` feeds %{h} and the null reverse path, RFC 7208 §2.4,
 * which the corpus covers). Every disagreement must be one of the KNOWN_DIFFERENCES, each tied to
 * the RFC text that decides it.
 */
// Fixed, so every run judges the same corpus; this one shows every listed difference at least once.
const SEED = 14;
const CASES = 1200;

const judged: MailauthComparison[] = [];
let unexplained: string[] = [];
let explained = new Map<string, number>();

beforeAll(async () => {
  const corpus = generateCorpus(SEED, CASES);
  const resolver = new ZoneResolver(corpus.zone);
  for (const c of corpus.cases) {
    const input = { ip: c.ip, mailFrom: c.mailFrom, helo: c.helo };
    const ours = await verifySpf({ ...input, receiver: RECEIVER, resolver, trace: true });
    const theirs = await mailauthSpf(resolver, input);
    judged.push({ name: `case ${c.id} (ip ${c.ip}, mail from <${c.mailFrom}>, helo ${c.helo})`, ip: c.ip, ours, theirs, resolver, zone: corpus.zone, input });
  }
  ({ unexplained, explained } = await judge('mailauth', judged, KNOWN_DIFFERENCES));
});

describe(`verifySpf against mailauth ${mailauthVersion} on ${CASES} generated cases (seed ${SEED})`, () => {
  test('is the version the project pins', () => {
    expect(mailauthVersion).toBe('4.12.0');
  });

  test('compares the MAIL FROM identity of every case', () => {
    expect(judged).toHaveLength(CASES);
  });

  test('the cases reach every result, and the two agree on each of them', () => {
    const agreed = new Set<SpfResult>(judged.filter((c) => c.ours.result === c.theirs.result).map((c) => c.ours.result));
    expect([...agreed].sort()).toEqual(['fail', 'neutral', 'none', 'pass', 'permerror', 'softfail', 'temperror']);
  });

  test('the agreements include every limit and the main errors', () => {
    const codes = new Set<string | undefined>(judged.filter((c) => c.ours.result === c.theirs.result).map((c) => c.ours.problem?.code));
    const expected = ['lookup-limit', 'void-lookup-limit', 'mx-limit', 'multiple-records', 'include-none', 'redirect-none', 'syntax-error', 'invalid-macro', 'dns-error'];
    expect(expected.filter((code) => !codes.has(code))).toEqual([]);
  });

  test('every disagreement is a known difference', () => {
    expect(unexplained).toEqual([]);
  });

  // A listed difference the corpus no longer shows is dead weight in the list.
  test.for(KNOWN_DIFFERENCES.map((difference) => [difference.name, difference] as const))('known difference occurs: %s', ([name, difference]) => {
    expect(explained.get(name) ?? 0, difference.why).toBeGreaterThan(0);
  });
});
