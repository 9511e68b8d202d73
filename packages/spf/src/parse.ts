import { parseIp4, parseIp6 } from './address.js';
import { problem, show } from './errors.js';
import type { SpfProblem } from './errors.js';
import { formatMacroString, parseMacroString } from './macro.js';
import type { MacroString } from './macro.js';

/** RFC 7208 §4.6.2: "+" pass, "-" fail, "~" softfail, "?" neutral. */
export type Qualifier = '+' | '-' | '~' | '?';

/** The mechanisms of RFC 7208 §5; absent CIDR lengths stay undefined so formatting keeps them absent. */
export type Mechanism =
  | { kind: 'all' }
  | TargetMechanism<'include'>
  | TargetMechanism<'exists'>
  | HostMechanism<'a'>
  | HostMechanism<'mx'>
  | { kind: 'ptr'; domainSpec?: MacroString }
  | NetworkMechanism<'ip4'>
  | NetworkMechanism<'ip6'>;

/** §5.2 include, §5.7 exists: a required domain-spec. */
export interface TargetMechanism<K extends 'include' | 'exists'> {
  kind: K;
  domainSpec: MacroString;
}

/** §5.3 a, §5.4 mx: an optional domain-spec and dual CIDR length. */
export interface HostMechanism<K extends 'a' | 'mx'> {
  kind: K;
  domainSpec?: MacroString;
  cidr4?: number;
  cidr6?: number;
}

/** §5.6 ip4, ip6: the network as written, its octets, and an optional prefix length. */
export interface NetworkMechanism<K extends 'ip4' | 'ip6'> {
  kind: K;
  address: string;
  network: Uint8Array;
  prefix?: number;
}

export interface Directive {
  type: 'directive';
  qualifier: Qualifier;
  mechanism: Mechanism;
}

/** RFC 7208 §6: redirect= and exp=, or any other name=value, which is ignored. */
export type Modifier =
  | { type: 'modifier'; name: 'redirect' | 'exp'; domainSpec: MacroString }
  | { type: 'modifier'; name: 'unknown'; key: string; value: MacroString };

export type Term = Directive | Modifier;

/** A syntactically valid SPF record, parsed once and evaluated many times. */
export interface SpfRecord {
  /** Every term in record order (for formatting). */
  terms: Term[];
  /** The mechanisms in order, as §4.6.2 evaluates them. */
  directives: Directive[];
  redirect?: MacroString;
  exp?: MacroString;
  /** §5.1, §6.1: a redirect is ignored when there is an "all" anywhere in the record. */
  hasAll: boolean;
}

export type SpfRecordParse = { ok: true; record: SpfRecord } | { ok: false; problem: SpfProblem };

type TermParse = Term | SpfProblem;

const VERSION = 'v=spf1';

/**
 * RFC 7208 §4.5: "discard records that do not begin with a version section of exactly v=spf1";
 * the version is terminated by SP or the end of the record, and is case-insensitive (§12).
 */
export function isSpfRecord(text: string): boolean {
  return text.length >= 6 && text.slice(0, 6).toLowerCase() === VERSION && (text.length === 6 || text[6] === ' ');
}

/**
 * Parses a whole record (RFC 7208 §4.5, §4.6.1, §12). §4.6: "if there are any syntax errors
 * anywhere in the record, check_host() returns immediately with the result permerror", so every
 * term is checked here, before anything is evaluated.
 */
export function parseSpfRecord(text: string): SpfRecordParse {
  if (!isSpfRecord(text)) return { ok: false, problem: problem('not-spf-record', `${show(text)} does not start with v=spf1`) };
  const record: SpfRecord = { terms: [], directives: [], hasAll: false };
  // §4.6.1: terms = *( 1*SP ( directive / modifier ) ); only SP separates, trailing SP is allowed.
  for (const token of text.slice(6).split(' ')) {
    if (token === '') continue;
    const term = parseTerm(token);
    if (!('type' in term)) return { ok: false, problem: term };
    const duplicate = addTerm(record, term);
    if (duplicate !== undefined) return { ok: false, problem: duplicate };
  }
  return { ok: true, record };
}

function addTerm(record: SpfRecord, term: Term): SpfProblem | undefined {
  record.terms.push(term);
  if (term.type === 'directive') {
    record.directives.push(term);
    if (term.mechanism.kind === 'all') record.hasAll = true;
    return undefined;
  }
  if (term.name === 'unknown') return undefined;
  // §6: "These two modifiers MUST NOT appear in a record more than once each."
  if (record[term.name] !== undefined) return problem('duplicate-modifier', `${term.name}= appears more than once`);
  record[term.name] = term.domainSpec;
  return undefined;
}

/** §4.6.1 name = ALPHA *( ALPHA / DIGIT / "-" / "_" / "." ); returns its length (0 if none). */
function modifierNameLength(token: string): number {
  const first = token.charCodeAt(0) | 0x20;
  if (first < 0x61 || first > 0x7a) return 0;
  let i = 1;
  for (; i < token.length; i++) {
    const code = token.charCodeAt(i);
    const alpha = (code | 0x20) >= 0x61 && (code | 0x20) <= 0x7a;
    if (!(alpha || (code >= 0x30 && code <= 0x39) || code === 0x2d || code === 0x5f || code === 0x2e)) break;
  }
  return i;
}

