import { readFileSync } from 'node:fs';
import { signDkim } from 'authgate';
import { fixture, fixturePath } from './fixtures.js';

/** A fixture message signed by sender.example (selector `sel`, the key in the fixture zone). */
export async function signedBy(name: string, domain = 'sender.example'): Promise<Buffer> {
  const message = await fixture(`smtpd/messages/${name}`);
  const signed = await signDkim(message, {
    domain,
    selector: 'sel',
    privateKey: readFileSync(fixturePath('smtpd/dkim/sender.example.key.pem')),
    algorithm: 'rsa-sha256',
  });
  return signed.message;
}

/** A message from `from` (header and envelope), with a body of `size` bytes of text lines. */
export function messageFrom(from: string, options: { subject?: string; size?: number; extra?: string[] } = {}): Buffer {
  const header = [`From: <${from}>`, 'To: <bob@authgate.test>', `Subject: ${options.subject ?? 'test'}`, ...(options.extra ?? []), 'Message-ID: <test@client.example>'];
  const line = 'The quick brown fox jumps over the lazy dog. 0123456789\r\n';
  const body = options.size === undefined ? 'Hello.\r\n' : line.repeat(Math.ceil(options.size / line.length));
  return Buffer.from(`${header.join('\r\n')}\r\n\r\n${body}`);
}

/** The header section of a delivered message, split into unfolded "Name: value" lines. */
export function headerLines(message: Buffer): string[] {
  const text = message.toString('utf8');
  const end = text.indexOf('\r\n\r\n');
  return text.slice(0, end === -1 ? text.length : end).replace(/\r\n[ \t]+/g, ' ').split('\r\n');
}
