import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { decodeDkimQuotedPrintable, encodeDkimQuotedPrintable } from '../src/quoted-printable.js';
import { formatTagList, parseTagList } from '../src/tags.js';

describe('parseTagList (RFC 6376 §3.2)', () => {
  test.for([
    ['a=1', [['a', '1']], 'one tag'],
    ['a=1;', [['a', '1']], 'the final semicolon is optional'],
    ['  a =\t1 ;\r\n b= two words ;', [['a', '1'], ['b', 'two words']], 'FWS around names, = and values; WSP inside a value kept'],
    ['a=', [['a', '']], 'an empty value is not an omitted tag'],
    ['A=1; a=2', [['A', '1'], ['a', '2']], 'tag names are case-sensitive'],
    ['x_1=ü', [['x_1', 'ü']], 'ALNUMPUNC names; UTF-8 in values is not precluded'],
    ['a=b=c', [['a', 'b=c']], '= inside a value'],
  ] as const)('parses %j (%s)', ([text, pairs]) => {
    const parsed = parseTagList(text);
    expect(parsed).toEqual({ ok: true, tags: new Map(pairs) });
  });

  test.for([
    ['', 'tag-syntax', 'a tag-list has at least one tag-spec'],
    ['   ', 'tag-syntax', 'white space only'],
    ['a', 'tag-syntax', 'no ='],
    ['=1', 'tag-syntax', 'no tag name'],
    ['1a=1', 'tag-syntax', 'a tag name starts with ALPHA'],
    ['a-b=1', 'tag-syntax', 'no hyphen in tag names'],
    ['a=1;;b=2', 'tag-syntax', 'an empty tag-spec between two others'],
    ['a=1\u0000', 'tag-syntax', 'a control character in a value'],
    ['a=1; a=2', 'duplicate-tag', 'duplicate tags invalidate the whole list'],
  ] as const)('rejects %j as %s (%s)', ([text, code]) => {
    const parsed = parseTagList(text);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) {
      expect(parsed.problem.code).toBe(code);
      expect(parsed.problem.message).toMatch(/^dkim: /);
    }
  });

  const name = fc.stringMatching(/^[A-Za-z][A-Za-z0-9_]{0,6}$/);
  const value = fc.stringMatching(/^(?:[\x21-\x3a\x3c-\x7e]+(?: [\x21-\x3a\x3c-\x7e]+)*)?$/);

  test('parse(format(tags)) is the identity', () => {
    fc.assert(fc.property(fc.uniqueArray(fc.tuple(name, value), { selector: ([n]) => n, minLength: 1 }), (pairs) => {
      expect(parseTagList(formatTagList(pairs))).toEqual({ ok: true, tags: new Map(pairs) });
    }));
  });

  test('no input throws', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary' }), (text) => {
      const parsed = parseTagList(text);
      expect(typeof parsed.ok).toBe('boolean');
    }));
  });
});

describe('DKIM-Quoted-Printable (RFC 6376 §2.11)', () => {
  test.for([
    ['user@example.com', 'user@example.com', 'safe characters stand for themselves'],
    ['first=20last@example.com', 'first last@example.com', '=20 is a space'],
    ['a=3Bb@x.example', 'a;b@x.example', 'the semicolon must be encoded'],
    ['j=C3=BCrgen@x.example', 'jürgen@x.example', 'UTF-8 octets'],
    ['us er@x\r\n .example', 'user@x.example', 'FWS in the encoded text is not part of the value'],
  ] as const)('decodes %j to %j (%s)', ([encoded, decoded]) => {
    expect(decodeDkimQuotedPrintable(encoded)).toBe(decoded);
  });

  test.for([
    ['a=3b@x.example', 'lower-case hex is not allowed'],
    ['a=3@x.example', 'a truncated escape'],
    ['a;b@x.example', 'a bare semicolon'],
    ['a\u0001b@x.example', 'a control character'],
  ] as const)('rejects %j (%s)', ([encoded]) => {
    expect(decodeDkimQuotedPrintable(encoded)).toBeUndefined();
  });

  test('decode(encode(text)) is the identity and the encoding is dkim-safe-char or hex-octet', () => {
    fc.assert(fc.property(fc.string({ unit: 'grapheme' }), (text) => {
      const encoded = encodeDkimQuotedPrintable(text);
      expect(encoded).toMatch(/^(?:[\x21-\x3a\x3c\x3e-\x7e]|=[0-9A-F]{2})*$/);
      expect(decodeDkimQuotedPrintable(encoded)).toBe(text);
    }));
  });
});
