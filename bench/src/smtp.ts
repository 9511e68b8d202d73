import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { flagValue } from './args.js';
import { loadCorpus } from './corpus.js';
import { machine } from './machine.js';
import { paths } from './paths.js';
import { median, round } from './stats.js';
import { runLoad } from './smtp-load.js';
import { measureRun } from './smtp-measure.js';
import { idleConnections, largeMessage } from './smtp-memory.js';
import { ServerProcess } from './smtp-process.js';
import { printReport, type Run, type SmtpReport, type Throughput } from './smtp-report.js';
import { largeSubmission, loopbackZone, submissionsOf, type Submission } from './smtp-workload.js';

interface Settings {
  quick: boolean;
  json: boolean;
  seed: number;
  /** Writes CPU profiles of the filter and relay processes here (`node --cpu-prof`; compare them with profile-compare.js). */
  cpuProfDir?: string;
}

const CLIENT_LEVELS = [1, 10, 50] as const;
const PER_CONNECTION = 100;
const IDLE_CONNECTIONS = 1_000;
const LARGE_BODY_BYTES = 50 * 2 ** 20;

/** How much each mode sends: messages per run by client count, the time cap of a run, runs per figure. */
function plan(quick: boolean) {
  return quick
    ? { corpus: 300, runs: 3, maxMs: 3_000, warmup: 200, messages: { 1: 100, 10: 300, 50: 500 } }
    : { corpus: 2_000, runs: 5, maxMs: 30_000, warmup: 600, messages: { 1: 400, 10: 2_000, 50: 4_000 } };
}

/**
 * `pnpm bench:smtp [--quick] [--json] [--seed N] [--cpu-prof DIR]`: authgate-smtpd under load on
 * loopback against a discarding sink, beside a bare pass-through relay built on the same
 * libraries; then the filter's memory with 1,000 idle connections and while relaying one 50 MB
 * message. Every server runs in its own process; everything is bounded and stops by itself.
 */
async function main(): Promise<void> {
  const settings = parseArguments(process.argv.slice(2));
  const p = plan(settings.quick);
  const corpus = await loadCorpus({ seed: settings.seed, count: p.corpus, ...paths });
  const submissions = submissionsOf(corpus);
  const zone = await loopbackZone(corpus.zonePath);
  const profile = settings.cpuProfDir === undefined ? [] : ['--cpu-prof', '--cpu-prof-dir', settings.cpuProfDir];
  if (settings.cpuProfDir !== undefined) await mkdir(settings.cpuProfDir, { recursive: true });

  const sink = await ServerProcess.start('sink');
  try {
    const start = {
      filter: () => ServerProcess.start('filter', { downstreamPort: sink.port, zone }, profile),
      relay: () => ServerProcess.start('relay', { downstreamPort: sink.port }, profile),
    };
    const throughput = await measureThroughput({ filter: await start.filter(), relay: await start.relay(), sink }, submissions, p);
    const memory = await measureMemory(start, submissions.slice(0, 50));
    const report: SmtpReport = {
      machine: machine(),
      corpus: { seed: settings.seed, count: corpus.entries.length, sizeMb: round(corpus.bytes.length / 2 ** 20), runs: p.runs, perConnection: PER_CONNECTION },
      throughput,
      ...memory,
    };
    printReport(report);
    if (settings.json) process.stdout.write(`${JSON.stringify(report)}\n`);
  } finally {
    await sink.stop();
  }
}

/** Each level: the relay and the filter in turn on the same messages, `runs` times; the median run of each. */
async function measureThroughput(
  servers: Record<'filter' | 'relay' | 'sink', ServerProcess>, submissions: Submission[], p: ReturnType<typeof plan>,
): Promise<Throughput[]> {
  const { filter, relay, sink } = servers;
  const load = (server: ServerProcess, clients: number, messages: number, offset: number) =>
    measureRun(server, sink, { port: server.port, clients, submissions, offset, messages, maxMs: p.maxMs, perConnection: PER_CONNECTION });
  try {
    for (const server of [relay, filter]) await load(server, 10, p.warmup, 0);
    const levels: Throughput[] = [];
    let offset = 0;
    for (const clients of CLIENT_LEVELS) {
      const runs: Record<'filter' | 'relay', Run[]> = { filter: [], relay: [] };
      for (let run = 0; run < p.runs; run++) {
        const messages = p.messages[clients];
        // Alternate which side goes first, so that neither always meets a warmer or busier machine.
        const order = run % 2 === 0 ? (['relay', 'filter'] as const) : (['filter', 'relay'] as const);
        for (const side of order) runs[side].push(await load(side === 'filter' ? filter : relay, clients, messages, offset));
        offset += messages;
      }
      const filterRun = medianRun(runs.filter);
      const relayRun = medianRun(runs.relay);
      levels.push({ clients, filter: filterRun, relay: relayRun, ratio: round(filterRun.messagesPerSecond / relayRun.messagesPerSecond, 2) });
    }
    return levels;
  } finally {
    await Promise.all([filter.stop(), relay.stop()]);
  }
}

/** Idle connections and the large message, each side in a fresh process. */
async function measureMemory(start: Record<'filter' | 'relay', () => Promise<ServerProcess>>, warm: Submission[]) {
  const large = await largeSubmission(paths.keyDir, LARGE_BODY_BYTES);
  const idle = (side: 'filter' | 'relay') => withServer(start[side], (server) => idleConnections(server, IDLE_CONNECTIONS));
  const transfer = (side: 'filter' | 'relay') => withServer(start[side], (server) => warmThen(server, warm, () => largeMessage(server, large)));
  return {
    idle: { filter: await idle('filter'), relay: await idle('relay') },
    largeMessage: { filter: await transfer('filter'), relay: await transfer('relay') },
  };
}

function medianRun(runs: Run[]): Run {
  const rate = median(runs.map((run) => run.messagesPerSecond));
  return runs.reduce((best, run) => (Math.abs(run.messagesPerSecond - rate) < Math.abs(best.messagesPerSecond - rate) ? run : best));
}

/** A fresh server process for one measurement, so that its memory figures are its own. */
async function withServer<T>(start: () => Promise<ServerProcess>, measure: (server: ServerProcess) => Promise<T>): Promise<T> {
  const server = await start();
  try {
    return await measure(server);
  } finally {
    await server.stop();
  }
}

/** A few ordinary messages first, so that the measured transfer meets loaded code, not first-use costs. */
async function warmThen<T>(server: ServerProcess, warm: Submission[], measure: () => Promise<T>): Promise<T> {
  await runLoad({ port: server.port, clients: 5, submissions: warm, offset: 0, messages: warm.length, maxMs: 30_000, perConnection: PER_CONNECTION });
  return measure();
}

function parseArguments(args: string[]): Settings {
  const seed = Number(flagValue(args, '--seed') ?? 42);
  if (!Number.isInteger(seed)) throw new Error('bench: --seed takes an integer');
  const cpuProfDir = flagValue(args, '--cpu-prof');
  return { quick: args.includes('--quick'), json: args.includes('--json'), seed, ...(cpuProfDir !== undefined && { cpuProfDir: resolve(cpuProfDir) }) };
}

await main();
