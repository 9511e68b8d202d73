import type { DmarcEvaluation, DmarcRecord, PolicyDiscovery } from 'authgate';
import type { Painter } from '../colour.js';
import { problemJson, type ProblemJson } from '../json.js';
import type { Printable } from '../output.js';
import type { DestinationCheck } from '../report-destinations.js';

export interface DmarcExplained {
  discovery: PolicyDiscovery;
  evaluation: DmarcEvaluation;
  destinations: DestinationCheck[];
}

export interface DmarcCommandJson {
  domain: string;
  mode: 'rfc9989' | 'rfc7489';
  /** `found`, `none` (no record applies), `permerror` (unusable record), `temperror`. */
  result: PolicyDiscovery['result'];
  policyDomain?: string;
  /** Where the record was found relative to the domain. */
  source?: 'author' | 'organizational' | 'psd';
  organizationalDomain?: string;
  /** The record as published. */
  record?: string;
  /** The policy a failing message from the domain gets, and the tag it comes from. */
  policy?: string;
  policySource?: 'p' | 'sp' | 'np';
  /** The record's policies with the defaults filled in. */
  /** With the defaults filled in; `np` only in RFC 9989 mode (RFC 7489 has no np). */
  policies?: { p: string; sp: string; np?: string };
  alignment?: { dkim: 'relaxed' | 'strict'; spf: 'relaxed' | 'strict' };
  testing: boolean;
  rua: string[];
  ruf: string[];
  reportDestinations: DestinationCheck[];
  queries: Array<{ name: string; outcome: string }>;
  warnings: string[];
  problem?: ProblemJson;
}

const SOURCE_TEXT = { author: 'the domain\'s own record', organizational: 'the Organizational Domain\'s record', psd: 'the public suffix domain\'s record (psd=y)' };

export function dmarcJson(explained: DmarcExplained): DmarcCommandJson {
  const { discovery, evaluation } = explained;
  const record = 'record' in discovery ? discovery.record : undefined;
  const json: DmarcCommandJson = {
    domain: discovery.domain,
    mode: discovery.mode,
    result: discovery.result,
    ...('policyDomain' in discovery && { policyDomain: discovery.policyDomain, source: discovery.source, record: discovery.text }),
    ...(discovery.organizationalDomain !== undefined && { organizationalDomain: discovery.organizationalDomain }),
    ...(evaluation.policy !== undefined && { policy: evaluation.policy, policySource: evaluation.policySource }),
    ...(discovery.result === 'found' && { policies: effectivePolicies(discovery.policies, discovery.mode) }),
    ...(record !== undefined && { alignment: alignmentOf(record) }),
    testing: record?.t === 'y',
    rua: (record?.rua ?? []).map((uri) => uri.uri),
    ruf: (record?.ruf ?? []).map((uri) => uri.uri),
    reportDestinations: explained.destinations,
    queries: discovery.queries.map((query) => ({ name: query.name, outcome: query.outcome })),
    warnings: [...discovery.warnings, ...advice(explained)],
    ...('problem' in discovery && { problem: problemJson(discovery.problem) }),
  };
  return json;
}

export function dmarcPrintable(explained: DmarcExplained, paint: Painter): Printable {
  const json = dmarcJson(explained);
  return { json, text: dmarcText(json, paint) };
}

function dmarcText(json: DmarcCommandJson, paint: Painter): string {
  const lines: string[] = [];
  if (json.record !== undefined && json.policyDomain !== undefined) {
    lines.push(`${paint.bold(`_dmarc.${json.policyDomain}`)}: ${json.record}`);
    lines.push(`  applies to ${json.domain}: ${SOURCE_TEXT[json.source!]}`);
  } else {
    lines.push(`${paint.bold(json.domain)}: ${paint.verdict(json.result === 'none' ? 'none' : json.result)}: ${json.problem?.message ?? 'no DMARC record applies'}`);
  }
  if (json.organizationalDomain !== undefined) lines.push(`  Organizational Domain: ${json.organizationalDomain}`);
  if (json.result === 'permerror' && json.problem !== undefined) lines.push(`  ${paint.verdict('permerror')}: ${json.problem.message}`);
  if (json.policy !== undefined) {
    lines.push(`Policy for ${json.domain}: ${paint.verdict(json.policy)} (from ${json.policySource}=)${json.testing ? ', testing (t=y): applied one level lower' : ''}`);
  }
  if (json.policies !== undefined) {
    const np = json.policies.np === undefined ? '' : `, non-existent subdomains np=${json.policies.np}`;
    lines.push(`  p=${json.policies.p}, subdomains sp=${json.policies.sp}${np}`);
  }
  if (json.alignment !== undefined) lines.push(`  alignment: DKIM ${json.alignment.dkim}, SPF ${json.alignment.spf}`);
  // Only a record that could be read has reporting addresses to show.
  if (json.alignment !== undefined) lines.push(...reportLines(json));
  lines.push('Lookups:', ...json.queries.map((query) => `  ${query.name} TXT: ${query.outcome}`));
  if (json.warnings.length > 0) lines.push(paint.bold('Warnings:'), ...json.warnings.map((warning) => `  - ${warning}`));
  return lines.join('\n');
}

