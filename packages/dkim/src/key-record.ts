import { problem, type DkimProblem } from './errors.js';
import { decodeBase64 } from './signature.js';
import { formatTagList, parseTagList, stripFws } from './tags.js';

/** A DKIM key record (RFC 6376 §3.6.1), as published under `<selector>._domainkey.<domain>`. */
export interface KeyRecord {
  /** k=, lower case; `rsa` when absent. */
  keyType: string;
  /** h=, lower case; absent means every hash algorithm is acceptable. */
  hashes?: string[];
  /** s=, lower case; `['*']` when absent. */
  services: string[];
  /** t=, lower case (`y` testing, `s` strict identity). */
  flags: string[];
  /** n=, for humans. */
  notes?: string;
  /** p=, decoded; empty when the key has been revoked. */
  publicKey: Buffer;
}

export type KeyRecordResult = { ok: true; record: KeyRecord } | { ok: false; problem: DkimProblem };

const KEY_VERSION = 'DKIM1';

/**
 * Parses one key record, already joined from its character-strings (RFC 6376 §3.6.2.2). Records
 * that are not valid DKIM keys (a wildcard SPF record, a typo) come back as `key-syntax`, so that
 * the caller can ignore them as §6.1.2 asks.
 */
export function parseKeyRecord(text: string): KeyRecordResult {
  const list = parseTagList(text);
  if (!list.ok) return { ok: false, problem: problem('key-syntax', `key record: ${list.problem.message.replace(/^dkim: /, '')}`) };
  const tags = list.tags;
  const version = tags.get('v');
  if (version !== undefined) {
    // RFC 6376 §3.6.1: v= MUST be the first tag and exactly "DKIM1" (a string comparison).
    if (tags.keys().next().value !== 'v') return syntax('v= is not the first tag');
    if (version !== KEY_VERSION) return syntax(`v=${version} is not DKIM1`);
  }
  const p = tags.get('p');
  if (p === undefined) return syntax('no p= tag');
  // RFC 6376 §3.6.1: p= may be empty (revoked); otherwise base64, with FWS allowed anywhere.
  const publicKey = stripFws(p) === '' ? Buffer.alloc(0) : decodeBase64(p);
  if (publicKey === undefined) return syntax('p= is not base64');
  const record: KeyRecord = {
    keyType: (tags.get('k') ?? 'rsa').trim().toLowerCase(),
    services: colonList(tags.get('s')) ?? ['*'],
    flags: colonList(tags.get('t')) ?? [],
    publicKey,
  };
  const hashes = colonList(tags.get('h'));
  if (hashes !== undefined) record.hashes = hashes;
  const notes = tags.get('n');
  if (notes !== undefined) record.notes = notes;
  return { ok: true, record };
}

/** `v=DKIM1; k=...; p=...`, the TXT text of a key; `parseKeyRecord` reads it back unchanged. */
export function formatKeyRecord(record: KeyRecord): string {
  const pairs: Array<[string, string]> = [['v', KEY_VERSION], ['k', record.keyType]];
  if (record.hashes !== undefined) pairs.push(['h', record.hashes.join(':')]);
  if (!(record.services.length === 1 && record.services[0] === '*')) pairs.push(['s', record.services.join(':')]);
  if (record.flags.length > 0) pairs.push(['t', record.flags.join(':')]);
  if (record.notes !== undefined) pairs.push(['n', record.notes]);
  pairs.push(['p', record.publicKey.toString('base64')]);
  return formatTagList(pairs);
}

function syntax(detail: string): KeyRecordResult {
  return { ok: false, problem: problem('key-syntax', `key record: ${detail}`) };
}

function colonList(text: string | undefined): string[] | undefined {
  if (text === undefined) return undefined;
  return stripFws(text).toLowerCase().split(':').filter((item) => item !== '');
}
