import { isIP } from 'node:net';

/** What the top `Received` field says about the SMTP session that delivered the message. */
export interface ReceivedHop {
  /** The HELO/EHLO name the client gave (may be an address literal such as `[192.0.2.1]`). */
  helo?: string;
  /** The client address the server saw on the TCP connection. */
  ip?: string;
  /** The MAIL FROM address, when the server recorded it (`(envelope-from <...>)`, Exim and others). */
  envelopeFrom?: string;
}

/**
 * Reads the `from` clause of a Received field value (RFC 5321 §4.4):
 *
 *     From-domain = "FROM" FWS Extended-Domain
 *     Extended-Domain = Domain / ( Domain FWS "(" TCP-info ")" ) / ( address-literal FWS "(" TCP-info ")" )
 *     TCP-info = address-literal / ( Domain FWS address-literal )   ; from the TCP connection, not EHLO
 *
 * so the word after `from` is the EHLO name and the address literal in the comment is the client
 * address. Real servers vary, and these variants are understood too:
 * - Postfix, Sendmail: `from helo.example (rdns.example [192.0.2.1])`, `[IPv6:2001:db8::1]`;
 * - Exim: `from rdns.example ([192.0.2.1] helo=helo.example)`, where the first word is the
 *   reverse DNS name and the EHLO name is in `helo=`;
 * - qmail: `from rdns (HELO helo.example) (192.0.2.1)`, and bare addresses in a comment.
 * Never throws: a field without a `from` clause gives an empty hop.
 */
export function parseReceived(value: string): ReceivedHop {
  const hop: ReceivedHop = {};
  const envelopeFrom = /\(\s*envelope-from\s+<([^<>\s]*)>/i.exec(value);
  if (envelopeFrom !== null) hop.envelopeFrom = envelopeFrom[1]!;
  const clause = fromClause(value);
  if (clause === undefined) return hop;
  const first = /^\S+/.exec(clause.text);
  if (first !== null && !first[0].startsWith('(')) hop.helo = first[0];
  const comments = clause.comments.join(' ');
  const heloInComment = /(?:^|[\s(])e?helo[=\s]\s*([^\s()\]]+\]?)/i.exec(comments);
  if (heloInComment !== null) hop.helo = heloInComment[1]!;
  const ip = clientAddress(comments);
  if (ip !== undefined) hop.ip = ip;
  return hop;
}

/** The text after `from` up to ` by ` outside comments, with the comments it contains. */
function fromClause(value: string): { text: string; comments: string[] } | undefined {
  const start = /^\s*from\s+/i.exec(value);
  if (start === null) return undefined;
  const comments: string[] = [];
  let depth = 0;
  let commentStart = -1;
  let end = value.length;
  const keyword = /\s+(?:by|with|id|for|via)\s/iy;
  for (let i = start[0].length; i < value.length; i++) {
    const char = value[i];
    if (char === '\\') i++;
    else if (char === '(') {
      if (depth === 0) commentStart = i + 1;
      depth++;
    } else if (char === ')' && depth > 0) {
      depth--;
      if (depth === 0) comments.push(value.slice(commentStart, i));
    } else if (depth === 0 && isBlank(char) && !isBlank(value[i - 1])) {
      keyword.lastIndex = i;
      if (keyword.test(value)) {
        end = i;
        break;
      }
    }
  }
  return { text: value.slice(start[0].length, end), comments };
}

function isBlank(char: string | undefined): boolean {
  return char === ' ' || char === '\t';
}

/** The first address literal (`[192.0.2.1]`, `[IPv6:...]`) in the comments, else a bare address. */
function clientAddress(comments: string): string | undefined {
  for (const match of comments.matchAll(/\[(?:ipv6:)?([0-9a-f.:]+)\]/gi)) {
    if (isIP(match[1]!) !== 0) return match[1]!.toLowerCase();
  }
  for (const word of comments.split(/[\s()[\]=,;]+/)) {
    const bare = word.replace(/^ipv6:/i, '');
    if (isIP(bare) !== 0) return bare.toLowerCase();
  }
  return undefined;
}

/**
 * The address of a Return-Path field value (RFC 5321 §4.4: `"Return-Path:" FWS Reverse-path`,
 * added at final delivery from MAIL FROM): `<a@b>` gives `a@b`, `<>` gives ''. Undefined
 * when the value is not a path.
 */
export function parseReturnPath(value: string): string | undefined {
  const match = /^<([^<>]*)>$/.exec(value.trim());
  if (match === null) return undefined;
  const path = match[1]!.trim();
  // RFC 5321 §4.1.2: a source route (`@relay:user@example.com`) is ignored.
  const routeEnd = path.startsWith('@') ? path.indexOf(':') : -1;
  return routeEnd === -1 ? path : path.slice(routeEnd + 1);
}
