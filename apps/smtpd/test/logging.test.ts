import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { createLogger, perTurn } from '../src/logging.js';

const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  vi.restoreAllMocks();
  for (const close of cleanup.splice(0).reverse()) await close();
});

async function logFile(): Promise<{ fd: number; read: () => string[] }> {
  const directory = await mkdtemp(path.join(os.tmpdir(), 'authgate-log-'));
  const file = path.join(directory, 'log.jsonl');
  const fd = fs.openSync(file, 'w');
  cleanup.push(async () => {
    fs.closeSync(fd);
    await rm(directory, { recursive: true, force: true });
  });
  // Read synchronously: awaiting a read would let the turn end and the held lines go.
  const read = () => fs.readFileSync(file, 'utf8').split('\n').filter((line) => line !== '');
  return { fd, read };
}

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

describe('the log on stdout: one write per turn of the event loop', () => {
  test('lines logged in one turn leave together in one write at its end, in order', async () => {
    const { fd, read } = await logFile();
    const logger = createLogger('info', perTurn(fd));
    const writes = vi.spyOn(fs, 'writeSync');
    for (const n of [1, 2, 3]) logger.info({ event: 'transaction', n }, `line ${n}`);
    expect(read()).toEqual([]);
    await nextTurn();
    expect((read()).map((line) => JSON.parse(line).n)).toEqual([1, 2, 3]);
    expect(writes.mock.calls.filter(([target]) => target === fd)).toHaveLength(1);
  });

  test('a line logged alone is written in its own turn, without waiting for more', async () => {
    const { fd, read } = await logFile();
    const logger = createLogger('info', perTurn(fd));
    logger.info({ event: 'first' }, 'first');
    await nextTurn();
    expect(read()).toHaveLength(1);
    logger.info({ event: 'second' }, 'second');
    await nextTurn();
    expect((read()).map((line) => JSON.parse(line).event)).toEqual(['first', 'second']);
  });

  test.for([
    ['process.exit() in the same turn', 'process.exit(3)', 3],
    ['an uncaught exception in the same turn', 'throw new Error("boom")', 1],
  ] as const)('lines still held are written on %s', ([, ending, status]) => {
    // A process of its own, logging to its real stdout through the built module.
    const logging = new URL('../dist/logging.js', import.meta.url).href;
    const script = `const { createLogger } = await import(${JSON.stringify(logging)}); createLogger('info').info({ event: 'last-words' }, 'held'); ${ending};`;
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
    expect(child.status).toBe(status);
    expect(child.stdout.split('\n').filter((line) => line !== '').map((line) => JSON.parse(line).event)).toEqual(['last-words']);
  });
});
