import { createSocket, type Socket } from 'node:dgram';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadZoneData, startAuthoritativeDns, type AuthoritativeDns } from '@authgate/testkit';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { authgate, ensureBuilt, startAuthgate } from './helpers/binary.js';
import { DMARC_ZONE, MAILDIR, QUICKSTART_ZONE, SIGNED, tempDir } from './helpers/fixtures.js';

let dns: AuthoritativeDns;
let silent: Socket;

beforeAll(async () => {
  ensureBuilt();
  const zoneData = { ...(await loadZoneData(DMARC_ZONE)), ...(await loadZoneData(QUICKSTART_ZONE)) };
  dns = await startAuthoritativeDns({ zoneData });
  // A "server" that reads queries and never answers.
  silent = createSocket('udp4');
  await new Promise<void>((resolve) => silent.bind(0, '127.0.0.1', resolve));
});

afterAll(async () => {
  await dns?.stop();
  await new Promise<void>((resolve) => (silent ? silent.close(() => resolve()) : resolve()));
});

describe('--dns-server against a real authoritative server (Knot on loopback)', () => {
  test('check gives the same Authentication-Results as the fixture zone', async () => {
    const args = ['check', '--from-received', '--authserv-id', 'mx.example.net', SIGNED];
    const real = await authgate([...args, '--dns-server', dns.address]);
    const offline = await authgate([...args, '--zone', QUICKSTART_ZONE]);
    expect(real).toMatchObject({ code: 0, stderr: '' });
    expect(real.stdout).toContain('dmarc=pass (p=reject sp=reject dis=none) header.from=example.com');
    expect(real.stdout).toBe(offline.stdout);
  });

  test('--save-zone on real DNS, then --zone: the same verdict offline', async () => {
    const dir = await tempDir();
    try {
      const saved = join(dir.path, 'bug-report.yaml');
      const args = ['check', '--from-received', '--authserv-id', 'mx.example.net', '--json', SIGNED];
      const real = await authgate([...args, '--dns-server', dns.address, '--save-zone', saved]);
      expect(real.code).toBe(0);
      const replay = await authgate([...args, '--zone', saved]);
      expect(replay).toEqual({ code: 0, stdout: real.stdout, stderr: '' });
      expect(await readFile(saved, 'utf8')).toContain('_dmarc.example.com:');
    } finally {
      await dir.remove();
    }
  });

  test('--save-zone keeps failures too: a server that times out replays as timeouts', async () => {
    const dir = await tempDir();
    try {
      const saved = join(dir.path, 'timeout.yaml');
      const args = ['dmarc', '--json', 'example.com'];
      const real = await authgate([...args, '--dns-server', `127.0.0.1:${silent.address().port}`, '--dns-timeout', '0.2', '--save-zone', saved]);
      expect(JSON.parse(real.stdout).result).toBe('temperror');
      expect(await readFile(saved, 'utf8')).toContain('TIMEOUT');
      const replay = await authgate([...args, '--zone', saved]);
      expect(replay).toEqual({ code: 0, stdout: real.stdout, stderr: '' });
    } finally {
      await dir.remove();
    }
  });

  test.for([
    ['dkim verify of a Maildir', ['dkim', 'verify', '--json', MAILDIR]],
    ['dmarc of a name that does not exist (NXDOMAIN: np, else sp)', ['dmarc', '--json', 'gone.example.com']],
    ['dmarc of a subdomain that exists (NODATA at _dmarc)', ['dmarc', '--json', 'www.example.com']],
    ['spf with the HELO identity and a trace', ['spf', '--ip', '203.0.113.9', '--mail-from', 'alice@example.com', '--helo', 'mail.example.com', '--trace', '--json']],
  ] as const)('--save-zone on real DNS replays offline to the same output: %s', async ([, args]) => {
    const dir = await tempDir();
    try {
      const saved = join(dir.path, 'case.yaml');
      const real = await authgate([...args, '--dns-server', dns.address, '--save-zone', saved]);
      expect(real.code).toBe(0);
      const replay = await authgate([...args, '--zone', saved]);
      expect(replay).toEqual({ code: 0, stdout: real.stdout, stderr: real.stderr.replace(`authgate: DNS answers saved to ${saved}\n`, '') });
    } finally {
      await dir.remove();
    }
  });

  test('spf --trace over real DNS', async () => {
    const run = await authgate(['spf', '--ip', '192.0.2.25', '--mail-from', 'alice@example.com', '--dns-server', dns.address, '--trace']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('    TXT example.com -> records: v=spf1 include:_spf.example.com -all\n');
    expect(run.stdout).toMatch(/^MAIL FROM alice@example\.com \(domain example\.com\), client 192\.0\.2\.25: pass\n/);
  });

  test('dmarc over real DNS, including the RFC 9990 consent lookup', async () => {
    const run = await authgate(['dmarc', '--dns-server', dns.address, '--json', 'outsourced.example']);
    expect(JSON.parse(run.stdout)).toMatchObject({ result: 'found', policy: 'quarantine', reportDestinations: [{ consent: 'authorized' }] });
  });

  test('every address of the server works, [::1]:port too when the machine has IPv6', async () => {
    for (const address of dns.addresses) {
      const run = await authgate(['dmarc', '--dns-server', address, '--json', 'example.com']);
      expect(JSON.parse(run.stdout)).toMatchObject({ result: 'found', policy: 'reject' });
    }
  });

  test('Ctrl-C while waiting for DNS: exit 130 (128 + SIGINT), nothing half-written', async () => {
    const { port } = silent.address();
    // The query reaching the server proves the CLI is past its start-up and waiting.
    const asked = new Promise<void>((resolve) => silent.once('message', () => resolve()));
    const running = startAuthgate(['spf', '--ip', '192.0.2.25', '--mail-from', 'alice@example.com', '--dns-server', `127.0.0.1:${port}`, '--dns-timeout', '600']);
    await asked;
    running.child.kill('SIGINT');
    const run = await running.done;
    expect(run).toEqual({ code: 130, stdout: '', stderr: '' });
  });

  test('a server that never answers: --dns-timeout makes it a temperror result, exit 0', async () => {
    const { port } = silent.address();
    const run = await authgate(['spf', '--ip', '192.0.2.25', '--mail-from', 'alice@example.com', '--dns-server', `127.0.0.1:${port}`, '--dns-timeout', '0.2', '--json']);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout).spf.result).toBe('temperror');
  });
});
