import { BlockList, isIP } from 'node:net';
import type { HeaderField } from 'authgate';
import { isMailDomain } from './domain.js';
import { CliError } from './errors.js';
import { parseReceived, parseReturnPath } from './received.js';

/** The SMTP envelope options as given on the command line. */
export interface EnvelopeArgs {
  ip?: string | undefined;
  helo?: string | undefined;
  mailFrom?: string | undefined;
  fromReceived?: boolean | undefined;
}

/** Where each part of an envelope came from: the command line, or a field of the message. */
export interface EnvelopeOrigin {
  ip: 'option' | 'received';
  /** `none` when neither gave a HELO name (SPF then has no HELO identity to check). */
  helo: 'option' | 'received' | 'none';
  /** `received` for an `(envelope-from <...>)` clause, `return-path` for the Return-Path field. */
  mailFrom: 'option' | 'received' | 'return-path';
}

/** The SMTP session a message is checked against. */
export interface Envelope {
  ip: string;
  helo: string;
  /** '' for the null reverse path. */
  mailFrom: string;
  origin: EnvelopeOrigin;
  /** Why the envelope read from the message is probably not the one that matters. */
  warning?: string;
}

const FROM_OPTIONS: EnvelopeOrigin = { ip: 'option', helo: 'option', mailFrom: 'option' };

/**
 * Rejects what no message could fix: a bad `--ip`, `--helo` or `--mail-from`, or no envelope at
 * all. What the user typed is held to the SMTP grammar (a typo there would give a confident
 * verdict about the wrong domain); what a message records is taken as it is, and SPF judges it.
 */
export function checkEnvelopeArgs(args: EnvelopeArgs): void {
  if (args.ip !== undefined) checkIp(args.ip);
  if (args.helo !== undefined) checkHelo(args.helo);
  if (args.mailFrom !== undefined) checkMailFromOption(args.mailFrom);
  if (args.fromReceived === true) return;
  if (args.ip === undefined || args.mailFrom === undefined) {
    throw new CliError('usage', 'the SMTP envelope is needed: give --ip and --mail-from (and --helo), or --from-received to read them from the message');
  }
  checkNullPathHelo(normalizeMailFrom(args.mailFrom), args.helo ?? '', 'usage');
}

/** The envelope for one message: the options, completed from its header with `--from-received`. */
export function envelopeFor(args: EnvelopeArgs, header: readonly HeaderField[]): Envelope {
  if (args.fromReceived !== true || (args.ip !== undefined && args.mailFrom !== undefined && args.helo !== undefined)) {
    return { ip: args.ip!, helo: args.helo ?? '', mailFrom: normalizeMailFrom(args.mailFrom!), origin: FROM_OPTIONS };
  }
  const received = header.find((field) => field.key === 'received');
  const hop = received === undefined ? {} : parseReceived(received.value);
  const ip = args.ip ?? hop.ip;
  if (ip === undefined) throw new CliError('no-envelope', received === undefined ? 'no Received field to take the client address from: give --ip' : 'the top Received field names no client address: give --ip');
  checkIp(ip);
  const helo = args.helo ?? hop.helo ?? '';
  const mailFrom = mailFromOf(args, hop.envelopeFrom, header);
  checkNullPathHelo(mailFrom.address, helo, 'no-envelope');
  const warning = args.ip === undefined ? internalHopWarning(ip) : undefined;
  return {
    ip,
    helo,
    mailFrom: mailFrom.address,
    origin: {
      ip: args.ip === undefined ? 'received' : 'option',
      helo: args.helo !== undefined ? 'option' : hop.helo !== undefined ? 'received' : 'none',
      mailFrom: mailFrom.origin,
    },
    ...(warning !== undefined && { warning }),
  };
}

/** Loopback, private (RFC 1918, RFC 4193), shared (RFC 6598) and link-local addresses. */
const INTERNAL = new BlockList();
INTERNAL.addSubnet('127.0.0.0', 8, 'ipv4');
INTERNAL.addSubnet('10.0.0.0', 8, 'ipv4');
INTERNAL.addSubnet('172.16.0.0', 12, 'ipv4');
INTERNAL.addSubnet('192.168.0.0', 16, 'ipv4');
INTERNAL.addSubnet('100.64.0.0', 10, 'ipv4');
INTERNAL.addSubnet('169.254.0.0', 16, 'ipv4');
INTERNAL.addAddress('::1', 'ipv6');
INTERNAL.addSubnet('fc00::', 7, 'ipv6');
INTERNAL.addSubnet('fe80::', 10, 'ipv6');

