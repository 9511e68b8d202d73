import fc from 'fast-check';
import { expect, test } from 'vitest';
import { characterStrings, MAX_CHARACTER_STRING_OCTETS, toOctetString } from '../src/index.js';

test.for([
  ['plain ASCII', 'plain ASCII', 'unchanged'],
  ['caf\u00e9', 'caf\u00e9', 'Latin-1 characters are single octets already'],
  ['\u20ac', '\u00e2\u0082\u00ac', 'other characters become their UTF-8 octets'],
  ['\u{1f600}', '\u00f0\u009f\u0098\u0080', 'astral characters too'],
] as const)('toOctetString(%j) -> %j (%s)', ([text, expected]) => {
  expect(toOctetString(text)).toBe(expected);
});

test.for([
  [['a', 'b'], ['a', 'b'], 'short strings stay as they are'],
  [['x'.repeat(255)], ['x'.repeat(255)], '255 octets fit in one (RFC 1035 §3.3)'],
  [['x'.repeat(256)], ['x'.repeat(255), 'x'], '256 octets need two'],
  [['x'.repeat(600), 'y'], ['x'.repeat(255), 'x'.repeat(255), 'x'.repeat(90), 'y'], 'each string is split on its own'],
  [[''], [''], 'an empty string is one empty character-string'],
  [[], [], 'no strings stays no strings'],
] as const)('characterStrings %# (%s)', ([strings, expected]) => {
  expect(characterStrings(strings)).toEqual(expected);
});

test('pieces are at most 255 octets and join back to the octet form', () => {
  fc.assert(
    fc.property(fc.array(fc.string({ unit: 'binary', maxLength: 700 }), { maxLength: 4 }), (strings) => {
      const pieces = characterStrings(strings);
      expect(pieces.join('')).toBe(strings.map(toOctetString).join(''));
      for (const piece of pieces) {
        expect(piece.length).toBeLessThanOrEqual(MAX_CHARACTER_STRING_OCTETS);
        expect(piece).toMatch(/^[\u0000-\u00ff]*$/);
      }
    }),
  );
});
