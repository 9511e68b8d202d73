import { DnsError, type DnsErrorCode, type Resolver } from '@authgate/dns';
import { describe, expect, test } from 'vitest';
import { domainExists } from '../src/existence.js';

type Answer = 'records' | DnsErrorCode;

/** A resolver whose A, AAAA and MX answers for any name are fixed. */
function resolverAnswering(answers: { a: Answer; aaaa: Answer; mx: Answer }): Resolver {
  const answer = (type: 'a' | 'aaaa' | 'mx') => (name: string) =>
    answers[type] === 'records'
      ? Promise.resolve(type === 'mx' ? [{ exchange: 'mx.example', priority: 10 }] : ['192.0.2.1'])
      : Promise.reject(new DnsError(answers[type] as DnsErrorCode, type.toUpperCase(), name));
  return {
    a: answer('a'), aaaa: answer('aaaa'), mx: answer('mx'),
    txt: () => Promise.reject(new Error('not asked')), ptr: () => Promise.reject(new Error('not asked')),
  } as unknown as Resolver;
}

describe('domainExists (RFC 9989 §3.2.13, Appendix A.4)', () => {
  test.for([
    [{ a: 'records', aaaa: 'NXDOMAIN', mx: 'NXDOMAIN' }, { ok: true, exists: true }, 'an address record'],
    [{ a: 'NODATA', aaaa: 'NXDOMAIN', mx: 'NXDOMAIN' }, { ok: true, exists: true }, 'NODATA: the name exists'],
    [{ a: 'NXDOMAIN', aaaa: 'NXDOMAIN', mx: 'NXDOMAIN' }, { ok: true, exists: false }, 'NXDOMAIN everywhere'],
    [{ a: 'NXDOMAIN', aaaa: 'records', mx: 'NXDOMAIN' }, { ok: true, exists: true }, 'a server inconsistent across types'],
    [{ a: 'NXDOMAIN', aaaa: 'NXDOMAIN', mx: 'records' }, { ok: true, exists: true }, 'MX only'],
    [{ a: 'TEMPFAIL', aaaa: 'records', mx: 'TEMPFAIL' }, { ok: true, exists: true }, 'a timeout, then an answer'],
    // RFC 9989 §3.2.13: an NXDOMAIN answer is conclusive; a timeout on another type proves nothing.
    [{ a: 'TEMPFAIL', aaaa: 'NXDOMAIN', mx: 'NXDOMAIN' }, { ok: true, exists: false }, 'a timeout, then NXDOMAIN (§3.2.13)'],
    [{ a: 'NXDOMAIN', aaaa: 'TEMPFAIL', mx: 'TEMPFAIL' }, { ok: true, exists: false }, 'NXDOMAIN, then timeouts (§3.2.13)'],
    [{ a: 'TEMPFAIL', aaaa: 'TEMPFAIL', mx: 'TEMPFAIL' }, { ok: false, problem: { code: 'dns-temperror' } }, 'timeouts only: no answer at all'],
    [{ a: 'TEMPFAIL', aaaa: 'TEMPFAIL', mx: 'NODATA' }, { ok: true, exists: true }, 'timeouts, then NODATA'],
    [{ a: 'NODATA', aaaa: 'NODATA', mx: 'NODATA' }, { ok: true, exists: true }, 'NODATA everywhere: exists (RFC 9091 said otherwise; App. A.4)'],
  ] as const)('%j -> %j (%s)', async ([answers, expected]) => {
    expect(await domainExists(resolverAnswering(answers), 'sub.example')).toMatchObject(expected);
  });
});
