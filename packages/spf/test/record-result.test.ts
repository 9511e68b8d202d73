import { authenticationResultsField, parseAuthenticationResults, parseReceivedSpf } from '@authgate/authres';
import { describe, expect, test } from 'vitest';
import { receivedSpf, spfAuthResult } from '../src/index.js';
import type { SpfOutcome } from '../src/index.js';

/** A baseline outcome; each case changes one thing. */
const PASS: SpfOutcome = {
  result: 'pass',
  identity: 'mailfrom',
  domain: 'example.com',
  sender: 'myname@example.com',
  mechanism: 'ip4:192.0.2.0/24',
  lookups: 0,
  voidLookups: 0,
  queries: 1,
};

const CONTEXT = { receiver: 'mybox.example.org', clientIp: '192.0.2.1', helo: 'foo.example.com', envelopeFrom: 'myname@example.com' };

function valueOf(field: string, name: string): string {
  expect(field.startsWith(`${name}: `)).toBe(true);
  expect(field.endsWith('\r\n')).toBe(false);
  return field.slice(name.length + 2);
}

describe('receivedSpf (RFC 7208 §9.1)', () => {
  test('writes the result, a comment and the key-value pairs that let the result be verified', () => {
    const field = receivedSpf(PASS, CONTEXT);
    const parsed = parseReceivedSpf(valueOf(field, 'Received-SPF'));
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.value).toMatchObject({
      result: 'pass',
      comment: 'mybox.example.org: domain of myname@example.com designates 192.0.2.1 as permitted sender',
      receiver: 'mybox.example.org',
      clientIp: '192.0.2.1',
      envelopeFrom: 'myname@example.com',
      helo: 'foo.example.com',
      identity: 'mailfrom',
      mechanism: 'ip4:192.0.2.0/24',
    });
    expect(parsed.value.problem).toBeUndefined();
  });

  test.for([
    [{ result: 'fail', mechanism: '-all' }, 'domain of myname@example.com does not designate 192.0.2.1 as permitted sender'],
    [{ result: 'softfail', mechanism: '~all' }, 'domain of myname@example.com discourages use of 192.0.2.1 as sender'],
    [{ result: 'neutral', mechanism: 'default' }, '192.0.2.1 is neither permitted nor denied by domain of myname@example.com'],
    [{ result: 'none', mechanism: undefined, problem: { code: 'no-record', message: 'spf: "example.com" has no v=spf1 record' } }, 'domain of myname@example.com publishes no SPF record'],
    [{ result: 'none', mechanism: undefined, domain: '' }, 'no checkable domain in myname@example.com'],
    [{ result: 'temperror', mechanism: 'mx', problem: { code: 'dns-error', message: 'spf: MX "example.com": TEMPFAIL' } }, 'temporary error checking domain of myname@example.com'],
    [{ result: 'permerror', problem: { code: 'lookup-limit', message: 'spf: more than 10 DNS-querying terms (RFC 7208 §4.6.4)' } }, 'permanent error in the SPF policy for domain of myname@example.com'],
  ] as const)('%j -> (%s)', ([change, comment]) => {
    const outcome = { ...PASS, ...change } as SpfOutcome;
    const parsed = parseReceivedSpf(valueOf(receivedSpf(outcome, CONTEXT), 'Received-SPF'));
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.value.result).toBe(outcome.result);
    expect(parsed.value.comment).toBe(`mybox.example.org: ${comment}`);
    expect(parsed.value.mechanism).toBe(outcome.mechanism);
    expect(parsed.value.problem).toBe(outcome.problem?.message);
  });

  test('the HELO identity and a null reverse path', () => {
    const helo: SpfOutcome = { ...PASS, identity: 'helo', domain: 'foo.example.com', sender: 'postmaster@foo.example.com' };
    const parsed = parseReceivedSpf(valueOf(receivedSpf(helo, { ...CONTEXT, envelopeFrom: '' }), 'Received-SPF'));
    expect(parsed.ok && parsed.value).toMatchObject({ identity: 'helo', envelopeFrom: '' });
  });

  test('sender-controlled text cannot break the field (§9.1: no invalid characters)', () => {
    const hostile: SpfOutcome = { ...PASS, result: 'permerror', sender: 'x)\r\nX-Injected: 1@example.com', problem: { code: 'syntax-error', message: 'spf: "a\r\nb"' } };
    const field = receivedSpf(hostile, CONTEXT);
    expect(field).not.toMatch(/\r\n(?![ \t])/);
    expect(parseReceivedSpf(valueOf(field, 'Received-SPF')).ok).toBe(true);
  });
});

describe('spfAuthResult (RFC 8601 §2.7.2, RFC 7208 §9.2)', () => {
  test.for([
    [PASS, { method: 'spf', result: 'pass', properties: [{ ptype: 'smtp', property: 'mailfrom', value: 'myname@example.com' }] }],
    [
      { ...PASS, identity: 'helo', domain: 'foo.example.com', sender: 'postmaster@foo.example.com' },
      { method: 'spf', result: 'pass', properties: [{ ptype: 'smtp', property: 'helo', value: 'foo.example.com' }] },
    ],
    [
      { ...PASS, identity: 'helo', result: 'none', domain: '', sender: 'postmaster@[192.0.2.1]', problem: { code: 'invalid-domain', message: 'spf: x' } },
      { method: 'spf', result: 'none', properties: [{ ptype: 'smtp', property: 'helo', value: '[192.0.2.1]' }] },
    ],
    [
      { ...PASS, result: 'permerror', problem: { code: 'multiple-records', message: 'spf: "example.com" has more than one v=spf1 record (RFC 7208 §4.5)' } },
      {
        method: 'spf',
        result: 'permerror',
        reason: 'spf: "example.com" has more than one v=spf1 record (RFC 7208 §4.5)',
        properties: [{ ptype: 'smtp', property: 'mailfrom', value: 'myname@example.com' }],
      },
    ],
  ] as const)('%#: %j', ([outcome, expected]) => {
    expect(spfAuthResult(outcome as SpfOutcome)).toEqual(expected);
  });

  test('is written and read back by @authgate/authres', () => {
    const field = authenticationResultsField({ authservId: 'mx.example.org', results: [spfAuthResult(PASS)] });
    const parsed = parseAuthenticationResults(valueOf(field, 'Authentication-Results'));
    expect(parsed.ok && parsed.value.results).toEqual([spfAuthResult(PASS)]);
  });
});
