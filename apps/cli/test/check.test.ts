import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { authgate, ensureBuilt } from './helpers/binary.js';
import { fixture, QUICKSTART_ENVELOPE, QUICKSTART_ZONE, SIGNED, tampered, tempDir } from './helpers/fixtures.js';

beforeAll(ensureBuilt);

const offline = ['--zone', QUICKSTART_ZONE, '--authserv-id', 'mx.example.net'];

const QUICKSTART_RESULTS = [
  'Authentication-Results: mx.example.net;',
  '\tspf=pass smtp.mailfrom=alice@example.com;',
  '\tdkim=pass header.d=example.com header.i=@example.com',
  '\t  header.s=quickstart header.a=rsa-sha256 header.b=rgzVL12a;',
  '\tdmarc=pass (p=reject sp=reject dis=none) header.from=example.com',
].join('\n');

describe('authgate check, one message', () => {
  test('the Quick start: prints Authentication-Results offline, envelope read from the message', async () => {
    const run = await authgate(['check', '--from-received', ...offline, SIGNED]);
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(run.stdout).toBe(
      '# envelope from the message: ip 192.0.2.25 (Received), helo mail.example.com (Received), mail from <alice@example.com> (Return-Path)\n' +
        `${QUICKSTART_RESULTS}\n`,
    );
  });

  test('with the envelope given as options, prints only the field', async () => {
    const run = await authgate(['check', ...QUICKSTART_ENVELOPE, ...offline, SIGNED]);
    expect(run).toEqual({ code: 0, stdout: `${QUICKSTART_RESULTS}\n`, stderr: '' });
  });

  test('reads standard input with -', async () => {
    const run = await authgate(['check', ...QUICKSTART_ENVELOPE, ...offline, '-'], { input: fixture(SIGNED) });
    expect(run).toEqual({ code: 0, stdout: `${QUICKSTART_RESULTS}\n`, stderr: '' });
  });

  test('checks a message stored with LF line ends as it was sent, with CRLF', async () => {
    const lf = fixture(SIGNED).toString('latin1').replace(/\r\n/g, '\n');
    const run = await authgate(['check', ...QUICKSTART_ENVELOPE, ...offline, '-'], { input: lf });
    expect(run.stdout).toBe(`${QUICKSTART_RESULTS}\n`);
  });

  test('--received-spf prints the Received-SPF field before Authentication-Results', async () => {
    const run = await authgate(['check', '--received-spf', ...QUICKSTART_ENVELOPE, ...offline, SIGNED]);
    expect(run.stdout).toMatch(/^Received-SPF: pass \(mx\.example\.net: domain of alice@example\.com designates\n\t192\.0\.2\.25 as permitted sender\)/);
    expect(run.stdout.endsWith(`${QUICKSTART_RESULTS}\n`)).toBe(true);
  });

  test('--authserv-id defaults to the host name', async () => {
    const run = await authgate(['check', ...QUICKSTART_ENVELOPE, '--zone', QUICKSTART_ZONE, SIGNED]);
    expect(run.stdout).toMatch(/^Authentication-Results: [^\s;]+;\n\tspf=pass/);
  });

  test('--now before the signature was made: DKIM t= in the future fails, and so does DMARC with a foreign IP', async () => {
    const run = await authgate(['check', '--ip', '203.0.113.9', '--helo', 'relay.example.org', '--mail-from', 'alice@example.com', '--now', '2025-12-01T00:00:00Z', ...offline, '--json', SIGNED]);
    const json = JSON.parse(run.stdout);
    expect(json.dkim[0].result).not.toBe('pass');
    expect(json.dmarc.result).toBe('fail');
  });
});

