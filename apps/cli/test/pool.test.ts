import fc from 'fast-check';
import { expect, test } from 'vitest';
import { mapConcurrent } from '../src/pool.js';

async function* from<T>(items: T[]): AsyncGenerator<T> {
  yield* items;
}

async function collect<T>(source: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of source) out.push(item);
  return out;
}

test('yields in input order however the work finishes, never running more than the limit (property)', async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(fc.nat(5), { maxLength: 30 }), fc.integer({ min: 1, max: 6 }), async (delays, limit) => {
      let running = 0;
      let peak = 0;
      const work = async (delay: number, ) => {
        running += 1;
        peak = Math.max(peak, running);
        for (let i = 0; i < delay; i++) await Promise.resolve();
        running -= 1;
        return delay;
      };
      const indexed = delays.map((delay, index) => ({ delay, index }));
      const results = await collect(mapConcurrent(from(indexed), limit, async (item) => ({ index: item.index, delay: await work(item.delay) })));
      expect(results.map((result) => result.index)).toEqual(indexed.map((item) => item.index));
      expect(peak).toBeLessThanOrEqual(limit);
    }),
  );
});

test('runs items at the same time up to the limit', async () => {
  const started: number[] = [];
  const gates: Array<() => void> = [];
  const results = mapConcurrent(from([0, 1, 2, 3]), 3, (n) => {
    started.push(n);
    return new Promise<number>((resolve) => gates.push(() => resolve(n)));
  });
  const first = results.next();
  await new Promise((resolve) => setImmediate(resolve));
  expect(started).toEqual([0, 1, 2]);
  gates.forEach((open) => open());
  expect((await first).value).toBe(0);
});

test('a rejected item rejects the iteration when its turn comes', async () => {
  const results = mapConcurrent(from([1, 2, 3]), 2, async (n) => {
    if (n === 2) throw new Error('two');
    return n;
  });
  await expect(collect(results)).rejects.toThrow('two');
});

test.for([0, -1, 1.5, Number.NaN])('refuses concurrency %s', async (limit) => {
  await expect(collect(mapConcurrent(from([1]), limit, async (n) => n))).rejects.toThrow(RangeError);
});
