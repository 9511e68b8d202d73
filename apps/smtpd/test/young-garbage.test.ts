import { expect, test } from 'vitest';
import { minorCollector, STREAM_BUDGET_BYTES, YoungGarbage } from '../src/young-garbage.js';

test.for([
  ['nothing before the budget is spent', [STREAM_BUDGET_BYTES - 1], 0],
  ['one collection when it is', [STREAM_BUDGET_BYTES - 1, 1], 1],
  ['one per budget, however the bytes come', [STREAM_BUDGET_BYTES / 2, STREAM_BUDGET_BYTES / 2, STREAM_BUDGET_BYTES, 1], 2],
  ['a count starts afresh after a collection', [STREAM_BUDGET_BYTES + 10, STREAM_BUDGET_BYTES - 1], 1],
] as const)('%s', ([, amounts, collections]) => {
  let collected = 0;
  const garbage = new YoungGarbage(() => collected++);
  for (const bytes of amounts) garbage.streamed(bytes);
  expect(collected).toBe(collections);
});

test('this Node gives a young-generation collection, and running it is harmless', () => {
  const collect = minorCollector();
  expect(collect).toBeTypeOf('function');
  collect!();
  expect(minorCollector()).toBeTypeOf('function');
});
