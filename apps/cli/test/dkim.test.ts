import { chmod, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { authgate, ensureBuilt } from './helpers/binary.js';
import { ED2026_PUBLIC, ED25519_KEY, fixture, FROM_LINES, QUICKSTART_ZONE, RSA_KEY, SIGNED, tampered, tempDir, UNSIGNED, UNUSABLE_KEYS } from './helpers/fixtures.js';

beforeAll(ensureBuilt);

describe('authgate dkim verify', () => {
  test('text: one line per signature with its tags', async () => {
    const run = await authgate(['dkim', 'verify', '--zone', QUICKSTART_ZONE, SIGNED]);
    expect(run).toEqual({ code: 0, stdout: 'dkim=pass d=example.com s=quickstart a=rsa-sha256 i=@example.com key=2048 bits\n', stderr: '' });
  });

  test('a changed body: fail, with the reason', async () => {
    const run = await authgate(['dkim', 'verify', '--zone', QUICKSTART_ZONE, '-'], { input: tampered(SIGNED, 'Hello Bob', 'Hello Eve') });
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('dkim=fail d=example.com s=quickstart a=rsa-sha256 i=@example.com key=2048 bits\n  body hash did not verify\n');
  });

  test('--json: the documented keys', async () => {
    const run = await authgate(['dkim', 'verify', '--zone', QUICKSTART_ZONE, '--json', SIGNED]);
    const json = JSON.parse(run.stdout);
    expect(Object.keys(json)).toEqual(['source', 'dkim']);
    expect(json.dkim).toEqual([expect.objectContaining({ result: 'pass', domain: 'example.com', selector: 'quickstart', keyBits: 2048 })]);
  });

  test('an unsigned message: none', async () => {
    const run = await authgate(['dkim', 'verify', '--zone', QUICKSTART_ZONE, '--json', UNSIGNED]);
    expect(JSON.parse(run.stdout).dkim).toEqual([expect.objectContaining({ result: 'none' })]);
  });

  test('--min-rsa-bits above the key size: policy', async () => {
    const run = await authgate(['dkim', 'verify', '--zone', QUICKSTART_ZONE, '--min-rsa-bits', '4096', '--json', SIGNED]);
    expect(JSON.parse(run.stdout).dkim[0].result).toBe('policy');
  });

  test('--save-zone records the key lookup, and replays to the same output', async () => {
    const dir = await tempDir();
    try {
      const saved = join(dir.path, 'key.yaml');
      const first = await authgate(['dkim', 'verify', '--zone', QUICKSTART_ZONE, '--save-zone', saved, SIGNED]);
      const replay = await authgate(['dkim', 'verify', '--zone', saved, SIGNED]);
      expect(replay.stdout).toBe(first.stdout);
      expect(await readFile(saved, 'utf8')).toContain('quickstart._domainkey.example.com:');
    } finally {
      await dir.remove();
    }
  });
});

describe('authgate dkim sign', () => {
  test.for([
    ['rsa-sha256', RSA_KEY, 'quickstart', 2048],
    ['ed25519-sha256', ED25519_KEY, 'ed2026', 256],
  ] as const)('signs with %s; the result verifies', async ([algorithm, key, selector, bits]) => {
    const signed = await authgate(['dkim', 'sign', '--domain', 'example.com', '--selector', selector, '--key', key, UNSIGNED]);
    expect(signed.code).toBe(0);
    expect(signed.stdout).toMatch(new RegExp(`^DKIM-Signature: v=1; a=${algorithm}; c=relaxed/relaxed; d=example.com;\\n s=${selector};`));
    // The source is stored with LF line ends, and so is the output.
    expect(signed.stdout).not.toContain('\r');
    expect(signed.stdout.endsWith(fixture(UNSIGNED).toString('utf8'))).toBe(true);
    const verified = await authgate(['dkim', 'verify', '--zone', QUICKSTART_ZONE, '--json', '-'], { input: signed.stdout });
    expect(JSON.parse(verified.stdout).dkim).toEqual([expect.objectContaining({ result: 'pass', algorithm, keyBits: bits })]);
  });

  test('reads standard input; keeps CRLF input as CRLF; --headers and --canonicalization are written as asked', async () => {
    const crlf = fixture(UNSIGNED).toString('latin1').replace(/\n/g, '\r\n');
    const run = await authgate(['dkim', 'sign', '--domain', 'example.com', '--selector', 'quickstart', '--key', RSA_KEY,
      '--headers', 'from,to,subject,date', '--canonicalization', 'simple/simple', '--now', '1767268830'], { input: crlf });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('\r\n');
    expect(run.stdout).toMatch(/^DKIM-Signature: v=1; a=rsa-sha256; c=simple\/simple; d=example.com;\r\n s=quickstart; t=1767268830; h=from:to:subject:date;/);
    const verified = await authgate(['dkim', 'verify', '--zone', QUICKSTART_ZONE, '--now', '1767268900', '-'], { input: run.stdout });
    expect(verified.stdout).toMatch(/^dkim=pass /);
  });

  test.for([
    [['--key', '/nonexistent.pem'], 'authgate: --key /nonexistent.pem: no such file or directory\n', 'a missing key'],
    [['--key', SIGNED], `authgate: --key ${SIGNED}: not a PEM private key\n`, 'a file that is not a key'],
    [['--key', RSA_KEY, '--algorithm', 'ed25519-sha256'], `authgate: --key ${RSA_KEY} is for rsa-sha256, not ed25519-sha256\n`, 'the wrong algorithm'],
    [['--key', RSA_KEY, '--domain', 'not a domain'], 'authgate: --domain was given more than once\n', 'a repeated option'],
    [['--key', RSA_KEY, '--headers', 'to,subject'], 'authgate: dkim: headers must include From (RFC 6376 §5.4)\n', 'h= without From'],
  ] as const)('%j: exit 2 (%s)', async ([flags, stderr]) => {
    const run = await authgate(['dkim', 'sign', '--domain', 'example.com', '--selector', 'quickstart', ...flags, UNSIGNED]);
    expect(run).toEqual({ code: 2, stdout: '', stderr });
  });

  test('refuses to sign what is not a message', async () => {
    const run = await authgate(['dkim', 'sign', '--domain', 'example.com', '--selector', 'quickstart', '--key', RSA_KEY, '-'], { input: 'no header here\n' });
    expect(run).toEqual({ code: 2, stdout: '', stderr: 'authgate: standard input: not an email message (line 1 is not "name: value")\n' });
  });

  test.for([
    ['encrypted.private', 'an encrypted private key; give it unencrypted (openssl pkey -in KEY -out PLAIN), readable only by its user'],
    ['quickstart.public', 'a public key; sign with the private key it belongs to'],
    ['ec-p256.private', 'the key is EC; DKIM signs with RSA or Ed25519 (RFC 8301, RFC 8463)'],
    ['rsa-512.private', 'a 512-bit RSA key is under 1024 bits (RFC 8301 §3.2)'],
  ] as const)('refuses the key %s: one line naming the file, exit 2', async ([file, why]) => {
    const key = join(UNUSABLE_KEYS, file);
    const run = await authgate(['dkim', 'sign', '--domain', 'example.com', '--selector', 'quickstart', '--key', key, UNSIGNED]);
    expect(run).toEqual({ code: 2, stdout: '', stderr: `authgate: --key ${key}: ${why}\n` });
  });
});

describe('authgate dkim verify, broken key records: a result, never a crash (RFC 6376 §3.6.1)', () => {
  // Baseline: from-lines-signed.eml verifies with this record; each case changes one thing.
  test.for([
    ['a repeated tag (RFC 6376 §3.2: the tag-list is invalid)', `v=DKIM1; k=ed25519; k=ed25519; p=${ED2026_PUBLIC}`, 'key record: tag k= appears twice'],
    ['an empty p= (revoked)', 'v=DKIM1; k=ed25519; p=', 'key revoked'],
    ['v= not first', `k=ed25519; p=${ED2026_PUBLIC}; v=DKIM1`, 'key record: v= is not the first tag'],
    ['a key type that is not the signature\'s', `v=DKIM1; k=rsa; p=${ED2026_PUBLIC}`, 'key is k=rsa, signature is ed25519-sha256'],
  ] as const)('%s: permerror, exit 0', async ([, record, reason]) => {
    const dir = await tempDir();
    try {
      const zone = join(dir.path, 'zone.yaml');
      await writeFile(zone, `ed2026._domainkey.example.com:\n  - TXT: ${JSON.stringify(record)}\n`);
      const run = await authgate(['dkim', 'verify', '--zone', zone, FROM_LINES]);
      expect(run).toEqual({ code: 0, stderr: '', stdout: `dkim=permerror d=example.com s=ed2026 a=ed25519-sha256 i=@example.com\n  ${reason}\n` });
    } finally {
      await dir.remove();
    }
  });

  test('the baseline record verifies', async () => {
    const dir = await tempDir();
    try {
      const zone = join(dir.path, 'zone.yaml');
      await writeFile(zone, `ed2026._domainkey.example.com:\n  - TXT: "v=DKIM1; k=ed25519; p=${ED2026_PUBLIC}"\n`);
      const run = await authgate(['dkim', 'verify', '--zone', zone, FROM_LINES]);
      expect(run).toEqual({ code: 0, stderr: '', stdout: 'dkim=pass d=example.com s=ed2026 a=ed25519-sha256 i=@example.com key=256 bits\n' });
    } finally {
      await dir.remove();
    }
  });
});

describe('authgate dkim keygen', () => {
  test.for([
    [['--algorithm', 'rsa', '--bits', '1024'], 'rsa', /^v=DKIM1; k=rsa; p=[A-Za-z0-9+/=]{200,}$/],
    [['--algorithm', 'ed25519'], 'ed25519', /^v=DKIM1; k=ed25519; p=[A-Za-z0-9+/]{43}=$/],
  ] as const)('%j: writes a 0600 key, prints a record that signs and verifies', async ([flags, , record]) => {
    const dir = await tempDir();
    try {
      const out = join(dir.path, 'new.private');
      const run = await authgate(['dkim', 'keygen', ...flags, '--selector', 'fresh', '--domain', 'example.com', '--out', out, '--json']);
      expect(run.code).toBe(0);
      const json = JSON.parse(run.stdout);
      expect(json.privateKeyFile).toBe(out);
      expect(json.name).toBe('fresh._domainkey.example.com');
      expect(json.record).toMatch(record);
      expect((await stat(out)).mode & 0o777).toBe(0o600);
      const zone = join(dir.path, 'zone.yaml');
      await writeFile(zone, `fresh._domainkey.example.com:\n  - TXT: ${JSON.stringify(json.record)}\n`);
      const signed = await authgate(['dkim', 'sign', '--domain', 'example.com', '--selector', 'fresh', '--key', out, UNSIGNED]);
      const verified = await authgate(['dkim', 'verify', '--zone', zone, '-'], { input: signed.stdout });
      expect(verified.stdout).toMatch(/^dkim=pass d=example.com s=fresh/);
    } finally {
      await dir.remove();
    }
  });

  test('text: the key file and the zone line, split into 255-octet strings', async () => {
    const dir = await tempDir();
    try {
      const run = await authgate(['dkim', 'keygen', '--selector', 's2026', '--domain', 'example.com'], { cwd: dir.path });
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(/^Private key \(rsa-sha256, 2048 bits\) written to s2026\.private; keep it secret\.\nPublish this TXT record:\n\ns2026\._domainkey\.example\.com\. IN TXT \( "v=DKIM1; k=rsa; p=[^"]{237}"\n        "[^"]+" \)\n$/);
      expect((await stat(join(dir.path, 's2026.private'))).isFile()).toBe(true);
    } finally {
      await dir.remove();
    }
  });

  test('never overwrites a key without --force', async () => {
    const dir = await tempDir();
    try {
      const out = join(dir.path, 'k.private');
      await writeFile(out, 'precious');
      const run = await authgate(['dkim', 'keygen', '--algorithm', 'ed25519', '--out', out]);
      expect(run).toEqual({ code: 2, stdout: '', stderr: `authgate: ${out}: already exists (use --force to overwrite, or --out)\n` });
      expect(await readFile(out, 'utf8')).toBe('precious');
      await chmod(out, 0o644);
      const forced = await authgate(['dkim', 'keygen', '--algorithm', 'ed25519', '--out', out, '--force']);
      expect(forced.code).toBe(0);
      expect(await readFile(out, 'utf8')).toMatch(/^-----BEGIN PRIVATE KEY-----/);
      // The old file was world-readable; the key it now holds is not.
      expect((await stat(out)).mode & 0o777).toBe(0o600);
    } finally {
      await dir.remove();
    }
  });

  test.for([
    [['--bits', '512'], 'authgate: --bits must be a whole number from 1024 to 8192\n'],
    [['--algorithm', 'ed25519', '--bits', '2048'], 'authgate: --bits applies to RSA keys only (Ed25519 keys are 256 bits)\n'],
    [['--selector', 'bad selector'], 'authgate: --selector "bad selector": a selector is DNS labels (letters, digits, hyphens, dots)\n'],
  ] as const)('%j: exit 2', async ([flags, stderr]) => {
    const run = await authgate(['dkim', 'keygen', ...flags, '--out', '/nonexistent/never-written']);
    expect(run).toEqual({ code: 2, stdout: '', stderr });
  });
});
