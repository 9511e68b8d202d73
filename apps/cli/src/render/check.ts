import type { AuthenticationReport } from 'authgate';
import { paintResults, type Painter } from '../colour.js';
import type { Envelope } from '../envelope.js';
import { dkimJson, dmarcJson, envelopeJson, problemJson, spfJson, type CheckJson } from '../json.js';
import type { Printable } from '../output.js';
import { withLf } from './text.js';

/** One checked message: the report, and the envelope it was checked against. */
export interface CheckedMessage {
  name: string;
  envelope: Envelope;
  report: AuthenticationReport;
}

export function checkJson(checked: CheckedMessage): CheckJson {
  const { report } = checked;
  return {
    source: checked.name,
    envelope: envelopeJson(checked.envelope),
    message: report.message.ok ? { ok: true } : { ok: false, problem: problemJson(report.message.problem) },
    spf: spfJson(report.spf, checked.envelope.helo),
    dkim: report.dkim.map(dkimJson),
    dmarc: dmarcJson(report.dmarc),
    authenticationResults: report.headers.authenticationResults,
    receivedSpf: report.headers.receivedSpf,
  };
}

/**
 * The text form: the Authentication-Results field as a receiver would prepend it, after
 * `# ` comment lines saying where the envelope came from when it was read from the message,
 * and why the message could not be read in full when it could not. With `receivedSpf`, the
 * Received-SPF field follows.
 */
export function checkText(checked: CheckedMessage, paint: Painter, options: { receivedSpf: boolean }): string {
  const lines: string[] = [];
  const { envelope, report } = checked;
  const note = envelopeNote(envelope);
  if (note !== undefined) lines.push(paint.dim(note));
  if (envelope.warning !== undefined) lines.push(paint.bold(`# warning: ${envelope.warning}`));
  if (!report.message.ok) lines.push(paint.dim(`# ${report.message.problem.message}`));
  if (options.receivedSpf) lines.push(withLf(report.headers.receivedSpf));
  lines.push(paintResults(withLf(report.headers.authenticationResults), paint));
  return lines.join('\n');
}

const ORIGIN_TEXT = { received: 'Received', 'return-path': 'Return-Path', none: 'not in Received' } as const;

/** `# envelope from the message: ip 192.0.2.1 (Received), ...`, when any part was not given as an option. */
function envelopeNote({ ip, helo, mailFrom, origin }: Envelope): string | undefined {
  if (origin.ip === 'option' && origin.helo === 'option' && origin.mailFrom === 'option') return undefined;
  const part = (label: string, value: string, from: keyof typeof ORIGIN_TEXT | 'option'): string =>
    from === 'option' ? `${label} ${value}` : `${label} ${value || '(none)'} (${ORIGIN_TEXT[from]})`;
  return `# envelope from the message: ${part('ip', ip, origin.ip)}, ${part('helo', helo, origin.helo)}, ${part('mail from', `<${mailFrom}>`, origin.mailFrom)}`;
}

export function checkPrintable(checked: CheckedMessage, paint: Painter, options: { receivedSpf: boolean }): Printable {
  return { name: checked.name, json: checkJson(checked), text: checkText(checked, paint, options) };
}
