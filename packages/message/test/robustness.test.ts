import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { authorDomains, parseAddressList, parseHeader, parseMessage, readMessage, type HeaderField } from '@authgate/message';
import { parseEncodedWord } from '../src/encoded-word.js';
import { normalizeDomain } from '../src/domain.js';
import { tokenize } from '../src/tokenize.js';
import { chunked, collect } from './fixtures.js';

// Every parser answers with a result for any input; none throws (STYLE.md §13).
const addressy = fc.array(fc.constantFrom('a', '@', '.', ',', ';', ':', '<', '>', '(', ')', '[', ']', '"', '\\', ' ', '\t', '\r', '\n', '\r\n ', '\0', '\u0001', 'ü', '=?utf-8?b?', '?=', '\ud800', 'xn--'), { maxLength: 40 }).map((parts) => parts.join(''));
const anyString = fc.oneof(fc.string({ unit: 'binary', maxLength: 60 }), fc.string({ unit: 'grapheme', maxLength: 30 }), addressy);

describe('no input throws', () => {
  test('parseAddressList and the tokenizer, over any string', () => {
    fc.assert(
      fc.property(anyString, (value) => {
        const tokens = tokenize(value);
        const result = parseAddressList(value);
        expect(typeof tokens.ok).toBe('boolean');
        if (!result.ok) expect(result.problem.code).toBe('malformed-address');
      }),
      { numRuns: 3000 },
    );
  });

  test('parseEncodedWord and normalizeDomain, over any string', () => {
    fc.assert(
      fc.property(anyString, (value) => {
        parseEncodedWord(`=?utf-8?q?${value}?=`);
        parseEncodedWord(value);
        const domain = normalizeDomain(value);
        if (domain.ok) expect(domain.domain).toBe(domain.domain.toLowerCase());
      }),
      { numRuns: 2000 },
    );
  });

  test('parseMessage and parseHeader, over any bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        const message = parseMessage(bytes);
        const header = parseHeader(bytes);
        if (!message.ok) expect(['empty', 'malformed-field', 'nul-byte']).toContain(message.problem.code);
        if (!header.ok) expect(['malformed-field', 'nul-byte']).toContain(header.problem.code);
      }),
      { numRuns: 2000 },
    );
  });

  test('readMessage, over any bytes in any chunks', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 200 }), fc.array(fc.nat(), { maxLength: 6 }), async (bytes, rawCuts) => {
        const result = await readMessage(chunked(bytes, rawCuts.map((cut) => cut % (bytes.length + 1))), { maxHeaderBytes: 100 });
        if (result.ok) await collect(result.body);
        else expect(['empty', 'malformed-field', 'nul-byte', 'header-too-large']).toContain(result.problem.code);
      }),
      { numRuns: 500 },
    );
  });

  test('authorDomains, over any From values', () => {
    fc.assert(
      fc.property(fc.array(anyString, { maxLength: 3 }), (values) => {
        const header: HeaderField[] = values.map((value) => ({ name: 'From', key: 'from', raw: Buffer.from(`From: ${value}\r\n`), value }));
        const result = authorDomains(header);
        if (!result.ok) expect(['no-from', 'malformed-address']).toContain(result.problem.code);
        else expect(result.domains.length).toBeGreaterThan(0);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('hostile sizes stay linear', () => {
  test.for([
    ['a long run of white space before an error', `${' '.repeat(200_000)}x`],
    ['a long unclosed comment', `(${'a'.repeat(200_000)}`],
    ['a long unclosed quoted string', `"${'a'.repeat(200_000)}`],
    ['a huge non-ASCII domain', `a@${'ü'.repeat(200_000)}`],
    ['many dots', `a@${'a.'.repeat(100_000)}a`],
    ['many empty members', ','.repeat(200_000)],
    ['many encoded words', Array.from({ length: 20_000 }, () => '=?utf-8?q?a?=').join(' ') + ' <a@example.com>'],
  ])('%s: a result, not a hang or a stack overflow', ([, value]) => {
    expect(typeof parseAddressList(value!).ok).toBe('boolean');
  });

  test('a value with many inner spaces loses only the white space at its ends', () => {
    const result = parseHeader(Buffer.from(`X: a${' '.repeat(200_000)}b   \r\n`));
    expect(result.ok && result.fields[0]!.value).toBe(`a${' '.repeat(200_000)}b`);
  });
});
