import { describe, expect, test } from 'vitest';
import { parseAddressList, type Address, type Mailbox } from '@authgate/message';

/** A mailbox as expected: `address` follows from the parts. */
function mb(localPart: string, domain: string, displayName?: string): Mailbox {
  const atext = "[A-Za-z0-9!#$%&'*+\\-/=?^_`{|}~\\u0080-\\uffff]+";
  const dotAtom = new RegExp(`^${atext}(\\.${atext})*$`).test(localPart);
  const quoted = dotAtom ? localPart : `"${localPart.replace(/[^\x21\x23-\x5b\x5d-\x7e\u0080-\uffff \t]/g, '\\$&')}"`;
  return { kind: 'mailbox', ...(displayName !== undefined && { displayName }), localPart, domain, address: `${quoted}@${domain}` };
}

function group(name: string, ...mailboxes: Mailbox[]): Address {
  return { kind: 'group', name, mailboxes };
}

// One line per case: the field value, what it means, and why (mox-style tables).
const good: Array<[string, string, Address[]]> = [
  ['user@example.com', 'a bare addr-spec', [mb('user', 'example.com')]],
  ['<user@example.com>', 'an angle-addr without a name', [mb('user', 'example.com')]],
  ['John Doe <john@example.com>', 'name-addr', [mb('john', 'example.com', 'John Doe')]],
  ['"Joe Q. Public" <john.q.public@example.com>', 'RFC 5322 A.1.2: quoted display name', [mb('john.q.public', 'example.com', 'Joe Q. Public')]],
  ['Joe Q. Public <john.q.public@example.com>', 'RFC 5322 §4.1 obs-phrase: a period in a bare name', [mb('john.q.public', 'example.com', 'Joe Q. Public')]],
  ['"" <a@example.com>', 'an empty quoted name is a name', [mb('a', 'example.com', '')]],
  ['"  spaced  " <a@example.com>', 'white space inside quotes is content', [mb('a', 'example.com', '  spaced  ')]],
  ['"a\\"b\\\\c" <a@example.com>', 'quoted-pairs in a name', [mb('a', 'example.com', 'a"b\\c')]],
  ['John   Doe <j@example.com>', 'runs of white space between words are one space', [mb('j', 'example.com', 'John Doe')]],
  ['John (middle) Doe <j@example.com>', 'a comment between words is one space', [mb('j', 'example.com', 'John Doe')]],
  ['"John""Doe" <j@example.com>', 'adjacent quoted words without white space', [mb('j', 'example.com', 'JohnDoe')]],
  ['"John" Doe <j@example.com>', 'a quoted word and an atom', [mb('j', 'example.com', 'John Doe')]],
  ['j@example.com (John Doe)', 'a trailing comment is not a display name (RFC 5322 §3.4)', [mb('j', 'example.com')]],
  ['Pete(A nice \\) chap) <pete(his account)@silly.test(his host)>', 'RFC 5322 A.5: comments everywhere', [mb('pete', 'silly.test', 'Pete')]],
  ['(a (nested (comment))) x@example.com', 'comments nest (RFC 5322 §3.2.2)', [mb('x', 'example.com')]],
  ['a@example.com, b@example.org', 'two mailboxes', [mb('a', 'example.com'), mb('b', 'example.org')]],
  ['a@example.com,b@example.org', 'no space after the comma', [mb('a', 'example.com'), mb('b', 'example.org')]],
  ['Mary Smith <mary@x.test>, jdoe@example.org, Who? <one@y.test>', 'RFC 5322 A.1.2', [mb('mary', 'x.test', 'Mary Smith'), mb('jdoe', 'example.org'), mb('one', 'y.test', 'Who?')]],
  ['<boss@nil.test>, "Giant; \\"Big\\" Box" <sysservices@example.net>', 'RFC 5322 A.1.2: specials inside quotes', [mb('boss', 'nil.test'), mb('sysservices', 'example.net', 'Giant; "Big" Box')]],
  ['A Group:Ed Jones <c@a.test>,joe@where.test,John <jdoe@one.test>;', 'RFC 5322 A.1.3: a group', [group('A Group', mb('c', 'a.test', 'Ed Jones'), mb('joe', 'where.test'), mb('jdoe', 'one.test', 'John'))]],
  ['Undisclosed recipients:;', 'RFC 5322 A.1.3: an empty group', [group('Undisclosed recipients')]],
  ['A Group(Some people)\r\n     :Chris Jones <c@(Chris\'s host.)public.example>,\r\n         joe@example.org,\r\n  John <jdoe@one.test> (my dear friend); (the end of the group)', 'RFC 5322 A.5: a folded group with comments', [group('A Group', mb('c', 'public.example', 'Chris Jones'), mb('joe', 'example.org'), mb('jdoe', 'one.test', 'John'))]],
  ['(Empty list)(start)Hidden recipients  :(nobody(that I know))  ;', 'RFC 5322 A.5: a group of only a comment', [group('Hidden recipients')]],
  ['g: , a@example.com, ,;', 'RFC 5322 §4.4 obs-group-list: empty members', [group('g', mb('a', 'example.com'))]],
  ['g:;, a@example.com', 'a group then a mailbox', [group('g'), mb('a', 'example.com')]],
  ['Mary Smith <@node.test:mary@example.net>', 'RFC 5322 A.6.1 obs-route, ignored', [mb('mary', 'example.net', 'Mary Smith')]],
  ['<@a.test,@b.test:user@example.com>', 'a route of two domains', [mb('user', 'example.com')]],
  ['<,@a.test,,@b.test:user@example.com>', 'obs-domain-list allows empty members', [mb('user', 'example.com')]],
  ['<@[192.0.2.1]:user@example.com>', 'a route through a domain literal', [mb('user', 'example.com')]],
  [', , jdoe@test  . example, ', 'RFC 5322 A.6.1: empty list members, CFWS inside the domain', [mb('jdoe', 'test.example')]],
  ['john . q . public @ example . com', 'RFC 5322 §4.4: CFWS between the parts of an addr-spec', [mb('john.q.public', 'example.com')]],
  ['"john q"@example.com', 'a quoted local part', [mb('john q', 'example.com')]],
  ['"john".q@example.com', 'RFC 5322 §4.4 obs-local-part: quoted and atom words', [mb('john.q', 'example.com')]],
  ['"a@b"@example.com', 'an at sign inside a quoted local part', [mb('a@b', 'example.com')]],
  ['""@example.com', 'an empty quoted local part', [mb('', 'example.com')]],
  ['"a\\\u0001b"@example.com', 'RFC 5322 §4.1 obs-qp: a quoted control character', [mb('a\u0001b', 'example.com')]],
  ['"a\u0001b"@example.com', 'RFC 5322 §4.1 obs-qtext: a raw control character', [mb('a\u0001b', 'example.com')]],
  ['"a\r\n b"@example.com', 'a fold inside quotes: the CRLF goes, the space stays', [mb('a b', 'example.com')]],
  ['a+tag@Example.COM', 'domains are lower-cased (RFC 4343)', [mb('a+tag', 'example.com')]],
  ["!#$%&'*+-/=?^_`{|}~@example.com", 'every atext symbol in a local part', [mb("!#$%&'*+-/=?^_`{|}~", 'example.com')]],
  ['user@[192.0.2.1]', 'a domain literal, kept with its brackets', [mb('user', '[192.0.2.1]')]],
  ['user@[IPv6:2001:DB8::1]', 'an IPv6 literal is kept as written', [mb('user', '[IPv6:2001:DB8::1]')]],
  ['user@[ 192.0.2.1 ]', 'white space inside a literal carries no meaning', [mb('user', '[192.0.2.1]')]],
  ['user@localhost', 'a single-label domain', [mb('user', 'localhost')]],
  ['jörg@bücher.example', 'RFC 6532 UTF-8 local part; U-label to A-label', [mb('jörg', 'xn--bcher-kva.example')]],
  ['a@BÜCHER.Example', 'an upper-case U-label gives the same A-label', [mb('a', 'xn--bcher-kva.example')]],
  ['a@XN--BCHER-KVA.example', 'an upper-case A-label is lower-cased', [mb('a', 'xn--bcher-kva.example')]],
  ['a@bu\u0308cher.example', 'a decomposed U-label is put in NFC first', [mb('a', 'xn--bcher-kva.example')]],
  ['a@例え.テスト', 'a wholly non-Latin IDN', [mb('a', 'xn--r8jz45g.xn--zckzah')]],
  ['a@bücher\u3002example', 'an ideographic full stop separates labels (RFC 3490 §3.1)', [mb('a', 'xn--bcher-kva.example')]],
  ['Jörg Müller <joerg@example.de>', 'a raw UTF-8 display name (RFC 6532)', [mb('joerg', 'example.de', 'Jörg Müller')]],
  ['"Zoë (team)" <z@example.net>', 'parentheses inside quotes are not a comment', [mb('z', 'example.net', 'Zoë (team)')]],
  [`a@${'a'.repeat(63)}.example`, 'a label of exactly 63 octets', [mb('a', `${'a'.repeat(63)}.example`)]],
  [`a@${Array.from({ length: 4 }, () => 'b'.repeat(61)).join('.')}.ex`, 'a domain of exactly 250 octets', [mb('a', `${Array.from({ length: 4 }, () => 'b'.repeat(61)).join('.')}.ex`)]],
  ['x@example.com\t', 'trailing white space', [mb('x', 'example.com')]],
];

