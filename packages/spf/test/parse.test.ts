import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { formatDirective, formatSpfRecord, isSpfRecord, parseSpfRecord } from '../src/index.js';
import type { SpfProblemCode, SpfRecord } from '../src/index.js';

function parsed(text: string): SpfRecord {
  const result = parseSpfRecord(text);
  if (!result.ok) throw new Error(`expected ${text} to parse: ${result.problem.message}`);
  return result.record;
}

describe('isSpfRecord (RFC 7208 §4.5)', () => {
  test.for([
    ['v=spf1', true, 'version alone'],
    ['v=spf1 -all', true, 'version then SP'],
    ['V=SpF1 -all', true, 'case-insensitive (§12)'],
    ['v=spf10', false, 'version must end at SP or end of record'],
    ['v=spf1\t-all', false, 'only SP terminates the version'],
    [' v=spf1 -all', false, 'no leading space'],
    ['v=spf2.0/pra -all', false, 'Sender ID'],
    ['', false, 'empty'],
  ] as const)('%s -> %s (%s)', ([text, expected]) => {
    expect(isSpfRecord(text)).toBe(expected);
  });
});

describe('valid records', () => {
  test.for([
    ['v=spf1', 'no terms at all'],
    ['v=spf1 -all', 'qualified all'],
    ['v=spf1 +mx a:colo.example.com/28 -all', 'the §3 example'],
    ['v=spf1 a  -all ', 'several spaces and a trailing space (§4.5, §4.6.1)'],
    ['v=spf1 a/24//64 mx//0 a:%{d}/32', 'dual CIDR lengths (§5.6)'],
    ['v=spf1 ip4:192.0.2.0/24 ip6:2001:db8::/32 ip6:::ffff:192.0.2.1 ip6:::1.1.1.1/0', 'networks (§5.6)'],
    ['v=spf1 ptr ptr:example.com exists:%{ir}.%{l1r+-}._spf.%{d}', 'ptr and exists with macros'],
    ['v=spf1 include:_spf.example.com redirect=_spf.example.com exp=explain._spf.%{d}', 'both modifiers'],
    ['v=spf1 moo.cow-far_out=man:dog/cat foo=%{c}%{r}%{t} bar=', 'unknown modifiers, any macro letter, empty value (§6)'],
    ['v=spf1 a:foo:bar/baz.example.com', 'any visible character before the top label (§7.1)'],
    ['v=spf1 a:foo.example.xn--zckzah', 'hyphenated top label (§7.1)'],
    ['v=spf1 a:example.com. include:o.spf.example.com.', 'trailing dot (§7.1 domain-end)'],
    ['v=spf1 exists:%{d}%% a:x%-%_.%{h}', '%%, %- and %_ end a domain-spec like any macro-expand'],
    ['v=spf1 A:MAIL.EXAMPLE.COM IP4:192.0.2.1 REDIRECT=x.example.com', 'names are case-insensitive (§12)'],
    ['v=spf1 exists:%{d127r}.x.example exists:%{d02}.x.example', 'large and zero-padded digit transformers'],
  ] as const)('%s (%s)', ([text]) => {
    expect(parseSpfRecord(text).ok).toBe(true);
  });
});

