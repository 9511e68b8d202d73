import fc from 'fast-check';
import { expect, test } from 'vitest';
import { normalizeDomain } from '../src/domain.js';

test.for([
  ['example.com', 'example.com', 'already normal'],
  ['Example.COM.', 'example.com', 'RFC 4343: case folds; the trailing dot goes'],
  [' example.com ', 'example.com', 'surrounding white space goes'],
  ['bücher.example', 'xn--bcher-kva.example', 'RFC 9989 §5.3.1: U-labels become A-labels'],
  ['_dmarc.example.com', '_dmarc.example.com', 'underscore labels'],
  ['a..example', undefined, 'an empty label'],
  [`${'a'.repeat(64)}.example`, undefined, 'a label over 63 octets'],
  ['exa mple.com', undefined, 'a space inside'],
] as const)('normalizeDomain(%j) is %j (%s)', ([input, expected]) => {
  expect(normalizeDomain(input)).toBe(expected);
});

test('property: the shortcut for an already normal name gives what the general path gives', () => {
  // A leading space never passes the shortcut, and trimming removes it first: the general path.
  const name = fc.oneof(
    fc.domain(),
    fc.array(fc.stringMatching(/^[a-z0-9_-]{0,64}$/), { minLength: 1, maxLength: 6 }).map((labels) => labels.join('.')),
    fc.string({ unit: fc.constantFrom('a', 'Z', '0', '-', '_', '.', ' ', 'ü'), maxLength: 20 }),
  );
  fc.assert(
    fc.property(name, (text) => {
      expect(normalizeDomain(text)).toBe(normalizeDomain(` ${text}`));
    }),
  );
});
