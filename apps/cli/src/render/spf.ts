import type { SpfOutcome, SpfTraceEntry, SpfVerification } from 'authgate';
import type { Painter } from '../colour.js';
import { spfJson, type SpfJson } from '../json.js';
import type { Printable } from '../output.js';
import { withLf } from './text.js';

export interface SpfReport {
  ip: string;
  helo: string;
  mailFrom: string;
  verification: SpfVerification;
  /** The whole Received-SPF field, as a receiver would prepend it. */
  receivedSpf: string;
}

export interface SpfCommandJson {
  ip: string;
  helo: string;
  mailFrom: string;
  spf: SpfJson;
  receivedSpf: string;
}

/** What each result means (RFC 7208 §2.6), said once for people. */
const MEANING: Record<string, string> = {
  pass: 'the client is authorized to use this identity',
  fail: 'the client is not authorized to use this identity',
  softfail: 'the client is probably not authorized (weak fail)',
  neutral: 'the domain says nothing about this client',
  none: 'no SPF record to check against',
  temperror: 'a DNS error that may go away: try again later',
  permerror: 'the domain\'s SPF record cannot be interpreted',
};

export function spfPrintable(report: SpfReport, paint: Painter, options: { trace: boolean }): Printable {
  const json: SpfCommandJson = {
    ip: report.ip,
    helo: report.helo,
    mailFrom: report.mailFrom,
    spf: spfJson(report.verification, report.helo, options.trace),
    receivedSpf: report.receivedSpf,
  };
  return { json, text: spfText(report, paint, options) };
}

function spfText(report: SpfReport, paint: Painter, options: { trace: boolean }): string {
  const { verification } = report;
  const lines = outcomeLines(verification, report, paint);
  // RFC 7208 §2.4: with a null reverse path the MAIL FROM identity is postmaster@<HELO>.
  if (report.mailFrom === '') lines.splice(1, 0, '  null reverse path (<>): the identity is postmaster at the HELO name (RFC 7208 §2.4)');
  if (options.trace && verification.trace !== undefined) lines.push('  trace:', ...traceLines(verification.trace, 4));
  // The HELO identity is shown when a HELO name was given and is not already the identity checked above.
  if (verification.helo !== undefined && report.helo !== '' && report.mailFrom !== '') {
    lines.push(...outcomeLines(verification.helo, report, paint));
    if (options.trace && verification.helo.trace !== undefined) lines.push('  trace:', ...traceLines(verification.helo.trace, 4));
  }
  lines.push(withLf(report.receivedSpf));
  return lines.join('\n');
}

function outcomeLines(outcome: SpfOutcome, report: SpfReport, paint: Painter): string[] {
  // The HELO identity is postmaster@<HELO> internally (RFC 7208 §2.3); people know it by the name given.
  const who = outcome.identity === 'helo' ? `HELO ${report.helo}` : `MAIL FROM ${outcome.sender}`;
  const where = outcome.domain === '' || (outcome.identity === 'helo' && outcome.domain === report.helo) ? '' : ` (domain ${outcome.domain})`;
  const lines = [`${paint.bold(who)}${where}, client ${report.ip}: ${paint.verdict(outcome.result)}`];
  lines.push(`  ${MEANING[outcome.result] ?? outcome.result}`);
  if (outcome.mechanism !== undefined) {
    lines.push(`  decided by: ${outcome.mechanism === 'default' ? 'no mechanism matched (default result)' : outcome.mechanism}`);
  }
  if (outcome.explanation !== undefined) lines.push(`  explanation: ${outcome.explanation}`);
  if (outcome.problem !== undefined) lines.push(`  problem: ${outcome.problem.message}`);
  // RFC 7208 §4.6.4: at most 10 DNS-querying terms and 2 void lookups per check.
  lines.push(`  DNS: ${outcome.lookups} of 10 lookups, ${outcome.voidLookups} of 2 void lookups, ${outcome.queries} ${outcome.queries === 1 ? 'query' : 'queries'}`);
  return lines;
}

/** The evaluation as a tree: each include or redirect one level deeper. */
export function traceLines(trace: readonly SpfTraceEntry[], indent: number): string[] {
  return trace.map((entry) => ' '.repeat(indent + 2 * entry.depth) + traceEntry(entry));
}

function traceEntry(entry: SpfTraceEntry): string {
  switch (entry.type) {
    case 'query': {
      const records = entry.records === undefined || entry.records.length === 0 ? '' : `: ${entry.records.join(' | ')}`;
      return `${entry.rrtype} ${entry.name} -> ${entry.answer}${records}`;
    }
    case 'record':
      return `record of ${entry.domain}: ${entry.record}`;
    case 'term':
      return `${entry.term} -> ${entry.outcome}`;
    case 'result':
      return `= ${entry.result} (${entry.domain})`;
  }
}
