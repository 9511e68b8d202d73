import type { Address, Mailbox } from './address.js';
import { encodeWords, looksEncoded } from './encoded-word.js';
import { domainText, isLiteral, quoteLocalPart, quoteString } from './quote.js';
import { isAtomText, isDotAtomText, isQtext, isWsp } from './syntax.js';

/** What `formatMailbox` needs of a mailbox; a parsed `Mailbox` will do. */
export type MailboxParts = Pick<Mailbox, 'localPart' | 'domain'> & { displayName?: string | undefined };

// CR and LF would end the header line, NUL is refused in any header section: none can be written.
const UNWRITABLE = /[\r\n\0]/;

/**
 * Writes a mailbox the way RFC 5322 §3.4 says to generate it, so that `parseAddressList` reads
 * back the same display name, local part and domain:
 * - the display name as atoms when it is plain words separated by single spaces, as one quoted
 *   string when it needs quoting (specials, extra spaces, something that looks like an encoded
 *   word), and as RFC 2047 encoded words only when it holds controls no quoted string can carry;
 *   non-ASCII text is written as UTF-8 (RFC 6532 §3.2);
 * - the local part as a dot-atom, or a quoted string only when it is not one (§3.4.1).
 * Throws a TypeError for a mailbox that cannot be written in a header field at all (CR, LF or
 * NUL in the local part, a domain that is neither a dot-atom nor a literal): programmer misuse.
 */
export function formatMailbox(mailbox: MailboxParts): string {
  if (UNWRITABLE.test(mailbox.localPart)) throw new TypeError('message: a local part with CR, LF or NUL cannot be written');
  if (isLiteral(mailbox.domain) ? UNWRITABLE.test(mailbox.domain) : !isDotAtomText(mailbox.domain)) {
    throw new TypeError(`message: "${mailbox.domain}" is neither a domain nor a domain literal`);
  }
  const addrSpec = `${quoteLocalPart(mailbox.localPart)}@${domainText(mailbox.domain)}`;
  return mailbox.displayName === undefined ? addrSpec : `${formatPhrase(mailbox.displayName)} <${addrSpec}>`;
}

/** A mailbox, or a group as `name: mailbox, mailbox;` (RFC 5322 §3.4). */
export function formatAddress(address: Address): string {
  if (address.kind === 'mailbox') return formatMailbox(address);
  const members = address.mailboxes.map(formatMailbox).join(', ');
  return `${formatPhrase(address.name)}:${members === '' ? '' : ` ${members}`};`;
}

/** An address-list, comma-separated (RFC 5322 §3.4). */
export function formatAddressList(addresses: readonly Address[]): string {
  return addresses.map(formatAddress).join(', ');
}

/** RFC 5322 §3.2.5 phrase, in the simplest form that reads back as `text`. */
export function formatPhrase(text: string): string {
  const words = text.split(' ');
  if (words.every((word) => isAtomText(word) && !looksEncoded(word))) return text;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (!isQtext(code) && !isWsp(code) && code !== 0x22 && code !== 0x5c) return encodeWords(text);
  }
  return quoteString(text);
}
