import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { authorDomains, parseHeader, parseMessage, type HeaderField } from '@authgate/message';
import { fixtureMessage } from './fixtures.js';

function headerOf(text: string): HeaderField[] {
  const result = parseHeader(Buffer.from(text, 'utf8'));
  if (!result.ok) throw new Error(result.problem.message);
  return result.fields;
}

describe('authorDomains', () => {
  test.for([
    ['plain.eml', ['example.org'], ['alice@example.org'], 'one author'],
    ['lf-only.eml', ['example.org'], ['alice@example.org'], 'a message stored with bare LF'],
    ['8bit-utf8.eml', ['example.de'], ['joerg@example.de'], 'a UTF-8 display name'],
    ['8bit-latin1.eml', ['example.de'], ['joerg@example.de'], 'a Latin-1 display name'],
    ['several-from.eml', ['example.org', 'bank.example', 'evil.example'], ['alice@example.org', 'security@bank.example', 'eve@evil.example'], 'two From fields, three mailboxes: all returned, DMARC decides'],
    ['group-from.eml', ['sales.example.com', 'support.example.com'], ['carol@sales.example.com', 'dave@sales.example.com', 'erin@support.example.com'], 'a group From (RFC 6854): its members, domains distinct'],
    ['idn-from.eml', ['xn--bcher-kva.example'], ['info@xn--bcher-kva.example'], 'an IDN author domain as an A-label (RFC 9989 §5.3.1)'],
    ['rfc5322-oddities.eml', ['silly.test'], ['pete@silly.test'], 'RFC 5322 A.5: comments everywhere'],
    ['rfc5322-obsolete.eml', ['example.com'], ['john.q.public@example.com'], 'RFC 5322 A.6.1: obsolete display name'],
  ])('%s -> %j (%s)', ([name, domains, addresses]) => {
    const message = parseMessage(fixtureMessage(name as string));
    if (!message.ok) throw new Error(message.problem.message);
    const result = authorDomains(message.message.header);
    if (!result.ok) throw new Error(result.problem.message);
    expect(result.domains).toEqual(domains);
    expect(result.mailboxes.map((mailbox) => mailbox.address)).toEqual(addresses);
  });

  test('the display names of the mailboxes are decoded', () => {
    const message = parseMessage(fixtureMessage('idn-from.eml'));
    const result = message.ok ? authorDomains(message.message.header) : undefined;
    expect(result?.ok && result.mailboxes[0]!.displayName).toBe('Bücherei');
  });

  test.for([
    ['To: a@example.com\r\n', 'no-from', 'no From field'],
    ['From:\r\n', 'malformed-address', 'an empty From'],
    ['From: Undisclosed:;\r\n', 'malformed-address', 'only an empty group: no mailbox'],
    ['From: a@example.com\r\nFrom: g:;\r\n', 'malformed-address', 'a second From field naming no mailbox'],
    ['From: John Doe\r\n', 'malformed-address', 'a name without an address'],
    ['From: a@example.com\r\nFrom: <broken\r\n', 'malformed-address', 'one of two From fields does not parse'],
    ['From: info@bank.example <x@evil.example>\r\n', 'malformed-address', 'an address used as a display name is not guessed at'],
    ['From: a@example..com\r\n', 'malformed-address', 'a domain with an empty label'],
  ])('%j -> %s (%s)', ([text, code]) => {
    const result = authorDomains(headerOf(text!));
    expect(result).toEqual({ ok: false, problem: { code, message: expect.stringMatching(/^message: /) } });
  });

  test('the problem names the From field it is about when there are several', () => {
    const result = authorDomains(headerOf('From: a@example.com\r\nFrom: <broken\r\n'));
    expect(!result.ok && result.problem.message).toMatch(/\(From field 2 of 2\)$/);
  });

  test('the field name is matched without regard to case', () => {
    const result = authorDomains(headerOf('FROM: a@Example.COM\r\n'));
    expect(result.ok && result.domains).toEqual(['example.com']);
  });

  test('property: every domain returned is a lower-case A-label name or a literal, and comes from a mailbox', () => {
    const from = fc.array(fc.constantFrom('a@Bücher.Example', 'B <b@x.example>', 'g: c@y.example, d@X.EXAMPLE;', 'e@[192.0.2.1]', '=?utf-8?q?N?= <f@例え.jp>'), { minLength: 1, maxLength: 4 });
    fc.assert(
      fc.property(fc.array(from, { minLength: 1, maxLength: 3 }), (fields) => {
        const result = authorDomains(headerOf(fields.map((values) => `From: ${values.join(', ')}\r\n`).join('')));
        if (!result.ok) throw new Error(result.problem.message);
        expect(new Set(result.domains).size).toBe(result.domains.length);
        expect(result.domains).toEqual([...new Set(result.mailboxes.map((mailbox) => mailbox.domain))]);
        for (const domain of result.domains) expect(domain).toMatch(/^(\[[^\]]*\]|[a-z0-9-]+(\.[a-z0-9-]+)*)$/);
      }),
    );
  });
});