function parseTerm(token: string): TermParse {
  // §4.6.1: "Modifiers always contain an equals ('=') character immediately after the name, and
  // before any ':' or '/' characters"; a qualifier can only start a directive.
  const nameLength = modifierNameLength(token);
  if (nameLength > 0 && token[nameLength] === '=') return parseModifier(token.slice(0, nameLength), token.slice(nameLength + 1));
  let qualifier: Qualifier = '+';
  let start = 0;
  const first = token[0];
  if (first === '+' || first === '-' || first === '~' || first === '?') {
    qualifier = first;
    start = 1;
  }
  let end = start;
  while (end < token.length && token[end] !== ':' && token[end] !== '/') end++;
  const mechanism = parseMechanism(token.slice(start, end).toLowerCase(), token.slice(end), token);
  return 'kind' in mechanism ? { type: 'directive', qualifier, mechanism } : mechanism;
}

function parseModifier(name: string, value: string): TermParse {
  const key = name.toLowerCase();
  if (key === 'redirect' || key === 'exp') {
    // §6.1 redirect = "redirect" "=" domain-spec; §6.2 explanation = "exp" "=" domain-spec. A known
    // name with a bad value is an error, not an unknown modifier (the suite's agreed reading).
    if (value === '') return problem('invalid-modifier', `${key}= needs a domain-spec`);
    const spec = parseMacroString(value, 'domain-spec');
    return spec.ok ? { type: 'modifier', name: key, domainSpec: spec.macro } : spec.problem;
  }
  // §6: unknown modifiers are ignored, but §12 still requires name "=" macro-string.
  const parsed = parseMacroString(value, 'modifier');
  return parsed.ok ? { type: 'modifier', name: 'unknown', key: name, value: parsed.macro } : parsed.problem;
}

function parseMechanism(name: string, rest: string, token: string): Mechanism | SpfProblem {
  switch (name) {
    case 'all':
      // §5.1 all = "all": nothing may follow.
      return rest === '' ? { kind: 'all' } : problem('syntax-error', `${show(token)}: "all" takes no argument`);
    case 'include':
    case 'exists': {
      // §5.2 include = "include" ":" domain-spec; §5.7 exists = "exists" ":" domain-spec.
      if (!rest.startsWith(':')) return problem('syntax-error', `${show(token)}: ${name} needs ":" and a domain`);
      const spec = domainSpec(rest.slice(1));
      return 'parts' in spec ? ({ kind: name, domainSpec: spec } as Mechanism) : spec;
    }
    case 'a':
    case 'mx':
      return parseHostMechanism(name, rest, token);
    case 'ptr': {
      // §5.5 ptr = "ptr" [ ":" domain-spec ]: no CIDR length.
      if (rest === '') return { kind: 'ptr' };
      if (!rest.startsWith(':')) return problem('syntax-error', `${show(token)}: ptr takes no CIDR length`);
      const spec = domainSpec(rest.slice(1));
      return 'parts' in spec ? { kind: 'ptr', domainSpec: spec } : spec;
    }
    case 'ip4':
    case 'ip6':
      return parseNetwork(name, rest, token);
    default:
      return problem('unknown-mechanism', `${show(token)} is not a mechanism of RFC 7208 §5`);
  }
}

/** §5.3, §5.4: ( "a" / "mx" ) [ ":" domain-spec ] [ dual-cidr-length ]. */
function parseHostMechanism(kind: 'a' | 'mx', rest: string, token: string): Mechanism | SpfProblem {
  if (rest !== '' && !rest.startsWith(':') && !rest.startsWith('/')) return problem('syntax-error', `${show(token)}`);
  const argument = rest.startsWith(':') ? rest.slice(1) : rest;
  const cidr = splitDualCidr(argument, token);
  if ('code' in cidr) return cidr;
  const mechanism: HostMechanism<'a' | 'mx'> = { kind };
  if (cidr.cidr4 !== undefined) mechanism.cidr4 = cidr.cidr4;
  if (cidr.cidr6 !== undefined) mechanism.cidr6 = cidr.cidr6;
  if (!rest.startsWith(':')) {
    return cidr.spec === '' ? (mechanism as Mechanism) : problem('invalid-cidr', `${show(token)}: malformed dual-cidr-length`);
  }
  const spec = domainSpec(cidr.spec);
  if (!('parts' in spec)) return spec;
  mechanism.domainSpec = spec;
  return mechanism as Mechanism;
}

const TRAILING_CIDR6 = /\/\/(\d+)$/;
const TRAILING_CIDR4 = /\/(\d+)$/;

/**
 * §5.6 dual-cidr-length = [ ip4-cidr-length ] [ "/" ip6-cidr-length ], taken from the end of the
 * argument. A trailing "/digits" is always a CIDR length: a top label cannot contain "/".
 */
