import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { formatAddress, formatAddressList, formatMailbox, parseAddressList, type Mailbox, type MailboxParts } from '@authgate/message';
import { normalizeDomain } from '../src/domain.js';

describe('formatMailbox', () => {
  test.for([
    [{ localPart: 'john', domain: 'example.com' }, 'john@example.com', 'no name: a bare addr-spec'],
    [{ displayName: 'John Doe', localPart: 'john', domain: 'example.com' }, 'John Doe <john@example.com>', 'plain words stay unquoted'],
    [{ displayName: 'Joe Q. Public', localPart: 'j', domain: 'example.com' }, '"Joe Q. Public" <j@example.com>', 'a period is quoted: obs-phrase must not be generated (RFC 5322 §4)'],
    [{ displayName: 'Jörg Müller', localPart: 'j', domain: 'example.de' }, 'Jörg Müller <j@example.de>', 'UTF-8 is atext (RFC 6532 §3.2)'],
    [{ displayName: '', localPart: 'a', domain: 'example.com' }, '"" <a@example.com>', 'an empty name is kept as a name'],
    [{ displayName: ' lead', localPart: 'a', domain: 'example.com' }, '" lead" <a@example.com>', 'leading white space needs quotes'],
    [{ displayName: 'two  spaces', localPart: 'a', domain: 'example.com' }, '"two  spaces" <a@example.com>', 'a double space needs quotes'],
    [{ displayName: 'tab\there', localPart: 'a', domain: 'example.com' }, '"tab\there" <a@example.com>', 'a tab needs quotes'],
    [{ displayName: 'say "hi"\\', localPart: 'a', domain: 'example.com' }, '"say \\"hi\\"\\\\" <a@example.com>', 'quote and backslash become quoted-pairs'],
    [{ displayName: 'Doe, John', localPart: 'a', domain: 'example.com' }, '"Doe, John" <a@example.com>', 'a comma needs quotes'],
    [{ displayName: '=?utf-8?q?x?=', localPart: 'a', domain: 'example.com' }, '"=?utf-8?q?x?=" <a@example.com>', 'text that looks like an encoded word is quoted so it is not decoded'],
    [{ displayName: 'bell\u0007', localPart: 'a', domain: 'example.com' }, '=?utf-8?b?YmVsbAc=?= <a@example.com>', 'a control character needs an encoded word'],
    [{ displayName: 'line\r\nbreak', localPart: 'a', domain: 'example.com' }, '=?utf-8?b?bGluZQ0KYnJlYWs=?= <a@example.com>', 'CR LF in a name cannot break the header line'],
    [{ localPart: 'john q', domain: 'example.com' }, '"john q"@example.com', 'a space in the local part needs quotes'],
    [{ localPart: 'a..b', domain: 'example.com' }, '"a..b"@example.com', 'not a dot-atom: quoted'],
    [{ localPart: '', domain: 'example.com' }, '""@example.com', 'an empty local part'],
    [{ localPart: 'a\u0001b', domain: 'example.com' }, '"a\\\u0001b"@example.com', 'a control character becomes a quoted-pair'],
    [{ localPart: 'jörg', domain: 'xn--bcher-kva.example' }, 'jörg@xn--bcher-kva.example', 'a UTF-8 local part is a dot-atom'],
    [{ localPart: 'a', domain: '[192.0.2.1]' }, 'a@[192.0.2.1]', 'a domain literal'],
    [{ localPart: 'a', domain: '[a]b]' }, 'a@[a\\]b]', 'a bracket inside a literal becomes a quoted-pair'],
  ] as Array<[MailboxParts, string, string]>)('%j -> %s (%s)', ([mailbox, expected]) => {
    expect(formatMailbox(mailbox)).toBe(expected);
  });

  test.for([
    [{ localPart: 'a\nb', domain: 'example.com' }, 'LF in the local part'],
    [{ localPart: 'a\rb', domain: 'example.com' }, 'CR in the local part'],
    [{ localPart: 'a\0b', domain: 'example.com' }, 'NUL in the local part'],
    [{ localPart: 'a', domain: 'exa mple.com' }, 'a space in the domain'],
    [{ localPart: 'a', domain: '' }, 'an empty domain'],
    [{ localPart: 'a', domain: 'example.com.' }, 'a trailing dot'],
    [{ localPart: 'a', domain: '[a\r\nb]' }, 'CR LF in a literal'],
  ] as Array<[MailboxParts, string]>)('throws a TypeError for %j (%s): it cannot be written in a header', ([mailbox]) => {
    expect(() => formatMailbox(mailbox)).toThrow(TypeError);
  });
});

describe('formatAddress and formatAddressList', () => {
  const a: Mailbox = { kind: 'mailbox', localPart: 'a', domain: 'x.example', address: 'a@x.example' };
  const b: Mailbox = { kind: 'mailbox', displayName: 'B', localPart: 'b', domain: 'y.example', address: 'b@y.example' };

  test.for([
    [[{ kind: 'group', name: 'Team', mailboxes: [a, b] }], 'Team: a@x.example, B <b@y.example>;', 'a group'],
    [[{ kind: 'group', name: 'Undisclosed recipients', mailboxes: [] }], 'Undisclosed recipients:;', 'an empty group'],
    [[{ kind: 'group', name: 'A: team', mailboxes: [a] }], '"A: team": a@x.example;', 'a group name with a colon is quoted'],
    [[a, b], 'a@x.example, B <b@y.example>', 'two mailboxes'],
  ] as const)('%j -> %s (%s)', ([addresses, expected]) => {
    expect(formatAddressList(addresses as never)).toBe(expected);
    if (addresses.length === 1) expect(formatAddress(addresses[0] as never)).toBe(expected);
  });
});

