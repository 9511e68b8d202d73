import { ZoneResolver } from '@authgate/dns';
import type { ZoneData } from '@authgate/dns';
import { parseSpfRecord, verifySpf } from '../../src/index.js';
import type { SpfOutcome } from '../../src/index.js';
import { addresses, clientFamily, recordsFetched, recordsReached, termsEvaluated } from './case-features.js';
import type { Comparison, KnownDifference } from './differential.js';
import { RECEIVER } from './mailauth-spf.js';
import { withRecordEdited, withoutTerm, withoutTimeouts } from './zone-edits.js';

/** The MAIL FROM identity of one case as both judged it, with what a counterfactual run needs. */
export interface MailauthComparison extends Comparison {
  zone: ZoneData;
  input: { ip: string; mailFrom: string; helo: string };
}

/** A term our parser refuses by itself, in a record our evaluation fetched. */
interface OffendingTerm {
  name: string;
  record: string;
  term: string;
}

function offendingTerms(outcome: SpfOutcome): OffendingTerm[] {
  return recordsFetched(outcome).filter(({ record }) => !parseSpfRecord(record).ok).flatMap(({ name, record }) =>
    record.split(' ').slice(1).filter((term) => term !== '' && !parseSpfRecord(`v=spf1 ${term}`).ok).map((term) => ({ name, record, term })));
}

/** We refused a record for a term that `matches` (§4.6: permerror), and mailauth went on. */
function acceptsOffending({ ours, theirs }: Comparison, matches: (term: string) => boolean): boolean {
  return ours.result === 'permerror' && theirs.result !== 'permerror' && offendingTerms(ours).some(({ term }) => matches(term));
}

/** The comparison again with our verdict over `zone`; mailauth's verdict stays. */
async function over(comparison: MailauthComparison, zone: ZoneData): Promise<MailauthComparison> {
  const resolver = new ZoneResolver(zone);
  const ours = await verifySpf({ ...comparison.input, receiver: RECEIVER, resolver, trace: true });
  return { ...comparison, zone, resolver, ours };
}

/**
 * A counterfactual comparison agrees with mailauth, or disagrees only for another listed reason:
 * one case can show two of mailauth's departures at once. Each counterfactual removes a feature,
 * so the recursion ends.
 */
async function settled(comparison: MailauthComparison, except: string): Promise<boolean> {
  if (comparison.ours.result === comparison.theirs.result) return true;
  for (const difference of KNOWN_DIFFERENCES) if (difference.name !== except && (await difference.applies(comparison))) return true;
  return false;
}

/** The MX answers our evaluation used, as the trace records them ("10 host" each). */
function mxAnswers(outcome: SpfOutcome): string[][] {
  return (outcome.trace ?? []).flatMap((entry) => (entry.type === 'query' && entry.rrtype === 'MX' && entry.records ? [entry.records] : []));
}

function mxHosts(records: string[]): string[] {
  return records.map((record) => record.slice(record.indexOf(' ') + 1)).filter((host) => host !== '' && host !== '.');
}

/** The names whose address lookups timed out in our evaluation. */
function addressTimeouts(outcome: SpfOutcome): string[] {
  return (outcome.trace ?? []).flatMap((entry) => (entry.type === 'query' && entry.answer === 'TEMPFAIL' && (entry.rrtype === 'A' || entry.rrtype === 'AAAA') ? [entry.name] : []));
}

function ptrTimedOut(outcome: SpfOutcome): boolean {
  return (outcome.trace ?? []).some((entry) => entry.type === 'query' && entry.rrtype === 'PTR' && entry.answer === 'TEMPFAIL');
}

/** The delimiters of each macro-expand in `text` (§7.1), each once, in order of appearance. */
function delimiterSets(text: string): string[] {
  return [...text.matchAll(/%\{[a-z]\d*r?([-.+,/_=]*)\}/gi)].map((match) => [...new Set(match[1]!)].join(''));
}