describe('authgate check, verdicts (one change from the baseline per case)', () => {
  test.for([
    ['a changed body', SIGNED, 'Hello Bob', 'Hello Eve', QUICKSTART_ENVELOPE, { spf: 'pass', dkim: 'fail', dmarc: 'pass' }],
    ['a foreign client', SIGNED, 'Hello Bob', 'Hello Bob', ['--ip', '203.0.113.9', '--helo', 'relay.example.org', '--mail-from', 'alice@example.com'], { spf: 'fail', dkim: 'pass', dmarc: 'pass' }],
    ['a changed body and a foreign client', SIGNED, 'Hello Bob', 'Hello Eve', ['--ip', '203.0.113.9', '--helo', 'relay.example.org', '--mail-from', 'alice@example.com'], { spf: 'fail', dkim: 'fail', dmarc: 'fail' }],
    ['a client in the include with ~all', SIGNED, 'Hello Bob', 'Hello Eve', ['--ip', '2001:db8:26::1', '--helo', 'relay.example.org', '--mail-from', 'alice@example.com'], { spf: 'fail', dkim: 'fail', dmarc: 'fail' }],
  ] as const)('%s', async ([, path, from, to, envelope, expected]) => {
    const run = await authgate(['check', ...envelope, ...offline, '--json', '-'], { input: tampered(path, from, to) });
    expect(run.code).toBe(0);
    const json = JSON.parse(run.stdout);
    expect({ spf: json.spf.result, dkim: json.dkim[0].result, dmarc: json.dmarc.result }).toEqual(expected);
  });

  test.for([
    [['--fail-on', 'dmarc'], 1, 'DMARC fails'],
    [['--fail-on', 'spf'], 1, 'SPF fails'],
    [['--fail-on', 'dkim'], 1, 'DKIM fails'],
    [[], 0, 'no --fail-on: the check ran'],
  ] as const)('%j exits %i (%s)', async ([flags, code]) => {
    const foreign = ['--ip', '203.0.113.9', '--helo', 'relay.example.org', '--mail-from', 'alice@example.com'];
    const run = await authgate(['check', ...foreign, ...offline, ...flags, '-'], { input: tampered(SIGNED, 'Hello Bob', 'Hello Eve') });
    expect(run.code).toBe(code);
    expect(run.stdout).toContain('dmarc=fail');
  });

  test('temporary DNS errors are no verdict: exit 0 under every --fail-on', async () => {
    const dir = await tempDir();
    try {
      const zone = join(dir.path, 'down.yaml');
      await writeFile(zone, 'example.com:\n  - TIMEOUT\n_dmarc.example.com:\n  - TIMEOUT\nquickstart._domainkey.example.com:\n  - TIMEOUT\n');
      const run = await authgate(['check', ...QUICKSTART_ENVELOPE, '--zone', zone, '--json', '--fail-on', 'spf', '--fail-on', 'dkim', '--fail-on', 'dmarc', SIGNED]);
      expect(run.code).toBe(0);
      const json = JSON.parse(run.stdout);
      expect([json.spf.result, json.dkim[0].result, json.dmarc.result]).toEqual(['temperror', 'temperror', 'temperror']);
    } finally {
      await dir.remove();
    }
  });

  test('--fail-on takes one value, so a file name after it stays a file', async () => {
    const run = await authgate(['check', ...QUICKSTART_ENVELOPE, ...offline, '--fail-on', 'dmarc', '--fail-on', 'dkim', SIGNED]);
    expect(run).toEqual({ code: 0, stdout: `${QUICKSTART_RESULTS}\n`, stderr: '' });
  });
});

