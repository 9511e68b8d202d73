import { loadavg } from 'node:os';
import { flagValue } from './args.js';
import { loadCorpus } from './corpus.js';
import { machine } from './machine.js';
import { paths } from './paths.js';
import { figureOf, printReport, reportOf, type Measured, type Settings } from './report.js';
import { ChildSession } from './session.js';
import { round } from './stats.js';
import type { WorkloadName } from './workloads.js';

/** The workloads, in the order each round runs one pass of each. */
const ORDER: readonly WorkloadName[] = ['floor', 'authgate-dkim', 'mailauth-dkim', 'authgate', 'mailauth'];

/**
 * `pnpm bench [--quick] [--json] [--seed N]`: authgate against mailauth 4.12.0 on one generated
 * corpus and one DNS zone fixture, and both against the bare cost of the cryptography.
 *
 * Every workload runs in a child process of its own (its own JIT, heap and peak RSS), started and
 * warmed up one after the other. Then the timed passes are interleaved, one pass of each workload
 * per round, so that a change in the machine's load (other processes) falls on every side alike;
 * each figure is the median of its passes. With `--json` the table goes to stderr and stdout
 * carries one JSON object.
 */
async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const quick = args.includes('--quick');
  const json = args.includes('--json');
  const settings: Settings = {
    seed: Number(flagValue(args, '--seed') ?? 42),
    count: quick ? 300 : 2000,
    passes: quick ? 9 : 11,
    warmupMs: quick ? 1000 : 3000,
    mode: quick ? 'quick' : 'full',
  };
  const log = (line: string) => (json ? process.stderr : process.stdout).write(`${line}\n`);
  const started = Date.now();
  const loadBefore = loadavg()[0]!;
  const corpus = await loadCorpus({ seed: settings.seed, count: settings.count, ...paths });
  const measured = await measureAll(settings);
  const figures = Object.fromEntries(ORDER.map((name) => [name, figureOf(measured.get(name)!, settings.count)]));
  const report = reportOf(figures as Record<WorkloadName, ReturnType<typeof figureOf>>, {
    settings, machine: machine(), corpus, load: { before: round(loadBefore, 2), after: round(loadavg()[0]!, 2) }, seconds: round((Date.now() - started) / 1000),
  });
  printReport(report, log);
  if (json) process.stdout.write(`${JSON.stringify(report)}\n`);
}

async function measureAll(settings: Settings): Promise<Map<WorkloadName, Measured>> {
  const sessions: ChildSession[] = [];
  const measured = new Map<WorkloadName, Measured>();
  try {
    for (const name of ORDER) {
      const { session, ready } = await ChildSession.start(name, settings);
      sessions.push(session);
      measured.set(name, { ready, passes: [], maxRssKb: 0 });
    }
    for (let round = 0; round < settings.passes; round++) {
      for (const session of sessions) measured.get(session.name)!.passes.push(await session.pass());
    }
    for (const session of sessions) measured.get(session.name)!.maxRssKb = (await session.end()).maxRssKb;
  } catch (error) {
    for (const session of sessions) session.kill();
    throw error;
  }
  return measured;
}

await main();
