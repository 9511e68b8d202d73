import { fieldsNamed, parseMessage, toCrlf, type HeaderField } from 'authgate';
import { CliError } from '../errors.js';

/** A message ready to be verified: its bytes with CRLF line ends, and its parsed header. */
export interface LoadedMessage {
  bytes: Buffer;
  header: HeaderField[];
}

/**
 * Prepares bytes read from a file, an mbox or stdin. Files on Unix systems (Maildir, mbox) store
 * lines ending in LF; they travelled as CRLF (RFC 5322 §2.1), and DKIM hashes them that way
 * (RFC 6376 §3.4), so bare LFs are restored to CRLF first.
 *
 * Refuses what is not an email: bytes that do not parse as a header section, or a header without
 * a From field, which RFC 5322 §3.6 requires of every message (and DMARC needs, RFC 9989 §5.3.1).
 */
export function loadMessage(raw: Buffer): LoadedMessage {
  const bytes = toCrlf(raw);
  const parsed = parseMessage(bytes);
  if (!parsed.ok) {
    throw new CliError('not-an-email', `not an email message (${parsed.problem.message.replace(/^message: /, '')})`);
  }
  if (fieldsNamed(parsed.message.header, 'from').length === 0) {
    throw new CliError('not-an-email', 'not an email message (no From field; RFC 5322 §3.6 requires one)');
  }
  return { bytes, header: parsed.message.header };
}