/** Where reports go: the record's URIs, and the ones a consenting destination substitutes (RFC 9990 §4 step 9). */
function reportLines(json: DmarcCommandJson): string[] {
  const lines = [
    'Reports:',
    `  aggregate (rua): ${json.rua.length === 0 ? 'none requested' : json.rua.join(', ')}`,
    `  failure (ruf): ${json.ruf.length === 0 ? 'none requested' : json.ruf.join(', ')}`,
  ];
  for (const check of json.reportDestinations) {
    if (check.consent === 'authorized' && check.override !== undefined) {
      lines.push(`  ${check.tag}=${check.uri} is replaced by ${check.override.join(', ')}, as ${check.host} asks`);
    }
  }
  return lines;
}

/** RFC 9989 §4.7: without sp, p applies to subdomains; without np, sp (else p) applies to non-existent ones. */
function effectivePolicies(policies: { p: string; sp?: string; np?: string }, mode: 'rfc9989' | 'rfc7489'): { p: string; sp: string; np?: string } {
  const sp = policies.sp ?? policies.p;
  return mode === 'rfc7489' ? { p: policies.p, sp } : { p: policies.p, sp, np: policies.np ?? sp };
}

function alignmentOf(record: DmarcRecord): { dkim: 'relaxed' | 'strict'; spf: 'relaxed' | 'strict' } {
  // RFC 9989 §4.7: adkim and aspf default to r (relaxed).
  return { dkim: record.adkim === 's' ? 'strict' : 'relaxed', spf: record.aspf === 's' ? 'strict' : 'relaxed' };
}

/** Mistakes and weak settings an operator should hear about, beyond what the parser reported. */
function advice(explained: DmarcExplained): string[] {
  const { discovery } = explained;
  if (discovery.result !== 'found') return [];
  const notes: string[] = [];
  const { record, policies } = discovery;
  if (policies.p === 'none' && policies.downgraded === undefined) {
    notes.push('p=none: monitoring only; mail failing DMARC is not quarantined or rejected');
  }
  if ((record.rua ?? []).length === 0) notes.push('no rua: no aggregate reports will be sent, so failures go unseen (RFC 9990)');
  if (record.t === 'y') notes.push('t=y: testing mode; receivers apply the policy one level lower (RFC 9989 §4.7)');
  if (record.pct !== undefined && record.pct < 100) notes.push(`pct=${record.pct}: the policy applies to ${record.pct}% of failing mail (RFC 7489 §6.3; RFC 9989 removed pct)`);
  for (const check of explained.destinations) {
    const rule = check.tag === 'rua' ? 'RFC 9990 §4' : 'RFC 9991 §5';
    if (check.consent === 'unauthorized') {
      notes.push(`${check.tag}=${check.uri}: ${check.host} has not agreed to receive reports for ${discovery.policyDomain} (no v=DMARC1 TXT at ${discovery.policyDomain}._report._dmarc.${check.host}); receivers will not send them (${rule})`);
    } else if (check.consent === 'override-elsewhere') {
      notes.push(`${check.tag}=${check.uri}: ${check.host} consents, but its record at ${discovery.policyDomain}._report._dmarc.${check.host} redirects the reports to ${check.override!.join(', ')} on another host; receivers send them to neither (${rule})`);
    } else if (check.consent === 'temperror') {
      notes.push(`${check.tag}=${check.uri}: could not check whether ${check.host} accepts reports for ${discovery.policyDomain} (DNS error; ${rule})`);
    }
  }
  return notes;
}
