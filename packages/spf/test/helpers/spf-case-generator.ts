import { reverseName } from '@authgate/dns';
import type { ZoneData, ZoneEntry } from '@authgate/dns';
import { Prng } from '@authgate/testkit';

/** One generated SMTP transaction; every name it can reach lies under `base`. */
export interface SpfCase {
  id: number;
  /** `c<id>.test`: the case's own part of the shared zone. */
  base: string;
  ip: string;
  mailFrom: string;
  helo: string;
}

/** Cases and the one zone that answers all of them (each case has its own names and client). */
export interface SpfCorpus {
  zone: ZoneData;
  cases: SpfCase[];
}

const QUALIFIERS = ['', '', '', '+', '-', '~', '?'] as const;
const LOCAL_PARTS = ['alice', 'bob.smith', 'a-b-c', 'x+tag', 'postmaster', 'Mixed.Case', 'o_k-x.y'] as const;

/**
 * Terms that break the grammar of RFC 7208 §12 or a rule of §5-§7 (each a permerror wherever it
 * stands in the record, §4.6), and ones that look wrong but are valid.
 */
const ODD_TERMS = [
  'ip4:10.0.0.256', 'ip4:10.0.0.1/33', 'ip4:10.0.0.1/024', 'ip4:10.0.1', 'ip6:2001:db8::g', 'ip6:2001:db8::/129',
  'a/33', 'mx//129', 'a:1.2.3.4', 'a:test', 'a:%{d}.', 'a:%{x}.test', 'exists', 'include:', 'ptr/24', '-all:foo',
  'moo', 'ipv4:10.0.0.1', 'exists:%{d0}.test', 'a:%{c}.test', 'exists:%{i}%.test', 'redirect=', 'exp=', 'foo=%{z}',
  'foo=%{c}', 'foo=bar', 'x-y.z=%{ir}', 'a:%%%_%-.test', 'a:foo..bar.test', 'mx:example.com.', 'a//0', 'ip6:::ffff:10.0.0.1',
  'Redirect=x.test', 'A:%{D}', 'exists:%{ir2}.%{d}', '~exists:%{l1r+-}.lp.%{d}', 'exists:%{ir}.%{v}.%{d2}', 'exists:%{s}.s.%{d}',
] as const;

/** Macro-built names for exists/a/include targets (RFC 7208 §7): letters, digits, r, delimiters, escaping. */
const MACRO_NAMES = [
  '%{i}.ip.%{d}', '%{ir}.%{v}.rev.%{d}', '%{l}.lp.%{d}', '%{l-}.lp.%{d}', '%{lr-}.lp.%{d}', '%{l1r.-+_}.lp.%{d}',
  '%{o}.o.%{d}', '%{h}.h.%{d}', '%{h2}.h.%{d}', '%{d2}', '%{d3r}.dr.%{d}', '%{s}.s.%{d}', '%{p}.p.%{d}',
  '%{v}.v.%{d}', '%{i1}.i1.%{d}', '%{i2r}.i2.%{d}', '%{L}.up.%{d}', '%{S}.up.%{d}', '%{i}.wild.%{d}', '%{l}.wild.%{d}',
] as const;

/** A per-case generator: it owns the case's names, addresses and records. */
class CaseBuilder {
  readonly base: string;
  readonly v6: boolean;
  readonly ip: string;
  readonly zone: ZoneData = {};
  readonly #rng: Prng;
  readonly #id: number;

  constructor(rng: Prng, id: number) {
    this.#rng = rng;
    this.#id = id;
    this.base = `c${id}.test`;
    this.v6 = rng.chance(0.3);
    // One client address per case, so the PTR names of different cases never meet.
    const mapped = !this.v6 && rng.chance(0.05);
    this.ip = this.v6 ? `2001:db8:${id.toString(16)}::${rng.int(1, 0xfff).toString(16)}` : `${mapped ? '::ffff:' : ''}${this.v4(10)}`;
  }

  /** The address `host` in this case's IPv4 /24 (.10 is the client's when it is an IPv4 one). */
  v4(host: number): string {
    return `10.${(this.#id >> 8) & 255}.${this.#id & 255}.${host}`;
  }

  /**
   * An address of the family: the client's (for the other family, .10 or ::a of the case's own
   * network), a neighbour in the client's /24 or /48, or one far away.
   */
  address(family: 4 | 6, kind: 'client' | 'near' | 'far'): string {
    const rng = this.#rng;
    if (family === 4) {
      if (kind === 'far') return `192.0.2.${rng.int(1, 254)}`;
      return this.v4(kind === 'near' ? rng.int(11, 254) : 10);
    }
    if (kind === 'far') return `2001:db8:ffff::${rng.int(1, 0xffff).toString(16)}`;
    const prefix = `2001:db8:${this.#id.toString(16)}::`;
    if (kind === 'client') return this.v6 ? this.ip : `${prefix}a`;
    return `${prefix}${rng.int(0x1000, 0xffff).toString(16)}`;
  }

