import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { BodyHasher } from '../src/body-hash.js';
import { createBodyCanonicalizer } from '../src/canonicalize-body.js';
import { canonicalizeField } from '../src/canonicalize-header.js';
import type { Canonicalization } from '../src/signature.js';

const b = (text: string) => Buffer.from(text, 'latin1');

/** Runs a canonicalizer over `input` cut at `cuts`, collecting what it emits. */
function canonicalize(canonicalization: Canonicalization, input: Buffer, cuts: number[] = []): string {
  const canonicalizer = createBodyCanonicalizer(canonicalization);
  const out: Buffer[] = [];
  const emit = (chunk: Buffer) => out.push(Buffer.from(chunk));
  let start = 0;
  for (const cut of [...new Set(cuts)].sort((x, y) => x - y)) {
    canonicalizer.push(input.subarray(start, cut), emit);
    start = cut;
  }
  canonicalizer.push(input.subarray(start), emit);
  canonicalizer.end(emit);
  return Buffer.concat(out).toString('latin1');
}

/**
 * Reference canonicalizations written straight from RFC 6376 §3.4.3 and §3.4.4 over a whole body
 * (already CRLF), deliberately unlike the streaming code they check.
 */
const reference = {
  simple: (text: string) => `${text.replace(/(?:\r\n)*$/, '')}\r\n`,
  relaxed: (text: string) => {
    const lines = text.split('\r\n').map((line) => line.replace(/[ \t]+/g, ' ').replace(/ $/, ''));
    while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
    return lines.length === 0 ? '' : `${lines.join('\r\n')}\r\n`;
  },
};
const toCrlfReference = (text: string) => text.replace(/(?<!\r)\n/g, '\r\n');

describe('RFC 6376 §3.4.5 canonicalization examples', () => {
  const header = ['A: X\r\n', 'B : Y\t\r\n\tZ  \r\n'];
  const body = ' C \r\nD \t E\r\n\r\n\r\n';

  test('relaxed header', () => {
    expect(header.map((field) => canonicalizeField(b(field), 'relaxed').toString('latin1'))).toEqual(['a:X\r\n', 'b:Y Z\r\n']);
  });
  test('simple header', () => {
    expect(header.map((field) => canonicalizeField(b(field), 'simple').toString('latin1'))).toEqual(header);
  });
  test('relaxed body', () => {
    expect(canonicalize('relaxed', b(body))).toBe(' C\r\nD E\r\n');
  });
  test('simple body', () => {
    expect(canonicalize('simple', b(body))).toBe(' C \r\nD \t E\r\n');
  });
});

describe('body canonicalization edge cases', () => {
  test.for([
    ['', '\r\n', '', 'an empty body: CRLF for simple, nothing for relaxed (§3.4.3, §3.4.4)'],
    ['\r\n', '\r\n', '', 'one empty line'],
    ['\r\n\r\n\r\n', '\r\n', '', 'only empty lines'],
    ['  \t\r\n \r\n', '  \t\r\n \r\n', '', 'only white space lines: not empty for simple, empty for relaxed'],
    ['abc', 'abc\r\n', 'abc\r\n', 'no final CRLF: one is added'],
    ['abc  \t', 'abc  \t\r\n', 'abc\r\n', 'no final CRLF after white space: relaxed drops it as the end of the line'],
    ['abc\r\n\r\n\r\n', 'abc\r\n', 'abc\r\n', 'trailing empty lines'],
    ['abc \r\n \r\n\t\r\n', 'abc \r\n \r\n\t\r\n', 'abc\r\n', 'trailing white space lines'],
    ['\r\n\r\nabc\r\n', '\r\n\r\nabc\r\n', '\r\n\r\nabc\r\n', 'leading empty lines stay'],
    ['a\r\n\r\n  \r\nb\r\n', 'a\r\n\r\n  \r\nb\r\n', 'a\r\n\r\n\r\nb\r\n', 'empty lines inside stay'],
    ['a \t b\t\tc  \r\n', 'a \t b\t\tc  \r\n', 'a b c\r\n', 'runs of WSP inside a line'],
    ['\t indented\r\n', '\t indented\r\n', ' indented\r\n', 'leading WSP becomes one SP, not nothing'],
    ['a\rb \r\r\n', 'a\rb \r\r\n', 'a\rb \r\r\n', 'a bare CR is content, and so is the WSP before it'],
    ['a\r', 'a\r\r\n', 'a\r\r\n', 'a bare CR at the very end'],
    ['caf\xe9 \xa0\r\n', 'caf\xe9 \xa0\r\n', 'caf\xe9 \xa0\r\n', '8-bit octets are content; NBSP is not WSP'],
  ] as const)('%j -> simple %j, relaxed %j (%s)', ([input, simple, relaxed]) => {
    expect(canonicalize('simple', b(input))).toBe(simple);
    expect(canonicalize('relaxed', b(input))).toBe(relaxed);
    expect(reference.simple(input)).toBe(simple);
    expect(reference.relaxed(input)).toBe(relaxed);
  });

  test('the empty-body hashes of RFC 6376 §3.4.3 and §3.4.4', () => {
    const hasher = new BodyHasher();
    const simple = hasher.request('simple', undefined);
    const relaxed = hasher.request('relaxed', undefined);
    hasher.write(Buffer.alloc(0));
    hasher.end();
    expect(simple.result.digest.toString('base64')).toBe('frcCV1k9oG9oKj3dpUqdJg1PxRT2RSN/XKdLCPjaYaY=');
    expect(relaxed.result.digest.toString('base64')).toBe('47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=');
  });

  test('a long run of trailing empty lines is held as a count, then emitted in blocks when content follows', () => {
    const input = b(`a${'\r\n'.repeat(10_000)}b`);
    expect(canonicalize('simple', input, [1, 7, 5000])).toBe(reference.simple(input.toString('latin1')));
    expect(canonicalize('relaxed', input, [1, 7, 5000])).toBe(reference.relaxed(input.toString('latin1')));
  });
});

