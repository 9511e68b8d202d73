import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe } from 'vitest';
import type { DkimErrorCode } from '@authgate/dkim';
import { compareWithPeer, type KnownDifference, type Peer, type PeerPair } from './peer-differential.js';
import type { PeerAnswer } from './peer-zone.js';
import { MESSAGES, SEED, type Case } from './signed-corpus.js';

/**
 * Differential test against dkimpy 1.1.4 (Debian's python3-dkim): a corpus generated from a fixed
 * seed and signed by our signDkim, mutated (test/signed-corpus.ts), then verified by both sides
 * with the same DNS answers and the same clock. Signature by signature, both must agree on pass or
 * not pass, or the disagreement must match one of the KNOWN_DIFFERENCES below, each justified by
 * the RFC text.
 * dkimpy runs once for the whole corpus (test/peers/dkimpy-verify.py, Debian's /usr/bin/python3).
 */

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

type Pair = PeerPair<DkimpyVerdict>;

const specOf = (p: Pair) => p.case.specs[p.index]!;
const topmostOf = (variant: string) => (p: Pair) => p.index === 0 && p.case.variant === variant;
const passesOnlyThere = (code: DkimErrorCode) => (p: Pair) => p.ours.problem?.code === code && p.theirs.pass;

const KNOWN_DIFFERENCES: KnownDifference<DkimpyVerdict>[] = [
  {
    id: 'a From added above the one signed',
    rfc: 'RFC 6376 §5.4.2: h= naming From once signs the physically last From only; naming it once more than it occurs is how a signer forbids another (§8.15, our default h=). Without that, the signature still verifies, and §8.15 warns that "an agent would be incorrect to infer that all instances of a header field are signed just because one is". dkimpy (Debian bug #644046) hashes one From more than h= names, so the added From breaks it there; §3.8 lets a verifier refuse such a message (two From fields, against RFC 5322 §3.6), so this is its policy rather than a wrong verdict on either side.',
    matches: (p) => p.case.mutation === 'From added on top' && specOf(p).headers === 'listed' && p.ours.result === 'pass' && !p.theirs.pass && p.theirs.reason === null,
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
    matches: (p) => specOf(p).selector === 'services' && p.ours.result === 'pass' && !p.theirs.pass && p.theirs.reason?.startsWith('UnknownKeyTypeError') === true,
  },
  {
    id: 'white space ending a last line without CRLF',
    rfc: 'RFC 6376 §3.4.4 a.: "Ignore all whitespace at the end of lines", then b.: a CRLF is added to a non-empty body that lacks one. Whether the unterminated tail is one of the lines of a. is not said: we drop its trailing white space (as go-msgauth does, see packages/dkim/README.md), dkimpy strips white space only before a CRLF and keeps it, so the relaxed body hashes differ.',
    matches: (p) => specOf(p).canonicalization.endsWith('/relaxed') && /[ \t]$/.test(p.case.message.toString('latin1'))
      && p.ours.result === 'pass' && p.theirs.reason?.startsWith('ValidationError: body hash mismatch') === true,
  },
];

// ---- verification by both ----------------------------------------------------------------------

const dkimpy: Peer<DkimpyVerdict> = {
  name: 'dkimpy',
  verify: dkimpyVerify,
  passes: (verdict) => verdict.pass,
  describe: (verdict) => `${verdict.pass ? 'pass' : 'fail'} (${verdict.reason ?? ''})`,
};

describe(`differential: authgate vs dkimpy 1.1.4 (seed ${SEED}, ${MESSAGES} messages)`, () => {
  compareWithPeer(dkimpy, KNOWN_DIFFERENCES);
});
