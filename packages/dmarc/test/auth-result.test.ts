import { formatAuthenticationResults, type MethodResult } from '@authgate/authres';
import type { ZoneResolver } from '@authgate/dns';
import { beforeAll, describe, expect, test } from 'vitest';
import { dmarcAuthResult, evaluateDmarc, type DmarcMode } from '../src/index.js';
import { fixtureZone } from './fixtures.js';

let zone: ZoneResolver;
beforeAll(async () => {
  zone = await fixtureZone();
});

/** The entry as the authres formatter writes it, unfolded (RFC 5322 §2.2.3) onto one line. */
function entry(result: MethodResult): string {
  const value = formatAuthenticationResults({ authservId: 'mx.receiver.example', results: [result] });
  return value.replace(/\r\n[ \t]+/g, ' ').replace(/^mx\.receiver\.example; /, '');
}

describe('dmarcAuthResult', () => {
  test.for([
    ['a@example.com', [], 'rfc9989', 'dmarc=fail (p=reject sp=quarantine dis=reject) header.from=example.com policy.dmarc=reject'],
    ['a@news.example.com', [], 'rfc9989', 'dmarc=fail (p=reject sp=quarantine dis=quarantine) header.from=news.example.com policy.dmarc=quarantine'],
    ['a@example.com', ['example.com'], 'rfc9989', 'dmarc=pass (p=reject sp=quarantine dis=none) header.from=example.com'],
    ['a@strict.example', [], 'rfc9989', 'dmarc=fail (p=reject sp=reject dis=reject) header.from=strict.example policy.dmarc=reject'],
    ['a@testing.example', [], 'rfc9989', 'dmarc=fail (p=reject sp=reject t=y dis=quarantine) header.from=testing.example policy.dmarc=quarantine'],
    ['a@ghost.np.example', [], 'rfc9989', 'dmarc=fail (p=none sp=quarantine np=reject dis=reject) header.from=ghost.np.example policy.dmarc=reject'],
    ['a@pct.example', [], 'rfc7489', 'dmarc=fail (p=reject sp=reject pct=50 dis=quarantine) header.from=pct.example policy.dmarc=quarantine'],
    ['a@badp-rua.example', [], 'rfc9989', 'dmarc=fail (p=none sp=none dis=none) header.from=badp-rua.example policy.dmarc=none'],
    ['a@nopolicy.example', [], 'rfc9989', 'dmarc=none header.from=nopolicy.example'],
    ['a@duptag.example', [], 'rfc9989', 'dmarc=permerror reason="dmarc: _dmarc.duptag.example: tag p appears more than once (RFC 6376 §3.2 tag-list)" header.from=duptag.example'],
    ['a@slow.example', [], 'rfc9989', 'dmarc=temperror reason="dmarc: TXT _dmarc.slow.example: TEMPFAIL" header.from=slow.example'],
  ] as const)('%s %j (%s)', async ([from, passingDkim, mode, expected]) => {
    const evaluation = await evaluateDmarc({
      from, spf: { result: 'none', domain: '' }, dkim: passingDkim.map((domain) => ({ result: 'pass', domain })),
      resolver: zone, mode: mode as DmarcMode, random: () => 0.9,
    });
    expect(entry(dmarcAuthResult(evaluation))).toBe(expected);
  });

  test('as data: the properties RFC 9989 §9.1 registers', async () => {
    const evaluation = await evaluateDmarc({ from: 'a@example.com', spf: { result: 'none', domain: '' }, dkim: [], resolver: zone });
    expect(dmarcAuthResult(evaluation)).toEqual({
      method: 'dmarc',
      result: 'fail',
      comment: 'p=reject sp=quarantine dis=reject',
      properties: [
        { ptype: 'header', property: 'from', value: 'example.com' },
        { ptype: 'policy', property: 'dmarc', value: 'reject' },
      ],
    });
  });

  test('no From: no header.from', async () => {
    const evaluation = await evaluateDmarc({ from: [], spf: { result: 'none', domain: '' }, dkim: [], resolver: zone });
    expect(dmarcAuthResult(evaluation)).toEqual({ method: 'dmarc', result: 'permerror', reason: 'dmarc: no From field', properties: [] });
  });

  test('an address literal is not written as header.from', async () => {
    const evaluation = await evaluateDmarc({ from: 'a@[192.0.2.1]', spf: { result: 'none', domain: '' }, dkim: [], resolver: zone });
    expect(dmarcAuthResult(evaluation).properties).toEqual([]);
  });
});
