import { expect, test } from 'vitest';
import { parseDnsServer } from '../src/dns-server.js';
import { CliError } from '../src/errors.js';

test.for([
  ['192.0.2.53', '192.0.2.53', 'IPv4, default port'],
  ['192.0.2.53:5353', '192.0.2.53:5353', 'IPv4 and port'],
  ['2001:db8::53', '2001:db8::53', 'bare IPv6'],
  ['[2001:db8::53]:5353', '[2001:db8::53]:5353', 'bracketed IPv6 and port'],
  ['[::1]', '::1', 'bracketed IPv6 without port'],
] as const)('accepts %s as %s (%s)', ([text, expected]) => {
  expect(parseDnsServer(text)).toBe(expected);
});

test.for([
  ['ns1.example.com', 'a name would need DNS itself'],
  ['ns1.example.com:53', 'a name with a port'],
  ['192.0.2.53:0', 'port 0'],
  ['192.0.2.53:65536', 'port out of range'],
  ['192.0.2.53:', 'empty port'],
  ['[192.0.2.53]:53', 'IPv4 in brackets'],
  ['2001:db8::53:53x', 'not an address'],
  ['', 'empty'],
] as const)('refuses %j (%s)', ([text]) => {
  expect(() => parseDnsServer(text)).toThrow(CliError);
});
