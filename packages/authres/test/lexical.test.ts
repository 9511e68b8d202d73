import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { breakableWord } from '../src/fold.js';
import { escapeComment, isDomainName, isDotAtomText, isToken, normalizeComment, quoteString, sanitizeText } from '../src/lexical.js';

// The lexical classes written character by character, as the RFCs define them: the compiled
// forms in src/lexical.ts must accept exactly the same strings.
const TSPECIALS = '()<>@,;:\\"/[]?=';
const SPECIALS = '()<>[]:;@\\,."';
const isAscii = (c: string) => c.charCodeAt(0) < 0x80;
// RFC 2045 §5.1
const tokenChar = (c: string) => c > ' ' && c < '\x7f' && !TSPECIALS.includes(c);
// RFC 5322 §3.2.3, RFC 6532 §3.2
const atext = (c: string, utf8: boolean) => (isAscii(c) ? c > ' ' && c < '\x7f' && !SPECIALS.includes(c) : utf8);
// RFC 5321 Let-dig, RFC 8601 §1.5.2
const letDig = (c: string, utf8: boolean) => /[A-Za-z0-9]/.test(c) || (utf8 && !isAscii(c));

const reference = {
  isToken: (s: string) => s.length > 0 && [...s].every(tokenChar),
  isDotAtomText: (s: string, utf8: boolean) => s.length > 0 && s.split('.').every((atom) => atom.length > 0 && [...atom].every((c) => atext(c, utf8))),
  isDomainName: (s: string, utf8: boolean) => {
    const labels = s.split('.');
    return labels.length >= 2 && labels.every((label) => {
      const chars = [...label];
      return chars.length > 0 && letDig(chars[0]!, utf8) && letDig(chars.at(-1)!, utf8) && chars.every((c) => c === '-' || letDig(c, utf8));
    });
  },
  sanitizeText: (s: string) =>
    s.replace(/[\x00-\x08\x0a-\x1f\x7f]+/g, ' ').replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD'),
  normalizeComment: (s: string) => reference.sanitizeText(s).replace(/[ \t]+/g, ' ').replace(/^ | $/g, ''),
  breakablePieces: (s: string) => s.split(/(?<=[^ \t])(?=[ \t])/),
};

/** Strings drawn mostly from the characters these classes are about, plus any UTF-16 unit. */
const printable = fc.integer({ min: 0x20, max: 0x7e }).map((code) => String.fromCharCode(code));
const lexical = fc.oneof(
  // Short printable US-ASCII strings: each character of each class, alone and in company.
  fc.string({ unit: printable, minLength: 1, maxLength: 3 }),
  fc.array(fc.string({ unit: printable, minLength: 1, maxLength: 2 }), { minLength: 2, maxLength: 3 }).map((labels) => labels.join('.')),
  fc.string({ unit: fc.constantFrom(...'aZ09-._@!#~"()\\<>[]:;,/?= \t\r\n\x00\x7fé€😀\ud800\udc00'.split('')) }),
  fc.string({ unit: 'binary' }),
  fc.domain(),
  fc.emailAddress(),
);

describe('the compiled lexical classes accept what the character-by-character definitions accept', () => {
  test.for([
    ['isToken', (s: string) => expect(isToken(s)).toBe(reference.isToken(s))],
    ['isDotAtomText (US-ASCII)', (s: string) => expect(isDotAtomText(s, false)).toBe(reference.isDotAtomText(s, false))],
    ['isDotAtomText (UTF-8)', (s: string) => expect(isDotAtomText(s, true)).toBe(reference.isDotAtomText(s, true))],
    ['isDomainName (US-ASCII)', (s: string) => expect(isDomainName(s, false)).toBe(reference.isDomainName(s, false))],
    ['isDomainName (UTF-8)', (s: string) => expect(isDomainName(s, true)).toBe(reference.isDomainName(s, true))],
    ['sanitizeText', (s: string) => expect(sanitizeText(s)).toBe(reference.sanitizeText(s))],
    ['normalizeComment', (s: string) => expect(normalizeComment(s)).toBe(reference.normalizeComment(s))],
    ['escapeComment', (s: string) => expect(escapeComment(s)).toBe(s.replace(/[()\\]/g, '\\$&'))],
    ['quoteString', (s: string) => expect(quoteString(s)).toBe(`"${s.replace(/["\\]/g, '\\$&')}"`)],
    ['breakableWord pieces (short words)', (s: string) => expect(breakableWord('comment', s).pieces).toEqual(reference.breakablePieces(s))],
  ] as const)('%s', ([, check]) => {
    fc.assert(
      fc.property(lexical, (s) => {
        check(s);
      }),
      { numRuns: 1500 },
    );
  });

  test.for([
    ['a.example', true],
    ['a-b.example', true],
    ['-a.example', false],
    ['a-.example', false],
    ['example', false],
    ['a..example', false],
  ] as const)('isDomainName(%j) is %s', ([domain, expected]) => {
    expect(isDomainName(domain, false)).toBe(expected);
  });
});

test('breakableWord cuts a piece too long for any line, and joins back to the text with one space per cut', () => {
  const long = `(${'x'.repeat(2000)} tail)`;
  const { pieces } = breakableWord('comment', long);
  expect(pieces.length).toBeGreaterThan(2);
  expect(pieces.join('').replace(/ (?=x)/g, '')).toBe(long);
});
