import { resolve } from 'node:path';
import { flagValue } from './args.js';
import { loadCorpus } from './corpus.js';
import { paths } from './paths.js';
import { median, round } from './stats.js';
import { runLoad } from './smtp-load.js';
import { measureRun } from './smtp-measure.js';
import { ServerProcess } from './smtp-process.js';
import type { Run } from './smtp-report.js';
import { loopbackZone, submissionsOf } from './smtp-workload.js';

interface Settings {
  /** The root of the other checkout, built (`pnpm build` there). */
  against: string;
  rounds: number;
  messages: number;
  clients: number;
  seed: number;
}

type Side = 'relay' | 'this' | 'other';

/** Every order of the three sides, taken in turn, so that none always meets a warmer or busier machine. */
const ORDERS: ReadonlyArray<readonly Side[]> = [
  ['relay', 'this', 'other'], ['other', 'relay', 'this'], ['this', 'other', 'relay'],
  ['relay', 'other', 'this'], ['this', 'relay', 'other'], ['other', 'this', 'relay'],
];

/**
 * `pnpm bench:smtp-pairs -- --against DIR [--rounds N] [--messages N] [--clients N] [--seed N]`:
 * this checkout's filter against another's (DIR, built), beside the bare relay, in rounds that run
 * all three on the same messages one after the other. A change worth a few percent does not
 * show in one `pnpm bench:smtp` run on a shared machine, whose load moves every figure by more;
 * within a round the three meet the same load, so the count of rounds one filter wins says more.
 */
async function main(): Promise<void> {
  const settings = parseArguments(process.argv.slice(2));
  const corpus = await loadCorpus({ seed: settings.seed, count: 2_000, ...paths });
  const submissions = submissionsOf(corpus);
  const zone = await loopbackZone(corpus.zonePath);
  const sink = await ServerProcess.start('sink');
  const servers: Record<Side, ServerProcess> = {
    relay: await ServerProcess.start('relay', { downstreamPort: sink.port }),
    this: await ServerProcess.start('filter', { downstreamPort: sink.port, zone }),
    other: await ServerProcess.start('filter', { downstreamPort: sink.port, zone, checkout: settings.against }),
  };
  try {
    const load = (side: Side, clients: number, messages: number, offset: number) =>
      measureRun(servers[side], sink, { port: servers[side].port, clients, submissions, offset, messages, maxMs: 60_000, perConnection: 100 });
    for (const side of ['relay', 'this', 'other'] as const) {
      await runLoad({ port: servers[side].port, clients: 10, submissions, offset: 0, messages: 600, maxMs: 60_000, perConnection: 100 });
      await load(side, settings.clients, 2_000, 600);
    }
    const rounds: Array<Record<Side, Run>> = [];
    for (let index = 0; index < settings.rounds; index++) {
      const results = {} as Record<Side, Run>;
      for (const side of ORDERS[index % ORDERS.length]!) results[side] = await load(side, settings.clients, settings.messages, index * settings.messages);
      rounds.push(results);
      console.log(`round ${index + 1}: ${describe(results, 'this')} | ${describe(results, 'other')} | relay ${results.relay.messagesPerSecond} msg/s`);
    }
    summarize(rounds);
  } finally {
    await Promise.all([servers.relay.stop(), servers.this.stop(), servers.other.stop()]);
    await sink.stop();
  }
}

function ratio(results: Record<Side, Run>, side: 'this' | 'other'): number {
  return results[side].messagesPerSecond / results.relay.messagesPerSecond;
}

function describe(results: Record<Side, Run>, side: 'this' | 'other'): string {
  const run = results[side];
  return `${side} ${run.messagesPerSecond} msg/s (${round(ratio(results, side), 3)} of the relay), CPU ${run.serverCpuMsPerMessage} ms/msg, loop on a core ${run.serverLoop.onCore}${run.failed > 0 ? `, ${run.failed} FAILED` : ''}`;
}

function summarize(rounds: Array<Record<Side, Run>>): void {
  for (const side of ['this', 'other'] as const) {
    const cpu = round(median(rounds.map((results) => results[side].serverCpuMsPerMessage)), 3);
    console.log(`${side}: median ${round(median(rounds.map((run) => ratio(run, side))), 3)} of the relay, ${cpu} CPU ms per message`);
  }
  const wins = rounds.filter((results) => ratio(results, 'this') > ratio(results, 'other')).length;
  console.log(`this checkout's filter kept more of the relay's rate in ${wins} of ${rounds.length} rounds`);
}

function parseArguments(args: string[]): Settings {
  const against = flagValue(args, '--against');
  if (against === undefined) throw new Error('bench: smtp-pairs needs --against DIR, the root of another authgate checkout, built');
  const whole = (flag: string, fallback: number) => {
    const value = Number(flagValue(args, flag) ?? fallback);
    if (!Number.isInteger(value) || value < 1) throw new Error(`bench: ${flag} takes a positive integer`);
    return value;
  };
  return { against: resolve(against), rounds: whole('--rounds', 10), messages: whole('--messages', 3_000), clients: whole('--clients', 50), seed: whole('--seed', 42) };
}

await main();
