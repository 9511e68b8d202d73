import { execFile } from 'node:child_process';
import { chmod, chown, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { freePort } from '@authgate/testkit';
import { fixture } from './fixtures.js';

const run = promisify(execFile);

export interface Postfix {
  port: number;
  /** Messages delivered to the Maildir so far, oldest first, as Postfix wrote them (LF line ends). */
  messages(): Promise<Buffer[]>;
  /** Waits until `count` messages are delivered. */
  waitForMessages(count: number, timeoutMs?: number): Promise<Buffer[]>;
  /** Postfix's own log, for failure messages. */
  log(): Promise<string>;
  stop(): Promise<void>;
}

/**
 * A private Postfix instance (Debian's package, run as root from a temporary configuration
 * directory), listening on a loopback port and delivering every recipient of authgate.test to a
 * temporary Maildir. `postfix stop` and the directory removal happen in `stop()`.
 */
export async function startPostfix(): Promise<Postfix> {
  const directory = await mkdtemp(path.join(os.tmpdir(), 'authgate-postfix-'));
  // The postfix user must reach the queue, data and mail directories below it.
  await chmod(directory, 0o755);
  const port = await freePort(['127.0.0.1']);
  const { uid, gid } = await postfixUser();
  for (const sub of ['etc', 'queue', 'data', 'mail']) await mkdir(path.join(directory, sub));
  await chown(path.join(directory, 'data'), uid, gid);
  await chown(path.join(directory, 'mail'), uid, gid);
  const fill = (text: string) => text.replaceAll('@DIR@', directory).replaceAll('@UID@', String(uid)).replaceAll('@GID@', String(gid)).replaceAll('@PORT@', `127.0.0.1:${port}`);
  await writeFile(path.join(directory, 'etc', 'main.cf'), fill((await fixture('smtpd/postfix/main.cf')).toString()));
  await writeFile(path.join(directory, 'etc', 'master.cf'), fill((await fixture('smtpd/postfix/master.cf')).toString()));
  const config = path.join(directory, 'etc');
  const maildir = path.join(directory, 'mail', 'inbox', 'new');
  const log = () => readFile(path.join(directory, 'maillog'), 'utf8').catch(() => '(no maillog)');
  try {
    await run('postfix', ['-c', config, 'start']);
  } catch (error) {
    await rm(directory, { recursive: true, force: true });
    throw new Error(`postfix did not start: ${(error as Error).message}\n${await log()}`);
  }
  await waitForPort(port);
  const messages = async () => {
    const names = await readdir(maildir).catch(() => [] as string[]);
    // Maildir names start with the delivery time in seconds, then a unique part.
    const sorted = names.sort((a, b) => Number(a.split('.')[0]) - Number(b.split('.')[0]) || a.localeCompare(b));
    return Promise.all(sorted.map((name) => readFile(path.join(maildir, name))));
  };
  let stopped = false;
  return {
    port,
    messages,
    log,
    async waitForMessages(count, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = await messages();
        if (found.length >= count) return found;
        if (Date.now() > deadline) throw new Error(`${found.length} of ${count} messages delivered\n${await log()}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      await run('postfix', ['-c', config, 'stop']).catch(() => undefined);
      await rm(directory, { recursive: true, force: true });
    },
  };
}

async function postfixUser(): Promise<{ uid: number; gid: number }> {
  const { stdout } = await run('id', ['postfix']);
  const uid = Number(/uid=(\d+)/.exec(stdout)?.[1]);
  const gid = Number(/gid=(\d+)/.exec(stdout)?.[1]);
  if (!Number.isInteger(uid) || !Number.isInteger(gid)) throw new Error(`no postfix user: ${stdout}`);
  return { uid, gid };
}

async function waitForPort(port: number): Promise<void> {
  const net = await import('node:net');
  const deadline = Date.now() + 20_000;
  for (;;) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1', () => {
        socket.destroy();
        resolve(true);
      });
      socket.on('error', () => resolve(false));
    });
    if (open) return;
    if (Date.now() > deadline) throw new Error(`postfix is not listening on ${port}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Runs swaks (the sending client) against `port`; resolves with its exit code and transcript. */
export async function swaks(port: number, args: string[]): Promise<{ code: number; output: string }> {
  try {
    const { stdout, stderr } = await run('swaks', ['--server', `127.0.0.1:${port}`, '--helo', 'client.example', '--timeout', '30', ...args]);
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const failure = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof failure.code === 'number' ? failure.code : -1, output: `${failure.stdout ?? ''}${failure.stderr ?? ''}` };
  }
}
