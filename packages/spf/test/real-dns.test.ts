import { SystemResolver } from '@authgate/dns';
import { startAuthoritativeDns } from '@authgate/testkit';
import type { AuthoritativeDns } from '@authgate/testkit';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { verifySpf } from '../src/index.js';

/**
 * The evaluator against real DNS packets: the scenario zone of check-host.test.ts served by Knot
 * on loopback, asked through SystemResolver (node:dns). Includes, MX, AAAA, IDN and the HELO
 * check all go over the wire here.
 */
let dns: AuthoritativeDns;
let resolver: SystemResolver;

beforeAll(async () => {
  dns = await startAuthoritativeDns({ zoneFiles: [new URL('../test-fixtures/zones/scenarios.yaml', import.meta.url).pathname] });
  resolver = new SystemResolver({ servers: [dns.address] });
});

afterAll(async () => {
  await dns?.stop();
});

test.for([
  ['u@chain.example', '192.0.2.60', 'helo.example', 'pass', 'include:c1.chain.example'],
  ['u@chain.example', '192.0.2.61', 'helo.example', 'fail', '-all'],
  ['u@v6.example', '2001:db8:3::ffff', 'helo.example', 'pass', 'mx//64'],
  ['u@bücher.example', '192.0.2.77', 'helo.example', 'pass', 'ip4:192.0.2.77'],
  ['u@voids.example', '192.0.2.50', 'helo.example', 'permerror', 'exists:nx3.voids.example'],
  ['u@nothing.example', '192.0.2.1', 'helo.example', 'none', undefined],
  ['', '192.0.2.20', 'helo.example', 'pass', 'a'],
] as const)('%s from %s (HELO %s) -> %s by %s', async ([mailFrom, ip, helo, result, mechanism]) => {
  const outcome = await verifySpf({ ip, mailFrom, helo, resolver });
  expect(outcome.result).toBe(result);
  expect(outcome.mechanism).toBe(mechanism);
  expect(outcome.helo?.result).toBe(ip === '192.0.2.20' ? 'pass' : 'fail');
});
