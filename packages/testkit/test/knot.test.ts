import { describe, expect, test } from 'vitest';
import { SystemResolver } from '@authgate/dns';
import { ipv6LoopbackAvailable, startAuthoritativeDns, TestkitError } from '../src/index.js';

describe('startAuthoritativeDns', () => {
  test('serves zone data and zone files together on loopback, then stops', async () => {
    const server = await startAuthoritativeDns({
      zoneData: { 'inline.example': [{ TXT: 'from zoneData' }] },
      zoneFiles: ['zones/minimal.json'],
    });
    try {
      expect(server.host).toBe('127.0.0.1');
      expect(server.address).toBe(`127.0.0.1:${server.port}`);
      const resolver = new SystemResolver({ servers: [server.address], timeoutMs: 500, tries: 2 });
      expect(await resolver.txt('inline.example')).toEqual([['from zoneData']]);
      expect(await resolver.a('json.example')).toEqual(['192.0.2.10']);
      await expect(resolver.a('absent.example')).rejects.toMatchObject({ code: 'NXDOMAIN' });
    } finally {
      await server.stop();
    }
  });

  test('answers on every address it reports, [::1] included when the machine has IPv6', async () => {
    const server = await startAuthoritativeDns({ zoneData: { 'v6.example': [{ A: '192.0.2.6' }] } });
    try {
      const ipv6 = await ipv6LoopbackAvailable();
      expect(server.addresses).toEqual([server.address, ...(ipv6 ? [`[::1]:${server.port}`] : [])]);
      for (const address of server.addresses) {
        const resolver = new SystemResolver({ servers: [address], timeoutMs: 500, tries: 2 });
        expect(await resolver.a('v6.example')).toEqual(['192.0.2.6']);
      }
    } finally {
      await server.stop();
    }
  });

  test('listens on 127.0.0.1 only when asked to', async () => {
    const server = await startAuthoritativeDns({ zoneData: {}, ipv6: false });
    await server.stop();
    expect(server.addresses).toEqual([server.address]);
  });

  test('stop() ends the server, and may be called twice', async () => {
    const server = await startAuthoritativeDns({ zoneData: { 'x.example': [{ A: '192.0.2.1' }] } });
    const resolver = new SystemResolver({ servers: [server.address], timeoutMs: 100, tries: 1 });
    expect(await resolver.a('x.example')).toEqual(['192.0.2.1']);
    await server.stop();
    await server.stop();
    await expect(resolver.a('x.example')).rejects.toMatchObject({ code: 'TEMPFAIL' });
  });

  test('runs several servers side by side on different ports', async () => {
    const [one, two] = await Promise.all([
      startAuthoritativeDns({ zoneData: { 'x.example': [{ TXT: 'one' }] } }),
      startAuthoritativeDns({ zoneData: { 'x.example': [{ TXT: 'two' }] } }),
    ]);
    try {
      expect(one!.port).not.toBe(two!.port);
      const ask = (address: string) => new SystemResolver({ servers: [address], timeoutMs: 500, tries: 2 }).txt('x.example');
      expect([await ask(one!.address), await ask(two!.address)]).toEqual([[['one']], [['two']]]);
    } finally {
      await Promise.all([one!.stop(), two!.stop()]);
    }
  });

  test('reports the zone data it cannot serve, and serves the rest', async () => {
    const server = await startAuthoritativeDns({ zoneData: { 't.example': [{ TXT: 'kept' }, 'TIMEOUT'] }, ipv6: false });
    try {
      expect(server.unservable).toEqual([{ name: 't.example', reason: expect.stringMatching(/TIMEOUT/) }]);
      expect(server.zoneText).toContain('t.example. TXT "kept"');
    } finally {
      await server.stop();
    }
  });

  test('fails with the log when knotd rejects the zone (a TXT record over 65535 octets)', async () => {
    const huge = 'x'.repeat(70_000);
    const error = await startAuthoritativeDns({ zoneData: { 'huge.example': [{ TXT: huge }] }, ipv6: false }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TestkitError);
    expect(error).toMatchObject({ code: 'ZONE_REJECTED', message: expect.stringMatching(/failed to load zone|load' failed/) });
  });

  test('tells how to install knotd when it is missing', async () => {
    const error = await startAuthoritativeDns({ knotd: '/nonexistent/knotd' }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TestkitError);
    expect(error).toMatchObject({ code: 'KNOTD_MISSING', message: expect.stringMatching(/apt-get install knot/) });
  });

  test('fails with the log when knotd exits instead of serving', async () => {
    await expect(startAuthoritativeDns({ knotd: '/bin/false', ipv6: false })).rejects.toMatchObject({ code: 'KNOTD_FAILED' });
  });
});