describe('invalid records are a permerror before any evaluation (§4.6)', () => {
  test.for([
    ['v=spf1 ip4:1.2.3.4 -all moo', 'unknown-mechanism', 'an error after a match still counts'],
    ['v=spf1 -all.', 'unknown-mechanism', 'all takes nothing'],
    ['v=spf1 -all:foo', 'syntax-error', 'all takes no argument'],
    ['v=spf1 -all/8', 'syntax-error', 'all takes no CIDR'],
    ['v=spf1 redirect:x.example.com', 'unknown-mechanism', 'redirect is a modifier'],
    ['v=spf1 moo.cow/far_out=man:dog/cat', 'unknown-mechanism', '"=" must follow the name directly'],
    ['v=spf1 1up=foo', 'unknown-mechanism', 'a modifier name starts with a letter'],
    ['v=spf1 =all', 'unknown-mechanism', 'empty modifier name'],
    ['v=spf1 -redirect=x.example.com', 'unknown-mechanism', 'modifiers take no qualifier'],
    ['v=spf1 a:foo.example.com\u0000', 'syntax-error', 'NUL'],
    ['v=spf1 a:ctrl.example.com\rptr', 'syntax-error', 'only SP separates terms'],
    ['v=spf1 a:\u00efgarbage.example.net', 'syntax-error', 'records are US-ASCII (§3.1)'],
    ['v=spf1 a:foo-bar', 'invalid-domain-spec', 'no top label'],
    ['v=spf1 a:museum', 'invalid-domain-spec', 'a single label'],
    ['v=spf1 a:museum.', 'invalid-domain-spec', 'a single label with a trailing dot'],
    ['v=spf1 a:111.222.33.44', 'invalid-domain-spec', 'all-numeric top label'],
    ['v=spf1 a:example.-com', 'invalid-domain-spec', 'top label starting with "-"'],
    ['v=spf1 a:example.com:8080', 'invalid-domain-spec', 'a port is no top label'],
    ['v=spf1 a:', 'invalid-domain-spec', 'empty domain-spec'],
    ['v=spf1 include', 'syntax-error', 'include needs a domain'],
    ['v=spf1 include:ip5.example.com/24', 'invalid-domain-spec', 'include takes no CIDR'],
    ['v=spf1 exists:mail.example.com/24', 'invalid-domain-spec', 'exists takes no CIDR'],
    ['v=spf1 ptr/0', 'syntax-error', 'ptr takes no CIDR'],
    ['v=spf1 a/33', 'invalid-cidr', 'ip4-cidr-length over 32'],
    ['v=spf1 a//129', 'invalid-cidr', 'ip6-cidr-length over 128'],
    ['v=spf1 a/24/64', 'invalid-cidr', 'the IPv6 length needs "//"'],
    ['v=spf1 ip4:1.2.3.4/032', 'invalid-cidr', 'leading zero'],
    ['v=spf1 ip4:1.2.3.4//32', 'invalid-cidr', 'no dual length on ip4'],
    ['v=spf1 ip6:::1.1.1.1//33', 'invalid-cidr', 'no dual length on ip6'],
    ['v=spf1 ip4:1.2.3', 'invalid-ip-network', 'parts may not be omitted (§5.6)'],
    ['v=spf1 ip4:1.2.3.04', 'invalid-ip-network', 'qnum has no leading zero'],
    ['v=spf1 ip4:1.2.3.4:8080', 'invalid-ip-network', 'a port'],
    ['v=spf1 ip6::CAFE::BABE', 'invalid-ip-network', 'two "::"'],
    ['v=spf1 ip6:fe80::1%eth0', 'invalid-ip-network', 'a zone index is no ip6-network'],
    ['v=spf1 ip4', 'syntax-error', 'ip4 needs a network'],
    ['v=spf1 -exists:%(ir).sbl.example.org', 'invalid-macro', 'the §7.3 example'],
    ['v=spf1 exists:foo%.sbl.example.com', 'invalid-macro', '"%" then "."'],
    ['v=spf1 foo=%abc', 'invalid-macro', 'unknown modifiers are still macro-strings'],
    ['v=spf1 a:%{x}.example.com', 'invalid-macro', 'no such macro letter'],
    ['v=spf1 a:%{d0}.example.com', 'invalid-macro', 'the DIGIT "MUST be nonzero" (§7.3)'],
    ['v=spf1 a:%{d}.', 'invalid-domain-spec', 'no dot after a final macro (§12 domain-end)'],
    ['v=spf1 a:%{d.example.com', 'invalid-macro', 'unterminated'],
    ['v=spf1 exists:%{r}.example.com', 'invalid-macro', 'r only in exp text (§7.2)'],
    ['v=spf1 -all exp=%{c}.example.com', 'invalid-macro', 'c only in exp text, not in exp= (§7.2)'],
    ['v=spf1 exp= -all', 'invalid-modifier', 'exp= needs a domain-spec'],
    ['v=spf1 ?all redirect=', 'invalid-modifier', 'redirect= needs a domain-spec'],
    ['v=spf1 exp=-all', 'invalid-domain-spec', 'a known modifier with a bad value is not unknown'],
    ['v=spf1 exp=a.example.com exp=b.example.com', 'duplicate-modifier', 'exp twice (§6)'],
    ['v=spf1 redirect=a.example.com REDIRECT=b.example.com', 'duplicate-modifier', 'redirect twice, any case'],
    ['v=spf1.0 -all', 'not-spf-record', 'not version 1'],
  ] as const satisfies ReadonlyArray<readonly [string, SpfProblemCode, string]>)('%s -> %s (%s)', ([text, code]) => {
    const result = parseSpfRecord(text);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problem.code).toBe(code);
  });
});

