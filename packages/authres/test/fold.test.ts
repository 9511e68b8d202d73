import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  authenticationResultsField,
  parseAuthenticationResults,
  parseReceivedSpf,
  receivedSpfField,
  type AuthenticationResults,
  type MethodResult,
} from '@authgate/authres';
import { authenticationResults, receivedSpf } from './arbitraries.js';
import { columns, lines, unfold } from './fixtures.js';

/** RFC 5322 §2.2.3 and §3.2.2: every CRLF is followed by WSP, no line is white space alone, and
 * no CR or LF appears outside a CRLF. */
function expectWellFolded(field: string): void {
  expect(field).not.toMatch(/\r(?!\n)|(?<!\r)\n/);
  expect(field).not.toMatch(/\r\n(?![ \t])/);
  for (const line of lines(field)) expect(line).toMatch(/[^ \t]/);
}

/** RFC 5322 §2.1.1: at most 78 columns, unless the line holds a single unit that cannot be
 * folded (no white space after its indentation, or after the field name on the first line);
 * never 998 octets. */
function expectShortLines(field: string): void {
  lines(field).forEach((line, index) => {
    expect(Buffer.byteLength(line, 'utf8')).toBeLessThanOrEqual(998);
    const content = index === 0 ? line.replace(/^[\w-]+: /, '') : line.replace(/^[ \t]+/, '');
    if (columns(line) > 78) expect(content).not.toMatch(/[ \t]/);
  });
}

const longWords = fc.record({
  authservId: fc.constantFrom('mx.example.org', 'a-rather-long-authentication-service-identifier.mail.example.org'),
  results: fc.array(
    fc.record({
      method: fc.constantFrom('dkim', 'spf', 'x-a-very-long-experimental-method-name-for-testing-purposes'),
      result: fc.constantFrom('pass', 'fail'),
      comment: fc.array(fc.stringMatching(/^[a-z]{1,90}$/), { minLength: 1, maxLength: 12 }).map((w) => w.join(' ')),
      properties: fc.array(
        fc.record({
          ptype: fc.constant('header' as const),
          property: fc.constant('b'),
          value: fc.stringMatching(/^[A-Za-z0-9+]{1,120}$/),
        }),
        { maxLength: 3 },
      ),
    }),
    { minLength: 1, maxLength: 4 },
  ),
});

describe('folding of Authentication-Results', () => {
  test('every fold is CRLF then white space, and lines stay within 78 columns', () => {
    fc.assert(
      fc.property(fc.oneof(authenticationResults, longWords), (ar: AuthenticationResults) => {
        const field = authenticationResultsField(ar);
        expectWellFolded(field);
        expectShortLines(field);
        expect(unfold(field)).not.toContain('\r\n');
      }),
      { numRuns: 400 },
    );
  });

  test('the first line counts the field name: 78 columns stay on one line, 79 fold', () => {
    const field = (idLength: number) => authenticationResultsField({ authservId: 'x'.repeat(idLength), results: [] });
    const fitting = 78 - 'Authentication-Results: '.length - '; none'.length;
    expect(field(fitting)).not.toContain('\r\n');
    expect(columns(field(fitting))).toBe(78);
    expect(field(fitting + 1)).toBe(`Authentication-Results: ${'x'.repeat(fitting + 1)};\r\n\tnone`);
  });

  test('each method result starts its own line once the field is folded', () => {
    const results = ['spf', 'dkim', 'dmarc', 'arc'].map((method) => ({ method, result: 'pass', properties: [] }));
    const field = authenticationResultsField({ authservId: 'a-long-authserv-id.mail.example.org', results });
    expect(lines(field)).toEqual([
      'Authentication-Results: a-long-authserv-id.mail.example.org;',
      '\tspf=pass;',
      '\tdkim=pass;',
      '\tdmarc=pass;',
      '\tarc=pass',
    ]);
  });

  test('a single unbreakable token longer than a line gets a line of its own', () => {
    const value = 'A'.repeat(120);
    const field = authenticationResultsField({
      authservId: 'example.com',
      results: [{ method: 'dkim', result: 'pass', properties: [{ ptype: 'header', property: 'b', value }] }],
    });
    expect(lines(field)).toEqual(['Authentication-Results: example.com;', `\tdkim=pass`, `\t  header.b=${value}`]);
  });

  const long = 'x'.repeat(5000);
  test.for<[string, Partial<MethodResult>, (r: MethodResult) => string | undefined]>([
    ['a comment', { comment: long }, (r) => r.comment],
    ['a reason', { reason: long }, (r) => r.reason],
    ['a property value', { properties: [{ ptype: 'header', property: 'b', value: long }] }, (r) => r.properties[0]?.value],
  ])('%s of 5000 characters without white space is cut to keep lines under 998 octets', ([, extra, read]) => {
    const field = authenticationResultsField({
      authservId: 'example.com',
      results: [{ method: 'dkim', result: 'fail', properties: [], ...extra }],
    });
    expectWellFolded(field);
    for (const line of lines(field)) expect(Buffer.byteLength(line, 'utf8')).toBeLessThan(998);
    const parsed = parseAuthenticationResults(field.slice('Authentication-Results:'.length));
    if (!parsed.ok) throw new Error(parsed.problem.message);
    // RFC 5322 §2.1.1 MUST over fidelity: the only change is the spaces inserted at the cuts.
    const text = read(parsed.value.results[0]!) ?? '';
    expect(text).toContain(' ');
    expect(text.replace(/ /g, '')).toBe(long);
  });

  test('a long multi-byte comment is cut between characters, never inside one', () => {
    const comment = '日本語'.repeat(600);
    const field = authenticationResultsField({
      authservId: 'example.com',
      results: [{ method: 'dkim', result: 'fail', comment, properties: [] }],
    });
    for (const line of lines(field)) expect(Buffer.byteLength(line, 'utf8')).toBeLessThan(998);
    const parsed = parseAuthenticationResults(field.slice('Authentication-Results:'.length));
    expect(parsed.ok && parsed.value.results[0]!.comment!.replace(/ /g, '')).toBe(comment);
  });
});

describe('folding of Received-SPF', () => {
  test('every fold is CRLF then white space, and lines stay within 78 columns', () => {
    fc.assert(
      fc.property(receivedSpf, (data) => {
        const field = receivedSpfField(data);
        expectWellFolded(field);
        expectShortLines(field);
        expect(parseReceivedSpf(field.slice('Received-SPF:'.length)).ok).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});
