import { parseAnswerAddress, prefixMatches } from './address.js';
import type { ClientAddress } from './address.js';
import { canonicalName, isAscii, isWithin, targetName } from './domain.js';
import { problem, show } from './errors.js';
import { expandMacro } from './macro.js';
import type { MacroString, MacroValues } from './macro.js';
import type { HostMechanism, Mechanism, NetworkMechanism, TargetMechanism } from './parse.js';
import { Abort } from './session.js';
import type { Answer, Session } from './session.js';

/** One level of check_host(): the <domain> being evaluated and the macro values for it. */
export interface Frame {
  session: Session;
  client: ClientAddress;
  domain: string;
  depth: number;
  values: MacroValues;
}

/** An expanded domain-spec: a name to query, or why there is none. */
export type Target = { ok: true; name: string } | { ok: false; reason: 'non-ascii' | 'malformed'; expanded: string };

/**
 * RFC 7208 §4.8: the <target-name> is the expanded domain-spec, or <domain> when the mechanism
 * has none. %{p} needs DNS, so it is resolved first (once per frame).
 */
export async function targetOf(frame: Frame, spec: MacroString | undefined): Promise<Target> {
  if (spec === undefined) return { ok: true, name: frame.domain };
  if (spec.usesP && frame.values.p === undefined) frame.values.p = await validatedName(frame);
  const expanded = expandMacro(spec, frame.values);
  const name = targetName(expanded);
  if (name !== undefined) return { ok: true, name };
  return { ok: false, reason: isAscii(expanded) ? 'malformed' : 'non-ascii', expanded };
}

/** RFC 7208 §5: a DNS error other than NXDOMAIN stops the mechanism and gives temperror. */
function dnsAbort(rrtype: string, name: string, code: string): Abort {
  return new Abort('temperror', problem('dns-error', `${rrtype} ${show(name)}: ${code}`));
}

/** The address type fetched for the client (RFC 7208 §5: A for IPv4, AAAA for IPv6). */
function addressType(client: ClientAddress): 'A' | 'AAAA' {
  return client.family === 4 ? 'A' : 'AAAA';
}

function anyAddressMatches(records: string[], client: ClientAddress, bits: number): boolean {
  for (const record of records) {
    const address = parseAnswerAddress(record, client.family);
    if (address !== undefined && prefixMatches(address, client.bytes, bits)) return true;
  }
  return false;
}

/** The prefix length of an a/mx mechanism for this client (§5.6: /32 and /128 when omitted). */
function prefixFor(mechanism: { cidr4?: number; cidr6?: number }, client: ClientAddress): number {
  return client.family === 4 ? (mechanism.cidr4 ?? 32) : (mechanism.cidr6 ?? 128);
}

/**
 * Looks up a name counted by the current term: no records count as a void lookup (§4.6.4),
 * NXDOMAIN being "as if the server returned no error and zero answer records" (§5); other
 * errors abort with temperror. Undefined means nothing was found.
 */
async function termLookup<T extends 'A' | 'AAAA' | 'MX'>(frame: Frame, rrtype: T, name: string): Promise<Answer<T> & { ok: true } | undefined> {
  const answer = await frame.session.query(rrtype, name, frame.depth);
  if (answer.ok) return answer;
  if (answer.code === 'NXDOMAIN' || answer.code === 'NODATA') frame.session.countVoid();
  else if (answer.code !== 'INVALID_NAME') throw dnsAbort(rrtype, name, answer.code);
  return undefined;
}

/** §5.3 "a": <ip> is one of the target's addresses (A or AAAA by the client's family). */
export async function matchA(frame: Frame, mechanism: HostMechanism<'a'>): Promise<boolean> {
  const target = await targetOf(frame, mechanism.domainSpec);
  if (!target.ok) return false;
  const answer = await termLookup(frame, addressType(frame.client), target.name);
  return answer !== undefined && anyAddressMatches(answer.records, frame.client, prefixFor(mechanism, frame.client));
}

/**
 * §5.4 "mx": <ip> is an address of one of the target's MX hosts. §4.6.4: more than 10 MX names
 * is a permerror; §5.4: no implicit MX (no fallback to the target's own address).
 */
