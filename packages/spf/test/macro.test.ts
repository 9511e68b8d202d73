import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { parseClientAddress } from '../src/address.js';
import { expandMacro, formatMacroString, parseMacroString } from '../src/macro.js';
import type { MacroContext, MacroString, MacroValues } from '../src/macro.js';

function macro(text: string, context: MacroContext = 'domain-spec'): MacroString {
  const parsed = parseMacroString(text, context);
  if (!parsed.ok) throw new Error(`${text}: ${parsed.problem.message}`);
  return parsed.macro;
}

/** The values of RFC 7208 §7.4: sender strong-bad@email.example.com, PTR name mx.example.org. */
function valuesFor(ip: string): MacroValues {
  const client = parseClientAddress(ip);
  if (client === undefined) throw new Error(ip);
  return {
    s: 'strong-bad@email.example.com', l: 'strong-bad', o: 'email.example.com', d: 'email.example.com',
    i: client.dotted, p: 'mx.example.org', h: 'mail.example.net', c: client.readable, r: 'mx.receiver.example',
    t: '1700000000', v: client.version,
  };
}

describe('the expansion examples of RFC 7208 §7.4', () => {
  test.for([
    ['%{s}', 'strong-bad@email.example.com'],
    ['%{o}', 'email.example.com'],
    ['%{d}', 'email.example.com'],
    ['%{d4}', 'email.example.com'],
    ['%{d3}', 'email.example.com'],
    ['%{d2}', 'example.com'],
    ['%{d1}', 'com'],
    ['%{dr}', 'com.example.email'],
    ['%{d2r}', 'example.email'],
    ['%{l}', 'strong-bad'],
    ['%{l-}', 'strong.bad'],
    ['%{lr}', 'strong-bad'],
    ['%{lr-}', 'bad.strong'],
    ['%{l1r-}', 'strong'],
    ['%{ir}.%{v}._spf.%{d2}', '3.2.0.192.in-addr._spf.example.com'],
    ['%{lr-}.lp._spf.%{d2}', 'bad.strong.lp._spf.example.com'],
    ['%{lr-}.lp.%{ir}.%{v}._spf.%{d2}', 'bad.strong.lp.3.2.0.192.in-addr._spf.example.com'],
    ['%{ir}.%{v}.%{l1r-}.lp._spf.%{d2}', '3.2.0.192.in-addr.strong.lp._spf.example.com'],
    ['%{d2}.trusted-domains.example.net', 'example.com.trusted-domains.example.net'],
  ] as const)('%s -> %s', ([text, expected]) => {
    expect(expandMacro(macro(text), valuesFor('192.0.2.3'))).toBe(expected);
  });

  test('IPv6: %{ir}.%{v}._spf.%{d2}', () => {
    expect(expandMacro(macro('%{ir}.%{v}._spf.%{d2}'), valuesFor('2001:db8::cb01'))).toBe(
      '1.0.b.c.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6._spf.example.com',
    );
  });
});

describe('other expansions (RFC 7208 §7.1, §7.3)', () => {
  test.for([
    ['%%%_%-', 'explanation', '% %20', 'the three escapes'],
    ['%{S}', 'explanation', 'strong-bad%40email.example.com', 'upper case is URL-escaped'],
    ['%{L}', 'explanation', 'strong-bad', 'unreserved characters stay'],
    ['%{d127}', 'domain-spec', 'email.example.com', 'more parts asked than there are'],
    ['%{d99999999999}', 'domain-spec', 'email.example.com', 'a huge digit count is capped, not overflowed'],
    ['%{l-=}', 'domain-spec', 'strong.bad', 'several delimiters'],
    ['%{o.}', 'domain-spec', 'email.example.com', 'an explicit "." delimiter'],
    ['%{dR}', 'domain-spec', 'com.example.email', 'the reverse transformer in upper case'],
    ['%{c} %{r} %{t} %{p}', 'explanation', '192.0.2.3 mx.receiver.example 1700000000 mx.example.org', 'exp-only letters'],
    ['%{i}', 'domain-spec', '192.0.2.3', 'i is the dotted quad'],
  ] as const)('%s in %s -> %s (%s)', ([text, context, expected]) => {
    expect(expandMacro(macro(text, context), valuesFor('192.0.2.3'))).toBe(expected);
  });

  test('empty parts are kept (§7.3: no special treatment of consecutive delimiters)', () => {
    const values = { ...valuesFor('192.0.2.3'), l: 'a--b-' };
    expect(expandMacro(macro('%{l-}'), values)).toBe('a..b.');
    expect(expandMacro(macro('%{l2-}'), values)).toBe('b.');
  });

  test('URL-escapes UTF-8 octets and reserved characters (§7.3, RFC 3986 §2.3)', () => {
    const values = { ...valuesFor('192.0.2.3'), l: "~jack&jill=up-a_b3.c!*'() é" };
    expect(expandMacro(macro('%{L}', 'explanation'), values)).toBe('~jack%26jill%3Dup-a_b3.c%21%2A%27%28%29%20%C3%A9');
  });

  test('an IPv6 client gives the RFC 5952 form to %{c} and nibbles to %{i}', () => {
    const values = valuesFor('2001:DB8:0:0:1:0:0:1');
    expect(expandMacro(macro('%{c} %{v}', 'explanation'), values)).toBe('2001:db8::1:0:0:1 ip6');
    expect(expandMacro(macro('%{i}'), values)).toBe('2.0.0.1.0.d.b.8.0.0.0.0.0.0.0.0.0.0.0.1.0.0.0.0.0.0.0.0.0.0.0.1');
  });

  test('an IPv4-mapped client is an IPv4 client', () => {
    expect(expandMacro(macro('%{i} %{v} %{c}', 'explanation'), valuesFor('::ffff:192.0.2.3'))).toBe('192.0.2.3 in-addr 192.0.2.3');
  });
});

