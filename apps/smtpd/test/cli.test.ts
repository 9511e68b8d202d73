import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { fixturePath } from './helpers/fixtures.js';
import { headerLines, messageFrom } from './helpers/messages.js';
import { startSink, type Sink } from './helpers/sink.js';
import { TestClient } from './helpers/smtp-client.js';

/**
 * The built `authgate-smtpd` binary, as an operator runs it. `pnpm test` builds every package
 * first; when this file runs alone and the build is missing or older than the sources, it builds
 * (`pnpm --filter "@authgate/smtpd..." build`) before starting.
 */
const PACKAGE = path.resolve(import.meta.dirname, '..');
const MAIN = path.join(PACKAGE, 'dist', 'main.js');

async function ensureBuilt(): Promise<void> {
  const sources = await readdir(path.join(PACKAGE, 'src'), { recursive: true });
  const newest = Math.max(...(await Promise.all(sources.map((name) => stat(path.join(PACKAGE, 'src', name)).then((s) => s.mtimeMs)))));
  if (existsSync(MAIN) && (await stat(MAIN)).mtimeMs >= newest) return;
  await promisify(execFile)('pnpm', ['--filter', '@authgate/smtpd...', 'build'], { cwd: PACKAGE });
}

interface Running {
  child: ChildProcess;
  port: number;
  /** stdout lines (JSON logs) so far. */
  lines: Array<Record<string, unknown>>;
  stderr: () => string;
  exit: Promise<number | null>;
}

let sink: Sink;
let scratch: string;
const running: ChildProcess[] = [];

beforeAll(async () => {
  await ensureBuilt();
  sink = await startSink();
  scratch = await mkdtemp(path.join(os.tmpdir(), 'authgate-smtpd-cli-'));
});
afterEach(() => {
  for (const child of running.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});
afterAll(async () => {
  await sink?.close();
  if (scratch !== undefined) await rm(scratch, { recursive: true, force: true });
});

function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [MAIN, ...args], { env: { ...process.env, AUTHGATE_SMTPD_LOG__LEVEL: 'info' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Starts the binary and waits for its "listening" log line. */
async function start(args: string[]): Promise<Running> {
  const child = spawn(process.execPath, [MAIN, '--listen', '127.0.0.1:0', '--metrics', 'off', ...args]);
  running.push(child);
  const lines: Array<Record<string, unknown>> = [];
  let stderr = '';
  let partial = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      partial += chunk.toString();
      const complete = partial.split('\n');
      partial = complete.pop()!;
      for (const line of complete) {
        const entry = JSON.parse(line) as Record<string, unknown>;
        lines.push(entry);
        if (entry['event'] === 'listening') resolve((entry['smtp'] as Array<{ port: number }>)[0]!.port);
      }
    });
    exit.then((code) => reject(new Error(`exited with ${code}: ${stderr}`)));
  });
  return { child, port, lines, stderr: () => stderr, exit };
}

async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  expect(condition()).toBe(true);
}

const flags = () => ['--relay', `127.0.0.1:${sink.port}`, '--domains', 'authgate.test', '--authserv-id', 'authgate.test', '--hostname', 'mx.authgate.test', '--zone', fixturePath('smtpd/zone.yaml')];

describe('authgate-smtpd', () => {
  test('--check-config: 0 and a summary for a valid configuration', async () => {
    const result = await run(['--config', fixturePath('smtpd/config/basic.yaml'), '--check-config']);
    expect(result).toMatchObject({ code: 0, stdout: expect.stringContaining('configuration OK') });
    expect(result.stdout).toContain('relay:       127.0.0.1:10025');
  });

  test('--check-config: 78 and one line per mistake', async () => {
    const file = path.join(scratch, 'bad.yaml');
    await writeFile(file, 'domains: []\nrelay: { address: "127.0.0.1:99999", tsl: off }\n');
    const result = await run(['--config', file, '--check-config']);
    expect(result.code).toBe(78);
    expect(result.stderr).toContain('domains: list the recipient domains');
    expect(result.stderr).toContain('relay.address: port must be from 0 to 65535 (got 99999) [config-address]');
    expect(result.stderr).toContain('relay.tsl: unknown option (did you mean "tls"?) [config-unknown]');
  });

  test('a usage error exits 64', async () => {
    expect((await run(['--relya', 'x'])).code).toBe(64);
  });

  test('runs from flags alone and stamps what it relays', async () => {
    const filter = await start(flags());
    const client = await TestClient.connect(filter.port);
    expect((await client.sendMail('alice@sender.example', ['bob@authgate.test'], messageFrom('alice@sender.example'))).code).toBe(250);
    await client.quit();
    expect(headerLines(sink.delivered.at(-1)!.data)[0]).toMatch(/^Authentication-Results: authgate\.test; spf=pass/);
    await until(() => filter.lines.some((line) => line['event'] === 'transaction' && line['action'] === 'relayed'));
    filter.child.kill('SIGTERM');
    await expect(filter.exit).resolves.toBe(0);
  });

  test('SIGHUP reloads the file; a broken file is refused and the running configuration stays', async () => {
    const file = path.join(scratch, 'reload.yaml');
    await writeFile(file, 'domains: [authgate.test]\n');
    const filter = await start([...flags().filter((_, i, all) => all[i] !== '--domains' && all[i - 1] !== '--domains'), '--config', file]);
    const client = await TestClient.connect(filter.port);
    await client.send('EHLO client.example');
    await client.send('MAIL FROM:<alice@sender.example>');
    expect((await client.send('RCPT TO:<x@added.example>')).code).toBe(550);
    await writeFile(file, 'domains: [authgate.test, added.example]\n');
    filter.child.kill('SIGHUP');
    await until(() => filter.lines.some((line) => line['event'] === 'reloaded'));
    expect((await client.send('RCPT TO:<x@added.example>')).code).toBe(250);
    await writeFile(file, 'domains: [authgate.test]\nlimits: { maxRecipients: 5 }\n');
    filter.child.kill('SIGHUP');
    await until(() => filter.lines.some((line) => line['event'] === 'reload-refused'));
    expect((await client.send('RCPT TO:<y@added.example>')).code).toBe(250);
    await client.quit();
    filter.child.kill('SIGTERM');
    await expect(filter.exit).resolves.toBe(0);
  });

  test('SIGTERM lets the transaction in flight finish, then exits 0', async () => {
    const filter = await start(flags());
    const client = await TestClient.connect(filter.port);
    await client.send('EHLO client.example');
    await client.send('MAIL FROM:<alice@sender.example>');
    filter.child.kill('SIGTERM');
    await until(() => filter.lines.some((line) => line['event'] === 'draining'));
    expect((await client.send('RCPT TO:<bob@authgate.test>')).code).toBe(250);
    expect((await client.data(messageFrom('alice@sender.example', { subject: 'in flight' }))).code).toBe(250);
    await expect(filter.exit).resolves.toBe(0);
    expect(sink.delivered.some((d) => d.data.toString().includes('Subject: in flight'))).toBe(true);
  });
});
