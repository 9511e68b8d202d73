import { execFileSync } from 'node:child_process';
import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { authgate, ensureBuilt } from './helpers/binary.js';
import { fixture, FROM_LINES, MAILDIR, MBOX, QUICKSTART_ZONE, SIGNED, tampered, tempDir } from './helpers/fixtures.js';
import { jsonLines } from './helpers/json.js';

beforeAll(ensureBuilt);

const offline = ['--zone', QUICKSTART_ZONE, '--authserv-id', 'mx.example.net'];

describe('Maildir', () => {
  test('checks cur/ and new/ in delivery order, skips tmp/', async () => {
    const run = await authgate(['check', '--from-received', ...offline, '--jsonl', MAILDIR]);
    expect(run.code).toBe(0);
    const lines = jsonLines(run.stdout);
    expect(lines.map((line) => line.source)).toEqual([
      join(MAILDIR, 'cur/1767268831.M1P100.mx.example.net:2,S'),
      join(MAILDIR, 'new/1767269131.M2P100.mx.example.net'),
    ]);
    // Stored with LF line ends, both still verify: the CLI restores CRLF before DKIM hashes.
    expect(lines.map((line) => [line.spf.result, line.dkim[0].result, line.dmarc.result])).toEqual([['pass', 'pass', 'pass'], ['pass', 'pass', 'pass']]);
    expect(lines[1].dkim[0].algorithm).toBe('ed25519-sha256');
  });

  test('text output: a heading per message and the summary', async () => {
    const run = await authgate(['check', '--from-received', ...offline, MAILDIR]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`# ${join(MAILDIR, 'cur/1767268831.M1P100.mx.example.net:2,S')}\n# envelope from the message:`);
    expect(run.stdout).toContain(`\n\n# ${join(MAILDIR, 'new/1767269131.M2P100.mx.example.net')}\n`);
    expect(run.stdout.endsWith('\n2 messages checked\n  SPF:   pass 2\n  DKIM:  pass 2\n  DMARC: pass 2\n')).toBe(true);
  });
});

describe('mbox', () => {
  test('splits an mboxrd and unescapes >From lines, so DKIM still verifies', async () => {
    const run = await authgate(['check', '--from-received', ...offline, '--jsonl', MBOX]);
    expect(run.code).toBe(0);
    const lines = jsonLines(run.stdout);
    expect(lines.map((line) => line.source)).toEqual([`${MBOX}#1`, `${MBOX}#2`]);
    // The second message's body has lines starting with "From " that the mbox had to quote.
    expect(lines.map((line) => line.dkim[0].result)).toEqual(['pass', 'pass']);
  });

  test('read as mboxo, a quoted ">From" line written by the sender loses its ">" and DKIM fails', async () => {
    const run = await authgate(['dkim', 'verify', '--zone', QUICKSTART_ZONE, '--mbox-format', 'mboxo', '--jsonl', MBOX]);
    expect(jsonLines(run.stdout).map((line) => line.dkim[0].result)).toEqual(['pass', 'fail']);
  });

  test('an mbox on standard input with --mbox', async () => {
    const run = await authgate(['check', '--from-received', ...offline, '--mbox', '--jsonl', '-'], { input: fixture(MBOX) });
    expect(jsonLines(run.stdout).map((line) => line.source)).toEqual(['-#1', '-#2']);
  });

  test('a file starting with a From line is read as an mbox without --mbox', async () => {
    const run = await authgate(['dkim', 'verify', '--zone', QUICKSTART_ZONE, '--jsonl', MBOX]);
    expect(jsonLines(run.stdout)).toHaveLength(2);
  });

  test('--mbox on a file that is not one: exit 2', async () => {
    const run = await authgate(['check', '--from-received', ...offline, '--mbox', SIGNED]);
    expect(run).toEqual({ code: 2, stdout: '', stderr: `authgate: ${SIGNED}: not an mbox (it does not start with a "From " line)\n` });
  });
});

