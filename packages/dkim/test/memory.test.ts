import { createHash } from 'node:crypto';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, test } from 'vitest';
import type { DkimAlgorithm } from '@authgate/dkim';
import { verifyDkim } from '@authgate/dkim';
import { parseMessage } from '@authgate/message';
import { signHeader } from '../src/crypto.js';
import { HeaderIndex, headerHashInput } from '../src/header-hash.js';
import type { Canonicalization } from '../src/signature.js';
import { at, privateKey, signerZone, SIGNED_AT, VERIFY_AT, type KeyName } from './fixtures.js';

const BODY_BYTES = 50 * 1024 * 1024;
const CHUNK_BYTES = 64 * 1024;
/** Generous: a verifier that held the body would grow by at least its 50 MB. */
const MAX_GROWTH_BYTES = 32 * 1024 * 1024;
/** Memory is sampled after a full collection every this many chunks (2 MiB), so garbage is not counted, only what is kept. */
const SAMPLE_EVERY = 32;

/** A full garbage collection: V8's gc(), exposed at run time rather than by a command-line flag. */
function collectGarbage(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

/**
 * One 64 KiB block of text lines, repeated to make the body. Single spaces, no tabs, no trailing
 * white space and no empty lines at the end, so that simple and relaxed canonicalization both
 * leave it as it is and its hash can be computed here independently.
 */
function block(): Buffer {
  const words = 'the quarterly report attached please review before friday meeting agenda invoice'.split(' ');
  let text = '';
  for (let i = 0; text.length < CHUNK_BYTES - 100; i++) text += `${words[i % words.length]} ${words[(i * 7) % words.length]} line ${i}\r\n`;
  return Buffer.from(text.padEnd(CHUNK_BYTES - 2, 'x') + '\r\n');
}

const HEADER = 'From: Alice <alice@signer.example>\r\nTo: bob@receiver.example\r\nSubject: A 50 MB report\r\nDate: Mon, 02 Nov 2026 09:59:58 +0000\r\n';

/** A DKIM-Signature over HEADER for a body whose hash is `bh`, made here with node:crypto. */
function signature(bh: string, algorithm: DkimAlgorithm, key: KeyName, c: Canonicalization): string {
  const unsigned = `DKIM-Signature: v=1; a=${algorithm}; c=${c}/${c}; d=signer.example; s=${key}; t=${SIGNED_AT / 1000}; h=from:to:subject:date; bh=${bh}; b=`;
  const parsed = parseMessage(Buffer.from(`${unsigned}\r\n${HEADER}\r\n`));
  if (!parsed.ok) throw new Error(parsed.problem.message);
  const [field, ...rest] = parsed.message.header;
  const data = headerHashInput(new HeaderIndex(rest).select(['from', 'to', 'subject', 'date']), field!.raw, c);
  return `${unsigned}${signHeader(algorithm, privateKey(key), data).toString('base64')}\r\n`;
}

describe('a 50 MB body streams through in bounded memory', () => {
  test('two signatures (relaxed and simple) pass, and memory grows far less than the body', async () => {
    const chunk = block();
    const count = BODY_BYTES / CHUNK_BYTES;
    const hash = createHash('sha256');
    for (let i = 0; i < count; i++) hash.update(chunk);
    const bh = hash.digest('base64');
    const header = Buffer.from(signature(bh, 'rsa-sha256', 'rsa2048', 'relaxed') + signature(bh, 'ed25519-sha256', 'ed25519', 'simple') + HEADER + '\r\n');
    const resolver = await signerZone();

    const gc = collectGarbage();
    const used = () => {
      gc();
      const usage = process.memoryUsage();
      return usage.heapUsed + usage.arrayBuffers;
    };
    const baseline = used();
    let peak = baseline;
    let streamed = 0;
    async function* message() {
      yield header;
      for (let i = 0; i < count; i++) {
        streamed += chunk.length;
        if (i % SAMPLE_EVERY === 0) peak = Math.max(peak, used());
        // A fresh copy each time, as a socket delivers: a verifier that kept chunks would grow by all of them.
        yield Buffer.from(chunk);
      }
    }
    const results = await verifyDkim(message(), { resolver, now: at(VERIFY_AT) });
    peak = Math.max(peak, used());

    expect(streamed).toBe(BODY_BYTES);
    expect(results.map((r) => [r.algorithm, r.result])).toEqual([['rsa-sha256', 'pass'], ['ed25519-sha256', 'pass']]);
    const growth = peak - baseline;
    console.log(`dkim: 50 MB body: peak retained heap + array buffers growth ${(growth / 2 ** 20).toFixed(2)} MB`);
    expect(growth).toBeLessThan(MAX_GROWTH_BYTES);
  });
});
