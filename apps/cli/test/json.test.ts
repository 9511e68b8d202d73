import { copyFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { authgate, ensureBuilt } from './helpers/binary.js';
import { FROM_LINES, MAILDIR, MBOX, QUICKSTART_ZONE, SIGNED, tempDir } from './helpers/fixtures.js';
import { jsonLines, jsonObjects } from './helpers/json.js';

beforeAll(ensureBuilt);

const offline = ['--zone', QUICKSTART_ZONE, '--authserv-id', 'mx.example.net'];
const CHECK_KEYS = ['source', 'envelope', 'message', 'spf', 'dkim', 'dmarc', 'authenticationResults', 'receivedSpf'];

describe('--json: one object per message, whatever the number of inputs', () => {
  test('a batch prints one object per message, each the object that message alone gives', async () => {
    const alone = await authgate(['check', '--from-received', ...offline, '--json', SIGNED]);
    const batch = await authgate(['check', '--from-received', ...offline, '--json', SIGNED, FROM_LINES]);
    expect(batch.code).toBe(0);
    const objects = jsonObjects(batch.stdout);
    expect(objects.map((object) => object.source)).toEqual([SIGNED, FROM_LINES]);
    for (const object of objects) expect(Object.keys(object)).toEqual(CHECK_KEYS);
    expect(batch.stdout.startsWith(alone.stdout)).toBe(true);
    // The summary is for people: on stderr, never mixed into the objects.
    expect(batch.stderr).toBe('2 messages checked\n  SPF:   pass 2\n  DKIM:  pass 2\n  DMARC: pass 2\n');
  });

  test('a directory of one message is an object too, not an array', async () => {
    const dir = await tempDir();
    try {
      await copyFile(SIGNED, join(dir.path, 'only.eml'));
      const run = await authgate(['check', '--from-received', ...offline, '--json', dir.path]);
      expect(run.code).toBe(0);
      expect(run.stdout.startsWith('{\n')).toBe(true);
      expect(JSON.parse(run.stdout).source).toBe(join(dir.path, 'only.eml'));
    } finally {
      await dir.remove();
    }
  });

  test('--json and --jsonl carry the same objects', async () => {
    const inputs = [MAILDIR, MBOX];
    const pretty = await authgate(['check', '--from-received', ...offline, '--json', ...inputs]);
    const lines = await authgate(['check', '--from-received', ...offline, '--jsonl', ...inputs]);
    expect(jsonObjects(pretty.stdout)).toHaveLength(4);
    expect(jsonObjects(pretty.stdout)).toEqual(jsonLines(lines.stdout));
  });

  test('dkim verify --json on a Maildir: one { source, dkim } object per message', async () => {
    const run = await authgate(['dkim', 'verify', '--zone', QUICKSTART_ZONE, '--json', MAILDIR]);
    const objects = jsonObjects(run.stdout);
    expect(objects.map((object) => Object.keys(object))).toEqual([['source', 'dkim'], ['source', 'dkim']]);
    expect(objects.map((object) => object.dkim[0].result)).toEqual(['pass', 'pass']);
  });
});

describe('an input that could not be checked is an object with "error" in the JSON modes', () => {
  async function mixedDirectory(): Promise<{ path: string; remove(): Promise<void> }> {
    const dir = await tempDir();
    await copyFile(SIGNED, join(dir.path, 'a-good.eml'));
    await writeFile(join(dir.path, 'b-notes.txt'), 'just some notes\n');
    await copyFile(FROM_LINES, join(dir.path, 'c-good.eml'));
    return dir;
  }

  test.for([
    ['check', '--jsonl', jsonLines],
    ['check', '--json', jsonObjects],
    ['dkim verify', '--jsonl', jsonLines],
    ['dkim verify', '--json', jsonObjects],
  ] as const)('%s %s: in its place, its line on stderr too, exit 2', async ([command, flag, read]) => {
    const dir = await mixedDirectory();
    try {
      const args = command === 'check' ? ['check', '--from-received', ...offline] : ['dkim', 'verify', '--zone', QUICKSTART_ZONE];
      const run = await authgate([...args, flag, dir.path]);
      expect(run.code).toBe(2);
      const objects = read(run.stdout);
      expect(objects.map((object) => object.source)).toEqual(['a-good.eml', 'b-notes.txt', 'c-good.eml'].map((name) => join(dir.path, name)));
      expect(objects[1]).toEqual({
        source: join(dir.path, 'b-notes.txt'),
        error: { code: 'not-an-email', message: 'not an email message (line 1 is not "name: value")' },
      });
      expect(run.stderr.split('\n')[0]).toBe(`authgate: ${join(dir.path, 'b-notes.txt')}: not an email message (line 1 is not "name: value")`);
    } finally {
      await dir.remove();
    }
  });

  test('a single message that is not an email', async () => {
    const run = await authgate(['check', '--from-received', ...offline, '--json', '-'], { input: 'hello\n' });
    expect(run.code).toBe(2);
    expect(JSON.parse(run.stdout)).toEqual({ source: '-', error: { code: 'not-an-email', message: 'not an email message (line 1 is not "name: value")' } });
    expect(run.stderr).toBe('authgate: -: not an email message (line 1 is not "name: value")\n');
  });

  test('a message whose envelope cannot be read (--from-received): code no-envelope', async () => {
    const noReceived = Buffer.from('From: a@example.com\r\nSubject: x\r\n\r\nbody\r\n');
    const run = await authgate(['check', '--from-received', ...offline, '--jsonl', '-'], { input: noReceived });
    expect(run.code).toBe(2);
    expect(jsonLines(run.stdout)).toEqual([{ source: '-', error: { code: 'no-envelope', message: 'no Received field to take the client address from: give --ip' } }]);
  });

  test('text mode keeps stdout for results: the error is only on stderr', async () => {
    const run = await authgate(['check', '--from-received', ...offline, '-'], { input: 'hello\n' });
    expect(run).toEqual({ code: 2, stdout: '', stderr: 'authgate: -: not an email message (line 1 is not "name: value")\n' });
  });
});