const bad: Array<[string, string]> = [
  ['', 'nothing at all: an address-list needs one address'],
  ['   ', 'only white space'],
  [', ,', 'only empty members'],
  ['(comment only)', 'only a comment'],
  ['John Doe', 'a phrase with no address'],
  ['example.com', 'a domain alone'],
  ['user@', 'no domain'],
  ['@example.com', 'no local part'],
  ['user@@example.com', 'two at signs'],
  ['a@b@example.com', 'an unquoted at sign in the local part'],
  ['user@example..com', 'an empty label'],
  ['user@.example.com', 'a leading dot in the domain'],
  ['user@example.com.', 'a trailing dot: dot-atom cannot end with a dot'],
  ['.user@example.com', 'a leading dot in the local part'],
  ['user.@example.com', 'a trailing dot in the local part'],
  ['us..er@example.com', 'two dots in the local part'],
  ['john doe@example.com', 'two words in a local part need a dot'],
  ['"a""b"@example.com', 'two quoted words without a dot'],
  ['user@example.com John', 'a word after the addr-spec'],
  ['user@example.com <other@example.org>', 'an addr-spec used as a display name: the classic spoof'],
  ['info@bank.example <x@evil.example>', 'an unquoted at sign in a display name'],
  ['Doe, John <j@example.com>', 'an unquoted comma in a display name leaves "Doe" alone'],
  ['<>', 'an empty angle-addr (valid in SMTP, not in RFC 5322)'],
  ['<user@example.com', 'an unclosed angle bracket'],
  ['user@example.com>', 'a stray closing angle bracket'],
  ['John <user@example.com> <other@example.org>', 'two angle-addrs for one name'],
  ['<<user@example.com>>', 'nested angle brackets'],
  ['. John <j@example.com>', 'a name cannot start with a dot'],
  ['"unclosed <a@example.com>', 'an unclosed quoted string'],
  ['(unclosed a@example.com', 'an unclosed comment'],
  ['a@example.com)', 'a stray closing parenthesis'],
  ['user@[192.0.2.1', 'an unclosed domain literal'],
  ['user@192.0.2.1]', 'a stray closing bracket'],
  ['user@[a[b]', 'a bracket inside a literal'],
  ['user@example.com\\', 'a backslash outside quotes'],
  ['"a\\', 'a quoted-pair cut by the end of input'],
  ['user@exa mple.com', 'white space splitting a domain into two atoms'],
  ['user@"example".com', 'a quoted string in a domain'],
  ['g: a@example.com', 'a group without its semicolon'],
  ['g: h: a@example.com;;', 'a group inside a group'],
  ['g: <a@example.com>; ;', 'a stray semicolon after a group'],
  [':;', 'a group without a name'],
  ['<@a.test user@example.com>', 'a route without its colon'],
  ['<@:user@example.com>', 'a route without a domain'],
  ['a@example.com\r\nb@example.org', 'a line break not followed by white space'],
  ['a@exa\rmple.com', 'a bare CR'],
  ['a\u0000b@example.com', 'a NUL outside quotes'],
  ['a\u0001b@example.com', 'a control character in an atom'],
  ['"a\u0000b"@example.com', 'a raw NUL inside quotes (obs-qtext has no NUL)'],
  [`a@${'a'.repeat(64)}.example`, 'a label of 64 octets'],
  [`a@${Array.from({ length: 4 }, () => 'b'.repeat(62)).join('.')}.ex`, 'a domain of 254 octets'],
  [`a@${'ü'.repeat(60)}.example`, 'a U-label whose A-label is over 63 octets'],
  ['a@bücher\u3002\u3002example', 'two ideographic full stops make an empty label'],
];

