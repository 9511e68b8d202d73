import { DnsError } from '@authgate/dns';
import type { DnsErrorCode, Resolver } from '@authgate/dns';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { verifySpf } from '../src/index.js';

const RESULTS = ['none', 'neutral', 'pass', 'fail', 'softfail', 'temperror', 'permerror'];

/** Pieces hostile records are made of: every mechanism, macro and error the grammar knows, and junk. */
const piece = fc.oneof(
  fc.constantFrom(
    'a', 'mx', 'ptr', 'all', '-all', '?all', '~all', '+all', 'a/0', 'a//0', 'mx/24//64', 'a:%{d}', 'a:%{H}.x', 'mx:%{o}.',
    'include:%{d}', 'include:x.%{d}', 'include:%{l}.x.example', 'exists:%{ir}.%{v}.%{d}', 'exists:%{p}.x.example',
    'ptr:%{d}', 'ip4:192.0.2.0/24', 'ip6:2001:db8::/32', 'ip6:::/0', 'redirect=%{d}', 'redirect=r.%{d}', 'exp=%{d}',
    'exp=e.%{d2}', 'x=%{c}%{r}%{t}', '%{d127r}', 'a:%{s}.%{s}.%{s}.%{s}.%{s}.%{s}.%{s}.%{s}', 'a:%{l999999}.x.y',
    '%', '%{', '=', ':', '/', '//', 'v=spf1', '\u0000', '\u00e9', '\r\n', '\t', '  ',
  ),
  fc.string({ maxLength: 12 }),
);

const hostileRecord = fc.oneof(
  fc.array(piece, { maxLength: 12 }).map((pieces) => `v=spf1 ${pieces.join(' ')}`),
  fc.array(piece, { maxLength: 12 }).map((pieces) => `v=spf1 ${pieces.join('')}`),
  fc.string({ unit: 'binary', maxLength: 200 }).map((text) => `v=spf1 ${text}`),
);

const answer = fc.oneof(
  fc.constant<'records'>('records'),
  fc.constantFrom<DnsErrorCode>('NXDOMAIN', 'NODATA', 'TEMPFAIL', 'INVALID_NAME'),
);

/**
 * A resolver that serves the same hostile records at every name (so includes and redirects recurse
 * into them), and for the other types either plausible records or an error, as generated.
 */
function hostileResolver(records: string[], answers: Record<'a' | 'aaaa' | 'mx' | 'ptr', 'records' | DnsErrorCode>, text: string): Resolver {
  const reply = <T>(kind: keyof typeof answers, type: string, name: string, value: T): Promise<T> =>
    answers[kind] === 'records' ? Promise.resolve(value) : Promise.reject(new DnsError(answers[kind] as DnsErrorCode, type, name));
  return {
    txt: async () => records.map((record) => [record.slice(0, 7), record.slice(7)]),
    a: (name) => reply('a', 'A', name, ['192.0.2.1', text]),
    aaaa: (name) => reply('aaaa', 'AAAA', name, ['2001:db8::1', text]),
    mx: (name) => reply('mx', 'MX', name, [{ priority: 0, exchange: text }, { priority: 1, exchange: name }]),
    ptr: (ip) => reply('ptr', 'PTR', ip, [text, 'mail.example.com', `${text}.example.com`]),
  };
}

describe('no input, however hostile, throws or escapes the result type', () => {
  test('hostile records, answers, senders and HELO names', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof({ weight: 4, arbitrary: hostileRecord.map((record) => [record]) }, { weight: 1, arbitrary: fc.array(hostileRecord, { maxLength: 2 }) }),
        fc.record({ a: answer, aaaa: answer, mx: answer, ptr: answer }),
        fc.string({ maxLength: 20 }),
        fc.oneof(fc.ipV4(), fc.ipV6(), fc.constant('::ffff:192.0.2.1')),
        fc.oneof(fc.emailAddress(), fc.string({ maxLength: 40 }), fc.constant('')),
        fc.oneof(fc.domain(), fc.string({ maxLength: 30 })),
        async (records, answers, text, ip, mailFrom, helo) => {
          const outcome = await verifySpf({ ip, mailFrom, helo, resolver: hostileResolver(records, answers, text), now: () => 0 });
          for (const checked of [outcome, outcome.helo]) {
            expect(RESULTS).toContain(checked?.result);
            expect(checked?.lookups).toBeLessThanOrEqual(11);
            expect(checked?.voidLookups).toBeLessThanOrEqual(3);
            if (checked?.explanation !== undefined) expect(checked.explanation).toMatch(/^[\x20-\x7e]{0,512}$/);
          }
        },
      ),
      { numRuns: 1000 },
    );
  });
});
