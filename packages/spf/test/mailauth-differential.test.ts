import { beforeAll, describe, expect, test } from 'vitest';
import { ZoneResolver } from '@authgate/dns';
import { verifySpf } from '../src/index.js';
import { agreementTests, judge } from './helpers/differential.js';
import type { Judgement } from './helpers/differential.js';
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
let judgement: Judgement = { unexplained: [], explained: new Map() };

beforeAll(async () => {
  const corpus = generateCorpus(SEED, CASES);
  const resolver = new ZoneResolver(corpus.zone);
  for (const c of corpus.cases) {
    const input = { ip: c.ip, mailFrom: c.mailFrom, helo: c.helo };
    const ours = await verifySpf({ ...input, receiver: RECEIVER, resolver, trace: true });
    const theirs = await mailauthSpf(resolver, input);
    judged.push({ name: `case ${c.id} (ip ${c.ip}, mail from <${c.mailFrom}>, helo ${c.helo})`, ip: c.ip, ours, theirs, resolver, zone: corpus.zone, input });
  }
  judgement = await judge('mailauth', judged, KNOWN_DIFFERENCES);
});

describe(`verifySpf against mailauth ${mailauthVersion} on ${CASES} generated cases (seed ${SEED})`, () => {
  test('is the version the project pins', () => {
    expect(mailauthVersion).toBe('4.12.0');
  });

  test('compares the MAIL FROM identity of every case', () => {
    expect(judged).toHaveLength(CASES);
  });

  agreementTests(() => ({ judged, judgement }), KNOWN_DIFFERENCES);
});
