import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  authenticationResultsField,
  formatAuthenticationResults,
  formatReceivedSpf,
  parseAuthenticationResults,
  parseAuthservId,
  parseReceivedSpf,
} from '@authgate/authres';
import { authenticationResults, receivedSpf } from './arbitraries.js';

/** Strings built from the pieces of the grammar, so that the fuzzer reaches deep into it. */
const grammarSoup = fc.string({
  unit: fc.constantFrom(
    ';', '=', '.', '/', '@', '(', ')', '"', '\\', ' ', '\t', '\r\n ', '\r\n', '\n', '\r', '\x00',
    'a', 'example.com', 'dkim', 'spf', 'pass', 'none', 'reason', 'header', 'smtp', 'mailfrom', '1', '2', 'é', '日',
  ),
  maxLength: 60,
});

const anyString = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 80 }),
  fc.string({ unit: 'grapheme', maxLength: 80 }),
  grammarSoup,
);

/** A formatted field with one character inserted, deleted or replaced. */
const mutatedField = fc
  .tuple(authenticationResults, fc.nat(), fc.constantFrom('', ';', '(', ')', '"', '\\', '=', '.', ' ', '\r\n', 'x'))
  .map(([ar, at, insert]) => {
    const field = formatAuthenticationResults(ar);
    const i = field.length === 0 ? 0 : at % field.length;
    return field.slice(0, i) + insert + field.slice(i + (at % 2));
  });

describe('Authentication-Results round trips', () => {
  test('parse(format(x)) deep-equals x', () => {
    fc.assert(
      fc.property(authenticationResults, (ar) => {
        const parsed = parseAuthenticationResults(formatAuthenticationResults(ar));
        expect(parsed).toStrictEqual({ ok: true, value: ar });
      }),
      { numRuns: 1000 },
    );
  });

  test('parseAuthservId reads the id that was written', () => {
    fc.assert(
      fc.property(authenticationResults, (ar) => {
        fc.pre(ar.authservId.trim() === ar.authservId);
        expect(parseAuthservId(authenticationResultsField(ar).slice('Authentication-Results:'.length))).toBe(ar.authservId);
      }),
      { numRuns: 500 },
    );
  });

  test('whatever parses, formats and parses to the same data', () => {
    fc.assert(
      fc.property(fc.oneof(grammarSoup, mutatedField), (value) => {
        const first = parseAuthenticationResults(value);
        if (!first.ok) return;
        expect(parseAuthenticationResults(formatAuthenticationResults(first.value))).toStrictEqual(first);
      }),
      { numRuns: 2000 },
    );
  });

  test('where the full parser finds an authserv-id, parseAuthservId finds the same one', () => {
    fc.assert(
      fc.property(fc.oneof(grammarSoup, mutatedField), (value) => {
        const parsed = parseAuthenticationResults(value);
        if (!parsed.ok || parsed.value.authservId.trim() !== parsed.value.authservId) return;
        expect(parseAuthservId(value)).toBe(parsed.value.authservId);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('Received-SPF round trips', () => {
  test('parse(format(x)) deep-equals x', () => {
    fc.assert(
      fc.property(receivedSpf, (data) => {
        expect(parseReceivedSpf(formatReceivedSpf(data))).toStrictEqual({ ok: true, value: data });
      }),
      { numRuns: 1000 },
    );
  });
});

describe('no input makes a parser throw', () => {
  test.for([
    ['parseAuthenticationResults', parseAuthenticationResults],
    ['parseReceivedSpf', parseReceivedSpf],
    ['parseAuthservId', parseAuthservId],
  ] as const)('%s', ([, parse]) => {
    fc.assert(
      fc.property(fc.oneof(anyString, mutatedField), (value) => {
        const result = parse(value);
        if (typeof result === 'object') expect(typeof result.ok).toBe('boolean');
        else if (result !== undefined) expect(typeof result).toBe('string');
      }),
      { numRuns: 2000 },
    );
  });

  test.for<[string, string]>([
    ['deeply nested comments', `example.com; spf=pass ${'('.repeat(200_000)}`],
    ['a long run of quoted-pairs', `example.com; spf=pass reason="${'\\"'.repeat(200_000)}"`],
    ['a huge field', `example.com; ${'spf=pass smtp.mailfrom=a.example; '.repeat(20_000)}dkim=pass`],
  ])('%s parse without exhausting the stack', ([, value]) => {
    expect(() => parseAuthenticationResults(value)).not.toThrow();
    expect(() => parseAuthservId(value)).not.toThrow();
    expect(() => parseReceivedSpf(value)).not.toThrow();
  });
});
