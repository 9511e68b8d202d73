import type { DkimProblem } from './errors.js';
import type { KeyCandidate } from './key-lookup.js';
import { parseKeyRecord } from './key-record.js';

/** How many distinct key records are kept: a receiver sees the same senders' keys again and again. */
export const KEY_CACHE_SIZE = 1024;

const cache = new Map<string, KeyCandidate>();

/**
 * The parsed key record for the exact text of one TXT record (its character-strings joined), from
 * a process-wide cache, with its public key imported at most once (`candidateKey` fills it in):
 * parsing p= (base64, then DER) and importing the key into OpenSSL cost more than the verification
 * that uses it, once per signature.
 * - Keyed by the whole text: the result is the one parsing that text gives, so no verdict can
 *   change, and a changed record is a new entry. DNS, with its TTLs, still decides which text
 *   applies: nothing is looked up here.
 * - Bounded: past `KEY_CACHE_SIZE` the least recently used entry goes. Texts that do not parse
 *   are not kept.
 * - Safe to share between messages: a KeyObject is immutable, and neither the record nor the key
 *   is ever handed to a caller or changed after parsing.
 */
export function cachedKeyRecord(text: string): { ok: true; candidate: KeyCandidate } | { ok: false; problem: DkimProblem } {
  const hit = cache.get(text);
  if (hit !== undefined) {
    cache.delete(text);
    cache.set(text, hit);
    return { ok: true, candidate: hit };
  }
  const parsed = parseKeyRecord(text);
  if (!parsed.ok) return parsed;
  const candidate: KeyCandidate = { record: parsed.record };
  cache.set(text, candidate);
  if (cache.size > KEY_CACHE_SIZE) cache.delete(cache.keys().next().value as string);
  return { ok: true, candidate };
}
