/**
 * @authgate/message: a raw RFC 5322 message, parsed once.
 *
 * Header fields keep their exact bytes (for DKIM, RFC 6376 §3.4) beside their unfolded values;
 * the body can be streamed; From addresses are parsed per RFC 5322 §3.4 with IDN domains turned
 * into A-labels (RFC 5890) for DMARC (RFC 9989 §4.4).
 */
export { CrlfNormalizer, toCrlf } from './crlf.js';
export type { MessageErrorCode, MessageProblem } from './errors.js';
export { fieldsNamed, parseHeader, unfold } from './header.js';
export type { HeaderField, HeaderResult } from './header.js';
export { parseMessage, readMessage } from './split.js';
export type { MessageResult, ParsedMessage, ReadOptions, StreamResult } from './split.js';
