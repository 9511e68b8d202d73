import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { authgate, ensureBuilt } from './helpers/binary.js';
import { QUICKSTART_ZONE, tempDir } from './helpers/fixtures.js';

beforeAll(ensureBuilt);

const offline = ['--zone', QUICKSTART_ZONE, '--authserv-id', 'mx.example.net'];

describe('authgate spf', () => {
  test.for([
    ['192.0.2.25', 'alice@example.com', 'pass', 'include:_spf.example.com', 'in the included ip4 range'],
    ['2001:db8:25::7', 'alice@example.com', 'pass', 'include:_spf.example.com', 'in the included ip6 range'],
    ['203.0.113.9', 'alice@example.com', 'fail', '-all', 'nowhere: the include gives softfail, which does not match, then -all'],
    ['203.0.113.9', 'bob@nothing.example', 'none', undefined, 'a domain without SPF'],
  ] as const)('%s as %s: %s (%s)', async ([ip, mailFrom, result, mechanism]) => {
    const run = await authgate(['spf', '--ip', ip, '--mail-from', mailFrom, ...offline, '--json']);
    expect(run.code).toBe(0);
    const json = JSON.parse(run.stdout);
    expect(Object.keys(json)).toEqual(['ip', 'helo', 'mailFrom', 'spf', 'receivedSpf']);
    expect(json.spf.result).toBe(result);
    expect(json.spf.mechanism).toBe(mechanism);
  });

  test('text: the verdict, what it means, what decided, the explanation and the DNS counts', async () => {
    const run = await authgate(['spf', '--ip', '203.0.113.9', '--mail-from', 'alice@example.com', ...offline]);
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(run.stdout).toBe([
      'MAIL FROM alice@example.com (domain example.com), client 203.0.113.9: fail',
      '  the client is not authorized to use this identity',
      '  decided by: -all',
      '  explanation: example.com does not designate 203.0.113.9 as a permitted sender',
      '  DNS: 1 of 10 lookups, 0 of 2 void lookups, 2 queries',
      'Received-SPF: fail (mx.example.net: domain of alice@example.com does not',
      '\tdesignate 203.0.113.9 as permitted sender) receiver=mx.example.net;',
      '\tclient-ip=203.0.113.9; envelope-from="alice@example.com"; helo="";',
      '\tidentity=mailfrom; mechanism=-all',
      '',
    ].join('\n'));
  });

  test('--trace prints the tree of queries, records and terms, the include one level deeper', async () => {
    const run = await authgate(['spf', '--ip', '203.0.113.9', '--mail-from', 'alice@example.com', ...offline, '--trace']);
    expect(run.stdout).toContain([
      '  trace:',
      '    TXT example.com -> records: v=spf1 include:_spf.example.com -all',
      '    record of example.com: v=spf1 include:_spf.example.com -all',
      '      TXT _spf.example.com -> records: v=spf1 ip4:192.0.2.0/24 ip6:2001:db8:25::/48 ~all',
      '      record of _spf.example.com: v=spf1 ip4:192.0.2.0/24 ip6:2001:db8:25::/48 ~all',
      '      ip4:192.0.2.0/24 -> no-match',
      '      ip6:2001:db8:25::/48 -> no-match',
      '      ~all -> match',
      '      = softfail (_spf.example.com)',
      '    include:_spf.example.com -> no-match',
      '    -all -> match',
      '    = fail (example.com)',
    ].join('\n'));
  });

  test('--trace --json keeps the trace entries', async () => {
    const run = await authgate(['spf', '--ip', '192.0.2.25', '--mail-from', 'alice@example.com', ...offline, '--trace', '--json']);
    const json = JSON.parse(run.stdout);
    expect(json.spf.trace[0]).toEqual({ type: 'query', depth: 0, rrtype: 'TXT', name: 'example.com', answer: 'records', records: ['v=spf1 include:_spf.example.com -all'] });
  });

  test('--helo adds the HELO identity check', async () => {
    const run = await authgate(['spf', '--ip', '192.0.2.25', '--mail-from', 'alice@example.com', '--helo', 'mail.example.com', ...offline, '--json']);
    const json = JSON.parse(run.stdout);
    expect(json.spf.helo).toMatchObject({ result: 'pass', identity: 'helo', domain: 'mail.example.com', mechanism: 'a' });
  });

  test('a null reverse path checks postmaster@HELO (RFC 7208 §2.4)', async () => {
    const run = await authgate(['spf', '--ip', '192.0.2.25', '--mail-from', '<>', '--helo', 'mail.example.com', ...offline]);
    expect(run.stdout).toMatch(/^MAIL FROM postmaster@mail\.example\.com \(domain mail\.example\.com\), client 192\.0\.2\.25: pass\n  null reverse path/);
  });

  test.for([
    [['--fail-on', 'spf'], '203.0.113.9', 1],
    [['--fail-on', 'spf'], '192.0.2.25', 0],
    [[], '203.0.113.9', 0],
  ] as const)('%j with %s exits %i', async ([flags, ip, code]) => {
    const run = await authgate(['spf', '--ip', ip, '--mail-from', 'alice@example.com', ...offline, ...flags]);
    expect(run.code).toBe(code);
  });

  test('a HELO name SPF cannot check is shown as given, with the reason (RFC 7208 §2.3)', async () => {
    const run = await authgate(['spf', '--ip', '192.0.2.25', '--mail-from', 'alice@nothing.example', '--helo', 'localhost', ...offline]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain([
      'HELO localhost, client 192.0.2.25: none',
      '  no SPF record to check against',
      '  problem: spf: "localhost" is not a fully qualified domain name (RFC 7208 §4.3)',
      '  DNS: 0 of 10 lookups, 0 of 2 void lookups, 0 queries',
    ].join('\n'));
    expect(run.stdout).toContain('MAIL FROM alice@nothing.example (domain nothing.example), client 192.0.2.25: none\n');
    expect(run.stdout).toContain('  DNS: 0 of 10 lookups, 0 of 2 void lookups, 1 query\n');
  });

  test('an address literal in MAIL FROM is an address (RFC 5321 §4.1.3): SPF has no domain to check', async () => {
    const run = await authgate(['spf', '--ip', '192.0.2.25', '--mail-from', 'bob@[IPv6:2001:db8::1]', ...offline, '--json']);
    expect(run.code).toBe(0);
    const json = JSON.parse(run.stdout);
    expect(json.mailFrom).toBe('bob@[IPv6:2001:db8::1]');
    expect(json.spf).toMatchObject({ result: 'none', domain: '', problem: { code: 'invalid-domain' } });
  });

  test('without --helo there is no HELO identity, so no "helo" result in JSON', async () => {
    const run = await authgate(['spf', '--ip', '192.0.2.25', '--mail-from', 'alice@example.com', ...offline, '--json']);
    expect(JSON.parse(run.stdout).spf).not.toHaveProperty('helo');
  });

  test('a DNS timeout is a result (temperror), not an error', async () => {
    const dir = await tempDir();
    try {
      const zone = join(dir.path, 'zone.yaml');
      await writeFile(zone, 'timeout.example:\n  - TIMEOUT\n');
      const run = await authgate(['spf', '--ip', '192.0.2.25', '--mail-from', 'alice@timeout.example', '--zone', zone, '--json']);
      expect(run.code).toBe(0);
      expect(JSON.parse(run.stdout).spf).toMatchObject({ result: 'temperror', problem: { code: expect.any(String) } });
    } finally {
      await dir.remove();
    }
  });
});