  add(name: string, ...entries: ZoneEntry[]): void {
    (this.zone[name] ??= []).push(...entries);
  }

  /** 0-4 address records of either family, mostly the client's. */
  addresses(name: string): void {
    const rng = this.#rng;
    const count = rng.pick([0, 1, 1, 1, 2, 2, 3, 4]);
    for (let i = 0; i < count; i++) {
      const family = rng.chance(this.v6 ? 0.75 : 0.25) ? 6 : 4;
      const kind = rng.pick(['client', 'near', 'near', 'far'] as const);
      this.add(name, family === 4 ? { A: this.address(4, kind) } : { AAAA: this.address(6, kind) });
    }
    if (count === 0 && rng.chance(0.5)) this.add(name, { TXT: 'not an address' });
  }

  qualifier(): string {
    return this.#rng.pick(QUALIFIERS);
  }
}

/** The hosts, MX sets, PTR names and helper names every case has, with random contents. */
function buildNames(b: CaseBuilder, rng: Prng): void {
  const { base } = b;
  for (const host of ['h1', 'h2', 'h3', 'mail']) b.addresses(`${host}.${base}`);
  if (rng.chance(0.15)) b.add(`slow.${base}`, rng.chance(0.5) ? 'TIMEOUT' : { A: b.address(4, 'far') }, 'TIMEOUT');
  if (rng.chance(0.05)) b.add(`inc.${base}`, 'TIMEOUT');
  b.add(`txt.${base}`, { TXT: 'google-site-verification=abc' });
  b.add(`why.${base}`, { TXT: '%{i} is not allowed to send for %{d}' });
  if (rng.chance(0.5)) b.add(`*.wild.${base}`, { A: '127.0.0.2' });
  b.add(`${b.v6 ? 'x' : b.address(4, 'client')}.ip.${base}`, { A: '127.0.0.2' });
  b.add(`alice.lp.${base}`, { A: '127.0.0.2' });
  b.add(`far.${base}`, { A: b.address(4, 'far') }, { AAAA: b.address(6, 'far') });
  for (const name of [base, `m.${base}`]) mxSet(b, rng, name);
  const ptrs = rng.pick([0, 1, 1, 2, 3]);
  const reverse = reverseName(b.ip);
  for (let i = 0; i < ptrs; i++) b.add(reverse, { PTR: rng.pick([`mail.${base}`, `h1.${base}`, `x.${base}`, `h2.${base}`, 'other.example']) });
  if (rng.chance(0.1)) b.add(reverse, ...Array.from({ length: 11 }, (_, i): ZoneEntry => ({ PTR: `p${i}.${base}` })));
  if (rng.chance(0.05)) b.zone[reverse] = ['TIMEOUT'];
}

/** An MX answer of 0-11 names: hosts with or without addresses, a null MX, or over the limit of 10. */
function mxSet(b: CaseBuilder, rng: Prng, name: string): void {
  const size = rng.pick([0, 1, 1, 2, 2, 3, 3, 10, 11]);
  for (let i = 0; i < size; i++) {
    const host = rng.pick([`h1.${b.base}`, `h2.${b.base}`, `mail.${b.base}`, `mx${i}.${b.base}`, `slow.${b.base}`]);
    if (host.startsWith('mx') && rng.chance(0.5)) b.addresses(host);
    b.add(name, { MX: [rng.int(0, 3) * 10, host] });
  }
  if (size === 0 && rng.chance(0.2)) b.add(name, { MX: [0, ''] });
}

/** One directive (RFC 7208 §5) with a random qualifier, target and CIDR lengths. */
function directive(b: CaseBuilder, rng: Prng): string {
  const q = b.qualifier();
  const { base } = b;
  const host = (): string => rng.pick([base, `h1.${base}`, `h2.${base}`, `h3.${base}`, `mail.${base}`, `none.${base}`, `slow.${base}`, '%{d}', rng.pick(MACRO_NAMES)]);
  const cidr = (): string => `${rng.chance(0.3) ? `/${rng.pick([0, 8, 16, 24, 31, 32])}` : ''}${rng.chance(0.3) ? `//${rng.pick([0, 48, 64, 112, 127, 128])}` : ''}`;
  switch (rng.pick(['ip4', 'ip4', 'ip6', 'a', 'a', 'mx', 'mx', 'ptr', 'exists', 'exists', 'include', 'include', 'all'] as const)) {
    case 'ip4':
      return `${q}ip4:${b.address(4, rng.pick(['client', 'near', 'far'] as const))}${rng.chance(0.4) ? `/${rng.pick([0, 8, 16, 24, 30, 32])}` : ''}`;
    case 'ip6':
      return `${q}ip6:${b.address(6, rng.pick(['client', 'near', 'far'] as const))}${rng.chance(0.4) ? `/${rng.pick([0, 32, 48, 64, 100, 128])}` : ''}`;
    case 'a':
      return `${q}a${rng.chance(0.6) ? `:${host()}` : ''}${cidr()}`;
    case 'mx':
      return `${q}mx${rng.chance(0.5) ? `:${rng.pick([`m.${base}`, base, `none.${base}`, `h1.${base}`])}` : ''}${cidr()}`;
    case 'ptr':
      return `${q}ptr${rng.chance(0.6) ? `:${rng.pick([base, `x.${base}`, 'other.example', '%{d}', 'test'])}` : ''}`;
    case 'exists':
      return `${q}exists:${rng.chance(0.7) ? rng.pick(MACRO_NAMES) : host()}`;
    case 'include':
      return `${q}include:${rng.pick([`inc.${base}`, `inc.${base}`, `none.${base}`, `txt.${base}`, `two.${base}`, base, '%{d2}', rng.chance(0.3) ? `bad.${base}` : `inc.${base}`])}`;
    case 'all':
      return `${q}all`;
  }
}

