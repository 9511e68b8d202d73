import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FIXTURES } from './paths.js';

export const QUICKSTART_ZONE = join(FIXTURES, 'quickstart-zone.yaml');
export const DMARC_ZONE = join(FIXTURES, 'dmarc-zone.yaml');
export const SIGNED = join(FIXTURES, 'quickstart-signed.eml');
export const FROM_LINES = join(FIXTURES, 'from-lines-signed.eml');
export const MBOX = join(FIXTURES, 'signed.mbox');
export const MAILDIR = join(FIXTURES, 'maildir');
export const RSA_KEY = join(FIXTURES, 'keys/quickstart.private');
export const ED25519_KEY = join(FIXTURES, 'keys/ed2026.private');
export const UNSIGNED = join(FIXTURES, 'source/quickstart.eml');
/** Keys `dkim sign` must refuse; keys/unusable/README.md says how each was made. */
export const UNUSABLE_KEYS = join(FIXTURES, 'keys/unusable');
/** The p= of keys/ed2026.private, which signed from-lines-signed.eml (selector ed2026). */
export const ED2026_PUBLIC = 'BVPvKZQNxVpGVFfvRTvH5sM2THI7yaoHchcra2E1Cnw=';

export function fixture(path: string): Buffer {
  return readFileSync(path);
}

/** The baseline signed message with one change: for "change one thing per case" tests. */
export function tampered(path: string, from: string, to: string): Buffer {
  const text = fixture(path).toString('latin1');
  if (!text.includes(from)) throw new Error(`fixture ${path} has no ${JSON.stringify(from)}`);
  return Buffer.from(text.replace(from, to), 'latin1');
}

/** A fresh temporary directory, removed by the returned function. */
export async function tempDir(): Promise<{ path: string; remove(): Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), 'authgate-cli-'));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}

/** The explicit envelope of the Quick start message, as its Received field records it. */
export const QUICKSTART_ENVELOPE = ['--ip', '192.0.2.25', '--helo', 'mail.example.com', '--mail-from', 'alice@example.com'];
