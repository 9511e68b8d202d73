import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, test } from 'vitest';
import { verifyDkim, type DkimErrorCode, type DkimVerification } from '@authgate/dkim';
import { answersFor, differentialZone, type PeerAnswer } from './peer-zone.js';
import { buildCorpus, MESSAGES, SEED, type Case } from './signed-corpus.js';

/**
 * Differential test against dkimpy 1.1.4 (Debian's python3-dkim): a corpus generated from a fixed
 * seed and signed by our signDkim, mutated (test/signed-corpus.ts), then verified by both sides
 * with the same DNS answers and the same clock. Signature by signature, both must agree on pass or
 * not pass, or the disagreement must match one of the KNOWN_DIFFERENCES below, each justified by
 * the RFC text.
 * dkimpy runs once for the whole corpus (test/peers/dkimpy-verify.py, Debian's /usr/bin/python3).
 */

/** Signatures compared: the corpus is fixed by SEED, so this only changes when the corpus does. */
const SIGNATURES = 1000;

// ---- dkimpy -------------------------------------------------------------------------------------

interface DkimpyVerdict {
  pass: boolean;
  reason: string | null;
}

function dkimpyVerify(keys: Record<string, PeerAnswer>, cases: Case[]): DkimpyVerdict[][] {
  const script = fileURLToPath(new URL('./peers/dkimpy-verify.py', import.meta.url));
  const request = { keys, cases: cases.map((c) => ({ message: c.message.toString('base64'), now: Math.floor(c.now / 1000) })) };
  const run = spawnSync('/usr/bin/python3', [script], { input: JSON.stringify(request), encoding: 'utf8', timeout: 60_000, maxBuffer: 64 << 20 });
  if (run.status !== 0) throw new Error(`dkimpy-verify.py failed: ${run.stderr}`);
  return JSON.parse(run.stdout) as DkimpyVerdict[][];
}

// ---- the known, justified differences --------------------------------------------------------

/** One signature's verdicts, with the case it comes from; `index` 0 is the topmost signature. */
interface Pair {
  case: Case;
  index: number;
  ours: DkimVerification;
  dkimpy: DkimpyVerdict;
}

interface KnownDifference {
  id: string;
  rfc: string;
  matches: (pair: Pair) => boolean;
}

const specOf = (p: Pair) => p.case.specs[p.index]!;
const topmostOf = (variant: string) => (p: Pair) => p.index === 0 && p.case.variant === variant;
const passesOnlyThere = (code: DkimErrorCode) => (p: Pair) => p.ours.problem?.code === code && p.dkimpy.pass;

const KNOWN_DIFFERENCES: KnownDifference[] = [
  {
    id: 'a From added above the one signed',
    rfc: 'RFC 6376 §5.4.2: h= naming From once signs the physically last From only; naming it once more than it occurs is how a signer forbids another (§8.15, our default h=). Without that, the signature still verifies, and §8.15 warns that "an agent would be incorrect to infer that all instances of a header field are signed just because one is". dkimpy (Debian bug #644046) hashes one From more than h= names, so the added From breaks it there; §3.8 lets a verifier refuse such a message (two From fields, against RFC 5322 §3.6), so this is its policy rather than a wrong verdict on either side.',
    matches: (p) => p.case.mutation === 'From added on top' && specOf(p).headers === 'listed' && p.ours.result === 'pass' && !p.dkimpy.pass && p.dkimpy.reason === null,
  },
  {
    id: 'x= an hour past: inside dkimpy\'s 10-hour slop',
    rfc: 'RFC 6376 §3.5 x=: signatures "MAY be considered invalid" after the expiration, and §6.1.1 MAY return PERMFAIL (signature expired); how much clock skew to allow is left to the verifier. We allow clockSkewSeconds (300 s by default), dkimpy 36,000 s.',
    matches: (p) => topmostOf('expired an hour ago')(p) && passesOnlyThere('signature-expired')(p),
  },
  {
    id: 't= an hour ahead: inside dkimpy\'s 10-hour slop',
    rfc: 'RFC 6376 §3.5 t=: "Implementations MAY ignore signatures that have a timestamp in the future"; how far ahead is left to the verifier. We ignore them beyond clockSkewSeconds (300 s by default), dkimpy beyond 36,000 s.',
    matches: (p) => topmostOf('t= an hour ahead')(p) && passesOnlyThere('signature-in-future')(p),
  },
  {
    id: 'key h= without sha256',
    rfc: 'RFC 6376 §6.1.2 step 6: if the key record\'s h= does not include the hash of a=, the verifier "MUST ignore the key record and return PERMFAIL (inappropriate hash algorithm)". dkimpy never reads the key record\'s h=.',
    matches: (p) => specOf(p).selector === 'sha1only' && passesOnlyThere('key-hash-mismatch')(p),
  },
  {
    id: 'key t=s with i= at a subdomain',
    rfc: 'RFC 6376 §3.6.1 t=s: signatures using i= "MUST have the same domain value on the right-hand side of the @ in the i= tag and the value of the d= tag. That is, the i= domain MUST NOT be a subdomain of d=" (§3.10). dkimpy never reads the key record\'s t= flags.',
    matches: (p) => specOf(p).selector === 'strict' && specOf(p).identity?.endsWith('@signer.example') === false && passesOnlyThere('key-identity-mismatch')(p),
  },
  {
    id: 'key s= listing email among other services',
    rfc: 'RFC 6376 §3.6.1 s=: "A colon-separated list of service types"; verifiers "MUST ignore this record if the appropriate type is not listed" and email is listed in s=other:email, so the key serves email. dkimpy compares the whole s= value with "*", "email" and "tlsrpt", drops the key and fails with UnknownKeyTypeError.',
    matches: (p) => specOf(p).selector === 'services' && p.ours.result === 'pass' && !p.dkimpy.pass && p.dkimpy.reason?.startsWith('UnknownKeyTypeError') === true,
  },
  {
    id: 'white space ending a last line without CRLF',
    rfc: 'RFC 6376 §3.4.4 a.: "Ignore all whitespace at the end of lines", then b.: a CRLF is added to a non-empty body that lacks one. Whether the unterminated tail is one of the lines of a. is not said: we drop its trailing white space (as go-msgauth does, see packages/dkim/README.md), dkimpy strips white space only before a CRLF and keeps it, so the relaxed body hashes differ.',
    matches: (p) => specOf(p).canonicalization.endsWith('/relaxed') && /[ \t]$/.test(p.case.message.toString('latin1'))
      && p.ours.result === 'pass' && p.dkimpy.reason?.startsWith('ValidationError: body hash mismatch') === true,
  },
];

