import { beforeAll, describe, expect, test } from 'vitest';
import type { ZoneResolver } from '@authgate/dns';
import { verifyDkim, type DkimResult } from '@authgate/dkim';
import { at, chunked, fixture, signerZone, VERIFY_AT } from './fixtures.js';

// A differential test against Perl's Mail::DKIM (Debian's libmail-dkim-perl), a third
// implementation beside dkimpy and mailauth. Both directions, from committed fixtures (no Perl at
// test time): messages Mail::DKIM signed (make-maildkim-fixtures.pl) and messages our signDkim
// signed (make-ours-for-maildkim.mjs) with Mail::DKIM's verdicts on them (verify-with-maildkim.pl),
// all over the zone.yaml the other tests use.

interface SignedEntry {
  file: string;
  message: string;
  canonicalization: string;
  bodyLength: false | 'full' | 'half';
  headers: string;
}
interface Verdict {
  result: string;
  detail: string;
}

const signed = JSON.parse(fixture('maildkim/signed/manifest.json').toString()) as { generator: string; signatures: SignedEntry[] };
const ours = JSON.parse(fixture('maildkim/ours/cases.json').toString()) as { cases: Array<{ file: string; description: string }> };
const theirs = JSON.parse(fixture('maildkim/ours/verdicts.json').toString()) as { verifier: string; verifiedAt: number; verdicts: Record<string, Verdict[]> };

/** Mail::DKIM's result words as RFC 8601 §2.7.1 strings: it calls an unusable signature or key "invalid". */
const AS_RFC8601: Record<string, DkimResult> = { pass: 'pass', fail: 'fail', invalid: 'permerror', temperror: 'temperror', none: 'none' };

/**
 * Where the two verifiers disagree on a message we signed: our results, Mail::DKIM's (as RFC 8601
 * strings), and the RFC text that decides. Every other case must agree exactly.
 */
const KNOWN: Record<string, { ours: DkimResult[]; theirs: DkimResult[]; why: string }> = {
  'bad-base64-b.eml': {
    ours: ['permerror'], theirs: ['pass'],
    why: 'RFC 6376 §3.5 b= is base64string and §6.1.1 says any unexpected value MUST give PERMFAIL (signature syntax error); Mail::DKIM decodes b= skipping the non-base64 "*"',
  },
  'l-zero.eml': {
    ours: ['pass'], theirs: ['fail'],
    why: 'RFC 6376 §3.5 l= is the count of body octets signed, so l=0 signs none of the body; Mail::DKIM reads l=0 as no limit (a false value in Perl) and hashes the whole body',
  },
  'from-not-signed.eml': {
    ours: ['permerror'], theirs: ['fail'],
    why: 'RFC 6376 §6.1.1: if h= does not include From, the Verifier MUST ignore the signature and return PERMFAIL (From field not signed); Mail::DKIM does not check and fails on the signature instead',
  },
  'timestamp-future.eml': {
    ours: ['permerror'], theirs: ['pass'],
    why: 'RFC 6376 §3.5 t=: verifiers MAY ignore signatures with a timestamp in the future; we do (beyond clockSkewSeconds), Mail::DKIM does not',
  },
  'ed25519.eml': {
    ours: ['pass'], theirs: ['permerror'],
    why: 'RFC 8463 §3 defines ed25519-sha256; Mail::DKIM 1.20230212 has no Ed25519 algorithm and reports "unsupported algorithm" (RFC 6376 §6.1.1 lets it)',
  },
  'selector-pkcs1.eml': {
    ours: ['pass'], theirs: ['permerror'],
    why: 'RFC 6376 §3.6.1 k=rsa names an ASN.1 DER-encoded RSAPublicKey, which this record holds bare; we accept it and the SubjectPublicKeyInfo everybody publishes, Mail::DKIM only the latter',
  },
  'selector-dupkey.eml': {
    ours: ['permerror'], theirs: ['pass'],
    why: 'RFC 6376 §3.2: tags with duplicate names MUST NOT occur, and §6.1.2 step 5 makes a malformed key record PERMFAIL (key syntax error); Mail::DKIM takes one of the two k=',
  },
  'selector-vnotfirst.eml': {
    ours: ['permerror'], theirs: ['pass'],
    why: 'RFC 6376 §3.6.1 v=: "This tag MUST be the first tag in the record"; Mail::DKIM accepts v=DKIM1 anywhere',
  },
  'selector-junkfirst.eml': {
    ours: ['pass'], theirs: ['permerror'],
    why: 'RFC 6376 §6.1.2 step 4: with several records a verifier may choose one or cycle through them, and §6.1.2 says to ignore malformed ones; we skip the non-DKIM TXT, Mail::DKIM takes the first record only',
  },
  'selector-twokeys.eml': {
    ours: ['pass'], theirs: ['fail'],
    why: 'RFC 6376 §6.1.2 step 4: a verifier may choose one record or cycle through them; we cycle and the second key verifies, Mail::DKIM tries only the first (rsa1024)',
  },
  'selector-rsa512.eml': {
    ours: ['permerror'], theirs: ['fail'],
    why: 'RFC 8301 §3.2: RSA keys under 1024 bits MUST NOT be considered valid; both refuse it, we as permerror (the key is unusable, RFC 8601 §2.7.1), Mail::DKIM (Strict) as fail',
  },
  'selector-timeout.eml': {
    ours: ['temperror'], theirs: ['permerror'],
    why: 'RFC 6376 §6.1.2 step 2: a key query that fails to respond may give TEMPFAIL (key unavailable); Mail::DKIM 1.20230212 never returns temperror and reports "invalid (public key: query timed out)"',
  },
  'no-final-crlf.relaxed-simple.eml': {
    ours: ['pass'], theirs: ['fail'],
    why: 'RFC 6376 §3.4.3 simple body: "If there is no body or no trailing CRLF on the message body, a CRLF is added"; Mail::DKIM adds it only to an empty body',
  },
  'no-final-crlf.simple-simple.eml': {
    ours: ['pass'], theirs: ['fail'],
    why: 'RFC 6376 §3.4.3, as above',
  },
  'no-final-crlf.simple-simple.l.eml': {
    ours: ['pass'], theirs: ['fail'],
    why: 'RFC 6376 §3.4.3, as above (and so l= counts the added CRLF)',
  },
};