/** Records reached through include or redirect whose <domain> is not the MAIL FROM domain, and that use %{d} or a bare ptr. */
function recordsReadingDomain(outcome: SpfOutcome): { domain: string; record: string }[] {
  const senderDomain = outcome.sender.slice(outcome.sender.lastIndexOf('@') + 1);
  return recordsReached(outcome).filter(({ depth, domain, record }) => depth > 0 && domain !== senderDomain && (/%\{d/i.test(record) || / [+?~-]?ptr( |$)/i.test(record)));
}

/** %{d} read as %{o} and a bare ptr as ptr:%{o}: mailauth's reading of a record. */
function senderDomainReading(record: string): string {
  return record.replace(/%\{d/g, '%{o').replace(/%\{D/g, '%{O').split(' ').map((term) => (/^[+?~-]?ptr$/i.test(term) ? `${term}:%{o}` : term)).join(' ');
}

/** Every kind of disagreement with mailauth 4.12.0, with the RFC 7208 text that decides it. */
export const KNOWN_DIFFERENCES: KnownDifference<MailauthComparison>[] = [
  {
    name: 'ptr domain-spec never checked',
    why:
      '§7.1: domain-spec = macro-string domain-end, domain-end = ( "." toplabel [ "." ] ) / macro-expand, so ptr:test ' +
      'holds no domain-spec and §4.6 makes the record a permerror; mailauth never checks the argument of ptr and ' +
      'matches any validated PTR name that ends in ".test"',
    applies: (comparison) => acceptsOffending(comparison, (term) => /^[+?~-]?ptr:/i.test(term)),
  },
  {
    name: 'zero digit transformer',
    why: '§7.3: "If a DIGIT is specified, the value MUST be nonzero"; mailauth expands %{d0} as if the digit were absent',
    applies: (comparison) => acceptsOffending(comparison, (term) => /%\{[a-z]0+r?[-.+,/_=]*\}/i.test(term)),
  },
  {
    name: 'digits after the r transformer',
    why: '§7.1: transformers = *DIGIT [ "r" ], so %{ir2} is no macro-expand (permerror, §7.3); mailauth reads %{ir} and drops the 2',
    applies: (comparison) => acceptsOffending(comparison, (term) => /%\{[a-z]r\d/i.test(term)),
  },
  {
    name: 'c, r or t outside exp',
    why:
      '§7.2: "The following macro letters are allowed only in "exp" text: c, r, t" (we refuse them in mechanisms and ' +
      'redirect=, and let unknown modifiers, which are never expanded, have them); mailauth expands them anywhere',
    applies: (comparison) => acceptsOffending(comparison, (term) => /%\{[crt]/i.test(term)),
  },
  {
    name: 'syntax checked only when the term is reached',
    why:
      '§4.6: "The syntax of the record is validated first, and if there are any syntax errors anywhere in the record, ' +
      'check_host() returns immediately with the result "permerror", without further interpretation or evaluation"; ' +
      'mailauth checks the name of every term first but the argument of a mechanism only when it evaluates it, so a ' +
      'match (or an error) before the broken term decides. Without that term our verdict is mailauth\'s, or differs ' +
      'for another listed reason',
    applies: async (comparison) => {
      if (!acceptsOffending(comparison, () => true)) return false;
      for (const { name, record, term } of offendingTerms(comparison.ours)) {
        if (await settled(await over(comparison, withoutTerm(comparison.zone, name, record, term)), 'syntax checked only when the term is reached')) return true;
      }
      return false;
    },
  },
  {
    name: '%{d} and ptr read the sender\'s domain',
    why:
      '§7.2: d = <domain>, which §5.2 and §6.1 set to the target of an include or redirect, and a ptr without ' +
      'domain-spec uses <domain> (§4.8); mailauth expands %{d} (and a bare ptr) from the MAIL FROM domain at every ' +
      'depth. With those records read as %{o}, our verdict is mailauth\'s, or differs for another listed reason',
    applies: async (comparison) => {
      const records = recordsReadingDomain(comparison.ours);
      if (records.length === 0) return false;
      const zone = records.reduce((edited, { domain, record }) => withRecordEdited(edited, domain, record, senderDomainReading), comparison.zone);
      return settled(await over(comparison, zone), '%{d} and ptr read the sender\'s domain');
    },
  },
  {
    name: 'trailing dot refused',
    why:
      '§7.3: trailing dots "SHOULD NOT be published, although they MUST be accepted by implementations conforming to ' +
      'this document" (§7.1 domain-end ends in an optional "."); mailauth refuses such a name (permerror)',
    applies: ({ ours, theirs }) => theirs.result === 'permerror' && theirs.detail.includes('Invalid domain') && ours.result !== 'permerror' &&
      termsEvaluated(ours).some(({ term }) => /^[+?~-]?[a-z]+:[^/]*\.(\/|$)/i.test(term)),
  },
  {
    name: 'malformed target name',
    why:
      '§4.8: for a <target-name> with an empty label ("foo..example.com") "Some implementations choose to treat such ' +
      'errors as not-match and therefore ignore such names, while others return a "permerror" exception"; we do not ' +
      'match, mailauth returns permerror',
    applies: ({ ours, theirs }) => theirs.result === 'permerror' && theirs.detail.includes('Invalid domain') && ours.result !== 'permerror' &&
      termsEvaluated(ours).some(({ term }) => /^[+?~-]?(a|mx|ptr|exists):[^/]*\.\./i.test(term)),
  },
  {
    name: 'ip6 network with /0',
    why:
      '§5.6: ip6-cidr-length = "/" ("0" / %x31-39 0*2DIGIT), so ip6:2001:db8::1/0 covers every IPv6 address; mailauth ' +
      'takes a /0 after an ip6 network for no length and compares the whole address (/128)',
    applies: ({ ours }) => termsEvaluated(ours).some(({ term, outcome }) => outcome === 'match' && /^[+?~-]?ip6:[^/]+\/0$/i.test(term)),
  },
  {
    name: 'hyphen between macro delimiters',
    why:
      '§7.1: delimiter = "." / "-" / "+" / "," / "/" / "_" / "=", in any order (§7.4 uses %{l1r+-}); mailauth puts them ' +
      'unescaped into a regular expression character class, where ".-+" is a range: out of order, it throws, and the ' +
      'check ends in temperror, or, in an included or redirected record, the include does not match and the redirect ' +
      'is skipped. With such records matching nothing, our verdict is mailauth\'s, or differs for another listed reason',
    applies: async (comparison) => {
      const { ours, theirs } = comparison;
      const broken = recordsFetched(ours).filter(({ record }) => delimiterSets(record).some((set) => set.indexOf('-') > 0 && set.indexOf('-') < set.length - 1));
      if (broken.length === 0) return false;
      if (theirs.result === 'temperror' && theirs.detail.includes('Invalid regular expression')) return true;
      const nested = broken.filter(({ depth }) => depth > 0);
      if (nested.length === 0) return false;
      const zone = nested.reduce((edited, { name, record }) => withRecordEdited(edited, name, record, () => 'v=spf1'), comparison.zone);
      return settled(await over(comparison, zone), 'hyphen between macro delimiters');
    },
  },
  {
    name: 'more than 10 MX records',
    why:
      '§4.6.4: "the evaluation of each "MX" record MUST NOT result in querying more than 10 address records", and "If ' +
      'this limit is exceeded, the "mx" mechanism MUST produce a "permerror" result". We refuse an MX answer of more ' +
      'than 10 names before any lookup, so the result does not depend on the order of the RRset; mailauth looks the ' +
      'hosts up one by one in preference order, stops at the first match or error, and fails only on the 11th ' +
      'lookup. The RFC limits lookups, which both readings respect',
    applies: ({ ours, theirs }) => ours.problem?.code === 'mx-limit' && theirs.result !== 'permerror',
  },
  {
    name: 'MX host lookup fails after a match',
    why:
      '§5.4: "check_host() first performs an MX lookup on the <target-name>. Then it performs an address lookup on each ' +
      'MX name returned. The <ip> is compared to each returned IP address", and §5: a lookup that times out stops the ' +
      'mechanism with "temperror"; mailauth compares each host as it is answered and stops at a match, so a later ' +
      'host\'s lookup never happens. With the host answering, our verdict is mailauth\'s, or differs for another listed reason',
    applies: async (comparison) => {
      const failed = addressTimeouts(comparison.ours);
      const hosts = mxAnswers(comparison.ours).flatMap(mxHosts);
      if (comparison.ours.problem?.code !== 'dns-error' || failed.length === 0 || !failed.every((name) => hosts.includes(name))) return false;
      return settled(await over(comparison, withoutTimeouts(comparison.zone, failed)), 'MX host lookup fails after a match');
    },
  },
  {
    name: 'PTR lookup times out',
    why:
      '§5.5: "If a DNS error occurs while doing the PTR RR lookup, then this mechanism fails to match"; mailauth returns ' +
      'temperror',
    applies: ({ ours, theirs }) => theirs.result === 'temperror' && theirs.detail.includes('DNS timeout') && ours.result !== 'temperror' && ptrTimedOut(ours),
  },
  {
    name: 'void lookup of a name with the other family only',
    why:
      '§4.6.4 counts as void the "terms for which DNS queries return either a positive answer (RCODE 0) with an answer ' +
      'count of 0, or a "Name Error""; an a term for an IPv4 client asks A (§5.3), which a name with only AAAA answers ' +
      'with no records. mailauth asks both families and counts the term only when neither has an address',
    applies: async ({ ours, theirs, resolver, ip }) => {
      if (ours.problem?.code !== 'void-lookup-limit' || theirs.result === 'permerror') return false;
      const family = clientFamily(ip);
      let otherFamilyOnly = 0;
      for (const { term, domain } of termsEvaluated(ours)) {
        const a = /^[+?~-]?a(?::([^/]+))?(\/|$)/i.exec(term);
        if (a === null || (a[1] ?? '').includes('%')) continue;
        const host = a[1] ?? domain;
        if ((await addresses(resolver, host, family))?.length === 0 && ((await addresses(resolver, host, family === 4 ? 6 : 4))?.length ?? 0) > 0) otherFamilyOnly++;
      }
      return otherFamilyOnly > 0 && ours.voidLookups - otherFamilyOnly <= 2;
    },
  },
  {
    name: 'PTR looked up once per evaluation',
    why:
      '§4.6.4 counts each ptr mechanism among the terms that cause DNS queries (at most 10) and limits to two the ' +
      '"terms" whose queries find nothing; mailauth asks for the client\'s PTR records once and answers every later ptr ' +
      'term from memory, counting neither a lookup nor a void lookup for it',
    applies: ({ ours, theirs }) => {
      if (ours.problem?.code !== 'void-lookup-limit' || theirs.result === 'permerror') return false;
      const ptrVoid = (ours.trace ?? []).some((entry) => entry.type === 'query' && entry.rrtype === 'PTR' && (entry.answer === 'NXDOMAIN' || entry.answer === 'NODATA'));
      const ptrTerms = termsEvaluated(ours).filter(({ term }) => /^[+?~-]?ptr(:|$)/i.test(term)).length;
      return ptrVoid && ptrTerms > 1 && ours.voidLookups - (ptrTerms - 1) <= 2;
    },
  },
  {
    name: 'void MX hosts counted',
    why:
      '§4.6.4 limits the "terms" whose lookups find nothing, and an mx mechanism is one term; mailauth also counts ' +
      'every MX host with an address of neither family as a void lookup, two allowed per mx term, so an MX answer ' +
      'naming three such hosts is a permerror by itself',
    applies: async ({ ours, theirs, resolver }) => {
      if (theirs.result !== 'permerror' || !theirs.detail.includes('Too many void DNS results') || ours.result === 'permerror') return false;
      for (const records of mxAnswers(ours)) {
        let voids = 0;
        for (const host of mxHosts(records)) if ((await addresses(resolver, host, 4))?.length === 0 && (await addresses(resolver, host, 6))?.length === 0) voids++;
        if (voids > 2) return true;
      }
      return false;
    },
  },
];
