import { isUtf8 } from 'node:buffer';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { fieldsNamed, parseHeader, toCrlf, unfold } from '@authgate/message';
import { bytes } from './fixtures.js';

describe('parseHeader', () => {
  test.for([
    ['a: 1\r\nB: 2\r\n', [['a', '1'], ['B', '2']], 'CRLF line ends'],
    ['a: 1\nB: 2\n', [['a', '1'], ['B', '2']], 'bare LF line ends'],
    ['a: 1\r\nB: 2\nc: 3\r\n', [['a', '1'], ['B', '2'], ['c', '3']], 'mixed line ends'],
    ['Subject : hi\r\n', [['Subject', 'hi']], 'RFC 5322 §4.5 obsolete white space before the colon'],
    ['Subject\t: hi\r\n', [['Subject', 'hi']], 'a tab before the colon too'],
    ['X-Empty:\r\n', [['X-Empty', '']], 'an empty value'],
    ['X-Spaces:   \r\n', [['X-Spaces', '']], 'a value of only white space'],
    ['Subject: a\r\n b\r\n\tc\r\n', [['Subject', 'a b\tc']], 'folding removed, the white space kept (RFC 5322 §2.2.3)'],
    ['Subject: a\r\n \r\n b\r\n', [['Subject', 'a  b']], 'RFC 5322 §4.2 obs-FWS: a line of only white space'],
    ['Subject: a:b:c\r\n', [['Subject', 'a:b:c']], 'colons in the value'],
    ['Subject: no line end', [['Subject', 'no line end']], 'the last line without its line end'],
    ['Subject: a\rb\r\n', [['Subject', 'a\rb']], 'a bare CR is content, not a line end'],
    ['Subject: a\u00a0\r\n', [['Subject', 'a\u00a0']], 'only SP and HTAB are trimmed; a no-break space is content'],
    ['!#$%&*+-.^_`|~09AZaz: x\r\n', [['!#$%&*+-.^_`|~09AZaz', 'x']], 'every ftext class in a name (RFC 5322 §3.6.8)'],
    ['', [], 'no fields at all'],
  ])('%j (%s)', ([input, expected]) => {
    const result = parseHeader(bytes(input as string));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.fields.map((field) => [field.name, field.value])).toEqual(expected);
    expect(result.fields.map((field) => field.key)).toEqual((expected as string[][]).map(([name]) => name!.toLowerCase()));
  });

  test.for([
    [' continued: x\r\n', 'malformed-field', 'a continuation line before any field'],
    ['\tx\r\nSubject: a\r\n', 'malformed-field', 'a tab-led first line'],
    ['Subject: a\r\nno colon here\r\n', 'malformed-field', 'a line that is neither a field nor a continuation'],
    [': no name\r\n', 'malformed-field', 'an empty field name'],
    ['  : x\r\n', 'malformed-field', 'a name of white space only'],
    ['Bad Name: x\r\n', 'malformed-field', 'a space inside the name'],
    ['N\u00e4me: x\r\n', 'malformed-field', 'an 8-bit octet in the name (ftext is US-ASCII, RFC 5322 §3.6.8)'],
    ['Subject: a\0b\r\n', 'nul-byte', 'NUL in a value'],
    ['Sub\0ject: a\r\n', 'nul-byte', 'NUL in a name'],
    ['Subject: a\r\n\r\nBody: b\r\n', 'malformed-field', 'an empty line inside the block handed in'],
  ])('refuses %j with %s (%s)', ([input, code]) => {
    const result = parseHeader(bytes(input!));
    expect(result).toEqual({ ok: false, problem: { code, message: expect.stringMatching(/^message: /) } });
  });

  test('raw keeps the exact bytes of each field, line ends as CRLF, folding included', () => {
    const result = parseHeader(bytes('DKIM-Signature: v=1;\n\tb=abc\nSubject:  x \r\n'));
    if (!result.ok) throw new Error(result.problem.message);
    expect(result.fields.map((field) => field.raw.toString('latin1'))).toEqual(['DKIM-Signature: v=1;\r\n\tb=abc\r\n', 'Subject:  x \r\n']);
  });

  test('a value in UTF-8 is read as UTF-8 (RFC 6532)', () => {
    const result = parseHeader(Buffer.from('Subject: Grüße – 日本\r\n', 'utf8'));
    expect(result.ok && result.fields[0]!.value).toBe('Grüße – 日本');
  });

  test('a value in Latin-1 is read as Latin-1, not as replacement characters', () => {
    const result = parseHeader(Buffer.from('Subject: Gr\xfc\xdfe\r\n', 'latin1'));
    expect(result.ok && result.fields[0]!.value).toBe('Grüße');
    expect(result.ok && result.fields[0]!.raw.toString('latin1')).toBe('Subject: Gr\xfc\xdfe\r\n');
  });

  test('a very long folded field is one field with every line in its value', () => {
    const lines = Array.from({ length: 20_000 }, (_, i) => ` item-${i}`);
    const result = parseHeader(bytes(`X-Long:${lines.join('\r\n')}\r\nNext: y\r\n`));
    if (!result.ok) throw new Error(result.problem.message);
    expect(result.fields).toHaveLength(2);
    expect(result.fields[0]!.value.split(' ')).toHaveLength(20_000);
    expect(result.fields[1]!.value).toBe('y');
  });

  test('accepts a plain Uint8Array', () => {
    const result = parseHeader(new Uint8Array(bytes('a: b\r\n')));
    expect(result.ok && result.fields[0]!.value).toBe('b');
  });

  test('property: any bytes give a result, never an exception; fields cover the input exactly', () => {
    const line = fc.oneof(
      fc.constantFrom('Subject: x', ' cont', '\tcont', 'From : a', 'a:b', 'x', '', ':', 'ü: v'),
      fc.string({ maxLength: 12 }),
    );
    const eol = fc.constantFrom('\r\n', '\n', '\r', '');
    const block = fc.array(fc.tuple(line, eol), { maxLength: 10 }).map((lines) => lines.map(([text, end]) => text + end).join(''));
    fc.assert(
      fc.property(fc.oneof(block.map((text) => Buffer.from(text, 'utf8')), fc.uint8Array({ maxLength: 120 }).map((raw) => Buffer.from(raw))), (input) => {
        const result = parseHeader(input);
        if (!result.ok) return;
        const joined = Buffer.concat(result.fields.map((field) => field.raw));
        const normalized = toCrlf(input);
        const expected = normalized.length === 0 || normalized.subarray(-2).equals(bytes('\r\n')) ? normalized : Buffer.concat([normalized, bytes('\r\n')]);
        expect(joined.equals(expected)).toBe(true);
        for (const field of result.fields) expect(field.value).toBe(field.value.replace(/^[ \t]+|[ \t]+$/g, ''));
      }),
    );
  });

  test('property: every value is its raw bytes after the colon, decoded and unfolded, for ASCII and 8-bit sections alike', () => {
    const line = fc.oneof(
      fc.constantFrom('Subject: x ', ' cont', '\tcont', 'From : a', 'a:b', 'ü: v', 'X: é', 'Y:\t'),
      fc.string({ unit: fc.constantFrom('a', ':', ' ', '\t', '\r', 'é'), maxLength: 8 }),
    );
    const eol = fc.constantFrom('\r\n', '\n', '');
    const block = fc.array(fc.tuple(line, eol), { maxLength: 8 }).map((lines) => lines.map(([text, end]) => text + end).join(''));
    const encoded = fc.tuple(block, fc.constantFrom('utf8', 'latin1') as fc.Arbitrary<BufferEncoding>).map(([text, encoding]) => Buffer.from(text, encoding));
    fc.assert(
      fc.property(encoded, (input) => {
        const result = parseHeader(input);
        if (!result.ok) return;
        for (const field of result.fields) {
          const valueBytes = field.raw.subarray(field.raw.indexOf(':') + 1);
          const decoded = valueBytes.toString(isUtf8(valueBytes) ? 'utf8' : 'latin1');
          expect(field.value).toBe(unfold(decoded));
          expect(field.name).toBe(field.raw.toString('latin1', 0, field.raw.indexOf(':')).trimEnd());
        }
      }),
      { numRuns: 2000 },
    );
  });
});

