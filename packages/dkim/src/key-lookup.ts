import { DnsError, type Resolver } from '@authgate/dns';
import { problem, type DkimProblem } from './errors.js';
import { cachedKeyRecord } from './key-cache.js';
import type { KeyRecord } from './key-record.js';
import { importPublicKey } from './public-key.js';

/** A key record with its public key imported once, on first use (shared through `cachedKeyRecord`). */
export interface KeyCandidate {
  record: KeyRecord;
  /** The imported key, `null` when p= is not a key of the k= type; filled in lazily. */
  imported?: ReturnType<typeof importPublicKey> | null;
}

export type KeyLookup = { ok: true; name: string; candidates: KeyCandidate[] } | { ok: false; name: string; problem: DkimProblem };

/**
 * Asks DNS for the keys of one selector (RFC 6376 §3.6.2): `<selector>._domainkey.<domain>` TXT,
 * each record's strings joined with nothing between them (§3.6.2.2). Never rejects: every DNS
 * outcome is a result (§6.1.2 steps 2-3, 5).
 */
export async function lookupKeys(resolver: Resolver, selector: string, domain: string): Promise<KeyLookup> {
  // RFC 6376 §3.6.2.1: periods in the selector are label boundaries, so it is used as written.
  const name = `${selector}._domainkey.${domain}`;
  let answers: string[][];
  try {
    answers = await resolver.txt(name);
  } catch (error) {
    return { ok: false, name, problem: dnsProblem(error, name) };
  }
  if (answers.length === 0) return { ok: false, name, problem: problem('key-not-found', `no key record at ${name}`) };
  const candidates: KeyCandidate[] = [];
  let firstProblem: DkimProblem | undefined;
  for (const strings of answers) {
    const parsed = cachedKeyRecord(strings.join(''));
    // RFC 6376 §6.1.2 step 5: a record that does not parse is ignored.
    if (parsed.ok) candidates.push(parsed.candidate);
    else firstProblem ??= parsed.problem;
  }
  if (candidates.length === 0) {
    return { ok: false, name, problem: firstProblem ?? problem('key-syntax', `${name} has no key record`) };
  }
  return { ok: true, name, candidates };
}

function dnsProblem(error: unknown, name: string): DkimProblem {
  if (error instanceof DnsError) {
    switch (error.code) {
      case 'NXDOMAIN':
      case 'NODATA':
        // RFC 6376 §6.1.2 step 3: no key record -> PERMFAIL (no key for signature).
        return problem('key-not-found', `no key record at ${name} (${error.code})`);
      case 'INVALID_NAME':
        return problem('key-name-invalid', `${name} is not a name DNS can be asked`);
      case 'TEMPFAIL':
        break;
    }
  }
  // RFC 6376 §6.1.2 step 2: the query did not get an answer -> TEMPFAIL (key unavailable).
  return problem('key-unavailable', `key record at ${name} could not be fetched`);
}

/**
 * One lookup per selector name for the duration of one `verifyDkim` call: signatures that share a
 * selector share its DNS query. No answer outlives the call (the caller's resolver does the DNS
 * caching); parsed records and imported keys are kept by their text (`cachedKeyRecord`).
 */
export class KeyLookups {
  readonly #resolver: Resolver;
  readonly #pending = new Map<string, Promise<KeyLookup>>();

  constructor(resolver: Resolver) {
    this.#resolver = resolver;
  }

  get(selector: string, domain: string): Promise<KeyLookup> {
    const key = `${selector.toLowerCase()}._domainkey.${domain}`;
    let lookup = this.#pending.get(key);
    if (lookup === undefined) {
      lookup = lookupKeys(this.#resolver, selector, domain);
      this.#pending.set(key, lookup);
    }
    return lookup;
  }
}

/** The candidate's public key, imported on first use. */
export function candidateKey(candidate: KeyCandidate): ReturnType<typeof importPublicKey> {
  if (candidate.imported === undefined) candidate.imported = importPublicKey(candidate.record) ?? null;
  return candidate.imported ?? undefined;
}
