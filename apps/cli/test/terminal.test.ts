import { beforeAll, describe, expect, test } from 'vitest';
import { authgate, authgateOnTty, ensureBuilt } from './helpers/binary.js';
import { MAILDIR, QUICKSTART_ENVELOPE, QUICKSTART_ZONE, SIGNED } from './helpers/fixtures.js';

beforeAll(ensureBuilt);

const offline = ['--zone', QUICKSTART_ZONE, '--authserv-id', 'mx.example.net'];
const GREEN_PASS = '\u001b[32mpass\u001b[0m';
const PROGRESS = /\r\u001b\[2K\[[#.]+\] 1\/2 messages/;

describe('on a terminal', () => {
  test('verdicts are coloured', async () => {
    const run = await authgateOnTty(['check', ...QUICKSTART_ENVELOPE, ...offline, SIGNED]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`spf=${GREEN_PASS} smtp.mailfrom=alice@example.com`);
    expect(run.stdout).toContain(`dmarc=${GREEN_PASS}`);
  });

  test('NO_COLOR turns colour off', async () => {
    const run = await authgateOnTty(['check', ...QUICKSTART_ENVELOPE, ...offline, SIGNED], { NO_COLOR: '1' });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('spf=pass smtp.mailfrom=alice@example.com');
    expect(run.stdout).not.toContain('\u001b[');
  });

  test('an empty NO_COLOR does not (no-color.org)', async () => {
    const run = await authgateOnTty(['check', ...QUICKSTART_ENVELOPE, ...offline, SIGNED], { NO_COLOR: '' });
    expect(run.stdout).toContain(GREEN_PASS);
  });

  test('TERM=dumb turns colour off', async () => {
    const run = await authgateOnTty(['check', ...QUICKSTART_ENVELOPE, ...offline, SIGNED], { TERM: 'dumb' });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('spf=pass smtp.mailfrom=alice@example.com');
    expect(run.stdout).not.toContain('\u001b[');
  });

  test('a batch shows a progress bar on stderr, erased at the end', async () => {
    const run = await authgateOnTty(['check', '--from-received', ...offline, MAILDIR]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(PROGRESS);
    // The bar's line is erased before the summary is written.
    expect(run.stdout).toMatch(/\r\u001b\[2K\r\n\u001b\[1m2 messages checked\u001b\[0m/);
  });

  test('a single message shows no progress bar', async () => {
    const run = await authgateOnTty(['check', ...QUICKSTART_ENVELOPE, ...offline, SIGNED]);
    expect(run.stdout).not.toContain('messages');
  });
});

describe('piped', () => {
  test('no colour and no progress bar', async () => {
    const run = await authgate(['check', '--from-received', ...offline, MAILDIR]);
    expect(run.code).toBe(0);
    expect(run.stdout).not.toContain('\u001b[');
    expect(run.stderr).toBe('');
  });
});
