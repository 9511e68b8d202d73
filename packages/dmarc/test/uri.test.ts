import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { formatReportUri, parseReportUri } from '../src/index.js';

describe('parseReportUri', () => {
  test.for([
    ['mailto:dmarc@example.com', { uri: 'mailto:dmarc@example.com', scheme: 'mailto', addresses: ['dmarc@example.com'] }],
    ['MAILTO:Dmarc@EXAMPLE.com', { scheme: 'mailto', addresses: ['Dmarc@example.com'] }], // local part kept, domain lower-cased
    ['mailto:dmarc@example.com!50m', { maxSize: { count: 50, unit: 'm', bytes: 50 * 2 ** 20 } }],
    ['mailto:dmarc@example.com!1024', { maxSize: { count: 1024, bytes: 1024 } }],
    ['mailto:dmarc@example.com!2K', { maxSize: { count: 2, unit: 'k', bytes: 2048 } }],
    ['mailto:dmarc@example.com!1t', { maxSize: { count: 1, unit: 't', bytes: 2 ** 40 } }],
    ['mailto:a@example.com%2Cb@example.net', { addresses: ['a@example.com', 'b@example.net'] }],
    ['mailto:dmarc@example.com?subject=report', { addresses: ['dmarc@example.com'] }],
    ['mailto:dmarc@b%C3%BCcher.example', { addresses: ['dmarc@xn--bcher-kva.example'] }],
    ['https://reports.example.net/dmarc?x=1', { scheme: 'https', uri: 'https://reports.example.net/dmarc?x=1' }],
    ['https://[2001:db8::1]/r', { scheme: 'https' }],
    ['urn:example:report', { scheme: 'urn' }],
  ] as const)('%s', ([text, expected]) => {
    const result = parseReportUri(text);
    expect(result.ok && result.uri).toMatchObject(expected);
  });

  test.for([
    ['', 'invalid-uri', 'empty'],
    ['dmarc@example.com', 'invalid-uri', 'no scheme'],
    ['1mailto:a@example.com', 'invalid-uri', 'scheme starting with a digit'],
    ['mailto:a b@example.com', 'invalid-uri', 'space'],
    ['mailto:dmarc@example.com,other@example.com', 'invalid-uri', 'a literal comma'],
    ['mailto:a@example.com%2', 'invalid-uri', 'broken percent-encoding'],
    ['mailto:a@example.com%zz', 'invalid-uri', 'broken percent-encoding'],
    ['mailto:', 'invalid-uri', 'mailto without address'],
    ['mailto:postmaster', 'invalid-uri', 'mailto without domain'],
    ['mailto:@example.com', 'invalid-uri', 'mailto without local part'],
    ['mailto:a%2Cb@example.com', 'invalid-uri', 'an encoded comma separates recipients; "a" has no domain'],
    ['mailto:a@exa_mple..com', 'invalid-uri', 'mailto with an empty label'],
    ['mailto:a@%FF.example', 'invalid-uri', 'invalid UTF-8 after decoding'],
    ['https://r.example/a#b#c', 'invalid-uri', 'two fragments'],
    ['https://r.example/[x]', 'invalid-uri', 'brackets outside a host'],
    ['mailto:a@example.com!', 'invalid-size', 'empty size'],
    ['mailto:a@example.com!10x', 'invalid-size', 'unknown unit'],
    ['mailto:a@example.com!1.5m', 'invalid-size', 'fraction'],
    ['mailto:a@example.com!10m!5k', 'invalid-size', 'two sizes'],
  ] as const)('rejects %j (%s: %s)', ([text, code]) => {
    expect(parseReportUri(text)).toMatchObject({ ok: false, problem: { code } });
    expect(parseReportUri(text, { mode: 'rfc7489' })).toMatchObject({ ok: false, problem: { code } });
  });

  // RFC 9989 §4.8 obs-dmarc-report-size is "!" 1*DIGIT with no bound; RFC 7489 §6.4 bounds the
  // count to an unsigned 64-bit integer. A count past 2^53 - 1 keeps the URI and drops the size.
  test.for([
    ['mailto:a@example.com!9007199254740991', 'rfc9989', { maxSize: { count: 9007199254740991, bytes: 9007199254740991 } }],
    ['mailto:a@example.com!9007199254740992', 'rfc9989', { uri: 'mailto:a@example.com', maxSize: undefined }],
    ['mailto:a@example.com!99999999999999999999k', 'rfc9989', { uri: 'mailto:a@example.com', maxSize: undefined }],
    ['mailto:a@example.com!18446744073709551615', 'rfc7489', { uri: 'mailto:a@example.com', maxSize: undefined }],
    ['mailto:a@example.com!18446744073709551616', 'rfc7489', undefined],
    ['mailto:a@example.com!99999999999999999999', 'rfc7489', undefined],
    ['mailto:a@example.com!007m', 'rfc7489', { maxSize: { count: 7, unit: 'm', bytes: 7 * 2 ** 20 } }],
  ] as const)('size %s (%s)', ([text, mode, expected]) => {
    const result = parseReportUri(text, { mode });
    if (expected === undefined) {
      expect(result).toMatchObject({ ok: false, problem: { code: 'invalid-size' } });
      return;
    }
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.uri).toMatchObject(Object.fromEntries(Object.entries(expected).filter(([, v]) => v !== undefined)));
    if ('maxSize' in expected && expected.maxSize === undefined) expect(result.uri).not.toHaveProperty('maxSize');
  });

  test('never throws, and what parses formats back to the same URI', () => {
    const uriLike = fc.oneof(
      fc.string({ unit: 'binary' }),
      fc.tuple(fc.constantFrom('mailto:', 'https://', 'x:'), fc.string(), fc.constantFrom('', '!', '!1', '!20k', '!3G')).map((parts) => parts.join('')),
    );
    fc.assert(
      fc.property(uriLike, (text) => {
        const result = parseReportUri(text);
        if (!result.ok) return;
        const again = parseReportUri(formatReportUri(result.uri));
        expect(again).toEqual(result);
      }),
      { numRuns: 3000 },
    );
  });
});