// Text from the characters that make address syntax interesting, and from all of Unicode.
const tricky = fc.constantFrom(' ', '  ', '\t', '"', '\\', '.', ',', ';', ':', '@', '<', '>', '(', ')', '[', ']', '=?utf-8?q?a?=', '=?', '?=', 'a', 'Zoë', '日本', '\u0001', '\u007f', '\r', '\n', '\0', '\ufeff', '\u{1F600}');
const text = fc.oneof(fc.array(tricky, { maxLength: 8 }).map((parts) => parts.join('')), fc.string({ unit: 'binary', maxLength: 20 }));
const label = fc.oneof(fc.stringMatching(/^[a-z0-9]([a-z0-9-]{0,10}[a-z0-9])?$/), fc.constantFrom('bücher', 'ÉCOLE', '例え', 'xn--bcher-kva', 'A_B'));
const hostDomain = fc
  .array(label, { minLength: 1, maxLength: 4 })
  .map((labels) => normalizeDomain(labels.join('.')))
  .filter((result) => result.ok)
  .map((result) => (result as { domain: string }).domain);
const literal = text.filter((content) => !/[\r\n\0]/.test(content)).map((content) => `[${content.replace(/[ \t]/g, '')}]`);
const mailboxParts = fc.record(
  {
    displayName: text,
    localPart: text.filter((local) => !/[\r\n\0]/.test(local)),
    domain: fc.oneof({ weight: 4, arbitrary: hostDomain }, { weight: 1, arbitrary: literal }),
  },
  { requiredKeys: ['localPart', 'domain'] },
);

describe('round trip', () => {
  test('property: parseAddressList(formatMailbox(m)) gives m back', () => {
    fc.assert(
      fc.property(mailboxParts, (parts) => {
        const result = parseAddressList(formatMailbox(parts));
        if (!result.ok) throw new Error(`${formatMailbox(parts)}: ${result.problem.message}`);
        expect(result.addresses).toHaveLength(1);
        const parsed = result.addresses[0] as Mailbox;
        expect({ displayName: parsed.displayName, localPart: parsed.localPart, domain: parsed.domain }).toEqual({
          displayName: parts.displayName,
          localPart: parts.localPart,
          domain: parts.domain,
        });
      }),
      { numRuns: 2000 },
    );
  });

  test('property: any address list that parses formats to text that parses to the same list', () => {
    let parsedCount = 0;
    fc.assert(
      fc.property(addressListText, (input) => {
        const first = parseAddressList(input);
        if (!first.ok) return;
        parsedCount++;
        expect(parseAddressList(formatAddressList(first.addresses))).toEqual(first);
      }),
      { numRuns: 2000 },
    );
    // The generator is built from the grammar, so most of what it writes must parse.
    expect(parsedCount).toBeGreaterThan(1000);
  });
});

// Address lists written from the RFC 5322 grammar, current and obsolete forms mixed, with CFWS in
// every place it may go.
const cfws = fc.constantFrom('', ' ', '  ', '\t', '\r\n ', ' (c) ', '(nested (c \\) x))');
const atom = fc.constantFrom('a', 'Joe', 'x_y', 'Zoë', '日本', '=?utf-8?q?J=C3=B6rg?=', '=?iso-8859-1?q?Andr=E9?=', '=?bad?q?x?=', '=?utf-8?b?4oI=?=');
const quotedWord = fc.constantFrom('""', '"q x"', '"a\\"b"', '"(not a comment)"', '"=?utf-8?q?a?="', '"a\r\n b"', '"a\\\u0001"');
const word = fc.tuple(cfws, fc.oneof(atom, quotedWord), cfws).map(([before, text, after]) => before + text + after);
const phrase = fc
  .array(fc.tuple(word, fc.constantFrom('', '', '.')), { minLength: 1, maxLength: 3 })
  .map((words) => words.map(([text, dot]) => ` ${text}${dot}`).join(''));
const localPart = fc.array(word, { minLength: 1, maxLength: 3 }).map((words) => words.join('.'));
const domainText = fc.oneof(
  fc.array(fc.constantFrom('example', 'COM', 'bücher', 'xn--bcher-kva', 'a-b', '例え'), { minLength: 1, maxLength: 3 }).map((labels) => labels.join('.')),
  fc.constantFrom('[192.0.2.1]', '[IPv6:2001:db8::1]', '[ a \\] ]'),
);
const addrSpec = fc.tuple(localPart, cfws, domainText, cfws).map(([local, space, domain, after]) => `${local}@${space}${domain}${after}`);
const route = fc.constantFrom('', '', '@a.example:', '@a.example,@[192.0.2.1]:', ',@b.example,,:');
const angleAddr = fc.tuple(fc.option(phrase, { nil: '' }), cfws, route, addrSpec, cfws).map(([name, space, via, spec, after]) => `${name}${space}<${via}${spec}>${after}`);
const mailbox = fc.oneof(addrSpec, angleAddr);
const group = fc
  .tuple(phrase, fc.array(fc.oneof(mailbox, cfws), { maxLength: 3 }), cfws)
  .map(([name, members, after]) => `${name}:${members.join(',')};${after}`);
const addressListText = fc.array(fc.oneof({ weight: 3, arbitrary: mailbox }, { weight: 1, arbitrary: group }, { weight: 1, arbitrary: cfws }), { minLength: 1, maxLength: 4 }).map((items) => items.join(','));