describe('batches', () => {
  test('the same output whatever the concurrency', async () => {
    const args = ['check', '--from-received', ...offline, '--jsonl', MAILDIR, MBOX, SIGNED, FROM_LINES];
    const one = await authgate([...args, '--concurrency', '1']);
    const many = await authgate([...args, '--concurrency', '6']);
    expect(jsonLines(one.stdout)).toHaveLength(6);
    expect(many.stdout).toBe(one.stdout);
  });

  test('a bad message in a directory: one line for it, the others checked, exit 2, failing domains summed', async () => {
    const dir = await tempDir();
    try {
      await copyFile(SIGNED, join(dir.path, 'a-good.eml'));
      await writeFile(join(dir.path, 'b-not-mail.txt'), 'just some notes\n');
      const foreign = tampered(SIGNED, 'Received: from mail.example.com (mail.example.com [192.0.2.25])', 'Received: from relay.example.org (relay.example.org [203.0.113.9])');
      await writeFile(join(dir.path, 'c-forged.eml'), Buffer.from(foreign.toString('latin1').replace('Hello Bob', 'Hello Eve'), 'latin1'));
      await writeFile(join(dir.path, '.hidden.eml'), 'not read');
      await mkdir(join(dir.path, 'subdir'));
      const run = await authgate(['check', '--from-received', ...offline, dir.path]);
      expect(run.code).toBe(2);
      expect(run.stderr).toBe(`authgate: ${join(dir.path, 'b-not-mail.txt')}: not an email message (line 1 is not "name: value")\n`);
      expect(run.stdout).toContain(`# ${join(dir.path, 'a-good.eml')}\n`);
      expect(run.stdout).toContain(`# ${join(dir.path, 'c-forged.eml')}\n`);
      expect(run.stdout.slice(run.stdout.lastIndexOf('\n\n') + 2)).toBe([
        '2 messages checked, 1 could not be checked',
        '  SPF:   pass 1, fail 1',
        '  DKIM:  pass 1, fail 1',
        '  DMARC: pass 1, fail 1',
        'Top failing domains:',
        '  example.com  dmarc 1, spf 1, dkim 1',
        '',
      ].join('\n'));
    } finally {
      await dir.remove();
    }
  });

  test('--fail-on in a batch: exit 1 when any message fails', async () => {
    const dir = await tempDir();
    try {
      await copyFile(SIGNED, join(dir.path, 'good.eml'));
      await writeFile(join(dir.path, 'bad.eml'), tampered(SIGNED, 'Hello Bob', 'Hello Eve'));
      const run = await authgate(['dkim', 'verify', '--zone', QUICKSTART_ZONE, '--fail-on', 'dkim', dir.path]);
      expect(run.code).toBe(1);
      expect(run.stdout).toContain('Top failing domains:\n  example.com  dkim 1\n');
    } finally {
      await dir.remove();
    }
  });

  test('an input error wins over a failing verdict: exit 2, not 1', async () => {
    const dir = await tempDir();
    try {
      await writeFile(join(dir.path, 'a-forged.eml'), tampered(SIGNED, 'Hello Bob', 'Hello Eve'));
      await writeFile(join(dir.path, 'b-junk.eml'), 'junk\n');
      const run = await authgate(['dkim', 'verify', '--zone', QUICKSTART_ZONE, '--fail-on', 'dkim', dir.path]);
      expect(run.code).toBe(2);
      expect(run.stdout).toContain('dkim=fail d=example.com');
      expect(run.stderr).toBe(`authgate: ${join(dir.path, 'b-junk.eml')}: not an email message (line 1 is not "name: value")\n`);
    } finally {
      await dir.remove();
    }
  });

  test('a directory without messages: exit 2 before anything is checked', async () => {
    const dir = await tempDir();
    try {
      await mkdir(join(dir.path, 'empty'));
      await writeFile(join(dir.path, 'empty', '.dotfile'), 'x');
      const run = await authgate(['check', '--from-received', ...offline, join(dir.path, 'empty')]);
      expect(run).toEqual({ code: 2, stdout: '', stderr: `authgate: ${join(dir.path, 'empty')}: no messages in this directory\n` });
    } finally {
      await dir.remove();
    }
  });

  test('a missing file among several: exit 2 before anything is checked', async () => {
    const run = await authgate(['check', '--from-received', ...offline, SIGNED, 'missing.eml']);
    expect(run).toEqual({ code: 2, stdout: '', stderr: 'authgate: missing.eml: no such file or directory\n' });
  });

  test('a named pipe, as <(command) gives, is read like standard input: a message, then an mbox', async () => {
    const dir = await tempDir();
    try {
      const pipes = [join(dir.path, 'message'), join(dir.path, 'mailbox')];
      for (const pipe of pipes) execFileSync('mkfifo', [pipe]);
      const running = authgate(['check', '--from-received', ...offline, '--jsonl', ...pipes]);
      // The CLI opens the pipes in argument order; each writer waits until its reader has opened it.
      await writeFile(pipes[0]!, fixture(SIGNED));
      await writeFile(pipes[1]!, fixture(MBOX));
      const run = await running;
      expect(run.code).toBe(0);
      expect(jsonLines(run.stdout).map((line) => [line.source, line.dmarc.result])).toEqual([
        [pipes[0], 'pass'], [`${pipes[1]}#1`, 'pass'], [`${pipes[1]}#2`, 'pass'],
      ]);
    } finally {
      await dir.remove();
    }
  });

  test('progress and colour stay off when output is piped', async () => {
    const run = await authgate(['check', '--from-received', ...offline, MAILDIR, MBOX]);
    expect(run.stdout + run.stderr).not.toMatch(/\u001b\[/);
    expect(run.stderr).toBe('');
  });
});
