import type { AuthenticationReport, SpfVerification } from 'authgate';
import type { DmarcAction, PolicyConfig } from './config/schema.js';
import { NetworkList } from './net/network-list.js';
import { replies, type Reply } from './reply.js';

/**
 * What to do with a transaction. `accept` and `quarantine` relay the message (quarantine with the
 * configured mark); `reject` answers 5xx, `defer` 4xx.
 */
export type Decision =
  | { action: 'accept'; rule: string; waived?: Waiver }
  | { action: 'quarantine'; rule: string; header: string; waived?: Waiver }
  | { action: 'reject' | 'defer'; rule: string; reply: Reply };

/** An allow-list entry that turned a refusal into acceptance (the message is still stamped). */
export interface Waiver {
  rule: string;
  by: string;
}

/** The header facts the malformed-message rule looks at (RFC 5322 §3.6: exactly one From). */
export interface HeaderFacts {
  /** Why the header section did not parse, when it did not. */
  problem?: { code: string; message: string };
  fromCount: number;
}

/** DMARC problems that mean the From field itself is broken (RFC 5322 §3.6.2). */
const FROM_PROBLEMS = new Set(['no-from', 'malformed-from', 'no-author-domain']);

/**
 * The configured policy, compiled. Default: monitor only (stamp, never refuse). Every refusal is
 * waived for allow-listed clients: by network, or by a domain the message authenticated.
 */
export class Policy {
  readonly config: PolicyConfig;
  readonly #allowIps: NetworkList;

  constructor(config: PolicyConfig) {
    this.config = config;
    this.#allowIps = new NetworkList(config.allow.ips);
  }

  /** At MAIL FROM, with the SPF verdict of the envelope (RFC 7208 §2.4: check before DATA). */
  atMailFrom(spf: SpfVerification, clientIp: string): Decision {
    const decision = this.#spfDecision(spf);
    if (decision.action !== 'reject' && decision.action !== 'defer') return decision;
    return this.#waive(decision, clientIp, spfDomains(spf));
  }

  /** At the end of DATA, with the whole report and the header facts. */
  atEndOfData(report: AuthenticationReport, header: HeaderFacts, clientIp: string): Decision {
    const decision = this.#malformedDecision(report, header) ?? this.#dmarcDecision(report);
    if (decision.action !== 'reject' && decision.action !== 'defer') return decision;
    return this.#waive(decision, clientIp, authenticatedDomains(report));
  }

  #spfDecision(spf: SpfVerification): Decision {
    // RFC 7208 §8.4: a receiver may reject a "fail" during the SMTP transaction.
    if (spf.result === 'fail' && this.config.spfFail === 'reject') {
      return { action: 'reject', rule: 'spf-fail', reply: replies.spfFail(spf.domain, spf.explanation) };
    }
    // RFC 7208 §8.6: on temperror the receiver may defer with a 4xx reply.
    if (spf.result === 'temperror' && this.config.tempError === 'defer') {
      return { action: 'defer', rule: 'spf-temperror', reply: replies.spfTempError(spf.domain) };
    }
    return { action: 'accept', rule: `spf-${spf.result}` };
  }

  #malformedDecision(report: AuthenticationReport, header: HeaderFacts): Decision | undefined {
    if (this.config.malformed !== 'reject') return undefined;
    const detail = malformation(report, header, this.config.allowMultipleFrom);
    return detail === undefined ? undefined : { action: 'reject', rule: 'malformed', reply: replies.malformed(detail) };
  }

  #dmarcDecision(report: AuthenticationReport): Decision {
    const dmarc = report.dmarc;
    const domain = dmarc.authorDomain ?? dmarc.authorDomains[0] ?? '';
    // RFC 9989 §5.3.6: without the DNS answers the policy cannot be applied; deferring is allowed.
    if (dmarc.result === 'temperror' && this.config.tempError === 'defer') {
      return { action: 'defer', rule: 'dmarc-temperror', reply: replies.dmarcTempError(domain) };
    }
    if (dmarc.result !== 'fail') return { action: 'accept', rule: `dmarc-${dmarc.result}` };
    // RFC 9989 §5.3.6/§7.4: the disposition (after t=y) is a request; local policy decides.
    const action: DmarcAction = dmarc.disposition === 'reject'
      ? this.config.dmarcReject
      : dmarc.disposition === 'quarantine' ? this.config.dmarcQuarantine : 'accept';
    const rule = `dmarc-fail-${dmarc.disposition}`;
    if (action === 'reject') return { action: 'reject', rule, reply: replies.dmarcReject(domain, otherMethodFailed(report)) };
    if (action === 'quarantine') return { action: 'quarantine', rule, header: this.config.quarantineHeader };
    return { action: 'accept', rule };
  }

  #waive(decision: Decision & { action: 'reject' | 'defer' }, clientIp: string, domains: string[]): Decision {
    if (this.#allowIps.has(clientIp)) return { action: 'accept', rule: decision.rule, waived: { rule: decision.rule, by: `ip:${clientIp}` } };
    const domain = domains.find((d) => this.#domainAllowed(d));
    if (domain !== undefined) return { action: 'accept', rule: decision.rule, waived: { rule: decision.rule, by: `domain:${domain}` } };
    return decision;
  }

  #domainAllowed(domain: string): boolean {
    const name = domain.toLowerCase();
    return this.config.allow.domains.some((entry) => (entry.startsWith('.') ? name.endsWith(entry) || name === entry.slice(1) : name === entry));
  }
}

/** What is wrong with the header, in words, or undefined when nothing is. */
export function malformation(report: AuthenticationReport, header: HeaderFacts, allowMultipleFrom: boolean): string | undefined {
  if (header.problem !== undefined) return header.problem.message;
  if (!report.message.ok) return report.message.problem.message;
  if (header.fromCount === 0) return 'no From field';
  if (header.fromCount > 1 && !allowMultipleFrom) return `${header.fromCount} From fields`;
  const code = report.dmarc.problem?.code;
  if (code !== undefined && FROM_PROBLEMS.has(code)) return report.dmarc.problem!.message;
  return undefined;
}

/**
 * RFC 7372 §3.4: whether the DMARC failure comes with another failed check: an SPF `fail` or
 * `softfail` of the MAIL FROM identity, or a DKIM signature that failed to verify.
 */
function otherMethodFailed(report: AuthenticationReport): boolean {
  return report.spf.result === 'fail' || report.spf.result === 'softfail' || report.dkim.some((v) => v.result === 'fail');
}

/** Domains SPF authenticated: the MAIL FROM (or HELO) identity that passed. */
function spfDomains(spf: SpfVerification): string[] {
  const domains: string[] = [];
  if (spf.result === 'pass' && spf.domain !== '') domains.push(spf.domain);
  if (spf.helo?.result === 'pass' && spf.helo.domain !== '') domains.push(spf.helo.domain);
  return domains;
}

/** Domains the message authenticated: SPF passes and passing DKIM signatures' d=. */
function authenticatedDomains(report: AuthenticationReport): string[] {
  const dkim = report.dkim.filter((v) => v.result === 'pass' && v.domain !== undefined).map((v) => v.domain!);
  return [...spfDomains(report.spf), ...dkim];
}