describe('authgate check --json', () => {
  test('prints one object with the documented keys', async () => {
    const run = await authgate(['check', '--from-received', ...offline, '--json', SIGNED]);
    expect(run.code).toBe(0);
    const json = JSON.parse(run.stdout);
    expect(Object.keys(json)).toEqual(['source', 'envelope', 'message', 'spf', 'dkim', 'dmarc', 'authenticationResults', 'receivedSpf']);
    expect(json.source).toBe(SIGNED);
    expect(json.envelope).toEqual({
      ip: '192.0.2.25', helo: 'mail.example.com', mailFrom: 'alice@example.com',
      origin: { ip: 'received', helo: 'received', mailFrom: 'return-path' },
    });
    expect(json.message).toEqual({ ok: true });
    expect(json.spf).toMatchObject({
      result: 'pass', identity: 'mailfrom', domain: 'example.com', sender: 'alice@example.com',
      mechanism: 'include:_spf.example.com', lookups: 1, voidLookups: 0,
      helo: { result: 'pass', identity: 'helo', domain: 'mail.example.com', mechanism: 'a' },
    });
    expect(typeof json.spf.queries).toBe('number');
    expect(json.dkim).toEqual([
      expect.objectContaining({ result: 'pass', domain: 'example.com', selector: 'quickstart', algorithm: 'rsa-sha256', keyBits: 2048, identity: '@example.com' }),
    ]);
    expect(json.dkim[0].signature).toMatch(/^rgzVL12a[A-Za-z0-9+/=]+$/);
    expect(json.dmarc).toEqual({
      result: 'pass', authorDomain: 'example.com', authorDomains: ['example.com'], policyDomain: 'example.com',
      organizationalDomain: 'example.com', policy: 'reject', policySource: 'p', disposition: 'none', testing: false,
      alignment: { spf: true, dkim: true, spfDomain: 'example.com', dkimDomain: 'example.com' },
      rua: ['mailto:dmarc-reports@example.com'], ruf: [],
    });
    expect(json.authenticationResults).toBe(QUICKSTART_RESULTS.replace(/\n/g, '\r\n'));
    expect(json.receivedSpf).toMatch(/^Received-SPF: pass /);
  });

  test('a message that is not signed: dkim is one "none" entry', async () => {
    const run = await authgate(['check', ...QUICKSTART_ENVELOPE, ...offline, '--json', '-'], { input: fixture(SIGNED).toString('latin1').replace(/DKIM-Signature:[^]*?\r\n(?=From:)/, '') });
    const json = JSON.parse(run.stdout);
    expect(json.dkim).toEqual([expect.objectContaining({ result: 'none' })]);
    expect(json.dmarc.result).toBe('pass');
  });
});