function splitDualCidr(argument: string, token: string): { spec: string; cidr4?: number; cidr6?: number } | SpfProblem {
  let spec = argument;
  const result: { spec: string; cidr4?: number; cidr6?: number } = { spec };
  const v6 = TRAILING_CIDR6.exec(spec);
  if (v6 !== null) {
    const length = cidrLength(v6[1] as string, 128);
    if (length === undefined) return problem('invalid-cidr', `${show(token)}: ip6-cidr-length must be 0-128`);
    result.cidr6 = length;
    spec = spec.slice(0, v6.index);
  }
  const v4 = TRAILING_CIDR4.exec(spec);
  if (v4 !== null) {
    const length = cidrLength(v4[1] as string, 32);
    if (length === undefined) return problem('invalid-cidr', `${show(token)}: ip4-cidr-length must be 0-32`);
    result.cidr4 = length;
    spec = spec.slice(0, v4.index);
  }
  result.spec = spec;
  return result;
}

/** §5.6: ip4-cidr-length = "/" ("0" / %x31-39 0*1DIGIT), ip6 0*2DIGIT: no leading zeros, in range. */
function cidrLength(digits: string, max: number): number | undefined {
  if (digits.length > String(max).length || (digits.length > 1 && digits[0] === '0')) return undefined;
  const value = Number(digits);
  return value <= max ? value : undefined;
}

/** §5.6: ip4 = "ip4" ":" ip4-network [ ip4-cidr-length ]; ip6 likewise; no dual length. */
function parseNetwork(kind: 'ip4' | 'ip6', rest: string, token: string): Mechanism | SpfProblem {
  if (!rest.startsWith(':')) return problem('syntax-error', `${show(token)}: ${kind} needs ":" and a network`);
  const slash = rest.indexOf('/');
  const address = slash < 0 ? rest.slice(1) : rest.slice(1, slash);
  const network = kind === 'ip4' ? parseIp4(address) : parseIp6(address);
  if (network === undefined) return problem('invalid-ip-network', `${show(token)}: not a valid ${kind} network`);
  const mechanism: NetworkMechanism<'ip4' | 'ip6'> = { kind, address, network };
  if (slash < 0) return mechanism as Mechanism;
  const digits = rest.slice(slash + 1);
  const prefix = /^\d+$/.test(digits) ? cidrLength(digits, kind === 'ip4' ? 32 : 128) : undefined;
  if (prefix === undefined) return problem('invalid-cidr', `${show(token)}: malformed ${kind}-cidr-length`);
  mechanism.prefix = prefix;
  return mechanism as Mechanism;
}

function domainSpec(text: string): MacroString | SpfProblem {
  if (text === '') return problem('invalid-domain-spec', 'a domain-spec cannot be empty');
  const parsed = parseMacroString(text, 'domain-spec');
  return parsed.ok ? parsed.macro : parsed.problem;
}

/** Writes a directive as record text, e.g. `-all`, `ip4:192.0.2.0/24` (the `+` is implied). */
export function formatDirective(directive: Directive): string {
  return (directive.qualifier === '+' ? '' : directive.qualifier) + formatMechanism(directive.mechanism);
}

function formatMechanism(mechanism: Mechanism): string {
  switch (mechanism.kind) {
    case 'all':
      return 'all';
    case 'include':
    case 'exists':
      return `${mechanism.kind}:${formatMacroString(mechanism.domainSpec)}`;
    case 'ptr':
      return mechanism.domainSpec === undefined ? 'ptr' : `ptr:${formatMacroString(mechanism.domainSpec)}`;
    case 'a':
    case 'mx': {
      const spec = mechanism.domainSpec === undefined ? '' : `:${formatMacroString(mechanism.domainSpec)}`;
      const cidr4 = mechanism.cidr4 === undefined ? '' : `/${mechanism.cidr4}`;
      const cidr6 = mechanism.cidr6 === undefined ? '' : `//${mechanism.cidr6}`;
      return `${mechanism.kind}${spec}${cidr4}${cidr6}`;
    }
    case 'ip4':
    case 'ip6':
      return `${mechanism.kind}:${mechanism.address}${mechanism.prefix === undefined ? '' : `/${mechanism.prefix}`}`;
  }
}

function formatTerm(term: Term): string {
  if (term.type === 'directive') return formatDirective(term);
  if (term.name === 'unknown') return `${term.key}=${formatMacroString(term.value)}`;
  return `${term.name}=${formatMacroString(term.domainSpec)}`;
}

/** Writes a parsed record back as text; `parseSpfRecord(formatSpfRecord(r))` gives `r` back. */
export function formatSpfRecord(record: SpfRecord): string {
  let text = VERSION;
  for (const term of record.terms) text += ` ${formatTerm(term)}`;
  return text;
}

const CACHE_SIZE = 1024;
const cache = new Map<string, SpfRecordParse>();

/**
 * The parse of a record text, remembered: the same records (a provider's include, a domain's own
 * record) come back for message after message, and parsed records are never mutated.
 */
export function parseSpfRecordCached(text: string): SpfRecordParse {
  let parsed = cache.get(text);
  if (parsed === undefined) {
    parsed = parseSpfRecord(text);
    if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value as string);
    cache.set(text, parsed);
  }
  return parsed;
}
