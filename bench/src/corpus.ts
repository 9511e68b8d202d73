import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { signDkim, type ZoneData } from 'authgate';
import { Prng } from './prng.js';

/** One message of the corpus and the envelope it arrives with. */
export interface CorpusEntry {
  offset: number;
  length: number;
  ip: string;
  helo: string;
  mailFrom: string;
  /** The algorithms of its signatures, topmost first. */
  signatures: Array<'rsa-sha256' | 'ed25519-sha256'>;
}

export interface Corpus {
  entries: CorpusEntry[];
  bytes: Buffer;
  zone: ZoneData;
}

export interface CorpusOptions {
  seed: number;
  count: number;
  keyDir: string;
  cacheDir: string;
}

const DOMAINS = 20;
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
  const dir = join(options.cacheDir, `seed-${options.seed}-n-${options.count}`);
  try {
    const [bytes, index] = await Promise.all([readFile(join(dir, 'corpus.bin')), readFile(join(dir, 'index.json'), 'utf8')]);
    const { entries, zone } = JSON.parse(index) as { entries: CorpusEntry[]; zone: ZoneData };
    return { bytes, entries, zone };
  } catch {
    const corpus = await generateCorpus(options);
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'corpus.bin'), corpus.bytes);
    await writeFile(join(dir, 'index.json'), JSON.stringify({ entries: corpus.entries, zone: corpus.zone }));
    return corpus;
  }
}

interface Keys {
  rsa: KeyObject;
  ed: KeyObject;
}

async function generateCorpus(options: CorpusOptions): Promise<Corpus> {
  const keys: Keys = {
    rsa: createPrivateKey(await readFile(join(options.keyDir, 'rsa2048.key.pem'))),
    ed: createPrivateKey(await readFile(join(options.keyDir, 'ed25519.key.pem'))),
  };
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
  return { bytes: Buffer.concat(parts), entries, zone: zoneOf(keys) };
}

async function generateMessage(prng: Prng, keys: Keys, index: number) {
  const domain = `sender${prng.int(0, DOMAINS - 1)}.bench.example`;
  const spfPasses = prng.next() >= 0.05;
  const host = prng.int(1, 250);
  const ip = spfPasses ? `198.51.100.${host}` : `203.0.113.${host}`;
  const helo = `mta${host}.${domain}`;
  const user = `${prng.pick(WORDS)}.${prng.pick(WORDS)}`;
  const size = pickSize(prng);
  let message: Buffer = Buffer.from(headerOf(prng, domain, user, ip, helo, index) + '\r\n' + bodyOf(prng, size));

  const roll = prng.next();
  const signatures: CorpusEntry['signatures'] =
    roll < 0.45 ? ['rsa-sha256'] : roll < 0.8 ? ['ed25519-sha256'] : ['rsa-sha256', 'ed25519-sha256'];
  for (const algorithm of [...signatures].reverse()) {
    const signed = await signDkim(message, {
      domain, selector: algorithm === 'rsa-sha256' ? 'rsa' : 'ed', algorithm,
      privateKey: algorithm === 'rsa-sha256' ? keys.rsa : keys.ed, now: () => SIGNED_AT,
    });
    message = signed.message;
  }
  if (prng.next() < 0.05) {
    // A failing signature: one body byte changed after signing.
    message[message.length - 40] = message[message.length - 40] === 0x61 ? 0x62 : 0x61;
  }
  return { message, entry: { ip, helo, mailFrom: `bounce+${index}@${domain}`, signatures } };
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

function zoneOf(keys: Keys): ZoneData {
  const zone: ZoneData = {
    '_spf.bench.example': [{ TXT: 'v=spf1 ip4:192.0.2.0/24 -all' }],
  };
  const rsa = createPublicKey(keys.rsa).export({ type: 'spki', format: 'der' }).toString('base64');
  // RFC 8463 §4.2: the Ed25519 p= is the bare 32-byte key, the tail of the SPKI encoding.
  const ed = createPublicKey(keys.ed).export({ type: 'spki', format: 'der' }).subarray(-32).toString('base64');
  for (let i = 0; i < DOMAINS; i++) {
    const domain = `sender${i}.bench.example`;
    zone[domain] = [{ TXT: 'v=spf1 include:_spf.bench.example ip4:198.51.100.0/24 -all' }, { MX: [10, `mx.${domain}`] }];
    zone[`_dmarc.${domain}`] = [{ TXT: `v=DMARC1; p=${i % 2 === 0 ? 'reject' : 'none'}; rua=mailto:dmarc@${domain}` }];
    zone[`rsa._domainkey.${domain}`] = [{ TXT: characterStrings(`v=DKIM1; k=rsa; p=${rsa}`) }];
    zone[`ed._domainkey.${domain}`] = [{ TXT: `v=DKIM1; k=ed25519; p=${ed}` }];
  }
  return zone;
}

/** A TXT record longer than 255 octets travels as several character-strings (RFC 1035 §3.3.14). */
function characterStrings(text: string): string[] {
  return text.match(/.{1,255}/g) ?? [];
}
