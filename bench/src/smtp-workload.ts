import { createPrivateKey } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { signDkim, type ZoneData } from 'authgate';
import { parse } from 'yaml';
import { messageOf, type Corpus } from './corpus.js';

/** One message as a sending MTA hands it over: envelope, DATA bytes ready to write, its source address. */
export interface Submission {
  from: string;
  to: string;
  helo: string;
  /** The loopback address the connection carrying it binds to, so that SPF sees a meaningful client. */
  sourceIp: string;
  /** Dot-stuffed (RFC 5321 §4.5.2), ending with the `.` line. */
  data: Buffer;
}

/** Every corpus message is addressed to this mailbox of the filter's one domain. */
export const RECIPIENT_DOMAIN = 'bench.example';
const RECIPIENT = `inbox@${RECIPIENT_DOMAIN}`;

/**
 * The corpus's senders send from 198.51.100.0/24 (in their SPF records), 203.0.113.0/24 (not in
 * them) and 192.0.2.0/24 (the third-party mailers). Clients on loopback cannot use those
 * addresses, but Linux routes all of 127.0.0.0/8 to `lo`: each network gets a loopback one, in
 * the SPF records too, so the filter evaluates SPF against the same records with the same outcomes.
 */
const ADDRESS_MAP: ReadonlyArray<readonly [from: string, to: string]> = [
  ['198.51.100.', '127.0.1.'],
  ['203.0.113.', '127.0.2.'],
  ['192.0.2.', '127.0.3.'],
];

/** Loopback addresses no corpus sender uses: where the idle connections come from. */
export const IDLE_NETWORK = '127.0.4.';

export function loopbackAddress(ip: string): string {
  for (const [from, to] of ADDRESS_MAP) if (ip.startsWith(from)) return to + ip.slice(from.length);
  return '127.0.0.1';
}

/** The corpus zone (its YAML fixture) with its SPF networks moved to loopback (see `ADDRESS_MAP`). */
export async function loopbackZone(zonePath: string): Promise<ZoneData> {
  let text = JSON.stringify(parse(await readFile(zonePath, 'utf8')) as ZoneData);
  for (const [from, to] of ADDRESS_MAP) text = text.replaceAll(`ip4:${from}0/24`, `ip4:${to}0/24`);
  return JSON.parse(text) as ZoneData;
}

export function submissionsOf(corpus: Corpus): Submission[] {
  return corpus.entries.map((entry) => ({
    from: entry.mailFrom,
    to: RECIPIENT,
    helo: entry.helo,
    sourceIp: loopbackAddress(entry.ip),
    data: dataOf(messageOf(corpus, entry)),
  }));
}

const DOT = 0x2e;
const LF = 0x0a;
const END = Buffer.from('.\r\n');
const STUFFED_DOT = Buffer.from('.');
const CRLF = Buffer.from('\r\n');

/** RFC 5321 §4.5.2: a line that starts with a dot gets one more; then the final `.` line. */
export function dataOf(message: Buffer): Buffer {
  const parts: Buffer[] = [];
  let from = 0;
  for (let lineStart = 0; lineStart < message.length; ) {
    if (message[lineStart] === DOT) {
      parts.push(message.subarray(from, lineStart), STUFFED_DOT);
      from = lineStart;
    }
    const lf = message.indexOf(LF, lineStart);
    if (lf === -1) break;
    lineStart = lf + 1;
  }
  parts.push(message.subarray(from));
  if (message.length > 0 && message[message.length - 1] !== LF) parts.push(CRLF);
  parts.push(END);
  return Buffer.concat(parts);
}

/**
 * One large message (`bodyBytes` of body), DKIM-signed (rsa-sha256) by a corpus domain, so that
 * relaying it exercises the filter's whole path: the spool file, body hashing, the relay.
 */
export async function largeSubmission(keyDir: string, bodyBytes: number): Promise<Submission> {
  const domain = 'sender0.bench.example';
  const line = 'the quarterly report attached please review before friday meeting agenda invoice\r\n';
  const body = Buffer.alloc(bodyBytes - (bodyBytes % line.length), line);
  const header = [
    `From: "Large Sender" <reports@${domain}>`,
    `To: <${RECIPIENT}>`,
    'Subject: the large message of the SMTP benchmark',
    'Date: Sun, 01 Nov 2026 00:00:00 +0000',
    `Message-ID: <large.1@${domain}>`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
  ].join('\r\n');
  const message = Buffer.concat([Buffer.from(`${header}\r\n\r\n`), body]);
  const privateKey = createPrivateKey(await readFile(join(keyDir, 'rsa2048.key.pem')));
  const signed = await signDkim(message, { domain, selector: 'rsa', algorithm: 'rsa-sha256', privateKey });
  return { from: `bounce@${domain}`, to: RECIPIENT, helo: `mta1.${domain}`, sourceIp: '127.0.1.1', data: dataOf(signed.message) };
}
