import { beforeAll, describe, expect, test } from 'vitest';
import { ZoneResolver } from '@authgate/dns';
import { verifySpf } from '../src/index.js';
import { agreementTests, judge } from './helpers/differential.js';
import type { Comparison, Judgement } from './helpers/differential.js';
import { KNOWN_DIFFERENCES } from './helpers/pyspf-differences.js';
import { pyspfVerdicts } from './helpers/pyspf.js';
import { generateCorpus } from './helpers/spf-case-generator.js';

/**
 * A differential test against pyspf (Debian's python3-spf), an independent RFC 7208
 * implementation: a seeded corpus of small zones and SMTP transactions, each judged by verifySpf
 * over ZoneResolver and by pyspf over the same zone data (one python process for all cases),
 * for the MAIL FROM identity and the HELO identity. Every disagreement must be one of the
 * KNOWN_DIFFERENCES, each tied to the RFC text that decides it.
 */
// Fixed, so every run judges the same corpus; this one shows every listed difference at least once.
const SEED = 18;
const CASES = 400;

const judged: Comparison[] = [];
let judgement: Judgement = { unexplained: [], explained: new Map() };

beforeAll(async () => {
  const corpus = generateCorpus(SEED, CASES);
  const resolver = new ZoneResolver(corpus.zone);
  const theirs = pyspfVerdicts(corpus.zone, corpus.cases);
  for (const [index, c] of corpus.cases.entries()) {
    const ours = await verifySpf({ ip: c.ip, mailFrom: c.mailFrom, helo: c.helo, resolver, trace: true });
    const name = `case ${c.id} (ip ${c.ip}, mail from <${c.mailFrom}>, helo ${c.helo})`;
    judged.push({ name: `${name} mailfrom`, ip: c.ip, ours, theirs: theirs[index]!.mailfrom, resolver });
    judged.push({ name: `${name} helo`, ip: c.ip, ours: ours.helo!, theirs: theirs[index]!.helo, resolver });
  }
  judgement = await judge('pyspf', judged, KNOWN_DIFFERENCES);
});

describe(`verifySpf against pyspf on ${CASES} generated cases (seed ${SEED})`, () => {
  test('compares both identities of every case', () => {
    expect(judged).toHaveLength(2 * CASES);
  });

  agreementTests(() => ({ judged, judgement }), KNOWN_DIFFERENCES);
});
