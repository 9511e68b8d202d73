import { SystemResolver } from '@authgate/dns';
import { startAuthoritativeDns, type AuthoritativeDns } from '@authgate/testkit';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { evaluateDmarc, type DmarcEvaluation } from '../src/index.js';
import { pslOrganizationalDomain } from '../src/psl.js';
import { generateCases, zoneDataOf, type DmarcCase } from './maildmarc-cases.js';
import { KNOWN_DIFFERENCES, type Outcome } from './maildmarc-differences.js';
import { mailDmarcVerdicts, type MailDmarcVerdict } from './maildmarc.js';

// A second independent opinion on RFC 7489 mode, beside mailauth: Mail::DMARC (Debian's
// libmail-dmarc-perl) on a few hundred generated cases, both sides asking one real Knot server
// that serves the generated zone. pct sampling is made deterministic on both sides: each case
// carries one number in [0, 1) that is our `random()` and Mail::DMARC's rand() / N
// (peers/maildmarc.pl), so "int(rand(100)) < pct" draws the same on both.

const SEED = 7489;
const COUNT = 400;
const cases = generateCases(SEED, COUNT);

interface Compared {
  c: DmarcCase;
  ours: Outcome;
  theirs: Outcome;
  verdict: MailDmarcVerdict;
  evaluation: DmarcEvaluation;
}

/** The differences are those of this release (Debian bookworm's libmail-dmarc-perl). */
const MAIL_DMARC_VERSION = '1.20211209';
/** How many cases agree on result and disposition; the other ones are listed differences. */
const AGREEING = 324;

let dns: AuthoritativeDns;
let compared: Compared[];
let version: string;

beforeAll(async () => {
  dns = await startAuthoritativeDns({ zoneData: zoneDataOf(cases) });
  const resolver = new SystemResolver({ servers: [dns.address] });
  const { version: theirVersion, verdicts } = await mailDmarcVerdicts(cases, dns);
  version = theirVersion;
  compared = await Promise.all(
    cases.map(async (c, index) => {
      const evaluation = await evaluateDmarc({ from: c.from, spf: c.spf, dkim: c.dkim, resolver, mode: 'rfc7489', random: () => c.random });
      const verdict = verdicts[index]!;
      // Mail::DMARC passes the p or sp value through as written ("Reject"); keywords are
      // case-insensitive (RFC 5234 §2.3), so its disposition is compared in lower case.
      const theirs = verdict.error === undefined ? `${verdict.result}/${verdict.disposition?.toLowerCase()}` : `error: ${verdict.error}`;
      return { c, ours: `${evaluation.result}/${evaluation.disposition}`, theirs, verdict, evaluation };
    }),
  );
});

afterAll(async () => {
  await dns?.stop();
});

const differing = () => compared.filter((x) => x.ours !== x.theirs);
const explaining = (c: DmarcCase) => KNOWN_DIFFERENCES.filter((difference) => difference.applies(c));
const describeCase = (x: Compared) => `${x.c.id} ${x.c.from}: ours ${x.ours}, Mail::DMARC ${x.theirs} (${x.verdict.reason ?? ''}); ${JSON.stringify({ txt: x.c.txt, exists: x.c.exists, spf: x.c.spf, dkim: x.c.dkim })}`;

describe('RFC 7489 mode against Mail::DMARC (libmail-dmarc-perl)', () => {
  test('is the Mail::DMARC release the differences were established with', () => {
    expect(version).toBe(MAIL_DMARC_VERSION);
  });

  test(`compares all ${COUNT} generated cases, ${AGREEING} of them agreeing`, () => {
    expect(compared).toHaveLength(COUNT);
    expect(COUNT - differing().length).toBe(AGREEING);
    expect(compared.filter((x) => x.verdict.id !== x.c.id || x.verdict.error !== undefined).map(describeCase)).toEqual([]);
  });

  test('finds the same Organizational Domain by its Public Suffix List as we do by tldts', () => {
    const mismatched = compared.filter((x) => x.verdict.organizationalDomain !== pslOrganizationalDomain(x.c.author));
    expect(mismatched.map((x) => `${x.c.author}: ${pslOrganizationalDomain(x.c.author)} vs ${x.verdict.organizationalDomain}`)).toEqual([]);
  });

  test('agrees on result and disposition except where a listed difference applies', () => {
    expect(differing().filter((x) => explaining(x.c).length === 0).map(describeCase)).toEqual([]);
  });

  test('says what each listed difference predicts when it is the only one in a case', () => {
    const wrong = differing().flatMap((x) => {
      const [only, ...more] = explaining(x.c);
      if (only?.theirs === undefined || more.length > 0) return [];
      const predicted = only.theirs(x.ours);
      return predicted === x.theirs ? [] : [`${only.id}: predicted ${predicted}; ${describeCase(x)}`];
    });
    expect(wrong).toEqual([]);
  });

  test('every listed difference is the only explanation of at least one disagreement', () => {
    const used = new Set(differing().flatMap((x) => (explaining(x.c).length === 1 ? [explaining(x.c)[0]!.id] : [])));
    expect(KNOWN_DIFFERENCES.map((difference) => difference.id).filter((id) => !used.has(id))).toEqual([]);
  });
});
