import { expect, test } from 'vitest';
import { DnsError, isDnsError, isNoRecords } from '../src/index.js';

test('a DnsError carries its classification, names what was asked and keeps its cause', () => {
  const cause = new Error('queryTxt ETIMEOUT example.com');
  const error = new DnsError('TEMPFAIL', 'TXT', 'example.com', { cause });
  expect(error).toBeInstanceOf(Error);
  expect(error.name).toBe('DnsError');
  expect(error.message).toBe('dns: TXT example.com: TEMPFAIL');
  expect([error.code, error.rrtype, error.hostname]).toEqual(['TEMPFAIL', 'TXT', 'example.com']);
  expect(error.cause).toBe(cause);
  expect(error.stack).toMatch(/^DnsError: dns: TXT example\.com: TEMPFAIL/);
});

test('constructing a DnsError leaves the stack trace limit of every other error as it was', () => {
  const before = Error.stackTraceLimit;
  new DnsError('NXDOMAIN', 'TXT', '_dmarc.example.com');
  expect(Error.stackTraceLimit).toBe(before);
  expect(new Error('after').stack?.split('\n').length).toBeGreaterThan(1);
});

test.for([
  ['NXDOMAIN', true],
  ['NODATA', true],
  ['TEMPFAIL', false],
  ['INVALID_NAME', false],
] as const)('isNoRecords(%s) is %s', ([code, none]) => {
  const error = new DnsError(code, 'A', 'example.com');
  expect(isNoRecords(error)).toBe(none);
  expect(isDnsError(error, code)).toBe(true);
});
