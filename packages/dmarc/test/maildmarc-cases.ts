import type { ZoneData, ZoneEntry } from '@authgate/dns';
import { Prng } from '@authgate/testkit';

/**
 * Generated cases for the differential against Mail::DMARC (maildmarc-differential.test.ts): one
 * message per case, each under an Organizational Domain of its own so that no case's records can
 * touch another's. RFC 7489 §6.6.3 looks at two names only, `_dmarc.<author>` and
 * `_dmarc.<Organizational Domain>`, so every case publishes at most those two, plus the address
 * records that say whether the author and Organizational Domains exist.
 */
export interface DmarcCase {
  id: string;
  /** The From field value (one mailbox). */
  from: string;
  author: string;
  /** The author domain's Organizational Domain by the Public Suffix List (RFC 7489 §3.2). */
  organizational: string;
  /** The TXT records at `_dmarc.<author>` and `_dmarc.<organizational>`, each as its strings. */
  txt: { author: string[][]; organizational: string[][] };
  /** Whether the name has an A record (else it publishes no address, MX or NS). */
  exists: { author: boolean; organizational: boolean };
  spf: { result: string; domain: string };
  dkim: Array<{ result: string; domain: string }>;
  /** The number in [0, 1) that decides `pct` sampling (RFC 7489 §6.6.4), on both sides. */
  random: number;
}

/**
 * Public suffixes both lists agree on: the ICANN `com`, `net`, `org` and `co.uk`, and `github.io`
 * from the PRIVATE section, which both tldts and Debian's list include. The test checks the
 * agreement case by case (Mail::DMARC reports the Organizational Domain it computed).
 */
const SUFFIXES = ['com', 'net', 'org', 'co.uk', 'github.io'] as const;
const LABELS = ['mail', 'news', 'a', 'b', 'bounces'] as const;
const POLICIES = ['none', 'quarantine', 'reject', 'reject'] as const;

/** `count` cases from `seed`; the same seed gives the same cases. */
export function generateCases(seed: number, count: number): DmarcCase[] {
  const prng = new Prng(seed);
  return Array.from({ length: count }, (_, index) => generateCase(prng, index));
}

function generateCase(prng: Prng, index: number): DmarcCase {
  const organizational = `dmarc${index}.${prng.pick(SUFFIXES)}`;
  const depth = prng.pick([0, 0, 1, 1, 1, 2, 3]);
  const author = [...Array.from({ length: depth }, () => prng.pick(LABELS)), organizational].join('.');
  const foreign = `other${index}.${prng.pick(SUFFIXES)}`;
  // An identifier equal to the author domain aligns in both modes; the Organizational Domain, a
  // sibling and a child only relaxed (RFC 7489 §3.1.1, §3.1.2); a foreign domain never.
  const identifier = () => prng.pick([author, author, organizational, `bounces.${organizational}`, `x.${author}`, foreign]);
  const dkimCount = prng.pick([0, 1, 1, 2]);
  const placement = prng.pick(['organizational', 'organizational', 'author', 'both', 'none'] as const);
  const authorExists = prng.chance(0.85);
  const txt = {
    author: placement === 'author' || placement === 'both' ? recordSet(prng, organizational) : [],
    organizational: placement === 'organizational' || placement === 'both' ? recordSet(prng, organizational) : [],
  };
  // An author domain that is its own Organizational Domain has one `_dmarc` name.
  if (author === organizational) txt.author = txt.organizational = txt.author.length > 0 ? txt.author : txt.organizational;
  return {
    id: `c${index}`,
    from: `user@${author}`,
    author,
    organizational,
    txt,
    exists: { author: authorExists, organizational: author === organizational ? authorExists : prng.chance(0.9) },
    // Now and then the author domain in capitals as the SPF domain: names compare
    // case-insensitively (RFC 7489 §3.1), in strict mode too.
    spf: { result: prng.pick(['pass', 'pass', 'pass', 'fail', 'softfail', 'neutral', 'none']), domain: prng.chance(0.1) ? author.toUpperCase() : identifier() },
    dkim: Array.from({ length: dkimCount }, () => ({ result: prng.pick(['pass', 'pass', 'fail']), domain: identifier() })),
    random: prng.next(),
  };
}