/** Messages Mail::DKIM signed that we do not simply pass, with the RFC text that decides. */
const NO_FINAL_CRLF = 'RFC 6376 §3.4.3 simple body: "If there is no body or no trailing CRLF on the message body, a CRLF is added"; Mail::DKIM adds it only to an empty body, so its bh= covers a body without the CRLF';
const L_ZERO = 'the generator asks for l= as the canonicalized length Mail::DKIM counts, 0 here (it does not count the CRLF it adds to an empty body); Mail::DKIM then writes l=0 but, reading 0 as no limit, hashes the whole body, while RFC 6376 §3.5 makes l=0 sign no body octet';
const KNOWN_SIGNED: Record<string, { result: DkimResult; signedLength?: number; why: string }> = {
  'no-final-crlf.simple-simple.default.eml': { result: 'fail', why: NO_FINAL_CRLF },
  'no-final-crlf.relaxed-simple.default.eml': { result: 'fail', why: NO_FINAL_CRLF },
  'no-final-crlf.simple-simple.l-full.explicit.eml': {
    result: 'pass', signedLength: 29,
    why: `${NO_FINAL_CRLF}; with l= naming the octets it hashed the signature passes, and the added CRLF is reported as unsigned content after l=`,
  },
  'empty-body.simple-simple.l-full.explicit.eml': { result: 'fail', why: L_ZERO },
  'empty-body.relaxed-simple.l-half.default.eml': { result: 'fail', why: L_ZERO },
};

let zone: ZoneResolver;
beforeAll(async () => {
  zone = await signerZone();
});

describe(`messages signed by ${signed.generator}`, () => {
  test('there are some of each kind', () => {
    expect(signed.signatures.length).toBeGreaterThanOrEqual(40);
    const kinds = new Set(signed.signatures.map((s) => `${s.canonicalization} ${s.bodyLength} ${s.headers}`));
    expect(kinds.size).toBe(7);
  });

  test.for(signed.signatures.map((entry) => [entry.file, entry] as const))('%s', async ([file, entry]) => {
    const message = fixture(`maildkim/signed/${file}`);
    const [verdict] = await verifyDkim(message, { resolver: zone, now: at(VERIFY_AT) });
    const known = KNOWN_SIGNED[file];
    if (known) {
      expect(verdict!.result, known.why).toBe(known.result);
      if (known.signedLength !== undefined) expect(verdict!.bodyLength!.signed).toBe(known.signedLength);
      return;
    }
    expect(verdict).toMatchObject({ result: 'pass', domain: 'signer.example', selector: 'rsa2048', algorithm: 'rsa-sha256', identity: '@signer.example' });
    if (entry.bodyLength === false) expect(verdict!.bodyLength).toBeUndefined();
    else if (entry.bodyLength === 'full') expect(verdict!.bodyLength!.signed).toBe(verdict!.bodyLength!.total);
    else expect(verdict!.bodyLength!.signed).toBeLessThan(verdict!.bodyLength!.total);
    // Streamed in small chunks, the verdict is the same.
    const cuts = Array.from({ length: Math.floor(message.length / 11) }, (_, i) => (i + 1) * 11);
    expect(await verifyDkim(chunked(message, cuts), { resolver: zone, now: at(VERIFY_AT) })).toEqual([verdict]);
  });
});

describe(`messages signed by signDkim, verified by ${theirs.verifier}`, () => {
  test('every case has a Mail::DKIM verdict, and every known difference a case', () => {
    expect(Object.keys(theirs.verdicts).sort()).toEqual(ours.cases.map((c) => c.file).sort());
    for (const file of Object.keys(KNOWN)) expect(theirs.verdicts).toHaveProperty([file]);
    expect(ours.cases.length).toBeGreaterThanOrEqual(100);
  });

  test('they mostly agree, on passes and on failures', () => {
    const agreed = ours.cases.filter((c) => !KNOWN[c.file]);
    expect(agreed.length).toBeGreaterThan(ours.cases.length * 0.8);
    const words = new Set(agreed.flatMap((c) => theirs.verdicts[c.file]!.map((v) => v.result)));
    expect([...words].sort()).toEqual(['fail', 'invalid', 'pass']);
  });

  test.for(ours.cases.map((c) => [c.file, c.description] as const))('%s (%s)', async ([file]) => {
    // At the time Mail::DKIM verified, since it judges x= by its clock.
    const mine = (await verifyDkim(fixture(`maildkim/ours/${file}`), { resolver: zone, now: at(theirs.verifiedAt) })).map((v) => v.result);
    const other = theirs.verdicts[file]!.map((v) => AS_RFC8601[v.result] ?? `unmapped ${v.result}`);
    const known = KNOWN[file];
    if (known) {
      expect({ ours: mine, theirs: other }, known.why).toEqual({ ours: known.ours, theirs: known.theirs });
    } else {
      expect(mine, theirs.verdicts[file]!.map((v) => v.detail).join(' | ')).toEqual(other);
    }
  });
});
