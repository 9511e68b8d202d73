import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { checkName, DnsError, normalizeName, reverseName } from '../src/index.js';

describe('normalizeName', () => {
  test.for([
    ['Example.COM', 'example.com', 'ASCII letters fold (RFC 4343)'],
    ['example.com.', 'example.com', 'one trailing dot dropped'],
    ['_DMARC.Example.com', '_dmarc.example.com', 'underscore labels'],
    ['ÉCOLE.example', 'École.example', 'non-ASCII is not folded (RFC 4343 §3)'],
    ['İ.example', 'İ.example', 'no Unicode case mapping that changes length'],
    ['', '', 'empty stays empty'],
  ] as const)('%s -> %s (%s)', ([input, expected]) => {
    expect(normalizeName(input)).toBe(expected);
  });

  test('is idempotent', () => {
    fc.assert(fc.property(fc.string(), (name) => normalizeName(normalizeName(name)) === normalizeName(name) || name.endsWith('..')));
  });
});

describe('checkName', () => {
  const label63 = 'a'.repeat(63);
  const name253 = [label63, label63, label63, 'a'.repeat(61)].join('.');

  test.for([
    ['Example.com.', 'example.com', 'normalized'],
    [name253, name253, '253 characters is the longest name'],
    [`${label63}.example`, `${label63}.example`, '63 octets is the longest label'],
    ['com', 'com', 'a single label'],
    ['macro%percent  space%20url-space.example.com', 'macro%percent  space%20url-space.example.com', 'any ASCII octet is a label octet (RFC 1035 §3.1)'],
    ['*.example.com', '*.example.com', 'a wildcard label'],
  ] as const)('accepts %s (%s)', ([input, expected]) => {
    expect(checkName('TXT', input)).toBe(expected);
  });

  test.for([
    ['', 'empty name'],
    ['.', 'the root alone'],
    ['a..example', 'an empty label'],
    ['.example', 'a leading empty label'],
    ['example..', 'two trailing dots'],
    [`${'a'.repeat(64)}.example`, 'a 64-octet label (RFC 1035 §2.3.4)'],
    [`${name253}a`, 'a 254-character name'],
    ['bücher.example', 'a U-label (RFC 8616 §4: A-labels only)'],
    ['ex\u00e4mple.com', 'Latin-1 character'],
  ] as const)('refuses %j (%s)', ([input]) => {
    expect(() => checkName('A', input)).toThrow(expect.objectContaining({ code: 'INVALID_NAME', rrtype: 'A', hostname: input }));
  });

  test('throws nothing but INVALID_NAME, and only for names it would not ask', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (name) => {
        try {
          const checked = checkName('TXT', name);
          expect(checked.length).toBeGreaterThan(0);
          expect(checked.length).toBeLessThanOrEqual(253);
          expect(checked.split('.').every((label) => label.length >= 1 && label.length <= 63)).toBe(true);
        } catch (error) {
          expect(error).toBeInstanceOf(DnsError);
          expect((error as DnsError).code).toBe('INVALID_NAME');
        }
      }),
    );
  });
});

describe('reverseName', () => {
  test.for([
    ['192.0.2.1', '1.2.0.192.in-addr.arpa', 'IPv4 (RFC 1035 §3.5)'],
    ['::ffff:192.0.2.1', '1.2.0.192.in-addr.arpa', 'IPv4-mapped IPv6 asked as IPv4'],
    ['2001:db8::1', '1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa', 'IPv6 nibbles (RFC 3596 §2.5)'],
    ['2001:DB8::1', '1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa', 'upper-case IPv6'],
    ['::', `${'0.'.repeat(32)}ip6.arpa`, 'the unspecified address'],
  ] as const)('%s -> %s (%s)', ([ip, expected]) => {
    expect(reverseName(ip)).toBe(expected);
  });

  test.for([
    ['127.1', 'inet_aton shorthand'],
    ['010.0.0.1', 'leading zero (octal in inet_aton)'],
    ['0x7f.0.0.1', 'hex octet'],
    ['4294967295', 'a 32-bit number'],
    ['192.0.2.256', 'octet out of range'],
    ['fe80::1%eth0', 'a zone index'],
    ['example.com', 'a name'],
    [' 192.0.2.1', 'surrounding space'],
  ] as const)('refuses %j (%s)', ([ip]) => {
    expect(() => reverseName(ip)).toThrow(expect.objectContaining({ code: 'INVALID_NAME', rrtype: 'PTR' }));
  });

  test('every IPv4 and IPv6 address has a reverse name that passes checkName', () => {
    fc.assert(
      fc.property(fc.oneof(fc.ipV4(), fc.ipV6()), (ip) => {
        const name = reverseName(ip);
        expect(checkName('PTR', name)).toBe(name);
        expect(name).toMatch(/\.(in-addr|ip6)\.arpa$/);
      }),
    );
  });
});