/** A record of 0-6 directives, then maybe an all, modifiers and one odd term. */
function record(b: CaseBuilder, rng: Prng, allowRedirect: boolean): string {
  const terms: string[] = [];
  const count = rng.pick([0, 1, 2, 2, 3, 3, 4, 5, 6]);
  for (let i = 0; i < count; i++) terms.push(directive(b, rng));
  if (rng.chance(0.5)) terms.push(`${b.qualifier()}all`);
  if (allowRedirect && rng.chance(0.25)) terms.push(`redirect=${rng.pick([`redir.${b.base}`, `none.${b.base}`, `txt.${b.base}`, `inc.${b.base}`])}`);
  if (rng.chance(0.2)) terms.push(`exp=${rng.pick([`why.${b.base}`, `none.${b.base}`, 'why.%{d}'])}`);
  if (rng.chance(0.1)) terms.splice(rng.int(0, terms.length), 0, rng.pick(ODD_TERMS));
  if (rng.chance(0.05)) terms.unshift(...lookupBlowup(b, rng));
  return `${rng.chance(0.05) ? 'V=SPF1' : 'v=spf1'}${terms.map((term) => `${rng.chance(0.05) ? '  ' : ' '}${term}`).join('')}`;
}

/**
 * Terms near the limits of RFC 7208 §4.6.4: 2-4 void lookups (2 allowed), 9-12 DNS-querying terms
 * (10 allowed), or exactly 10 that end in a match beside a redirect= that is never followed.
 */
function lookupBlowup(b: CaseBuilder, rng: Prng): string[] {
  switch (rng.int(0, 2)) {
    case 0:
      return Array.from({ length: rng.int(2, 4) }, (_, i) => `exists:void${i}.${b.base}`);
    case 1:
      return Array.from({ length: rng.int(9, 12) }, () => rng.pick([`a:h1.${b.base}`, `mx:m.${b.base}`, `exists:alice.lp.${b.base}`, `include:inc.${b.base}`]));
    default:
      return [...Array.from({ length: 9 }, () => `a:far.${b.base}`), `exists:alice.lp.${b.base}`, `redirect=redir.${b.base}`];
  }
}

/** The SPF records of the case's names: the domain, the HELO host, include and redirect targets. */
function buildRecords(b: CaseBuilder, rng: Prng): void {
  const { base } = b;
  // §3.3: a record may come as several strings, joined without spaces.
  b.add(base, { TXT: rng.chance(0.1) ? ['v=spf1 ', `ip4:${b.address(4, 'client')}`, ' -all'] : record(b, rng, true) });
  if (rng.chance(0.04)) b.add(base, { TXT: record(b, rng, true) });
  b.add(`inc.${base}`, { TXT: record(b, rng, false) });
  b.add(`redir.${base}`, { TXT: record(b, rng, false) });
  b.add(`two.${base}`, { TXT: 'v=spf1 +all' }, { TXT: 'v=spf1 -all' });
  b.add(`bad.${base}`, { TXT: `v=spf1 ${rng.pick(ODD_TERMS)} -all` });
  if (rng.chance(0.75)) b.add(`mail.${base}`, { TXT: record(b, rng, true) });
}

/** The envelope: a local part (or a null reverse path, checked as postmaster@HELO) and the HELO name. */
function envelope(b: CaseBuilder, rng: Prng): { mailFrom: string; helo: string } {
  const helo = rng.chance(0.8) ? `mail.${b.base}` : b.base;
  if (rng.chance(0.15)) return { mailFrom: '', helo };
  const domain = rng.chance(0.9) ? b.base : `sub.${b.base}`;
  return { mailFrom: `${rng.pick(LOCAL_PARTS)}@${domain}`, helo };
}

/** `count` cases from `seed`, the same on every run. */
export function generateCorpus(seed: number, count: number): SpfCorpus {
  const rng = new Prng(seed);
  const corpus: SpfCorpus = { zone: {}, cases: [] };
  for (let id = 0; id < count; id++) {
    const b = new CaseBuilder(rng, id);
    buildNames(b, rng);
    buildRecords(b, rng);
    Object.assign(corpus.zone, b.zone);
    corpus.cases.push({ id, base: b.base, ip: b.ip, ...envelope(b, rng) });
  }
  return corpus;
}
