import type { ZoneResolver } from '@authgate/dns';
import { parseAddressList } from '@authgate/message';
import { beforeAll, describe, expect, test } from 'vitest';
import { evaluateDmarc } from '../src/index.js';
import { evaluateCases, fixtureZone, loadYaml, type EvaluateCase } from './fixtures.js';
import { mailauthDmarc, mailauthResolver, mailauthVersion } from './mailauth.js';

const cases = evaluateCases();
const differences = loadYaml<Record<string, { mailauth: string; reason: string }>>('mailauth-differences.yaml');

let zone: ZoneResolver;
beforeAll(async () => {
  zone = await fixtureZone();
});

/** The addresses of the From values, as mailauth's own message parsing would hand them over. */
function fromAddresses(from: string | string[]): string[] {
  return (typeof from === 'string' ? [from] : from).flatMap((value) => {
    const parsed = parseAddressList(value);
    if (!parsed.ok) return [];
    return parsed.addresses.flatMap((a) => (a.kind === 'mailbox' ? [a.address] : a.mailboxes.map((m) => m.address)));
  });
}

async function both(c: EvaluateCase): Promise<{ ours: string; theirs: string }> {
  const spf = c.spf ?? { result: 'none', domain: '' };
  const dkim = c.dkim ?? [];
  const ours = await evaluateDmarc({ from: c.from, spf, dkim, resolver: zone, mode: 'rfc7489', random: () => c.random ?? 0.5 });
  const theirs = await mailauthDmarc({
    headerFrom: fromAddresses(c.from),
    spfDomains: spf.result === 'pass' ? [spf.domain] : [],
    dkimDomains: dkim.filter((d) => d.result === 'pass' && d.domain !== undefined).map((d) => ({ domain: d.domain! })),
    resolver: mailauthResolver(zone),
  });
  return {
    ours: `${ours.result}/${ours.policy}`,
    theirs: theirs === false ? 'false' : `${theirs.status.result}/${theirs.policy}`,
  };
}

describe(`RFC 7489 mode against mailauth ${mailauthVersion} dmarc()`, () => {
  test('is the version the project pins', () => {
    expect(mailauthVersion).toBe('4.12.0');
  });

  test('every listed difference names a case', () => {
    const names = new Set(cases.map((c) => c.name));
    expect(Object.keys(differences).filter((name) => !names.has(name))).toEqual([]);
  });

  test.for(cases.filter((c) => differences[c.name] === undefined))('agrees: $name', async (c) => {
    const { ours, theirs } = await both(c);
    expect(theirs).toBe(ours);
  });

  test.for(cases.filter((c) => differences[c.name] !== undefined))('differs as listed: $name', async (c) => {
    const { ours, theirs } = await both(c);
    expect(theirs).toBe(differences[c.name]!.mailauth);
    expect(ours).not.toBe(theirs);
  });
});
