import type { machine } from './machine.js';
import type { LoadResult } from './smtp-load.js';
import type { IdleFigures, LargeMessageFigures } from './smtp-memory.js';

/** One load run against one server, with the CPU time that server spent on it. */
export interface Run extends LoadResult {
  /** The server process's CPU time (user + system) per transaction. */
  serverCpuMsPerMessage: number;
  /** The same for the sink behind it and for the sending clients: the rest of the machine's work. */
  sinkCpuMsPerMessage: number;
  clientCpuMsPerMessage: number;
  /**
   * The share of the run's wall-clock time the server's main thread spent on a core, and waiting
   * for one: near 1 together, the event loop is what limits throughput.
   */
  serverLoop: { onCore: number; waiting: number };
}

export interface Throughput {
  clients: number;
  filter: Run;
  relay: Run;
  /** The filter's messages/s over the bare relay's. */
  ratio: number;
}

export interface SmtpReport {
  machine: ReturnType<typeof machine>;
  corpus: { seed: number; count: number; sizeMb: number; runs: number; perConnection: number };
  throughput: Throughput[];
  idle: { filter: IdleFigures; relay: IdleFigures };
  largeMessage: { filter: LargeMessageFigures; relay: LargeMessageFigures };
}

/** The issue's targets (issue 8). */
export const TARGETS = { ratioAt50: 0.7, largeGrowthMb: 20 };

export function printReport(report: SmtpReport): void {
  const { machine: m, corpus: c } = report;
  console.log(`machine: ${m.cores} cores (${m.cpu}), ${m.memoryGb} GiB, Node ${m.node}`);
  console.log(`corpus: ${c.count} messages, ${c.sizeMb} MB, seed ${c.seed}; ${c.perConnection} messages per connection; median of ${c.runs} run(s) after a warm-up`);
  console.log('CPU ms: CPU time per message (user + system) of the server process; below it, of the sink and the clients,');
  console.log('and the share of the run its main thread (the event loop) was on a core and waiting for one\n');
  const side = (name: string) => `${`${name} msg/s`.padStart(13)}${'p50 ms'.padStart(9)}${'p99 ms'.padStart(9)}${'CPU ms'.padStart(8)}`;
  const figures = (run: Run) => `${num(run.messagesPerSecond, 13)}${num(run.p50Ms, 9)}${num(run.p99Ms, 9)}${num(run.serverCpuMsPerMessage, 8)}`;
  console.log(`  ${'clients'.padEnd(9)}${side('filter')}${side('relay')}${'filter/relay'.padStart(14)}`);
  for (const level of report.throughput) {
    const { filter: f, relay: r } = level;
    console.log(`  ${String(level.clients).padEnd(9)}${figures(f)}${figures(r)}${num(level.ratio, 14)}`);
    console.log(`  ${''.padEnd(9)}${`sink ${f.sinkCpuMsPerMessage}, clients ${f.clientCpuMsPerMessage} CPU ms`.padStart(39)}${`sink ${r.sinkCpuMsPerMessage}, clients ${r.clientCpuMsPerMessage} CPU ms`.padStart(39)}`);
    console.log(`  ${''.padEnd(9)}${loop(f).padStart(39)}${loop(r).padStart(39)}`);
    for (const [side, run] of [['filter', f], ['relay', r]] as const) {
      if (run.failed > 0) console.log(`    ${side}: ${run.failed} transaction(s) failed, first: ${run.firstFailure}`);
    }
  }
  const at50 = report.throughput.find((level) => level.clients === 50);
  if (at50 !== undefined) console.log(`  target: filter >= ${TARGETS.ratioAt50} x relay at 50 clients: ${at50.ratio >= TARGETS.ratioAt50 ? 'met' : 'NOT met'} (${at50.ratio})\n`);

  const { idle, largeMessage: large } = report;
  console.log(`  ${'memory'.padEnd(40)}${'filter'.padStart(10)}${'relay'.padStart(10)}`);
  const row = (label: string, filter: number, relay: number) => console.log(`  ${label.padEnd(40)}${num(filter, 10)}${num(relay, 10)}`);
  row('RSS before, MB', idle.filter.rssBeforeMb, idle.relay.rssBeforeMb);
  row(`RSS with ${idle.filter.connections} idle connections, MB`, idle.filter.rssMb, idle.relay.rssMb);
  row('peak RSS while they opened, MB', idle.filter.peakRssMb, idle.relay.peakRssMb);
  row('per idle connection, KB', idle.filter.perConnectionKb, idle.relay.perConnectionKb);
  row(`${large.filter.messageMb} MB message: RSS before, MB`, large.filter.rssBeforeMb, large.relay.rssBeforeMb);
  row(`${large.filter.messageMb} MB message: peak RSS, MB`, large.filter.peakRssMb, large.relay.peakRssMb);
  row(`${large.filter.messageMb} MB message: RSS growth, MB`, large.filter.growthMb, large.relay.growthMb);
  row(`${large.filter.messageMb} MB message: seconds`, large.filter.seconds, large.relay.seconds);
  console.log(`  target: RSS growth < ${TARGETS.largeGrowthMb} MB while relaying it: ${large.filter.growthMb < TARGETS.largeGrowthMb ? 'met' : 'NOT met'} (${large.filter.growthMb} MB)`);
}

function loop(run: Run): string {
  return `loop on core ${Math.round(run.serverLoop.onCore * 100)}%, waiting ${Math.round(run.serverLoop.waiting * 100)}%`;
}

function num(value: number, width: number): string {
  return String(value).padStart(width);
}