/**
 * A top Received field whose client is an internal address was added by an internal hop (a
 * content filter re-injecting, LMTP delivery): SPF about that address says nothing about the
 * sender. Not guessed around (the next field may be forged), only said.
 */
function internalHopWarning(ip: string): string | undefined {
  if (!INTERNAL.check(ip, isIP(ip) === 6 ? 'ipv6' : 'ipv4')) return undefined;
  return `${ip} is an internal address: the top Received field was added by an internal hop (a filter, LMTP), so SPF about it says nothing; give --ip and --helo of the server that connected from outside`;
}

function mailFromOf(args: EnvelopeArgs, envelopeFrom: string | undefined, header: readonly HeaderField[]): { address: string; origin: EnvelopeOrigin['mailFrom'] } {
  if (args.mailFrom !== undefined) return { address: normalizeMailFrom(args.mailFrom), origin: 'option' };
  if (envelopeFrom !== undefined) return { address: normalizeMailFrom(envelopeFrom), origin: 'received' };
  // RFC 5321 §4.4: the delivering server records MAIL FROM in Return-Path.
  const returnPath = header.find((field) => field.key === 'return-path');
  const path = returnPath === undefined ? undefined : parseReturnPath(returnPath.value);
  if (path === undefined) throw new CliError('no-envelope', 'no Return-Path field to take MAIL FROM from: give --mail-from');
  return { address: normalizeMailFrom(path), origin: 'return-path' };
}

/** An IPv4 or IPv6 address as the TCP connection gives it: no IPv6 zone (`%eth0`), which no SPF record can name. */
function checkIp(ip: string): void {
  if (isIP(ip) === 0 || ip.includes('%')) throw new CliError('bad-ip', `not an IP address: ${JSON.stringify(ip)}`);
}

/**
 * RFC 5321 §4.1.1.1: the argument of EHLO is one word (a domain or an address literal). Clients
 * send names SPF cannot check, and SPF says so (RFC 7208 §2.3), but a value with white space
 * could never have been sent. An empty value means no HELO identity.
 */
function checkHelo(helo: string): void {
  if (/[\s\x00-\x1f\x7f]/.test(helo)) throw new CliError('usage', `--helo ${JSON.stringify(helo)}: a HELO name is one word (a domain or an address literal)`);
}

/** RFC 5321 §4.1.2: the domain of a Mailbox is a Domain or an address literal. */
function checkMailFromOption(value: string): void {
  const address = normalizeMailFrom(value);
  if (address === '') return;
  const domain = address.slice(address.lastIndexOf('@') + 1);
  if (!isMailDomain(domain)) {
    throw new CliError('bad-domain', `--mail-from ${JSON.stringify(value)}: ${JSON.stringify(domain)} is not a domain name or address literal`);
  }
}

/** `<a@b>` and `a@b` give `a@b`; `<>` and '' give '' (the null reverse path, RFC 5321 §4.5.5). */
export function normalizeMailFrom(value: string): string {
  const bare = value.trim().replace(/^<(.*)>$/, '$1').trim();
  if (bare === '') return '';
  if (!isMailbox(bare)) {
    throw new CliError('bad-address', `not a MAIL FROM address: ${JSON.stringify(value)} (use <> for the null reverse path)`);
  }
  return bare;
}

/**
 * RFC 5321 §4.1.2 `Mailbox = Local-part "@" ( Domain / address-literal )`, checked loosely: a
 * local part (a quoted string may hold spaces and '@'), then '@' and a domain without spaces.
 */
function isMailbox(text: string): boolean {
  const quoted = /^"(?:[^"\\]|\\.)*"/.exec(text);
  const localEnd = quoted !== null ? quoted[0].length : text.lastIndexOf('@');
  if (localEnd < 1 || text[localEnd] !== '@') return false;
  const local = text.slice(0, localEnd);
  const domain = text.slice(localEnd + 1);
  return domain !== '' && !/[\s<>@]/.test(domain) && (quoted !== null || !/[\s<>]/.test(local));
}

/**
 * RFC 7208 §2.4: with a null reverse path SPF checks postmaster@<HELO>, so HELO is needed. A
 * usage error when the options lack it; a message's problem (`no-envelope`) when its
 * Return-Path is `<>` and its Received field names no HELO.
 */
function checkNullPathHelo(mailFrom: string, helo: string, code: 'usage' | 'no-envelope'): void {
  if (mailFrom === '' && helo === '') {
    throw new CliError(code, 'with the null reverse path (<>) SPF checks the HELO name: give --helo');
  }
}
