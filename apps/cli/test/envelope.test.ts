import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { parseMessage } from 'authgate';
import { envelopeFor, normalizeMailFrom } from '../src/envelope.js';
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

  test('a Received field without an address', () => {
    expect(() => envelopeFor({ fromReceived: true }, header('Received: by mx.example.net; Thu, 1 Jan 2026 00:00:00 +0000\nFrom: a@example.org\n\n'))).toThrow('the top Received field names no client address: give --ip');
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
