import fc from 'fast-check';
import { expect, test } from 'vitest';
import { width } from '../src/fold.js';

/** The definition `width` must keep: per code point, TAB 8 columns, else its UTF-8 octets. */
function reference(text: string): number {
  let total = 0;
  for (const c of text) total += c === '\t' ? 8 : Buffer.byteLength(c, 'utf8');
  return total;
}

test.for([
  ['', 0, 'empty'],
  ['spf=pass', 8, 'ASCII'],
  ['\t', 8, 'a TAB counts 8 columns'],
  ['é', 2, 'two-octet UTF-8'],
  ['€', 3, 'three-octet UTF-8'],
  ['😀', 4, 'a surrogate pair is one four-octet code point'],
  ['\ud83d', 3, 'a lone high surrogate is written as U+FFFD'],
  ['\ude00x', 4, 'a lone low surrogate is written as U+FFFD'],
  ['\ude00\ud83d', 6, 'a low surrogate before a high one pairs with nothing'],
] as const)('width(%j) is %i (%s)', ([text, expected]) => {
  expect(width(text)).toBe(expected);
});

test('width counts what the UTF-8 encoder writes, for any UTF-16 string', () => {
  const units = fc.oneof(fc.string({ unit: 'binary' }), fc.string({ unit: fc.integer({ min: 0xd7f0, max: 0xe010 }).map((code) => String.fromCharCode(code)) }));
  fc.assert(fc.property(units, (text) => {
    expect(width(text)).toBe(reference(text));
  }), { numRuns: 2000 });
});