describe('the parsed record', () => {
  test('keeps terms in order and lifts out the modifiers', () => {
    const record = parsed('v=spf1 exp=e.example.com ~a:mail.example.com/28//64 foo=bar redirect=r.example.com -all');
    expect(record.terms.map((term) => term.type)).toEqual(['modifier', 'directive', 'modifier', 'modifier', 'directive']);
    expect(record.directives.map(formatDirective)).toEqual(['~a:mail.example.com/28//64', '-all']);
    expect(record.redirect?.constant).toBe('r.example.com');
    expect(record.exp?.constant).toBe('e.example.com');
    expect(record.hasAll).toBe(true);
    expect(record.directives[0]?.mechanism).toMatchObject({ kind: 'a', cidr4: 28, cidr6: 64 });
  });

  test('macro escapes become their text: %% -> "%", %_ -> " ", %- -> "%20" (§7.1)', () => {
    const record = parsed('v=spf1 a:macro%%percent%_%_space%-url-space.example.com');
    const mechanism = record.directives[0]?.mechanism;
    expect(mechanism?.kind === 'a' && mechanism.domainSpec?.constant).toBe('macro%percent  space%20url-space.example.com');
  });

  test('formats back to text that parses to the same record', () => {
    const text = 'v=spf1 +mx A:Colo.Example.com/28 ip6:2001:DB8::/32 exists:%{IR}.%{l1r+-}._spf.%{d} x.y=%-%_ -ALL redirect=%{d2}.example.';
    const record = parsed(text);
    const formatted = formatSpfRecord(record);
    expect(formatted).toBe('v=spf1 mx a:Colo.Example.com/28 ip6:2001:DB8::/32 exists:%{Ir}.%{l1r+-}._spf.%{d} x.y=%-%_ -all redirect=%{d2}.example.');
    expect(parsed(formatted)).toEqual(record);
  });
});

describe('properties', () => {
  const term = fc.constantFrom(
    'a', 'mx', 'ptr', 'all', '-all', '~all', '?all', 'a/24', 'a//64', 'mx/0//0', 'a:%{d}', 'mx:%{o}.x.example.',
    'ip4:192.0.2.0/24', 'ip6:2001:db8::/48', 'ip4:0.0.0.0/0', 'exists:%{ir}.%{v}._spf.%{d2}', 'include:_spf.example.com',
    'ptr:%{p}.example.org', 'redirect=%{d}.r.example', 'exp=e.%{D}', 'unknown.mod=%{c}%%', 'a:%{l1r-=}.example.com',
  );
  const validRecord = fc.array(term, { maxLength: 8 }).map((terms) => ['v=spf1', ...terms].join(' '));

  test('no text, however hostile, makes the parser throw', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string().map((s) => `v=spf1 ${s}`), fc.string({ unit: 'binary' }).map((s) => `v=spf1 ${s}`)), (text) => {
        const result = parseSpfRecord(text);
        expect(typeof result.ok).toBe('boolean');
      }),
      { numRuns: 2000 },
    );
  });

  test('format then parse gives the same record', () => {
    fc.assert(
      fc.property(validRecord, (text) => {
        const first = parseSpfRecord(text);
        // Records built from these terms can only fail on a repeated modifier.
        if (first.ok) expect(parsed(formatSpfRecord(first.record))).toEqual(first.record);
        else expect(first.problem.code).toBe('duplicate-modifier');
      }),
      { numRuns: 500 },
    );
  });

  test('a record stays valid or invalid when terms are separated by more spaces', () => {
    fc.assert(
      fc.property(validRecord, fc.integer({ min: 1, max: 4 }), (text, spaces) => {
        const spaced = `${text.split(' ').join(' '.repeat(spaces))} `;
        expect(parseSpfRecord(spaced)).toEqual(parseSpfRecord(text));
      }),
    );
  });
});
