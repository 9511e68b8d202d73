import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, test } from 'vitest';
import { verifyDkim, type DkimVerification } from '@authgate/dkim';
import { answersFor, differentialZone, keyNamesOf, type PeerAnswer } from './peer-zone.js';
import { buildCorpus, MESSAGES, SEED, type Case } from './signed-corpus.js';

/**
 * Live differential test against Perl's Mail::DKIM 1.20230212 (Debian's libmail-dkim-perl): the
 * corpus of the dkimpy differential (test/signed-corpus.ts), verified by both sides with the same
 * DNS answers and the same clock. Signature by signature, both must agree on pass or not pass, or
 * the disagreement must match one of the KNOWN_DIFFERENCES below, each justified by the RFC text.
 * Mail::DKIM runs once for the whole corpus (test/peers/maildkim-verify.pl). maildkim.test.ts
 * compares the two on committed fixtures; this one on generated, mutated cases.
 */

/** The corpus is fixed by SEED, so these only change when the corpus does. */
const SIGNATURES = 1000;
const ED25519_SIGNATURES = 443;

// ---- Mail::DKIM ---------------------------------------------------------------------------------

interface MaildkimVerdict {
  /** pass, fail, invalid (an unusable signature or key), temperror or none. */
  result: string;
  detail: string;
}

function maildkimVerify(answers: Record<string, PeerAnswer>, cases: Case[]): MaildkimVerdict[][] {
  const script = fileURLToPath(new URL('./peers/maildkim-verify.pl', import.meta.url));
  const request = {
    cases: cases.map((c) => ({
      message: c.message.toString('base64'), now: Math.floor(c.now / 1000),
      keys: Object.fromEntries(keyNamesOf(c).map((name) => [name, answers[name]!])),
    })),
  };
  const run = spawnSync('/usr/bin/perl', [script], { input: JSON.stringify(request), encoding: 'utf8', timeout: 60_000, maxBuffer: 64 << 20 });
  if (run.status !== 0) throw new Error(`maildkim-verify.pl failed: ${run.stderr}`);
  return JSON.parse(run.stdout) as MaildkimVerdict[][];
}

// ---- the known, justified differences --------------------------------------------------------

/** One signature's verdicts, with the case it comes from; `index` 0 is the topmost signature. */
interface Pair {
  case: Case;
  index: number;
  ours: DkimVerification;
  maildkim: MaildkimVerdict;
}

interface KnownDifference {
  id: string;
  rfc: string;
  matches: (pair: Pair) => boolean;
}

const specOf = (p: Pair) => p.case.specs[p.index]!;
/** We pass the signature and Mail::DKIM finds the body hash wrong. */
const bodyFailsOnlyThere = (p: Pair) => p.ours.result === 'pass' && p.maildkim.detail === 'fail (body has been altered)';

// The same three departures maildkim.test.ts lists on committed fixtures ("l-zero.eml",
// "no-final-crlf.*", "timestamp-future.eml"), seen here on generated and mutated messages.
const KNOWN_DIFFERENCES: KnownDifference[] = [
  {
    id: 'l=0 read as no limit',
    rfc: 'RFC 6376 §3.5 l=: "the number of octets in the body of the email after canonicalization included in the cryptographic hash", so l=0 signs no body octet and the rest is unsigned content. Mail::DKIM tests l= for truth, reads 0 (false in Perl) as no l= and hashes the whole body, so its body hash never matches a non-empty body.',
    matches: (p) => specOf(p).bodyLength === 'zero' && bodyFailsOnlyThere(p),
  },
  {
    id: 'simple body without a final CRLF',
    rfc: 'RFC 6376 §3.4.3 simple body: "If there is no body or no trailing CRLF on the message body, a CRLF is added." Mail::DKIM adds it to an empty body only, so a body whose last line lacks CRLF (as generated, or after the final CRLF is removed) hashes differently there.',
    matches: (p) => specOf(p).canonicalization.endsWith('/simple') && !p.case.message.toString('latin1').endsWith('\r\n') && bodyFailsOnlyThere(p),
  },
  {
    id: 't= in the future',
    rfc: 'RFC 6376 §3.5 t=: "Implementations MAY ignore signatures that have a timestamp in the future." We do beyond clockSkewSeconds (300 s by default); Mail::DKIM never reads t= when verifying.',
    matches: (p) => p.index === 0 && p.case.variant?.startsWith('t= ') === true && p.ours.problem?.code === 'signature-in-future' && p.maildkim.result === 'pass',
  },
];

