import fc from 'fast-check';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import {
  formatAuthenticationResults,
  formatReceivedSpf,
  parseAuthenticationResults,
  parseReceivedSpf,
  type AuthenticationResults,
  type MethodResult,
  type ReceivedSpfData,
  type ResultProperty,
} from '@authgate/authres';
import { domain } from './arbitraries.js';
import { unfold } from './fixtures.js';

// Independent implementations: Debian's python3-authres and python3-spf (pyspf), run through
// test/peers/peers.py with the system interpreter (the pyenv python3 on PATH lacks them).
function peer<T>(command: string, cases: unknown[]): T[] {
  const script = fileURLToPath(new URL('./peers/peers.py', import.meta.url));
  const run = spawnSync('/usr/bin/python3', [script], { input: JSON.stringify({ command, cases }), encoding: 'utf8', timeout: 60_000 });
  if (run.status !== 0) throw new Error(`peers.py ${command} failed: ${run.stderr}`);
  return JSON.parse(run.stdout) as T[];
}

const SEED = 20260601;

/** Printable US-ASCII without ( ) \ and ";", which pyspf and python3-authres write unescaped. */
const plainText = fc.stringMatching(/^[A-Za-z0-9 .,:=!?'*+_<>\[\]{}|~#$%&^-]{1,30}$/);
const plainComment = plainText.map((s) => s.replace(/ +/g, ' ').trim()).filter((s) => s.length > 0);
/** Reasons that need quoting. python3-authres cannot read an empty quoted-string and returns
 * quoted-pairs unresolved (RFC 5322 §3.2.4 makes the backslash invisible), so neither occurs. */
const reason = fc.stringMatching(/^[A-Za-z0-9 ().,:;=!?'*+_-]{1,30}$/);
const localPart = fc.stringMatching(/^[a-z0-9+_-]{1,10}$/);
const address = fc.tuple(localPart, domain).map(([local, d]) => `${local}@${d}`);
const prop = (ptype: ResultProperty['ptype'], property: string, value: fc.Arbitrary<string>) =>
  value.map((v): ResultProperty => ({ ptype, property, value: v }));

/** Method results shaped like those the spf, dkim and dmarc packages produce. */
const evaluatorResult: fc.Arbitrary<MethodResult> = fc.oneof(
  fc.record({
    method: fc.constant('spf'),
    result: fc.constantFrom('pass', 'fail', 'softfail', 'neutral', 'none', 'temperror', 'permerror'),
    comment: plainComment,
    properties: fc.tuple(fc.oneof(prop('smtp', 'mailfrom', fc.oneof(address, domain)), prop('smtp', 'helo', domain))),
  }, { requiredKeys: ['method', 'result', 'properties'], noNullPrototype: true }),
  fc.record({
    method: fc.constant('dkim'),
    result: fc.constantFrom('pass', 'fail', 'neutral', 'policy', 'none', 'temperror', 'permerror'),
    comment: fc.constantFrom('2048-bit key', '1024-bit key; insecure key', 'body hash did not verify'),
    reason,
    properties: fc.tuple(
      prop('header', 'd', domain),
      prop('header', 'i', fc.oneof(domain.map((d) => `@${d}`), address)),
      prop('header', 's', fc.stringMatching(/^[a-z0-9_-]{1,12}$/)),
      prop('header', 'a', fc.constantFrom('rsa-sha256', 'ed25519-sha256', 'rsa-sha1')),
      prop('header', 'b', fc.base64String({ minLength: 8, maxLength: 8 })),
    ),
  }, { requiredKeys: ['method', 'result', 'properties'], noNullPrototype: true }),
  fc.record({
    method: fc.constant('dmarc'),
    result: fc.constantFrom('pass', 'fail', 'none', 'temperror', 'permerror'),
    comment: fc.constantFrom('p=reject sp=none dis=reject', 'p=none dis=none', 'p=quarantine sp=reject dis=none'),
    properties: fc.tuple(prop('header', 'from', domain), prop('policy', 'dmarc', fc.constantFrom('none', 'quarantine', 'reject'))),
  }, { requiredKeys: ['method', 'result', 'properties'], noNullPrototype: true }),
  fc.record({
    method: fc.constant('iprev'),
    result: fc.constantFrom('pass', 'fail', 'temperror', 'permerror'),
    properties: fc.tuple(prop('policy', 'iprev', fc.ipV4())),
  }, { noNullPrototype: true }),
).map((r) => ({ ...r, properties: [...r.properties] }));

const evaluatorField: fc.Arbitrary<AuthenticationResults> = fc.record(
  { authservId: domain, results: fc.array(evaluatorResult, { maxLength: 5 }) },
  { noNullPrototype: true },
);

interface PeerParse {
  ok: boolean;
  error?: string;
  authservId?: string;
  results?: Array<{ method: string; version: string | null; result: string; reason: string | null; properties: unknown[] }>;
}

describe('python3-authres reads what we write', () => {
  test('for fields shaped like the evaluators produce', () => {
    const fields = fc.sample(evaluatorField, { seed: SEED, numRuns: 300 });
    const answers = peer<PeerParse>('authres-parse', fields.map((ar) => unfold(formatAuthenticationResults(ar))));
    answers.forEach((answer, i) => {
      const ar = fields[i]!;
      expect(answer, formatAuthenticationResults(ar)).toEqual({
        ok: true,
        authservId: ar.authservId,
        version: null,
        results: ar.results.map((r) => ({
          method: r.method,
          version: null,
          result: r.result,
          reason: r.reason ?? null,
          properties: r.properties.map(({ ptype, property, value }) => ({ ptype, property, value })),
        })),
      });
    });
  });
});

/** Data python3-authres can write correctly: comments and values it needs no escaping for. */
const peerWritable: fc.Arbitrary<AuthenticationResults> = fc.record(
  {
    authservId: domain,
    results: fc.array(
      fc.record({
        method: fc.constantFrom('spf', 'dkim', 'dmarc', 'x-test'),
        version: fc.integer({ min: 1, max: 3 }),
        result: fc.constantFrom('pass', 'fail', 'none', 'policy'),
        comment: plainComment,
        reason: plainText.filter((s) => !s.includes('@')),
        properties: fc.array(
          fc.record({
            ptype: fc.constantFrom('smtp' as const, 'header' as const, 'policy' as const),
            property: fc.constantFrom('mailfrom', 'd', 'b', 'dmarc'),
            value: fc.oneof(domain, address, plainText.filter((s) => !s.includes('@'))),
            comment: plainComment,
          }, { requiredKeys: ['ptype', 'property', 'value'], noNullPrototype: true }),
          { maxLength: 3 },
        ),
      }, { requiredKeys: ['method', 'result', 'properties'], noNullPrototype: true }),
      { maxLength: 4 },
    ),
  },
  { noNullPrototype: true },
);

describe('we read what python3-authres writes', () => {
  test('comments, reasons, versions and quoted values included', () => {
    const fields = fc.sample(peerWritable, { seed: SEED, numRuns: 300 });
    const written = peer<string>('authres-build', fields);
    written.forEach((field, i) => {
      expect(parseAuthenticationResults(field.replace(/^Authentication-Results:/, '')), field).toStrictEqual({ ok: true, value: fields[i] });
    });
  });
});

describe('Received-SPF with pyspf', () => {
  interface SpfCase { ip: string; sender: string; helo: string; receiver: string; record: string }
  test.for<[string, SpfCase, ReceivedSpfData]>([
    ['pass on an ip4 mechanism', { ip: '192.0.2.3', sender: 'user@example.com', helo: 'mx.example.org', receiver: 'mx.example.net', record: 'v=spf1 ip4:192.0.2.0/24 -all' },
      { result: 'pass', comment: 'mx.example.net: domain of example.com designates 192.0.2.3 as permitted sender', clientIp: '192.0.2.3', envelopeFrom: 'user@example.com', helo: 'mx.example.org', receiver: 'mx.example.net', mechanism: 'ip4:192.0.2.0/24', identity: 'mailfrom' }],
    ['fail on -all', { ip: '192.0.2.3', sender: 'user@example.com', helo: 'mx.example.org', receiver: 'mx.example.net', record: 'v=spf1 -all' },
      { result: 'fail', comment: 'mx.example.net: domain of example.com does not designate 192.0.2.3 as permitted sender', clientIp: '192.0.2.3', envelopeFrom: 'user@example.com', helo: 'mx.example.org', receiver: 'mx.example.net', mechanism: '-all', identity: 'mailfrom' }],
    ['softfail, written "SoftFail"', { ip: '192.0.2.3', sender: 'user@example.com', helo: 'mx.example.org', receiver: 'mx.example.net', record: 'v=spf1 ~all' },
      { result: 'softfail', comment: 'mx.example.net: transitioning domain of example.com does not designate 192.0.2.3 as permitted sender', clientIp: '192.0.2.3', envelopeFrom: 'user@example.com', helo: 'mx.example.org', receiver: 'mx.example.net', mechanism: '~all', identity: 'mailfrom' }],
    ['an unquoted IPv6 client-ip', { ip: '2001:db8::1', sender: 'user@example.com', helo: 'mx.example.org', receiver: 'mx.example.net', record: 'v=spf1 ip6:2001:db8::/32 -all' },
      { result: 'pass', comment: 'mx.example.net: domain of example.com designates 2001:db8::1 as permitted sender', clientIp: '2001:db8::1', envelopeFrom: 'user@example.com', helo: 'mx.example.org', receiver: 'mx.example.net', mechanism: 'ip6:2001:db8::/32', identity: 'mailfrom' }],
    ['permerror with a problem, for the null sender', { ip: '192.0.2.3', sender: '', helo: 'mx.example.org', receiver: 'mx.example.net', record: 'v=spf1 ?all moo' },
      { result: 'permerror', comment: 'mx.example.net: permanent error in processing domain of mx.example.org: Unknown mechanism found', clientIp: '192.0.2.3', helo: 'mx.example.org', receiver: 'mx.example.net', problem: 'moo', identity: 'helo' }],
  ])('we read pyspf: %s', ([, spfCase, expected]) => {
    const [answer] = peer<{ header: string }>('spf-header', [spfCase]);
    expect(parseReceivedSpf(answer!.header)).toStrictEqual({ ok: true, value: expected });
  });

  const writable: fc.Arbitrary<ReceivedSpfData> = fc.record(
    {
      result: fc.constantFrom('pass', 'fail', 'softfail', 'neutral', 'none', 'temperror', 'permerror'),
      comment: plainComment.filter((s) => !s.includes(';')),
      clientIp: fc.ipV4(),
      envelopeFrom: address,
      helo: domain,
      receiver: domain,
      identity: fc.constantFrom('mailfrom', 'helo'),
      mechanism: fc.constantFrom('-all', '~all', 'default', 'ip4:192.0.2.0/24', 'include:_spf.example.com', 'a', 'mx/24'),
    },
    { noNullPrototype: true },
  );

  test('pyspf reads what we write', () => {
    const fields = fc.sample(writable, { seed: SEED, numRuns: 200 });
    const answers = peer<Record<string, unknown>>('spf-parse', fields.map((data) => unfold(formatReceivedSpf(data))));
    answers.forEach((answer, i) => {
      const data = fields[i]!;
      expect(answer, formatReceivedSpf(data)).toMatchObject(data);
    });
  });
});
