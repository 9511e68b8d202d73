import fc from 'fast-check';
import punycode from 'punycode/punycode.js';
import { describe, expect, test } from 'vitest';
import { parseAddressList } from '@authgate/message';
import { normalizeDomain } from '../src/domain.js';
import { encodeWords, parseEncodedWord } from '../src/encoded-word.js';

function displayName(value: string): string | undefined {
  const result = parseAddressList(value);
  if (!result.ok) throw new Error(result.problem.message);
  const first = result.addresses[0]!;
  return first.kind === 'mailbox' ? first.displayName : first.name;
}

describe('RFC 2047 encoded words in display names', () => {
  test.for([
    ['=?ISO-8859-1?Q?Keld_J=F8rn_Simonsen?= <keld@dkuug.dk>', 'Keld Jørn Simonsen', 'RFC 2047 §8: Q, Latin-1, "_" is a space'],
    ['=?iso-8859-1?q?Andr=E9?= Pirard <PIRARD@vm1.ulg.ac.be>', 'André Pirard', 'RFC 2047 §8: lower-case q, an encoded word then an atom'],
    ['=?UTF-8?B?SsO2cmcgTcO8bGxlcg==?= <j@example.de>', 'Jörg Müller', 'B, UTF-8'],
    ['=?utf-8?b?SsO2cmc?= <j@example.de>', 'Jörg', 'B without its padding'],
    ['=?US-ASCII?Q?Keith_Moore?= <moore@cs.utk.edu>', 'Keith Moore', 'RFC 2047 §8: US-ASCII'],
    ['=?utf-8?q?a?= =?utf-8?q?b?= <x@example.com>', 'ab', 'RFC 2047 §6.2: white space between adjacent encoded words is dropped'],
    ['=?utf-8?q?a?=\r\n =?utf-8?q?b?= <x@example.com>', 'ab', 'the same across a fold'],
    ['=?utf-8?q?a?= (c) =?utf-8?q?b?= <x@example.com>', 'a b', 'a comment between encoded words leaves the space'],
    ['=?utf-8?q?a_?= b <x@example.com>', 'a  b', 'an encoded word then an atom keeps the space between them'],
    ['a =?utf-8?q?b?= <x@example.com>', 'a b', 'an atom then an encoded word'],
    ['=?utf-8?b?w6Q=?= =?iso-8859-1?q?=E4?= <x@example.com>', 'ää', 'adjacent encoded words in two charsets'],
    ['=?utf-8?b?4oI=?= =?utf-8?b?rA==?= <x@example.com>', '€', 'a UTF-8 character split over two words (against RFC 2047 §5) still decodes'],
    ['=?UTF-8*en?Q?Hello?= <x@example.com>', 'Hello', 'RFC 2231 §5: a language after the charset'],
    ['=?windows-1252?Q?=80uro?= <x@example.com>', '€uro', 'windows-1252 (its own table: Node 20 decodes it as Latin-1)'],
    ['=?iso-8859-1?q?it=92s?= <x@example.com>', 'it’s', 'WHATWG reads the iso-8859-1 label as windows-1252'],
    ['=?shift_jis?B?k/qWe4zq?= <x@example.jp>', '日本語', 'a multi-byte legacy charset'],
    ['=?koi8-r?B?8NLJ18XU?= <x@example.ru>', 'Привет', 'KOI8-R'],
    ['=?utf-8?q??= <x@example.com>', '', 'an empty encoded text'],
    ['=?x-unknown?q?abc?= <x@example.com>', '=?x-unknown?q?abc?=', 'an unknown charset: kept as written'],
    ['=?utf-7?q?abc?= <x@example.com>', '=?utf-7?q?abc?=', 'UTF-7 is not something TextDecoder knows: kept'],
    ['=?utf-8?q?=FF?= <x@example.com>', '=?utf-8?q?=FF?=', 'bytes that are not UTF-8: kept as written'],
    ['=?utf-8?q?=ZZ?= <x@example.com>', '=?utf-8?q?=ZZ?=', 'a broken Q escape: kept'],
    ['=?utf-8?b?a?= <x@example.com>', '=?utf-8?b?a?=', 'base64 of impossible length: kept'],
    ['=?utf-8?b?YQ=?= <x@example.com>', '=?utf-8?b?YQ=?=', 'wrong base64 padding: kept'],
    ['=?utf-8?x?abc?= <x@example.com>', '=?utf-8?x?abc?=', 'an unknown encoding: not an encoded word'],
    ['=?utf-8?q?=FF?= =?utf-8?q?a?= <x@example.com>', '=?utf-8?q?=FF?= a', 'one bad word in a run: the good one still decodes'],
    ['"=?utf-8?q?a?=" <x@example.com>', '=?utf-8?q?a?=', 'RFC 2047 §5: never inside a quoted string'],
    ['=?utf-8?q?a?=b <x@example.com>', '=?utf-8?q?a?=b', 'an encoded word must be the whole atom'],
    ['=?utf-8?b?77u/YQ==?= <x@example.com>', '\ufeffa', 'a BOM inside a name is content'],
    ['=?utf-8?q?Team?=: a@example.com;', 'Team', 'a group name is a display name too'],
  ])('%j -> %j (%s)', ([input, expected]) => {
    expect(displayName(input!)).toBe(expected);
  });
});

