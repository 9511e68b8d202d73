import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { CrlfNormalizer, toCrlf } from '@authgate/message';
import { bytes } from './fixtures.js';

describe('toCrlf', () => {
  test.for([
    ['a\nb\n', 'a\r\nb\r\n', 'bare LF becomes CRLF'],
    ['a\r\nb\r\n', 'a\r\nb\r\n', 'CRLF stays as it is'],
    ['a\r\nb\nc\r\n', 'a\r\nb\r\nc\r\n', 'mixed line ends all end as CRLF'],
    ['\n\n', '\r\n\r\n', 'empty lines'],
    ['a\rb', 'a\rb', 'a bare CR is not a line end and is left alone'],
    ['a\r\r\n', 'a\r\r\n', 'CR CRLF keeps the first CR as content'],
    ['', '', 'nothing'],
  ])('%j -> %j (%s)', ([input, expected]) => {
    expect(toCrlf(bytes(input!)).toString('latin1')).toBe(expected);
  });

  test('returns the input itself when there is no bare LF, so CRLF messages are not copied', () => {
    const input = bytes('a\r\nb\r\n');
    expect(toCrlf(input).buffer).toBe(input.buffer);
  });

  test('accepts a plain Uint8Array', () => {
    expect(toCrlf(new Uint8Array([0x61, 0x0a])).toString('latin1')).toBe('a\r\n');
  });
});

describe('CrlfNormalizer', () => {
  test('a CRLF split between two chunks stays one line end', () => {
    const normalizer = new CrlfNormalizer();
    const out = Buffer.concat([normalizer.push(bytes('a\r')), normalizer.push(bytes('\nb\n'))]);
    expect(out.toString('latin1')).toBe('a\r\nb\r\n');
  });

  test('an LF after an empty chunk still sees the CR before it', () => {
    const normalizer = new CrlfNormalizer();
    const out = Buffer.concat([normalizer.push(bytes('a\r')), normalizer.push(bytes('')), normalizer.push(bytes('\n'))]);
    expect(out.toString('latin1')).toBe('a\r\n');
  });

  test('any chunking gives what toCrlf gives for the whole', () => {
    const text = fc.array(fc.constantFrom('\r', '\n', 'a', '\r\n', ' '), { maxLength: 60 }).map((parts) => parts.join(''));
    fc.assert(
      fc.property(text, fc.array(fc.nat(), { maxLength: 8 }), (input, rawCuts) => {
        const whole = bytes(input);
        const cuts = rawCuts.map((cut) => cut % (whole.length + 1)).sort((a, b) => a - b);
        const normalizer = new CrlfNormalizer();
        const parts: Buffer[] = [];
        let start = 0;
        for (const cut of [...cuts, whole.length]) {
          parts.push(normalizer.push(whole.subarray(start, cut)));
          start = cut;
        }
        expect(Buffer.concat(parts).equals(toCrlf(whole))).toBe(true);
      }),
    );
  });

  test('any bytes: the output has no bare LF and only gains CRs', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (input) => {
        const out = toCrlf(input);
        for (let i = 0; i < out.length; i++) if (out[i] === 0x0a) expect(out[i - 1]).toBe(0x0d);
        const withoutAddedCr = Buffer.from(out.toString('latin1').replace(/\r\n/g, '\n'), 'latin1');
        expect(withoutAddedCr.equals(Buffer.from(Buffer.from(input).toString('latin1').replace(/\r\n/g, '\n'), 'latin1'))).toBe(true);
      }),
    );
  });
});
