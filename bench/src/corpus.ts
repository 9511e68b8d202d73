import { createPrivateKey } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { signDkim } from 'authgate';
import { MAILER_DOMAINS, SENDER_DOMAINS, mailerDomain, senderDomain, type Keys } from './domains.js';
import { Prng } from '@authgate/testkit';
import { writeZone } from './zone.js';

export type SigningAlgorithm = 'rsa-sha256' | 'ed25519-sha256';

/** One message of the corpus and the envelope it arrives with. */
export interface CorpusEntry {
  offset: number;
  length: number;
  ip: string;
  helo: string;
  mailFrom: string;
  /** The algorithms of its signatures, topmost first. */
  signatures: SigningAlgorithm[];
  /** A body byte was changed after signing: every signature fails its body hash. */
  tampered: boolean;
  /** Sent through a third-party mailer and signed with its domain: DMARC cannot align. */
  thirdParty: boolean;
}

export interface Corpus {
  entries: CorpusEntry[];
  bytes: Buffer;
  /** The DNS data of the corpus, a zone fixture in the openspf `zonedata` format (YAML). */
  zonePath: string;
}

export interface CorpusOptions {
  seed: number;
  count: number;
  keyDir: string;
  cacheDir: string;
}

/** Bumped whenever generation changes, so that a cached corpus of an older shape is not reused. */
const CORPUS_VERSION = 2;
/** Signing time of every signature, so that the bytes depend on the seed alone. */
const SIGNED_AT = Date.UTC(2026, 10, 1);
const WORDS = ('the quarterly report attached please review before friday meeting agenda invoice payment ' +
  'shipping order confirmed account security update newsletter offer today limited members event ' +
  'schedule travel booking receipt password reset support ticket release notes welcome').split(' ');

export function messageOf(corpus: Corpus, entry: CorpusEntry): Buffer {
  return corpus.bytes.subarray(entry.offset, entry.offset + entry.length);
}

/** Loads the corpus for (seed, count) from the cache, generating it the first time. */
export async function loadCorpus(options: CorpusOptions): Promise<Corpus> {
  const dir = join(options.cacheDir, `v${CORPUS_VERSION}-seed-${options.seed}-n-${options.count}`);
  const zonePath = join(dir, 'zone.yaml');
  try {
    const [bytes, index] = await Promise.all([readFile(join(dir, 'corpus.bin')), readFile(join(dir, 'index.json'), 'utf8'), readFile(zonePath)]);
    return { bytes, entries: JSON.parse(index) as CorpusEntry[], zonePath };
  } catch {
    const keys: Keys = {
      rsa: createPrivateKey(await readFile(join(options.keyDir, 'rsa2048.key.pem'))),
      ed: createPrivateKey(await readFile(join(options.keyDir, 'ed25519.key.pem'))),
    };
    const { bytes, entries } = await generateCorpus(options, keys);
    await mkdir(dir, { recursive: true });
    await writeZone(zonePath, keys);
    await writeFile(join(dir, 'corpus.bin'), bytes);
    await writeFile(join(dir, 'index.json'), JSON.stringify(entries));
    return { bytes, entries, zonePath };
  }
}

async function generateCorpus(options: CorpusOptions, keys: Keys): Promise<{ bytes: Buffer; entries: CorpusEntry[] }> {
  const prng = new Prng(options.seed);
  const parts: Buffer[] = [];
  const entries: CorpusEntry[] = [];
  let offset = 0;
  for (let i = 0; i < options.count; i++) {
    const { message, entry } = await generateMessage(prng, keys, i);
    entries.push({ ...entry, offset, length: message.length });
    parts.push(message);
    offset += message.length;
  }
  return { bytes: Buffer.concat(parts), entries };
}

/**
 * One message: ~95% sent directly by the author's domain (5% of those from an address outside
 * its SPF record), ~5% through a third-party mailer that signs with its own domain; one RSA,
 * one Ed25519 or both signatures; ~5% with a body byte changed after signing.
 */
