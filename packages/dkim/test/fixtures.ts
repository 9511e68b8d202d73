import { createPrivateKey, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ZoneResolver } from '@authgate/dns';
import { parseMessage, type HeaderField } from '@authgate/message';

const ROOT = new URL('../../../test-fixtures/dkim/', import.meta.url);

/** An absolute path under test-fixtures/dkim/. */
export function fixturePath(name: string): string {
  return fileURLToPath(new URL(name, ROOT));
}

/** A fixture file, byte for byte. */
export function fixture(name: string): Buffer {
  return readFileSync(new URL(name, ROOT));
}

/** The signer.example zone (zone.yaml): one selector per key-record case. */
export function signerZone(): Promise<ZoneResolver> {
  return ZoneResolver.fromFile(fixturePath('zone.yaml'));
}

export type KeyName = 'rsa2048' | 'rsa1024' | 'rsa512' | 'ed25519';

/** A private key of keys/, published in zone.yaml under the selector of the same name. */
export function privateKey(name: KeyName): KeyObject {
  return createPrivateKey(fixture(`keys/${name}.pem`));
}

/** When the test messages are signed, and (a minute later) verified: fixed, so no test depends on the clock. */
export const SIGNED_AT = Date.UTC(2026, 10, 2, 10, 0, 0);
export const VERIFY_AT = SIGNED_AT + 60_000;
export const at = (ms: number) => () => ms;

export { chunked } from '@authgate/testkit';

/** The header of a message, parsed by @authgate/message. */
export function headerOf(message: Uint8Array): { header: HeaderField[]; body: Buffer } {
  const parsed = parseMessage(message);
  if (!parsed.ok) throw new Error(parsed.problem.message);
  return { header: parsed.message.header, body: parsed.message.body };
}

/** Replaces the first occurrence of `from` in a message's bytes. */
export function replace(message: Buffer, from: string, to: string): Buffer {
  const at = message.indexOf(from, 0, 'latin1');
  if (at === -1) throw new Error(`test: "${from}" not in message`);
  return Buffer.concat([message.subarray(0, at), Buffer.from(to, 'latin1'), message.subarray(at + Buffer.byteLength(from, 'latin1'))]);
}
