import { performance } from 'node:perf_hooks';
import { loadCorpus } from './corpus.js';
import { paths } from './paths.js';
import { createWorkload, WORKLOAD_NAMES, type WorkloadName } from './workloads.js';

/**
 * Runs one workload in its own process, so that each side's JIT state, heap and peak RSS are its
 * own: a warm-up pass, then `runs` timed passes. Prints one JSON line.
 */
async function main(): Promise<void> {
  const [name, runs, seed, count] = process.argv.slice(2);
  if (!WORKLOAD_NAMES.includes(name as WorkloadName)) throw new Error(`bench: unknown workload ${name}`);
  const corpus = await loadCorpus({ seed: Number(seed), count: Number(count), ...paths });
  const workload = await createWorkload(name as WorkloadName, corpus, paths.keyDir);
  await workload(corpus);
  const timesMs: number[] = [];
  for (let run = 0; run < Number(runs); run++) {
    const start = performance.now();
    await workload(corpus);
    timesMs.push(performance.now() - start);
  }
  process.stdout.write(`${JSON.stringify({ name, timesMs, maxRssKb: process.resourceUsage().maxRSS })}\n`);
}

await main();
