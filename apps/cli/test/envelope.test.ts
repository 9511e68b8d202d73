import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { parseMessage } from 'authgate';
import { checkEnvelopeArgs, envelopeFor, normalizeMailFrom } from '../src/envelope.js';
import { CliError } from '../src/errors.js';
import { parseDnsServer } from '../src/dns-server.js';

function header(text: string) {
  const parsed = parseMessage(Buffer.from(text.replace(/\n/g, '\r\n')));
  if (!parsed.ok) throw new Error(parsed.problem.message);
  return parsed.message.header;
}

describe('normalizeMailFrom', () => {
  test.for([
    ['alice@example.com', 'alice@example.com', 'bare'],
    ['<alice@example.com>', 'alice@example.com', 'in angle brackets'],
    ['<>', '', 'the null reverse path'],
    ['', '', 'empty is the null reverse path too'],
    ['"odd local"@example.com', '"odd local"@example.com', 'a quoted local part is kept'],
  ] as const)('%j -> %j (%s)', ([input, expected]) => {
    expect(normalizeMailFrom(input)).toBe(expected);
  });

  test.for(['alice', '@example.com', 'alice@', 'a b@example.com', '<alice@example.com'])('refuses %j', (input) => {
    expect(() => normalizeMailFrom(input)).toThrow(CliError);
  });

  test('throws nothing but CliError (property)', () => {
    fc.assert(fc.property(fc.string(), (input) => {
      try {
        normalizeMailFrom(input);
      } catch (error) {
        expect(error).toBeInstanceOf(CliError);
      }
    }));
  });
});

describe('envelopeFor --from-received', () => {
  const received = 'Return-Path: <bounce@example.org>\nReceived: from smtp.example.org (smtp.example.org [198.51.100.7])\n\tby mx.example.net; Thu, 1 Jan 2026 00:00:00 +0000\nReceived: from inner (inner [10.0.0.1]) by smtp.example.org; Thu, 1 Jan 2026 00:00:00 +0000\nFrom: a@example.org\n\nbody\n';

  test('uses the top Received field, not a later one', () => {
    expect(envelopeFor({ fromReceived: true }, header(received))).toEqual({
      ip: '198.51.100.7', helo: 'smtp.example.org', mailFrom: 'bounce@example.org',
      origin: { ip: 'received', helo: 'received', mailFrom: 'return-path' },
    });
  });

  test('options win, field by field', () => {
    expect(envelopeFor({ fromReceived: true, helo: 'override.example', mailFrom: '<>' }, header(received))).toEqual({
      ip: '198.51.100.7', helo: 'override.example', mailFrom: '',
      origin: { ip: 'received', helo: 'option', mailFrom: 'option' },
    });
  });

  test('without --from-received, the options as given', () => {
    expect(envelopeFor({ ip: '192.0.2.1', mailFrom: 'a@example.com' }, header(received))).toEqual({
      ip: '192.0.2.1', helo: '', mailFrom: 'a@example.com', origin: { ip: 'option', helo: 'option', mailFrom: 'option' },
    });
  });

  test('a bounce (Return-Path <>) whose Received field names no HELO: the message lacks its envelope, not a usage error', () => {
    const bounce = header('Return-Path: <>\nReceived: from (unknown [198.51.100.7]) by mx.example.net; Thu, 1 Jan 2026 00:00:00 +0000\nFrom: a@example.org\n\n');
    expect(() => envelopeFor({ fromReceived: true }, bounce)).toThrow(expect.objectContaining({ code: 'no-envelope' }));
  });

  test.for([
    ['127.0.0.1', true], ['10.1.2.3', true], ['172.16.0.9', true], ['172.32.0.9', false], ['192.168.1.1', true],
    ['100.64.0.1', true], ['::1', true], ['fd00::25', true], ['fe80::1', true], ['192.0.2.25', false], ['2001:db8::1', false],
  ] as const)('a Received client %s: warned as an internal hop: %s', ([ip, internal]) => {
    const fields = header(`Return-Path: <a@example.org>\nReceived: from relay (relay [${ip}]) by mx.example.net; Thu, 1 Jan 2026 00:00:00 +0000\nFrom: a@example.org\n\n`);
    expect(envelopeFor({ fromReceived: true }, fields).warning !== undefined).toBe(internal);
  });

  test('a Received field without an address', () => {
    expect(() => envelopeFor({ fromReceived: true }, header('Received: by mx.example.net; Thu, 1 Jan 2026 00:00:00 +0000\nFrom: a@example.org\n\n'))).toThrow('the top Received field names no client address: give --ip');
  });
});

describe('checkEnvelopeArgs: what the user typed is held to RFC 5321', () => {
  test.for([
    ['a@example.com', 'a domain'],
    ['a@b\u00fccher.example', 'an IDN domain (RFC 6531)'],
    ['a@[192.0.2.1]', 'an IPv4 address literal'],
    ['a@[IPv6:2001:db8::1]', 'an IPv6 address literal'],
    ['a@localhost', 'one label: a Domain by the grammar; SPF answers none'],
    ['<>', 'the null reverse path (with --helo)'],
  ] as const)('accepts %j (%s)', ([mailFrom]) => {
    expect(() => checkEnvelopeArgs({ ip: '192.0.2.1', helo: 'mail.example.com', mailFrom })).not.toThrow();
  });

  test.for([
    ['a@example..com', 'bad-domain'],
    ['a@example.com.', 'bad-domain'],
    ['a@-example.com', 'bad-domain'],
    ['a@exa mple.com', 'bad-address'],
    ['a@[2001:db8::1]', 'bad-domain'],
    ['a@[192.0.2.256]', 'bad-domain'],
    [`a@${'x'.repeat(64)}.example`, 'bad-domain'],
  ] as const)('refuses %j (%s)', ([mailFrom, code]) => {
    expect(() => checkEnvelopeArgs({ ip: '192.0.2.1', helo: 'mail.example.com', mailFrom })).toThrow(expect.objectContaining({ code }));
  });

  test('throws nothing but CliError (property)', () => {
    fc.assert(fc.property(fc.string(), fc.string(), fc.string(), (ip, helo, mailFrom) => {
      try {
        checkEnvelopeArgs({ ip, helo, mailFrom });
      } catch (error) {
        expect(error).toBeInstanceOf(CliError);
      }
    }));
  });
});

describe('parseDnsServer (property)', () => {
  test('accepts every IPv4 address with any port, and what it returns parses to itself', () => {
    fc.assert(fc.property(fc.ipV4(), fc.option(fc.integer({ min: 1, max: 65535 })), (ip, port) => {
      const text = port === null ? ip : `${ip}:${port}`;
      const parsed = parseDnsServer(text);
      expect(parseDnsServer(parsed)).toBe(parsed);
    }));
  });

  test('accepts every IPv6 address, bare or bracketed with a port', () => {
    fc.assert(fc.property(fc.ipV6(), fc.integer({ min: 1, max: 65535 }), (ip, port) => {
      expect(parseDnsServer(ip)).toBe(ip);
      expect(parseDnsServer(`[${ip}]:${port}`)).toBe(`[${ip}]:${port}`);
    }));
  });

  test('throws nothing but CliError', () => {
    fc.assert(fc.property(fc.string(), (text) => {
      try {
        parseDnsServer(text);
      } catch (error) {
        expect(error).toBeInstanceOf(CliError);
      }
    }));
  });
});