// ---- verification by both ----------------------------------------------------------------------

interface Comparison {
  case: Case;
  ours: DkimVerification[];
  maildkim: MaildkimVerdict[];
}

describe(`differential: authgate vs Mail::DKIM 1.20230212 (seed ${SEED}, ${MESSAGES} messages)`, () => {
  let comparisons: Comparison[] = [];

  beforeAll(async () => {
    const zone = await differentialZone();
    const cases = await buildCorpus();
    const theirs = maildkimVerify(await answersFor(zone, cases), cases);
    comparisons = await Promise.all(cases.map(async (c, i) => ({
      case: c, ours: await verifyDkim(c.message, { resolver: zone, now: () => c.now }), maildkim: theirs[i]!,
    })));
  });

  const pairs = () => comparisons.flatMap((c) => c.ours.map((ours, index): Pair => ({ case: c.case, index, ours, maildkim: c.maildkim[index]! })));
  // Mail::DKIM 1.20230212 has no Ed25519 (RFC 8463): it calls every such signature invalid, so
  // comparing them would only list that absence a few hundred times.
  const isEd25519 = (p: Pair) => specOf(p).key === 'ed25519';
  const compared = () => pairs().filter((p) => !isEd25519(p));
  const agrees = (p: Pair) => (p.ours.result === 'pass') === (p.maildkim.result === 'pass');
  const describePair = (p: Pair) => `${p.case.name} [${p.index}]: authgate ${p.ours.result} (${p.ours.reason ?? ''}) Mail::DKIM ${p.maildkim.detail}`;

  test('both sides see the same signatures, and the corpus is the expected one', () => {
    const counts = comparisons.filter((c) => c.ours.length !== c.maildkim.length).map((c) => `${c.case.name}: ${c.ours.length} against ${c.maildkim.length}`);
    expect(counts).toEqual([]);
    expect(pairs()).toHaveLength(SIGNATURES);
    expect(pairs().filter(isEd25519)).toHaveLength(ED25519_SIGNATURES);
    expect(compared()).toHaveLength(SIGNATURES - ED25519_SIGNATURES);
  });

  test('Ed25519 signatures are skipped because Mail::DKIM cannot verify them, not for another reason', () => {
    const other = pairs().filter(isEd25519).filter((p) => p.maildkim.detail !== 'invalid (unsupported algorithm ed25519-sha256)').map(describePair);
    expect(other).toEqual([]);
  });

  test('every intact message passes on both sides, but where a known difference says why not', () => {
    const intact = (c: { case: Case }) => c.case.mutation === 'intact' && c.case.variant === undefined;
    expect(comparisons.filter(intact)).toHaveLength(MESSAGES);
    const failing = compared().filter(intact)
      .filter((p) => !(p.ours.result === 'pass' && p.maildkim.result === 'pass'))
      .filter((p) => !KNOWN_DIFFERENCES.some((d) => d.matches(p)))
      .map(describePair);
    expect(failing).toEqual([]);
  });

  test('every verdict agrees, or differs as a known difference explains', () => {
    const unexplained = compared().filter((p) => !agrees(p) && !KNOWN_DIFFERENCES.some((d) => d.matches(p))).map(describePair);
    expect(unexplained).toEqual([]);
  });

  test('each known difference is real: it occurs in the corpus', () => {
    const disagreements = compared().filter((p) => !agrees(p));
    const seen = new Map(KNOWN_DIFFERENCES.map((d) => [d.id, disagreements.filter((p) => d.matches(p)).length]));
    for (const difference of KNOWN_DIFFERENCES) expect([difference.id, seen.get(difference.id)! > 0]).toEqual([difference.id, true]);
    const all = compared();
    process.stdout.write(`Mail::DKIM differential: ${pairs().length} signatures in ${comparisons.length} cases, ${pairs().length - all.length} Ed25519 skipped, ${all.length} compared, ${all.filter((p) => p.ours.result === 'pass').length} passing here, ${disagreements.length} known differences (${[...seen].map(([id, n]) => `${id}: ${n}`).join('; ')})\n`);
  });
});
