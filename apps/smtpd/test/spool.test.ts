import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { Spool } from '../src/spool.js';

let directory: string;
beforeAll(async () => {
  directory = await mkdtemp(path.join(os.tmpdir(), 'authgate-spool-test-'));
});
afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

async function collect(source: AsyncIterable<Buffer>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of source) parts.push(chunk);
  return Buffer.concat(parts);
}

describe('Spool', () => {
  test('a small message stays in memory', async () => {
    const spool = new Spool({ memoryLimit: 1024, directory });
    await spool.write(Buffer.from('Subject: hi\r\n\r\nbody\r\n'));
    expect(spool.onDisk).toBe(false);
    expect((await collect(spool.stream())).toString()).toBe('Subject: hi\r\n\r\nbody\r\n');
    await spool.dispose();
  });

  test('a 50 MB message keeps only memoryLimit bytes on the heap and comes back intact', async () => {
    const memoryLimit = 1024 * 1024;
    const spool = new Spool({ memoryLimit, directory });
    const chunk = Buffer.alloc(64 * 1024);
    const hash = await import('node:crypto').then((crypto) => crypto.createHash('sha256'));
    for (let i = 0; i < 800; i++) {
      chunk.fill(i % 251);
      hash.update(chunk);
      await spool.write(chunk);
      expect(spool.memoryBytes).toBeLessThanOrEqual(memoryLimit);
    }
    expect(spool.size).toBe(800 * 64 * 1024);
    expect(spool.onDisk).toBe(true);
    const again = (await import('node:crypto')).createHash('sha256');
    let largest = 0;
    for await (const part of spool.stream()) {
      again.update(part);
      largest = Math.max(largest, part.length);
    }
    expect(again.digest('hex')).toBe(hash.digest('hex'));
    expect(largest).toBeLessThanOrEqual(memoryLimit);
    await spool.dispose();
  });

  test('the temporary file is unlinked at once: nothing is left behind, even before dispose', async () => {
    const spool = new Spool({ memoryLimit: 10, directory });
    await spool.write(Buffer.alloc(1000, 0x41));
    expect(spool.onDisk).toBe(true);
    expect(await readdir(directory)).toEqual([]);
    await spool.dispose();
  });

  test('reads from any offset and any prefix length, across the memory/file boundary', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.uint8Array({ minLength: 1, maxLength: 40 }), { minLength: 1, maxLength: 12 }),
        fc.integer({ min: 0, max: 60 }),
        fc.nat(),
        fc.nat(),
        async (chunks, memoryLimit, offsetSeed, prefixSeed) => {
          const spool = new Spool({ memoryLimit, directory });
          for (const chunk of chunks) await spool.write(Buffer.from(chunk));
          const all = Buffer.concat(chunks.map((c) => Buffer.from(c)));
          const offset = offsetSeed % (all.length + 1);
          const prefix = prefixSeed % (all.length + 2);
          expect(await collect(spool.stream(offset))).toEqual(all.subarray(offset));
          expect(await spool.readPrefix(prefix)).toEqual(all.subarray(0, prefix));
          await spool.dispose();
        },
      ),
      { numRuns: 200 },
    );
  });

  test('writing after dispose is a programming error', async () => {
    const spool = new Spool({ memoryLimit: 10, directory });
    await spool.dispose();
    await expect(spool.write(Buffer.from('x'))).rejects.toThrow(/disposed/);
  });
});