describe('authgate check --save-zone', () => {
  test('writes the answers used; --zone with that file gives the same verdict', async () => {
    const dir = await tempDir();
    try {
      const saved = join(dir.path, 'case.yaml');
      const first = await authgate(['check', '--from-received', ...offline, '--save-zone', saved, SIGNED]);
      expect(first.code).toBe(0);
      expect(first.stderr).toBe(`authgate: DNS answers saved to ${saved}\n`);
      const text = await readFile(saved, 'utf8');
      expect(text).toMatch(/^# DNS answers recorded by "authgate check" at .*\n# Replay offline with: --zone .* --now /);
      expect(text).toContain('quickstart._domainkey.example.com:');
      const replay = await authgate(['check', '--from-received', '--zone', saved, '--authserv-id', 'mx.example.net', SIGNED]);
      expect(replay).toEqual({ code: 0, stdout: first.stdout, stderr: '' });
    } finally {
      await dir.remove();
    }
  });

  test.for([
    ['/nonexistent/dir/case.yaml', 'authgate: /nonexistent/dir/case.yaml: its directory does not exist or is not writable\n', 'a directory that does not exist'],
    ['/tmp', 'authgate: /tmp: is a directory; give a file name\n', 'a directory'],
    ['', 'authgate: --save-zone needs a file name\n', 'nothing'],
  ] as const)('refuses %j before checking anything (%s)', async ([path, stderr]) => {
    const run = await authgate(['check', '--from-received', ...offline, '--save-zone', path, SIGNED]);
    expect(run).toEqual({ code: 2, stdout: '', stderr });
  });
});

describe('authgate check --from-received', () => {
  test('takes MAIL FROM from envelope-from in the Received field when there is one (Exim)', async () => {
    const exim = tampered(SIGNED, 'Received: from mail.example.com (mail.example.com [192.0.2.25])\r\n\tby mx.example.net (Postfix) with ESMTPS id 4QkZ3x1ABC\r\n',
      'Received: from mail.example.com ([192.0.2.25] helo=mail.example.com)\r\n\tby mx.example.net with esmtps (Exim 4.96) (envelope-from <bounces@example.com>) id 1\r\n');
    const run = await authgate(['check', '--from-received', ...offline, '--json', '-'], { input: exim });
    const json = JSON.parse(run.stdout);
    expect(json.envelope).toEqual({
      ip: '192.0.2.25', helo: 'mail.example.com', mailFrom: 'bounces@example.com',
      origin: { ip: 'received', helo: 'received', mailFrom: 'received' },
    });
    expect(json.spf.sender).toBe('bounces@example.com');
  });

  test('a top Received field from an internal hop is used as told, with a warning in text and JSON', async () => {
    const reinjected = tampered(SIGNED, 'Received: from mail.example.com (mail.example.com [192.0.2.25])', 'Received: from localhost (localhost [127.0.0.1])');
    const warning = '127.0.0.1 is an internal address: the top Received field was added by an internal hop (a filter, LMTP), so SPF about it says nothing; give --ip and --helo of the server that connected from outside';
    const text = await authgate(['check', '--from-received', ...offline, '-'], { input: reinjected });
    expect(text.stdout.split('\n')[1]).toBe(`# warning: ${warning}`);
    const json = await authgate(['check', '--from-received', ...offline, '--json', '-'], { input: reinjected });
    expect(JSON.parse(json.stdout).envelope).toMatchObject({ ip: '127.0.0.1', warning });
    // Given as an option, the address is what the user meant: no warning.
    const given = await authgate(['check', '--from-received', '--ip', '127.0.0.1', ...offline, '--json', '-'], { input: reinjected });
    expect(JSON.parse(given.stdout).envelope).not.toHaveProperty('warning');
  });

  test('an option overrides what the message says', async () => {
    const run = await authgate(['check', '--from-received', '--ip', '203.0.113.9', ...offline, '--json', SIGNED]);
    const json = JSON.parse(run.stdout);
    expect(json.envelope.ip).toBe('203.0.113.9');
    expect(json.envelope.origin).toEqual({ ip: 'option', helo: 'received', mailFrom: 'return-path' });
    expect(json.spf.result).toBe('fail');
  });

  test.for([
    ['no Received field', /Received:[^]*?\r\n(?=DKIM-Signature:)/, '', 'authgate: -: no Received field to take the client address from: give --ip\n'],
    ['no Return-Path field', /^Return-Path: <alice@example.com>\r\n/, '', 'authgate: -: no Return-Path field to take MAIL FROM from: give --mail-from\n'],
  ] as const)('%s: one line on stderr, exit 2', async ([, pattern, replacement, stderr]) => {
    const input = fixture(SIGNED).toString('latin1').replace(pattern, replacement);
    const run = await authgate(['check', '--from-received', ...offline, '-'], { input });
    expect(run).toEqual({ code: 2, stdout: '', stderr });
  });
});

describe('authgate check, an input that is not a message', () => {
  test.for([
    ['plain text', 'hello world\n', 'not an email message (line 1 is not "name: value")'],
    ['an empty file', '', 'not an email message (no bytes)'],
    ['a header without From', 'Subject: hi\r\n\r\nbody\r\n', 'not an email message (no From field; RFC 5322 §3.6 requires one)'],
    ['binary', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d]), 'not an email message'],
  ] as const)('%s', async ([, input, message]) => {
    const dir = await tempDir();
    try {
      const path = join(dir.path, 'input.eml');
      await writeFile(path, input);
      const run = await authgate(['check', ...QUICKSTART_ENVELOPE, ...offline, path]);
      expect(run.code).toBe(2);
      expect(run.stdout).toBe('');
      expect(run.stderr.startsWith(`authgate: ${path}: ${message}`)).toBe(true);
      expect(run.stderr.trimEnd().split('\n')).toHaveLength(1);
    } finally {
      await dir.remove();
    }
  });
});