describe('unfold', () => {
  test.for([
    [' a\r\n b', 'a b', 'CRLF before white space goes'],
    [' a\n\tb\n', 'a\tb', 'bare LF folds too; the final line end goes'],
    ['a\r\n', 'a', 'a final CRLF'],
    ['\t a \t', 'a', 'SP and HTAB trimmed at both ends'],
    ['a\r\nb', 'a\r\nb', 'a line break before a non-blank is not a fold'],
    ['a\r\r\n', 'a\r', 'only the final line end goes, not a CR before it'],
    ['\r\n', '', 'a value that is only a line end'],
  ])('%j -> %j (%s)', ([input, expected]) => {
    expect(unfold(input!)).toBe(expected);
  });

  test('unfolding by scanning gives what the RFC 5322 §2.2.3 definition gives', () => {
    // The definition: drop each line end followed by WSP, then the final line end, then WSP at the edges.
    const reference = (text: string) => text.replace(/\r?\n(?=[ \t])/g, '').replace(/\r?\n$/, '').replace(/^[ \t]+|[ \t]+$/g, '');
    const text = fc.string({ unit: fc.constantFrom('a', ' ', '\t', '\r', '\n', 'é'), maxLength: 16 });
    fc.assert(
      fc.property(text, (input) => {
        expect(unfold(input)).toBe(reference(input));
      }),
      { numRuns: 3000 },
    );
  });
});

describe('fieldsNamed', () => {
  test('finds fields by lower-case key, in message order', () => {
    const result = parseHeader(bytes('From: a@x\r\nTo: b@y\r\nFROM: c@z\r\n'));
    if (!result.ok) throw new Error(result.problem.message);
    expect(fieldsNamed(result.fields, 'from').map((field) => field.value)).toEqual(['a@x', 'c@z']);
    expect(fieldsNamed(result.fields, 'cc')).toEqual([]);
  });
});