// ---- verification by both ----------------------------------------------------------------------

interface Comparison {
  case: Case;
  ours: DkimVerification[];
  dkimpy: DkimpyVerdict[];
}

describe(`differential: authgate vs dkimpy 1.1.4 (seed ${SEED}, ${MESSAGES} messages)`, () => {
  let comparisons: Comparison[] = [];

  beforeAll(async () => {
    const zone = await differentialZone();
    const cases = await buildCorpus();
    const theirs = dkimpyVerify(await answersFor(zone, cases), cases);
    comparisons = await Promise.all(cases.map(async (c, i) => ({
      case: c, ours: await verifyDkim(c.message, { resolver: zone, now: () => c.now }), dkimpy: theirs[i]!,
    })));
  });

  const pairs = () => comparisons.flatMap((c) => c.ours.map((ours, index): Pair => ({ case: c.case, index, ours, dkimpy: c.dkimpy[index]! })));
  const agrees = (p: Pair) => p.dkimpy !== undefined && (p.ours.result === 'pass') === p.dkimpy.pass;
  const describePair = (p: Pair) => `${p.case.name} [${p.index}]: authgate ${p.ours.result} (${p.ours.reason ?? ''}) dkimpy ${p.dkimpy?.pass ? 'pass' : 'fail'} (${p.dkimpy?.reason ?? ''})`;

  test('both sides see the same signatures, and the corpus is the expected one', () => {
    const counts = comparisons.filter((c) => c.ours.length !== c.dkimpy.length).map((c) => `${c.case.name}: ${c.ours.length} against ${c.dkimpy.length}`);
    expect(counts).toEqual([]);
    expect(pairs()).toHaveLength(SIGNATURES);
  });

  test('every intact message passes on both sides, but where a known difference says why not', () => {
    const intact = (c: { case: Case }) => c.case.mutation === 'intact' && c.case.variant === undefined;
    expect(comparisons.filter(intact)).toHaveLength(MESSAGES);
    const failing = pairs().filter(intact)
      .filter((p) => !(p.ours.result === 'pass' && p.dkimpy.pass))
      .filter((p) => !KNOWN_DIFFERENCES.some((d) => d.matches(p)))
      .map(describePair);
    expect(failing).toEqual([]);
  });

  test('every verdict agrees, or differs as a known difference explains', () => {
    const unexplained = pairs().filter((p) => !agrees(p) && !KNOWN_DIFFERENCES.some((d) => d.matches(p))).map(describePair);
    expect(unexplained).toEqual([]);
  });

  test('each known difference is real: it occurs in the corpus', () => {
    const disagreements = pairs().filter((p) => !agrees(p));
    const seen = new Map(KNOWN_DIFFERENCES.map((d) => [d.id, disagreements.filter((p) => d.matches(p)).length]));
    for (const difference of KNOWN_DIFFERENCES) expect([difference.id, seen.get(difference.id)! > 0]).toEqual([difference.id, true]);
    const all = pairs();
    process.stdout.write(`dkimpy differential: ${all.length} signatures in ${comparisons.length} cases, ${all.filter((p) => p.ours.result === 'pass').length} passing here, ${disagreements.length} known differences (${[...seen].map(([id, n]) => `${id}: ${n}`).join('; ')})\n`);
  });
});
