import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { signDkim, ZoneResolver, type DkimAlgorithm } from 'authgate';

const root = new URL('../../../test-fixtures/authgate/', import.meta.url);

export const fixture = (name: string): string => fileURLToPath(new URL(name, root));

export const zone = (): Promise<ZoneResolver> => ZoneResolver.fromFile(fixture('zone.yaml'));

/** Signing time of the fixtures, and a verification clock one hour later. */
export const SIGNED_AT = Date.UTC(2026, 10, 20, 12);
export const now = (): number => SIGNED_AT + 3_600_000;

/** A plain message from `from`, with CRLF line ends. */
export function message(from: string, extra: string[] = [], body = 'Hello,\r\n\r\nthe report is attached.\r\n'): Buffer {
  return Buffer.from(
    [
      'Received: from mail.good.example (mail.good.example [192.0.2.1])\r\n\tby mx.receiver.example; Fri, 20 Nov 2026 12:00:00 +0000',
      `From: ${from}`,
      'To: Inbox <inbox@receiver.example>',
      'Subject: Quarterly report',
      'Date: Fri, 20 Nov 2026 12:00:00 +0000',
      'Message-ID: <q3.report@good.example>',
      ...extra,
    ].join('\r\n') + '\r\n\r\n' + body,
  );
}

const keyFile = { 'rsa-sha256': 'keys/rsa2048.pem', 'ed25519-sha256': 'keys/ed25519.pem' } as const;

/** Signs `bytes` for `domain` with the fixture key of `algorithm` (selector rsa or ed). */
export async function sign(bytes: Buffer, domain: string, algorithm: DkimAlgorithm = 'rsa-sha256'): Promise<Buffer> {
  const privateKey = await readFile(fixture(keyFile[algorithm as keyof typeof keyFile]));
  const selector = algorithm === 'rsa-sha256' ? 'rsa' : 'ed';
  return (await signDkim(bytes, { domain, selector, algorithm, privateKey, now: () => SIGNED_AT })).message;
}
