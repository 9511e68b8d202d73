import { problem, type DkimErrorCode, type DkimProblem } from './errors.js';
import { isDomainName, isSelector, isWithin, splitIdentity } from './names.js';
import { decodeDkimQuotedPrintable, encodeDkimQuotedPrintable } from './quoted-printable.js';
import { formatTagList, parseTagList, stripFws, type TagList } from './tags.js';
import type { DkimAlgorithm } from './types.js';

export type Canonicalization = 'simple' | 'relaxed';

/** A DKIM-Signature whose tags passed every check of RFC 6376 §6.1.1. */
export interface DkimSignature {
  algorithm: DkimAlgorithm;
  keyType: 'rsa' | 'ed25519';
  /** b=, decoded. */
  signature: Buffer;
  /** bh=, decoded. */
  bodyHash: Buffer;
  headerCanonicalization: Canonicalization;
  bodyCanonicalization: Canonicalization;
  /** d=, lower case. */
  domain: string;
  selector: string;
  /** h=, as written (case kept), FWS removed. */
  headers: string[];
  /** i= decoded, or `@` + d= when absent (§6.1.1). */
  identity: string;
  /** The domain of the identity, lower case. */
  identityDomain: string;
  /** l=; `Infinity` for a count too large to be any body. */
  bodyLength?: number;
  /** t=, seconds since the epoch; `Infinity` for values over 12 digits (§3.5 lets them be infinite). */
  timestamp?: number;
  /** x=, seconds since the epoch; `Infinity` likewise. */
  expiration?: number;
}

/** What could be read from a signature even when it is invalid, for reporting. */
export interface SignatureSummary {
  domain?: string;
  selector?: string;
  algorithm?: string;
  identity?: string;
  /** b= without white space. */
  signature?: string;
}

export type SignatureResult =
  | { ok: true; signature: DkimSignature; summary: SignatureSummary }
  | { ok: false; problem: DkimProblem; summary: SignatureSummary };

const REQUIRED = ['v', 'a', 'b', 'bh', 'd', 'h', 's'] as const;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const DIGITS = /^[0-9]+$/;
// RFC 5322 §3.6.8: field-name = 1*ftext, printable US-ASCII except colon.
const FIELD_NAME = /^[\x21-\x39\x3b-\x7e]+$/;

/**
 * Parses and validates a DKIM-Signature field value (RFC 6376 §3.5), strictly: RFC 6376 §6.1.1
 * asks verifiers to "meticulously validate" it and to return PERMFAIL on any inconsistency.
 */
export function parseSignature(value: string): SignatureResult {
  const list = parseTagList(value);
  if (!list.ok) return { ok: false, problem: list.problem, summary: {} };
  const tags = list.tags;
  const b = tags.has('b') ? stripFws(tags.get('b')!) : undefined;
  const summary = summarize(tags, b);
  for (const name of REQUIRED) {
    if (!tags.has(name)) return { ok: false, problem: problem('missing-tag', `signature has no ${name}= tag (RFC 6376 §6.1.1)`), summary };
  }
  const identifiers = checkIdentifiers(tags);
  if (!identifiers.ok) return { ok: false, problem: identifiers.problem, summary };
  const data = checkData(tags, b!);
  if (!data.ok) return { ok: false, problem: data.problem, summary };
  return { ok: true, signature: Object.assign(identifiers.value, data.value), summary };
}

type Identifiers = Omit<DkimSignature, 'signature' | 'bodyHash' | 'bodyLength' | 'timestamp' | 'expiration'>;
type Data = Pick<DkimSignature, 'signature' | 'bodyHash' | 'bodyLength' | 'timestamp' | 'expiration'>;

/** v=, a=, c=, d=, s=, i=, h= and q=: what the signature is and who made it. */
function checkIdentifiers(tags: TagList): Parsed<Identifiers> {
  if (tags.get('v') !== '1') return bad('unsupported-version', `signature version v=${tags.get('v')} is not 1`);
  const algorithm = parseAlgorithm(tags.get('a')!);
  if (!algorithm.ok) return algorithm;
  const canonicalization = parseCanonicalization(tags.get('c'));
  if (canonicalization === undefined) return bad('unknown-canonicalization', `unknown canonicalization c=${tags.get('c')}`);
  const domain = tags.get('d')!;
  if (!isDomainName(domain)) return bad('bad-domain', `d=${domain} is not a domain name of A-labels`);
  const selector = tags.get('s')!;
  if (!isSelector(selector)) return bad('bad-selector', `s=${selector} is not a selector`);
  const lowerDomain = domain.toLowerCase();
  const identity = parseIdentity(tags.get('i'), lowerDomain);
  if (!identity.ok) return identity;
  const headers = parseHeaderList(tags.get('h')!);
  if (headers === undefined) return bad('bad-header-list', 'h= is not a colon-separated list of field names');
  // RFC 6376 §6.1.1: a signature that does not sign From is ignored (PERMFAIL, From field not signed).
  if (!headers.some((name) => name.toLowerCase() === 'from')) return bad('from-not-signed', 'h= does not include From');
  const queryProblem = checkQueryMethods(tags.get('q'));
  if (queryProblem !== undefined) return { ok: false, problem: queryProblem };
  return {
    ok: true,
    value: {
      algorithm: algorithm.value.algorithm, keyType: algorithm.value.keyType,
      headerCanonicalization: canonicalization.headerCanonicalization, bodyCanonicalization: canonicalization.bodyCanonicalization,
      domain: lowerDomain, selector, headers, identity: identity.value.identity, identityDomain: identity.value.domain,
    },
  };
}

