/**
 * Runs `work` on up to `concurrency` items at once and yields the results in input order, so that
 * a batch prints deterministically while DNS waits overlap. At most `concurrency` items are
 * started ahead of the one being yielded, which bounds memory on a mailbox of any size.
 */
export async function* mapConcurrent<T, R>(
  items: AsyncIterable<T>,
  concurrency: number,
  work: (item: T) => Promise<R>,
): AsyncGenerator<R> {
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new RangeError(`concurrency must be a positive integer, not ${concurrency}`);
  const iterator = items[Symbol.asyncIterator]();
  const window: Array<Promise<R>> = [];
  let exhausted = false;
  const fill = async (): Promise<void> => {
    while (!exhausted && window.length < concurrency) {
      const next = await iterator.next();
      if (next.done) exhausted = true;
      else {
        const pending = work(next.value);
        // A rejection surfaces when its turn comes; until then it must not count as unhandled.
        pending.catch(() => undefined);
        window.push(pending);
      }
    }
  };
  try {
    await fill();
    while (window.length > 0) {
      const result = await window.shift()!;
      yield result;
      await fill();
    }
  } finally {
    if (!exhausted) await iterator.return?.();
  }
}