export async function matchMx(frame: Frame, mechanism: HostMechanism<'mx'>): Promise<boolean> {
  const target = await targetOf(frame, mechanism.domainSpec);
  if (!target.ok) return false;
  const answer = await termLookup(frame, 'MX', target.name);
  if (answer === undefined) return false;
  if (answer.records.length > frame.session.limits.mxNames) {
    throw new Abort('permerror', problem('mx-limit', `${show(target.name)} has ${answer.records.length} MX records, more than ${frame.session.limits.mxNames} (RFC 7208 §4.6.4)`));
  }
  // RFC 7505 null MX ("." or empty exchange) names no host.
  const hosts = answer.records.map((mx) => canonicalName(mx.exchange)).filter((host) => host !== '');
  const rrtype = addressType(frame.client);
  const bits = prefixFor(mechanism, frame.client);
  // §5.4: "Then it performs an address lookup on each MX name returned. The <ip> is compared to
  // each returned IP address", and §5: a lookup that fails stops the mechanism with temperror. So
  // every host is looked up before comparing, and the result never depends on the order of the
  // MX RRset, which RFC 2181 §5 makes insignificant (a resolver may rotate it).
  const answers: Answer<'A' | 'AAAA'>[] = await Promise.all(hosts.map((host) => frame.session.query(rrtype, host, frame.depth)));
  let matched = false;
  for (const [i, hostAnswer] of answers.entries()) {
    if (hostAnswer.ok) matched ||= anyAddressMatches(hostAnswer.records, frame.client, bits);
    else if (hostAnswer.code === 'TEMPFAIL' || hostAnswer.code === 'error') throw dnsAbort(rrtype, hosts[i] as string, hostAnswer.code);
  }
  return matched;
}

/** §5.7 "exists": the target has an A record, whatever the client's family. */
export async function matchExists(frame: Frame, mechanism: TargetMechanism<'exists'>): Promise<boolean> {
  const target = await targetOf(frame, mechanism.domainSpec);
  if (!target.ok) return false;
  return (await termLookup(frame, 'A', target.name)) !== undefined;
}

/** §5.6 "ip4"/"ip6": an IPv4 client never matches ip6 and the reverse (§5: mapped clients are IPv4). */
export function matchNetwork(client: ClientAddress, mechanism: NetworkMechanism<'ip4'> | NetworkMechanism<'ip6'>): boolean {
  const family = mechanism.kind === 'ip4' ? 4 : 6;
  if (client.family !== family) return false;
  return prefixMatches(mechanism.network, client.bytes, mechanism.prefix ?? (family === 4 ? 32 : 128));
}

/**
 * The PTR names of the client (§5.5), lower case, at most `ptrNames` of them (§4.6.4: "all
 * records other than the first 10 MUST be ignored"); undefined when the lookup failed.
 */
async function ptrNames(frame: Frame): Promise<string[] | undefined> {
  const answer = await frame.session.query('PTR', frame.client.ptrName, frame.depth);
  if (!answer.ok) return undefined;
  return answer.records.slice(0, frame.session.limits.ptrNames).map(canonicalName);
}

/**
 * §5.5: a PTR name is validated when one of its addresses is <ip>. "If a DNS error occurs while
 * doing an A RR lookup, then that domain name is skipped and the search continues."
 */
async function isValidated(frame: Frame, name: string): Promise<boolean> {
  const answer = await frame.session.query(addressType(frame.client), name, frame.depth);
  return answer.ok && anyAddressMatches(answer.records, frame.client, frame.client.family === 4 ? 32 : 128);
}

/**
 * §5.5 "ptr": a validated PTR name equals the target or lies under it. Only names that would
 * match are validated, which gives the same answer as validating all of them with fewer
 * queries (§4: "MAY use a different algorithm ... so long as the results are the same").
 */
export async function matchPtr(frame: Frame, mechanism: Extract<Mechanism, { kind: 'ptr' }>): Promise<boolean> {
  const target = await targetOf(frame, mechanism.domainSpec);
  if (!target.ok) return false;
  const answer = await frame.session.query('PTR', frame.client.ptrName, frame.depth);
  if (!answer.ok) {
    // §5.5: "If a DNS error occurs while doing the PTR RR lookup, then this mechanism fails to match."
    if (answer.code === 'NXDOMAIN' || answer.code === 'NODATA') frame.session.countVoid();
    return false;
  }
  const wanted = target.name.toLowerCase();
  for (const name of answer.records.slice(0, frame.session.limits.ptrNames).map(canonicalName)) {
    if (isWithin(name, wanted) && (await isValidated(frame, name))) return true;
  }
  return false;
}

/**
 * §7.3 %{p}: "If the <domain> is present in the list of validated domains, it SHOULD be used.
 * Otherwise, if a subdomain of the <domain> is present, it SHOULD be used. Otherwise, any name
 * from the list can be used. If there are no validated domain names or if a DNS error occurs,
 * the string 'unknown' is used."
 */
export async function validatedName(frame: Frame): Promise<string> {
  const names = await ptrNames(frame);
  if (names === undefined) return 'unknown';
  const domain = frame.domain;
  const rank = (name: string): number => (name === domain ? 0 : isWithin(name, domain) ? 1 : 2);
  const ordered = names.map((name, index) => ({ name, index })).sort((x, y) => rank(x.name) - rank(y.name) || x.index - y.index);
  for (const { name } of ordered) if (await isValidated(frame, name)) return name;
  return 'unknown';
}