/** The TXT records at one `_dmarc` name: a DMARC record, sometimes a second one or other TXT beside. */
function recordSet(prng: Prng, organizational: string): string[][] {
  const records = [splitStrings(prng, recordText(prng, organizational))];
  if (prng.chance(0.15)) records.push(['v=spf1 -all']);
  if (prng.chance(0.06)) records.push([recordText(prng, organizational)]);
  return records;
}

/** Usually one string; sometimes cut in two (RFC 7489 §6.1: the strings are concatenated). */
function splitStrings(prng: Prng, text: string): string[] {
  if (!prng.chance(0.08)) return [text];
  const at = prng.int(1, text.length - 1);
  return [text.slice(0, at), text.slice(at)];
}

/** A DMARC record, mostly valid, with each of the ways a published record goes wrong now and then. */
function recordText(prng: Prng, organizational: string): string {
  const tags: string[] = [];
  const policy = () => (prng.chance(0.05) ? 'bogus' : prng.pick(POLICIES));
  if (!prng.chance(0.03)) tags.push(`p=${prng.chance(0.05) ? 'Reject' : policy()}`);
  if (prng.chance(0.45)) tags.push(`sp=${policy()}`);
  if (prng.chance(0.4)) tags.push(`adkim=${prng.pick(['r', 's'])}`);
  if (prng.chance(0.4)) tags.push(`aspf=${prng.pick(['r', 's'])}`);
  if (prng.chance(0.35)) tags.push(`pct=${prng.pick(['0', '100', '50', String(prng.int(1, 99)), '150', 'abc'])}`);
  if (prng.chance(0.4)) tags.push(`rua=mailto:dmarc@${organizational}`);
  if (prng.chance(0.1)) tags.push('foo=bar');
  if (prng.chance(0.04) && tags.length > 0) tags.push(duplicateOf(prng, prng.pick(tags)));
  if (prng.chance(0.1)) shuffle(prng, tags);
  const separator = prng.pick(['; ', '; ', ';', ' ; ']);
  const version = prng.pick(Array<string>(40).fill('v=DMARC1').concat(['v=dmarc1', 'V=DMARC1', 'v = DMARC1']));
  const placement = prng.next();
  let body: string[];
  if (placement < 0.03) body = tags; // no v= at all
  else if (placement < 0.06 && tags.length > 0) body = [tags[0]!, version, ...tags.slice(1)]; // v= not first
  else body = [version, ...tags];
  const text = body.join(separator) + (prng.chance(0.2) ? ';' : '');
  // A missing separator after the version: "v=DMARC1 p=reject".
  return prng.chance(0.02) ? text.replace(/^(v=DMARC1);\s*/, '$1 ') : text;
}

/** The same tag again with another value (a repeated tag, RFC 6376 §3.2). */
function duplicateOf(prng: Prng, tag: string): string {
  const name = tag.slice(0, tag.indexOf('='));
  const values: Record<string, readonly string[]> = { p: POLICIES, sp: POLICIES, adkim: ['r', 's'], aspf: ['r', 's'], pct: ['0', '100'] };
  return `${name}=${prng.pick(values[name] ?? ['x'])}`;
}

function shuffle<T>(prng: Prng, items: T[]): void {
  for (let i = items.length - 1; i > 0; i--) {
    const j = prng.int(0, i);
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
}

/** The zone data of every case, for Knot (and anything else reading `zonedata`). */
export function zoneDataOf(cases: readonly DmarcCase[]): ZoneData {
  const zone: ZoneData = {};
  const add = (name: string, entry: ZoneEntry) => (zone[name] ??= []).push(entry);
  for (const c of cases) {
    for (const strings of c.txt.author) add(`_dmarc.${c.author}`, { TXT: strings });
    if (c.author !== c.organizational) for (const strings of c.txt.organizational) add(`_dmarc.${c.organizational}`, { TXT: strings });
    if (c.exists.author) add(c.author, { A: '192.0.2.1' });
    if (c.exists.organizational && c.author !== c.organizational) add(c.organizational, { A: '192.0.2.1' });
  }
  return zone;
}