async function generateMessage(prng: Prng, keys: Keys, index: number) {
  const author = senderDomain(prng.int(0, SENDER_DOMAINS - 1));
  const thirdParty = prng.next() < 0.05;
  const sending = thirdParty ? mailerDomain(prng.int(0, MAILER_DOMAINS - 1)) : author;
  const host = prng.int(1, 250);
  const ip = thirdParty ? `192.0.2.${host}` : prng.next() >= 0.05 ? `198.51.100.${host}` : `203.0.113.${host}`;
  const helo = `mta${host}.${sending}`;
  const user = `${prng.pick(WORDS)}.${prng.pick(WORDS)}`;
  const size = pickSize(prng);
  let message: Buffer = Buffer.from(headerOf(prng, author, user, ip, helo, index) + '\r\n' + bodyOf(prng, size));

  const roll = prng.next();
  const signatures: SigningAlgorithm[] = roll < 0.45 ? ['rsa-sha256'] : roll < 0.8 ? ['ed25519-sha256'] : ['rsa-sha256', 'ed25519-sha256'];
  for (const algorithm of [...signatures].reverse()) {
    const signed = await signDkim(message, {
      domain: sending, selector: algorithm === 'rsa-sha256' ? 'rsa' : 'ed', algorithm,
      privateKey: algorithm === 'rsa-sha256' ? keys.rsa : keys.ed, now: () => SIGNED_AT,
    });
    message = signed.message;
  }
  const tampered = prng.next() < 0.05;
  if (tampered) {
    // One body byte changed after signing (the body ends in text lines, never at an edge here).
    message[message.length - 40] = message[message.length - 40] === 0x61 ? 0x62 : 0x61;
  }
  return { message, entry: { ip, helo, mailFrom: `bounce+${index}@${sending}`, signatures, tampered, thirdParty } };
}

/** ~70% about 4 KB, ~29.5% about 100 KB, and a few 2 MB bodies. */
function pickSize(prng: Prng): number {
  const roll = prng.next();
  if (roll < 0.005) return 2 * 1024 * 1024;
  if (roll < 0.3) return prng.int(90, 110) * 1024;
  return prng.int(3, 5) * 1024;
}

function headerOf(prng: Prng, domain: string, user: string, ip: string, helo: string, index: number): string {
  const id = `${index.toString(36)}.${prng.int(0, 1e9).toString(36)}`;
  const date = new Date(SIGNED_AT + index * 1000).toUTCString().replace('GMT', '+0000');
  const subject = Array.from({ length: prng.int(3, 9) }, () => prng.pick(WORDS)).join(' ');
  return [
    `Received: from ${helo} (${helo} [${ip}])\r\n\tby mx.bench.example with ESMTPS id ${id}\r\n\tfor <inbox@bench.example>; ${date}`,
    `Received: from app${prng.int(1, 9)}.internal (app.internal [10.0.0.${prng.int(1, 200)}])\r\n\tby ${helo} with ESMTP; ${date}`,
    `From: "${capitalize(user)}" <${user}@${domain}>`,
    'To: Inbox <inbox@bench.example>',
    `Subject: ${subject}`,
    `Date: ${date}`,
    `Message-ID: <${id}@${domain}>`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: quoted-printable',
    `List-Unsubscribe: <https://${domain}/u/${id}>, <mailto:unsubscribe+${id}@${domain}>`,
    'X-Mailer: bench-generator 1.0',
  ].join('\r\n') + '\r\n';
}

function bodyOf(prng: Prng, size: number): string {
  const lines: string[] = [];
  let length = 0;
  while (length < size) {
    let line = '';
    while (line.length < 68) line += (line ? ' ' : '') + prng.pick(WORDS);
    // Some trailing white space and empty lines, as real mail has, for relaxed canonicalization.
    if (prng.next() < 0.1) line += '  ';
    if (prng.next() < 0.05) lines.push('');
    lines.push(line);
    length += line.length + 2;
  }
  return lines.join('\r\n') + '\r\n';
}

function capitalize(text: string): string {
  return text.replace(/(^|\.)(\w)/g, (_, dot: string, letter: string) => `${dot ? ' ' : ''}${letter.toUpperCase()}`);
}
