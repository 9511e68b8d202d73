import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { loadCorpus } from './corpus.js';
import { paths } from './paths.js';
import { createWorkload, WORKLOAD_NAMES, type WorkloadName } from './workloads.js';

/** The lines a child writes on stdout, one JSON object each. */
export type ChildMessage =
  | {
      type: 'ready';
      /** Resident set size once the corpus, the library and its setup are loaded, before any pass. */
      baselineRssKb: number;
      warmups: number;
      verdicts: Record<string, number>;
    }
  /**
   * One timed pass: wall-clock time; CPU time (user + system, every thread of the process, GC
   * helpers included); and, on Linux, how long the main thread was on a core and how long it was
   * ready to run but waiting for one (another process had it), from its schedstat.
   */
  | { type: 'pass'; ms: number; cpuMs: number; onCoreMs?: number; waitMs?: number }
  /** Peak resident set size of the whole process. */
  | { type: 'end'; maxRssKb: number };

/**
 * Warm-up before timing: at least two passes, at least this many messages (the JIT of a library
 * with many code paths needs a few thousand calls to settle, whatever the size of the corpus),
 * and at least `warmupMs`.
 */
const MIN_WARMUP_MESSAGES = 2000;

/**
 * One workload in its own process, so that each side's JIT state, heap and peak RSS are its own.
 * It loads and warms up (a first pass that counts the verdicts, then more until the JIT has
 * settled), says `ready`, then runs one timed pass for each `run` line read on stdin, so that the
 * parent can interleave the passes of every workload; `end` makes it report its peak RSS and exit.
 * Usage: `node child.js NAME SEED COUNT WARMUP_MS`.
 */
async function main(): Promise<void> {
  const [name, seed, count, warmupMs] = process.argv.slice(2);
  if (!WORKLOAD_NAMES.includes(name as WorkloadName)) throw new Error(`bench: unknown workload ${name}`);
  const corpus = await loadCorpus({ seed: Number(seed), count: Number(count), ...paths });
  const workload = await createWorkload(name as WorkloadName, corpus, paths.keyDir);
  const baselineRssKb = Math.round(process.memoryUsage.rss() / 1024);

  const warmUntil = performance.now() + Number(warmupMs ?? 0);
  const minWarmups = Math.max(2, Math.ceil(MIN_WARMUP_MESSAGES / corpus.entries.length));
  const verdicts = await workload.verdicts();
  let warmups = 1;
  for (; warmups < minWarmups || performance.now() < warmUntil; warmups++) await workload.run();
  send({ type: 'ready', baselineRssKb, warmups, verdicts });

  for await (const line of createInterface({ input: process.stdin })) {
    if (line === 'run') {
      const cpu = process.cpuUsage();
      const sched = schedstat();
      const start = performance.now();
      await workload.run();
      const ms = performance.now() - start;
      const used = process.cpuUsage(cpu);
      const after = schedstat();
      const pass: ChildMessage = { type: 'pass', ms, cpuMs: (used.user + used.system) / 1000 };
      if (sched !== undefined && after !== undefined) {
        pass.onCoreMs = (after[0] - sched[0]) / 1e6;
        pass.waitMs = (after[1] - sched[1]) / 1e6;
      }
      send(pass);
    } else if (line === 'end') {
      break;
    }
  }
  send({ type: 'end', maxRssKb: process.resourceUsage().maxRSS });
  process.stdin.destroy();
}

/**
 * The main thread's time on a core and time waiting in the run queue, in ns (Linux
 * `/proc/<pid>/task/<tid>/schedstat`; the main thread's tid is the pid); `undefined` elsewhere.
 */
function schedstat(): [number, number] | undefined {
  try {
    const [onCore, waiting] = readFileSync(`/proc/self/task/${process.pid}/schedstat`, 'latin1').split(' ').map(Number);
    return onCore === undefined || waiting === undefined ? undefined : [onCore, waiting];
  } catch {
    return undefined;
  }
}

function send(message: ChildMessage): void {
  process.stdout.write(`${JSON.stringify(message)}\n`);
}

await main();