describe('macro-string syntax', () => {
  test.for([
    ['%{d}', 'domain-spec', true, 'ends in a macro'],
    ['%{d}.', 'domain-spec', false, 'no dot after a final macro: domain-end is ".toplabel" [ "." ] or a macro-expand (§12)'],
    ['%{d}.example.', 'domain-spec', true, 'a trailing dot after the top label (§7.3)'],
    ['foo.%{d}x', 'domain-spec', false, 'literal after the last macro without a dot'],
    ['_spf.example.com', 'domain-spec', true, 'plain name'],
    ['.com', 'domain-spec', true, 'an empty macro-string then ".toplabel" (grammar allows it)'],
    ['example.123', 'domain-spec', false, 'numeric top label'],
    ['example.1-2', 'domain-spec', true, 'second toplabel form: digits with an inner hyphen'],
    ['example.a-', 'domain-spec', false, 'top label ending in "-"'],
    ['%{c}.example.com', 'domain-spec', false, 'c only in exp text'],
    ['%{c}.example.com', 'modifier', true, 'unknown modifiers accept every letter'],
    ['a b', 'explanation', true, 'SP is allowed in explain-string'],
    ['a b', 'modifier', false, 'but not in a macro-string'],
    ['a\tb', 'explanation', false, 'no TAB'],
    ['%', 'explanation', false, 'a lone %'],
    ['%{', 'explanation', false, 'unterminated'],
    ['%{s', 'explanation', false, 'unterminated after the letter'],
    ['%{s1r.x}', 'explanation', false, 'x is no delimiter'],
    ['%{sr1}', 'explanation', false, 'digits come before r'],
    ['%{s0}', 'explanation', false, 'zero digits (§7.3 MUST be nonzero)'],
    ['', 'modifier', true, 'empty macro-string'],
    ['', 'domain-spec', false, 'empty domain-spec'],
  ] as const)('%s as %s -> %s (%s)', ([text, context, ok]) => {
    expect(parseMacroString(text, context).ok).toBe(ok);
  });

  test('parse, format and parse again give the same parts', () => {
    const chars = fc.constantFrom('a', '.', '-', '%%', '%_', '%-', '%{d}', '%{L2r-+}', '%{ir}', '%{S}', '/', ':', '_');
    fc.assert(
      fc.property(fc.array(chars, { maxLength: 12 }), (pieces) => {
        const text = pieces.join('');
        const first = parseMacroString(text, 'modifier');
        expect(first.ok).toBe(true);
        if (first.ok) expect(macro(formatMacroString(first.macro), 'modifier')).toEqual(first.macro);
      }),
    );
  });

  test('no string makes the parser throw', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.constantFrom<MacroContext>('domain-spec', 'modifier', 'explanation'), (text, context) => {
        const parsed = parseMacroString(text, context);
        if (parsed.ok) expect(typeof expandMacro(parsed.macro, valuesFor('192.0.2.3'))).toBe('string');
      }),
      { numRuns: 2000 },
    );
  });
});