describe('parseAddressList', () => {
  test.for(good)('%j (%s)', ([input, , expected]) => {
    expect(parseAddressList(input)).toEqual({ ok: true, addresses: expected });
  });

  test.for(bad)('refuses %j (%s)', ([input]) => {
    const result = parseAddressList(input);
    expect(result).toEqual({ ok: false, problem: { code: 'malformed-address', message: expect.stringMatching(/^message: .* (at offset \d+|at the end) of the address list$|^message: domain/) } });
  });

  test('a problem says where', () => {
    const result = parseAddressList('a@example.com, b@exa mple.com');
    expect(!result.ok && result.problem.message).toBe('message: expected "," after an address at offset 21 of the address list');
  });

  test('address quotes the local part only when it cannot stand as a dot-atom', () => {
    const result = parseAddressList('"john q"@example.com, "john.q"@example.com');
    expect(result.ok && result.addresses.map((address) => (address as Mailbox).address)).toEqual(['"john q"@example.com', 'john.q@example.com']);
  });

  test('a long list of mailboxes parses in one pass', () => {
    const value = Array.from({ length: 20_000 }, (_, i) => `User ${i} <u${i}@d${i % 7}.example>`).join(', ');
    const result = parseAddressList(value);
    expect(result.ok && result.addresses).toHaveLength(20_000);
  });

  test('deeply nested comments do not exhaust the stack', () => {
    const value = `${'('.repeat(100_000)}${')'.repeat(100_000)}a@example.com`;
    expect(parseAddressList(value)).toEqual({ ok: true, addresses: [mb('a', 'example.com')] });
  });
});