describe('encodeWords', () => {
  test.for([
    ['', '=?utf-8?b??=', 'an empty text is one empty word'],
    ['\u0001', '=?utf-8?b?AQ==?=', 'a control character'],
  ])('%j -> %j (%s)', ([input, expected]) => {
    expect(encodeWords(input!)).toBe(expected);
  });

  test('keeps every word within 75 characters and every character whole (RFC 2047 §2, §5)', () => {
    const text = `${'ü'.repeat(30)}\u{1F600}${'a'.repeat(100)}`;
    const words = encodeWords(text).split(' ');
    expect(words.length).toBeGreaterThan(2);
    for (const word of words) {
      expect(word.length).toBeLessThanOrEqual(75);
      const payload = Buffer.from(word.slice(10, -2), 'base64');
      expect(new TextDecoder('utf-8', { fatal: true }).decode(payload)).toBeTypeOf('string');
    }
    expect(displayName(`${encodeWords(text)} <x@example.com>`)).toBe(text);
  });
});

describe('parseEncodedWord', () => {
  test('property: B and Q encodings of any bytes give those bytes back', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 60 }), fc.constantFrom('UTF-8', 'iso-8859-1'), (bytes, charset) => {
        const b = parseEncodedWord(`=?${charset}?B?${Buffer.from(bytes).toString('base64')}?=`);
        const q = parseEncodedWord(`=?${charset}?Q?${[...bytes].map((byte) => `=${byte.toString(16).padStart(2, '0').toUpperCase()}`).join('')}?=`);
        expect(b).toEqual({ charset: charset.toLowerCase(), bytes: Buffer.from(bytes) });
        expect(q).toEqual({ charset: charset.toLowerCase(), bytes: Buffer.from(bytes) });
      }),
    );
  });
});

describe('normalizeDomain', () => {
  test('property: a normalized domain normalizes to itself', () => {
    const label = fc.oneof(fc.stringMatching(/^[A-Za-z0-9-]{1,12}$/), fc.constantFrom('Bücher', 'ÉCOLE', '例え', 'xn--BCHER-kva', 'straße'));
    fc.assert(
      fc.property(fc.array(label, { minLength: 1, maxLength: 5 }), (labels) => {
        const first = normalizeDomain(labels.join('.'));
        if (!first.ok) return;
        expect(first.domain).toMatch(/^[\x21-\x7e]+$/);
        expect(normalizeDomain(first.domain)).toEqual(first);
      }),
    );
  });

  test('property: an ASCII domain normalizes as punycode.toASCII of its NFC lower case would have it', () => {
    const ascii = fc.oneof(fc.domain(), fc.string({ unit: fc.constantFrom('a', 'Z', '0', '-', '.', '_', '@', ' '), maxLength: 20 }));
    fc.assert(
      fc.property(ascii, (text) => {
        const result = normalizeDomain(text);
        if (result.ok) expect(result.domain).toBe(punycode.toASCII(text.toLowerCase().normalize('NFC')).toLowerCase());
      }),
    );
  });
});