/** b=, bh=, l=, t= and x=: the signature data, the body hash and the numbers. */
function checkData(tags: TagList, b: string): Parsed<Data> {
  const signature = decodeCompactBase64(b);
  if (signature === undefined || signature.length === 0) return bad('bad-base64', 'b= is not base64');
  const bodyHash = decodeBase64(tags.get('bh')!);
  if (bodyHash === undefined || bodyHash.length === 0) return bad('bad-base64', 'bh= is not base64');
  const numbers = parseNumbers(tags);
  if (!numbers.ok) return numbers;
  const data: Data = numbers.value as Data;
  data.signature = signature;
  data.bodyHash = bodyHash;
  return { ok: true, value: data };
}

function bad(code: DkimErrorCode, detail: string): { ok: false; problem: DkimProblem } {
  return { ok: false, problem: problem(code, detail) };
}

/** Reports d=, s=, a=, i= and b= as written, so that even a broken signature can be named. */
function summarize(tags: TagList, b: string | undefined): SignatureSummary {
  const summary: SignatureSummary = {};
  const domain = tags.get('d');
  if (domain !== undefined && domain !== '') summary.domain = domain.toLowerCase();
  const selector = tags.get('s');
  if (selector !== undefined && selector !== '') summary.selector = selector;
  const algorithm = tags.get('a');
  if (algorithm !== undefined && algorithm !== '') summary.algorithm = algorithm;
  const identity = tags.get('i');
  if (identity !== undefined) summary.identity = decodeDkimQuotedPrintable(identity) ?? identity;
  else if (summary.domain !== undefined) summary.identity = `@${summary.domain}`;
  if (b !== undefined && b !== '') summary.signature = b;
  return summary;
}

type Parsed<T> = { ok: true; value: T } | { ok: false; problem: DkimProblem };

/** RFC 6376 §3.5 a=; the ABNF literals are case-insensitive (RFC 5234 §2.3). */
function parseAlgorithm(text: string): Parsed<{ algorithm: DkimAlgorithm; keyType: 'rsa' | 'ed25519' }> {
  switch (text.toLowerCase()) {
    case 'rsa-sha256':
      return { ok: true, value: { algorithm: 'rsa-sha256', keyType: 'rsa' } };
    case 'ed25519-sha256':
      // RFC 8463 §4.1 adds sig-a-tag-k "ed25519".
      return { ok: true, value: { algorithm: 'ed25519-sha256', keyType: 'ed25519' } };
    case 'rsa-sha1':
      // RFC 8301 §3.1: rsa-sha1 MUST NOT be used for verifying; it has permanently failed.
      return { ok: false, problem: problem('sha1-not-allowed', 'rsa-sha1 is not allowed (RFC 8301 §3.1)') };
    default:
      // RFC 6376 §3.3.4: signatures using algorithms a verifier does not implement are ignored.
      return { ok: false, problem: problem('unknown-algorithm', `unknown algorithm a=${text}`) };
  }
}

/** RFC 6376 §3.5 c=: "header/body", the body defaulting to simple, both to simple/simple. */
function parseCanonicalization(
  text: string | undefined,
): { headerCanonicalization: Canonicalization; bodyCanonicalization: Canonicalization } | undefined {
  if (text === undefined) return { headerCanonicalization: 'simple', bodyCanonicalization: 'simple' };
  const parts = text.toLowerCase().split('/');
  if (parts.length > 2) return undefined;
  const [header, body = 'simple'] = parts;
  if (!isCanonicalization(header) || !isCanonicalization(body)) return undefined;
  return { headerCanonicalization: header, bodyCanonicalization: body };
}

function isCanonicalization(text: string | undefined): text is Canonicalization {
  return text === 'simple' || text === 'relaxed';
}

/** RFC 6376 §3.5 i=: DKIM-Quoted-Printable, its domain d= or a subdomain of it (§6.1.1). */
function parseIdentity(text: string | undefined, domain: string): Parsed<{ identity: string; domain: string }> {
  if (text === undefined) return { ok: true, value: { identity: `@${domain}`, domain } };
  const decoded = decodeDkimQuotedPrintable(text);
  const parts = decoded === undefined ? undefined : splitIdentity(decoded);
  if (decoded === undefined || parts === undefined) return bad('bad-identity', `i=${text} is not [local-part]@domain`);
  if (!isWithin(parts.domain, domain)) return bad('identity-mismatch', `i= domain ${parts.domain} is not d=${domain} or below it`);
  return { ok: true, value: { identity: decoded, domain: parts.domain } };
}