describe('relaxed header canonicalization (RFC 6376 §3.4.2)', () => {
  test.for([
    ['Subject: AbC\r\n', 'subject:AbC\r\n', 'the name is lower-cased, not the value'],
    ['SUBJect  \t:  \t AbC \t \r\n', 'subject:AbC\r\n', 'WSP around the colon and at the end goes'],
    ['To: a,\r\n   \tb,\r\n c\r\n', 'to:a, b, c\r\n', 'unfolding joins the WSP around each fold into one SP'],
    ['X:\r\n value\r\n', 'x:value\r\n', 'a value that starts on the next line'],
    ['X: \r\n', 'x:\r\n', 'an empty value'],
    ['Subject: Gr\xc3\xbc\xc3\x9fe  aus\tK\xc3\xb6ln\r\n', 'subject:Gr\xc3\xbc\xc3\x9fe aus K\xc3\xb6ln\r\n', '8-bit octets pass through'],
    ['X: a\rb\r\n', 'x:a\rb\r\n', 'a bare CR is not WSP'],
  ] as const)('%j -> %j (%s)', ([field, expected]) => {
    expect(canonicalizeField(b(field), 'relaxed').toString('latin1')).toBe(expected);
  });
});

describe('streaming canonicalization matches the reference, however the body is cut', () => {
  // Bodies rich in what canonicalization cares about: WSP, CR, LF, and a little text.
  const body = fc.array(fc.constantFrom(' ', '\t', '\r', '\n', '\r\n', 'a', 'bc', '  ', '\r\n\r\n', '\xe9'), { maxLength: 80 }).map((parts) => parts.join(''));
  const cuts = fc.array(fc.nat(200), { maxLength: 8 });

  test.for(['simple', 'relaxed'] as const)('%s', (canonicalization) => {
    fc.assert(fc.property(body, cuts, (text, at) => {
      const crlf = toCrlfReference(text);
      const input = b(crlf);
      expect(canonicalize(canonicalization, input, at.map((cut) => cut % (input.length + 1)))).toBe(reference[canonicalization](crlf));
    }), { numRuns: 2000 });
  });

  test('BodyHasher: bare LF restored, each (canonicalization, l=) hashed once, l= truncates', () => {
    fc.assert(fc.property(body, cuts, fc.nat(120), (text, at, limit) => {
      const input = b(text);
      const hasher = new BodyHasher();
      const sinks = {
        simple: hasher.request('simple', undefined),
        relaxed: hasher.request('relaxed', undefined),
        simpleLimited: hasher.request('simple', limit),
        relaxedLimited: hasher.request('relaxed', limit),
      };
      expect(hasher.request('relaxed', limit)).toBe(sinks.relaxedLimited);
      let start = 0;
      for (const cut of [...new Set(at.map((c) => c % (input.length + 1)))].sort((x, y) => x - y)) {
        hasher.write(input.subarray(start, cut));
        start = cut;
      }
      hasher.write(input.subarray(start));
      hasher.end();
      for (const canonicalization of ['simple', 'relaxed'] as const) {
        const canonical = b(reference[canonicalization](toCrlfReference(text)));
        const sha = (data: Buffer) => createHash('sha256').update(data).digest();
        expect(sinks[canonicalization].result).toEqual({ digest: sha(canonical), signed: canonical.length, total: canonical.length });
        const signed = Math.min(limit, canonical.length);
        expect(sinks[`${canonicalization}Limited`].result).toEqual({ digest: sha(canonical.subarray(0, signed)), signed, total: canonical.length });
      }
    }), { numRuns: 1000 });
  });
});
