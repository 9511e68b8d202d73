import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readdirSync, rmdirSync, statSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './paths.js';

/** The built binary, as `pnpm build` leaves it and as the `authgate` bin runs it. */
export const BIN = join(ROOT, 'apps/cli/dist/main.js');

/** The workspace packages the binary runs from their dist/, and the CLI itself. */
const BUILT = ['packages/dns', 'packages/message', 'packages/authres', 'packages/spf', 'packages/dkim', 'packages/dmarc', 'packages/authgate', 'apps/cli'];

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  /** Bytes for standard input; stdin is closed (empty) without it. */
  input?: string | Uint8Array;
  env?: Record<string, string | undefined>;
  cwd?: string;
}

/** Runs `node apps/cli/dist/main.js ...args` and collects what it printed. */
export function authgate(args: readonly string[], options: RunOptions = {}): Promise<Run> {
  return startAuthgate(args, options).done;
}

/** The same, giving the running process too (to signal it). `signal` is how it ended, if by one. */
export function startAuthgate(args: readonly string[], options: RunOptions = {}): { child: ChildProcess; done: Promise<Run & { signal?: NodeJS.Signals }> } {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: options.cwd ?? ROOT,
    env: { ...withoutColourHints(process.env), ...options.env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const done = new Promise<Run & { signal?: NodeJS.Signals }>((resolve, reject) => {
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout!.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr!.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({
      code,
      stdout: Buffer.concat(stdout).toString('utf8'),
      stderr: Buffer.concat(stderr).toString('utf8'),
      ...(signal !== null && { signal }),
    }));
    child.stdin!.end(options.input);
  });
  return { child, done };
}

/**
 * Runs the binary under a pseudo-terminal (util-linux `script`), so that stdout and stderr are
 * TTYs: for the colour and progress-bar behaviour. Both streams arrive mixed, with CRLF.
 */
export function authgateOnTty(args: readonly string[], env: Record<string, string | undefined> = {}): Promise<Run> {
  const command = [process.execPath, BIN, ...args].map(shellQuote).join(' ');
  return new Promise((resolve, reject) => {
    const child = spawn('script', ['-q', '-e', '-c', command, '/dev/null'], {
      cwd: ROOT,
      env: { ...withoutColourHints(process.env), TERM: 'xterm', COLUMNS: '80', ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => out.push(chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout: Buffer.concat(out).toString('utf8'), stderr: '' }));
    child.stdin.end();
  });
}

function shellQuote(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/** The test runner may itself run with colour forced; the binary must decide from its own streams. */
function withoutColourHints(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const { NO_COLOR: _no, FORCE_COLOR: _force, ...rest } = env;
  return rest;
}

/**
 * Builds the binary and the packages it runs from when a source file is newer than the build
 * (`pnpm test` builds first; this keeps `vitest run apps/cli` right from a clean clone too).
 * Test files run in parallel workers, so the build is serialized with a lock directory.
 */
export function ensureBuilt(): void {
  if (!isStale()) return;
  const lock = join(tmpdir(), `authgate-cli-build-${createHash('sha256').update(ROOT).digest('hex').slice(0, 12)}.lock`);
  const deadline = Date.now() + 300_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      if (Date.now() > deadline) throw new Error(`cli tests: ${lock} held for 5 minutes; remove it if no build is running`);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 250);
    }
  }
  try {
    if (isStale()) execFileSync('pnpm', ['--filter', '@authgate/cli...', 'build'], { cwd: ROOT, stdio: 'pipe' });
  } finally {
    rmdirSync(lock);
  }
}

function isStale(): boolean {
  return BUILT.some((dir) => newest(join(ROOT, dir, 'src')) > newest(join(ROOT, dir, 'dist')));
}

/** The newest modification time under a directory; 0 when it does not exist. */
function newest(dir: string): number {
  let latest = 0;
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const entry of entries) {
    const path = join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }
  return latest;
}