/** RFC 6376 §3.5 h=: hdr-name *( [FWS] ":" [FWS] hdr-name ), not empty. */
function parseHeaderList(text: string): string[] | undefined {
  const names = stripFws(text).split(':');
  return names.every((name) => FIELD_NAME.test(name)) ? names : undefined;
}

/** RFC 6376 §3.5 q=: unrecognized methods are ignored, but dns/txt must be among them. */
function checkQueryMethods(text: string | undefined): DkimProblem | undefined {
  if (text === undefined) return undefined;
  const methods = stripFws(text).toLowerCase().split(':');
  if (methods.includes('dns/txt')) return undefined;
  return problem('unknown-query-method', `q=${text} has no query method this verifier knows (dns/txt)`);
}

/** RFC 6376 §2.10 base64string: white space is folding; RFC 2045 §6.8 groups of four. */
export function decodeBase64(text: string): Buffer | undefined {
  return decodeCompactBase64(stripFws(text));
}

function decodeCompactBase64(compact: string): Buffer | undefined {
  if (compact.length % 4 !== 0 || !BASE64.test(compact)) return undefined;
  return Buffer.from(compact, 'base64');
}

/** Counts longer than this are past 2^53: no body is that long. */
const MAX_COUNT_DIGITS = 15;
/** RFC 6376 §3.5 t=: values longer than 12 digits MAY be considered infinite. */
const MAX_TIME_DIGITS = 12;

function parseNumbers(tags: TagList): Parsed<{ bodyLength?: number; timestamp?: number; expiration?: number }> {
  const value: { bodyLength?: number; timestamp?: number; expiration?: number } = {};
  const l = tags.get('l');
  if (l !== undefined) {
    // RFC 6376 §3.5: l= is 1*76DIGIT; a count past 2^53 is longer than any body we can hold.
    if (!DIGITS.test(l) || l.length > 76) return { ok: false, problem: problem('bad-body-length', `l=${l} is not a number of octets`) };
    value.bodyLength = toCount(l, MAX_COUNT_DIGITS);
  }
  for (const [tag, key] of [['t', 'timestamp'], ['x', 'expiration']] as const) {
    const text = tags.get(tag);
    if (text === undefined) continue;
    if (!DIGITS.test(text)) return { ok: false, problem: problem('bad-timestamp', `${tag}=${text} is not a number of seconds`) };
    value[key] = toCount(text, MAX_TIME_DIGITS);
  }
  // RFC 6376 §3.5: the value of x= MUST be greater than the value of t= if both are present.
  if (value.timestamp !== undefined && value.expiration !== undefined && value.expiration <= value.timestamp) {
    return { ok: false, problem: problem('bad-timestamp', `x=${tags.get('x')} is not after t=${tags.get('t')}`) };
  }
  return { ok: true, value };
}

function toCount(digits: string, maxDigits: number): number {
  const significant = digits.replace(/^0+(?=.)/, '');
  return significant.length > maxDigits ? Infinity : Number(significant);
}

/** The tags of a signature to be written, in the order the signer emits them. */
export interface SignatureTags {
  algorithm: DkimAlgorithm;
  headerCanonicalization: Canonicalization;
  bodyCanonicalization: Canonicalization;
  domain: string;
  selector: string;
  headers: string[];
  bodyHash: Buffer;
  signature: Buffer;
  identity?: string;
  bodyLength?: number;
  timestamp?: number;
  expiration?: number;
}

/**
 * The tag-value pairs of a signature, unfolded; `parseSignature(formatTagList(...))` gives back the
 * same values. b= comes last so that the signer can append it after hashing (RFC 6376 §3.7).
 */
export function signatureTagPairs(tags: SignatureTags): Array<[string, string]> {
  const pairs: Array<[string, string]> = [
    ['v', '1'],
    ['a', tags.algorithm],
    ['c', `${tags.headerCanonicalization}/${tags.bodyCanonicalization}`],
    ['d', tags.domain],
    ['s', tags.selector],
  ];
  if (tags.identity !== undefined) pairs.push(['i', encodeIdentity(tags.identity)]);
  if (tags.bodyLength !== undefined) pairs.push(['l', String(tags.bodyLength)]);
  if (tags.timestamp !== undefined) pairs.push(['t', String(tags.timestamp)]);
  if (tags.expiration !== undefined) pairs.push(['x', String(tags.expiration)]);
  pairs.push(['h', tags.headers.join(':')], ['bh', tags.bodyHash.toString('base64')], ['b', tags.signature.toString('base64')]);
  return pairs;
}

export function formatSignature(tags: SignatureTags): string {
  return formatTagList(signatureTagPairs(tags));
}

/** Only the local-part needs escaping; the domain is already A-labels. */
function encodeIdentity(identity: string): string {
  const at = identity.lastIndexOf('@');
  return `${encodeDkimQuotedPrintable(identity.slice(0, at))}@${identity.slice(at + 1)}`;
}
