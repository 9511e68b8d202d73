/**
 * @authgate/message: a raw RFC 5322 message, parsed once.
 *
 * Header fields keep their exact bytes (for DKIM, RFC 6376 §3.4) beside their unfolded values
 * (RFC 5322 §2.2.3, UTF-8 per RFC 6532); the body can be streamed; address lists are parsed per
 * RFC 5322 §3.4 and §4.4 with RFC 2047 encoded words decoded and IDN domains turned into
 * A-labels (RFC 5890), which gives DMARC its author domains (RFC 9989 §5.3.1).
 */
export { parseAddressList } from './address.js';
export type { Address, AddressListResult, Group, Mailbox } from './address.js';
export { authorDomains } from './author.js';
export type { AuthorDomainsResult } from './author.js';
export { CrlfNormalizer, toCrlf } from './crlf.js';
export type { MessageErrorCode, MessageProblem } from './errors.js';
export { formatAddress, formatAddressList, formatMailbox, formatPhrase } from './format.js';
export type { MailboxParts } from './format.js';
export { fieldsNamed, parseHeader, unfold } from './header.js';
export type { HeaderField, HeaderResult } from './header.js';
export { parseMessage, readMessage } from './split.js';
export type { MessageResult, ParsedMessage, ReadOptions, StreamResult } from './split.js';
