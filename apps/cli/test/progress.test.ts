import { expect, test } from 'vitest';
import { createProgress, progressLine } from '../src/progress.js';

test.for([
  [0, 10, 80, '[........................................] 0/10 messages'],
  [5, 10, 80, '[####################....................] 5/10 messages'],
  [10, 10, 80, '[########################################] 10/10 messages'],
  [3, 4, 30, '[###########...] 3/4 messages'],
  [1, undefined, 80, '1 message checked'],
  [7, undefined, 80, '7 messages checked'],
] as const)('%i of %s in %i columns', ([count, total, columns, expected]) => {
  expect(progressLine(count, total, columns)).toBe(expected);
});

test('draws nothing when the stream is not a terminal', () => {
  const written: string[] = [];
  const progress = createProgress({ write: (text: string) => written.push(text) }, () => 3);
  progress.tick();
  progress.redraw();
  progress.done();
  expect(written).toEqual([]);
});

test('on a terminal, draws, clears before other output, and erases itself when done', () => {
  const written: string[] = [];
  let clock = 0;
  const progress = createProgress({ isTTY: true, columns: 80, write: (text: string) => written.push(text) }, () => 2, () => clock);
  progress.tick();
  progress.clear();
  clock += 1000;
  progress.tick();
  progress.done();
  expect(written).toEqual([
    '\r\u001b[2K[####################....................] 1/2 messages',
    '\r\u001b[2K',
    '\r\u001b[2K[########################################] 2/2 messages',
    '\r\u001b[2K',
  ]);
});
