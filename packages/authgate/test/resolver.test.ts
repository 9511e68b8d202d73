import { afterAll, beforeAll, expect, test } from 'vitest';
import { startAuthoritativeDns, type AuthoritativeDns } from '@authgate/testkit';
import { CachingResolver, createResolver, ZoneResolver } from 'authgate';
import { fixture } from './fixtures.js';

let dns: AuthoritativeDns;
beforeAll(async () => {
  dns = await startAuthoritativeDns({ zoneData: { 'good.example': [{ TXT: 'v=spf1 -all' }] } });
});
afterAll(() => dns?.stop());

test('a zone file gives a ZoneResolver that answers offline', async () => {
  const resolver = await createResolver({ zoneFile: fixture('zone.yaml') });
  expect(resolver).toBeInstanceOf(ZoneResolver);
  expect(await resolver.txt('_dmarc.good.example')).toEqual([['v=DMARC1; p=reject; sp=quarantine; rua=mailto:dmarc@good.example']]);
});

test('servers give a cached system resolver that asks them', async () => {
  const resolver = await createResolver({ servers: [dns.address], timeoutMs: 2000 });
  expect(resolver).toBeInstanceOf(CachingResolver);
  expect(await resolver.txt('good.example')).toEqual([['v=spf1 -all']]);
  await expect(resolver.txt('missing.example')).rejects.toMatchObject({ code: 'NXDOMAIN' });
});
