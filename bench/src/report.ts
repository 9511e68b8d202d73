import type { ChildMessage } from './child.js';
import type { Corpus } from './corpus.js';
import type { machine } from './machine.js';
import { median, round } from './stats.js';
import type { WorkloadName } from './workloads.js';

export interface Settings {
  seed: number;
  count: number;
  /** Timed passes per workload, one per round. */
  passes: number;
  warmupMs: number;
  mode: 'quick' | 'full';
}

/** What one workload's child reported. */
export interface Measured {
  ready: Extract<ChildMessage, { type: 'ready' }>;
  passes: Array<Extract<ChildMessage, { type: 'pass' }>>;
  maxRssKb: number;
}

/** The targets of issue 8: authenticate() at least 4x mailauth, and within 3x the crypto floor. */
export const TARGETS = { authenticateVsMailauth: 4, floorMultiple: 3 } as const;

/** One workload's figures over all its timed passes. */
export interface Figure {
  /** Messages per second at the median pass, wall-clock. */
  messagesPerSecond: number;
  /** Messages per second at the slowest and the fastest pass. */
  range: [number, number];
  medianMs: number;
  /**
   * The same from the main thread's time on a core (Linux schedstat): what the pass cost, without
   * the time it waited for a core held by another process. Absent off Linux.
   */
  onCore?: { messagesPerSecond: number; medianMs: number };
  /** Median share of a pass's wall-clock time spent waiting for a core. */
  waitShare?: number;
  /** Median CPU time of a pass, every thread of the process (GC helpers included). */
  cpuMedianMs: number;
  passes: number;
  peakRssMb: number;
  /** RSS once the corpus and the library were loaded, before the first pass. */
  baselineRssMb: number;
  verdicts: Record<string, number>;
}

export function figureOf(measured: Measured, count: number): Figure {
  const { passes } = measured;
  const times = passes.map((pass) => pass.ms);
  const rate = (ms: number) => round((count / ms) * 1000, 0);
  const figure: Figure = {
    messagesPerSecond: rate(median(times)),
    range: [rate(Math.max(...times)), rate(Math.min(...times))],
    medianMs: round(median(times)),
    cpuMedianMs: round(median(passes.map((pass) => pass.cpuMs))),
    passes: times.length,
    peakRssMb: round(measured.maxRssKb / 1024),
    baselineRssMb: round(measured.ready.baselineRssKb / 1024),
    verdicts: measured.ready.verdicts,
  };
  if (passes.every((pass) => pass.onCoreMs !== undefined && pass.waitMs !== undefined)) {
    const onCoreMs = median(passes.map((pass) => pass.onCoreMs!));
    figure.onCore = { messagesPerSecond: rate(onCoreMs), medianMs: round(onCoreMs) };
    figure.waitShare = round(median(passes.map((pass) => pass.waitMs! / pass.ms)), 2);
  }
  return figure;
}

interface Context {
  settings: Settings;
  machine: ReturnType<typeof machine>;
  corpus: Corpus;
  load: { before: number; after: number };
  seconds: number;
}

/** A ratio of two figures, by wall-clock and, where known, by time on a core. */
function compare(a: Figure, b: Figure, of: (figure: Figure, onCore: boolean) => number | undefined) {
  const wall = of(a, false)! / of(b, false)!;
  const onCoreA = of(a, true);
  const onCoreB = of(b, true);
  return { wall: round(wall, 2), onCore: onCoreA !== undefined && onCoreB !== undefined ? round(onCoreA / onCoreB, 2) : undefined };
}

const rateOf = (figure: Figure, onCore: boolean) => (onCore ? figure.onCore?.messagesPerSecond : figure.messagesPerSecond);
const timeOf = (figure: Figure, onCore: boolean) => (onCore ? figure.onCore?.medianMs : figure.medianMs);

export function reportOf(f: Record<WorkloadName, Figure>, context: Context) {
  const { settings, corpus } = context;
  const ratio = compare(f.authgate, f.mailauth, rateOf);
  const multiple = compare(f.authgate, f.floor, timeOf);
  const target = (measured: { wall: number; onCore: number | undefined }, met: (value: number) => boolean, required: number) => ({
    required, measured: measured.wall, met: met(measured.wall),
    ...(measured.onCore !== undefined && { measuredOnCore: measured.onCore, metOnCore: met(measured.onCore) }),
  });
  return {
    machine: { ...context.machine, loadAverage: context.load },
    corpus: { seed: settings.seed, ...compositionOf(corpus) },
    method: { mode: settings.mode, passes: settings.passes, warmupMs: settings.warmupMs, seconds: context.seconds },
    authenticate: { authgate: f.authgate, mailauth: f.mailauth, ratio: ratio.wall, ratioOnCore: ratio.onCore },
    dkim: {
      authgate: f['authgate-dkim'], mailauth: f['mailauth-dkim'],
      ratio: compare(f['authgate-dkim'], f['mailauth-dkim'], rateOf).wall, ratioOnCore: compare(f['authgate-dkim'], f['mailauth-dkim'], rateOf).onCore,
    },
    floor: {
      ...f.floor,
      authenticateMultiple: multiple.wall, authenticateMultipleOnCore: multiple.onCore,
      dkimMultiple: compare(f['authgate-dkim'], f.floor, timeOf).wall, dkimMultipleOnCore: compare(f['authgate-dkim'], f.floor, timeOf).onCore,
    },
    targets: {
      authenticateVsMailauth: target(ratio, (value) => value >= TARGETS.authenticateVsMailauth, TARGETS.authenticateVsMailauth),
      floorMultiple: target(multiple, (value) => value <= TARGETS.floorMultiple, TARGETS.floorMultiple),
    },
  };
}

export type Report = ReturnType<typeof reportOf>;

function compositionOf(corpus: Corpus) {
  const { entries } = corpus;
  const count = (test: (entry: Corpus['entries'][number]) => boolean) => entries.filter(test).length;
  return {
    messages: entries.length,
    sizeMb: round(corpus.bytes.length / 2 ** 20),
    small: count((entry) => entry.length < 20_000),
    large: count((entry) => entry.length >= 20_000 && entry.length < 1_000_000),
    huge: count((entry) => entry.length >= 1_000_000),
    signatures: entries.reduce((total, entry) => total + entry.signatures.length, 0),
    twoSignatures: count((entry) => entry.signatures.length === 2),
    tampered: count((entry) => entry.tampered),
    thirdParty: count((entry) => entry.thirdParty),
  };
}

export function printReport(report: Report, log: (line: string) => void): void {
  const { machine: m, corpus: c, method } = report;
  log(`machine: ${m.cores} cores (${m.cpu}), ${m.memoryGb} GiB, Node ${m.node}; load average ${m.loadAverage.before} before, ${m.loadAverage.after} after`);
  log(`corpus: ${c.messages} messages, ${c.sizeMb} MB, seed ${c.seed}: ${c.small} of ~4 KB, ${c.large} of ~100 KB, ${c.huge} of 2 MB; ` +
    `${c.signatures} signatures (${c.twoSignatures} messages with two), ${c.tampered} tampered, ${c.thirdParty} via a third-party mailer`);
  log(`method: each workload in its own process, warmed up (>= 2000 messages and >= ${method.warmupMs / 1000} s), then ${method.passes} timed passes ` +
    `interleaved with the other workloads'; median pass; ${method.seconds} s in all\n`);
  log(`  ${''.padEnd(23)}${'wall-clock msg/s (slowest-fastest)'.padStart(35)} ${'on a core'.padStart(17)} ${'waited'.padStart(7)} ${'peak RSS (loaded)'.padStart(20)}`);
  const row = (label: string, f: Figure) => {
    const onCore = f.onCore === undefined ? '-' : `${f.onCore.messagesPerSecond} ${`${f.onCore.medianMs} ms`.padStart(10)}`;
    return `  ${label.padEnd(23)}${`${f.messagesPerSecond} ${`(${f.range[0]}-${f.range[1]})`.padStart(13)} ${`${f.medianMs} ms`.padStart(10)}`.padStart(35)} ` +
      `${onCore.padStart(17)} ${(f.waitShare === undefined ? '-' : `${Math.round(f.waitShare * 100)}%`).padStart(7)} ` +
      `${`${f.peakRssMb} MB (${f.baselineRssMb})`.padStart(20)}`;
  };
  const both = (wall: number, onCore: number | undefined) => `${wall}x${onCore === undefined ? '' : ` (${onCore}x on a core)`}`;
  const verdict = (met: boolean, metOnCore: boolean | undefined) => `${met ? 'met' : 'NOT met'}${metOnCore === undefined ? '' : `; on a core ${metOnCore ? 'met' : 'NOT met'}`}`;
  const t = report.targets;
  log(row('authenticate authgate', report.authenticate.authgate));
  log(row('authenticate mailauth', report.authenticate.mailauth));
  log(`  authgate is ${both(report.authenticate.ratio, report.authenticate.ratioOnCore)} mailauth ` +
    `(target ${t.authenticateVsMailauth.required}x: ${verdict(t.authenticateVsMailauth.met, t.authenticateVsMailauth.metOnCore)})\n`);
  log(row('DKIM only authgate', report.dkim.authgate));
  log(row('DKIM only mailauth', report.dkim.mailauth));
  log(`  authgate is ${both(report.dkim.ratio, report.dkim.ratioOnCore)} mailauth\n`);
  log(row('crypto floor', report.floor));
  log(`  authenticate() takes ${both(report.floor.authenticateMultiple, report.floor.authenticateMultipleOnCore)} the floor ` +
    `(target ${t.floorMultiple.required}x: ${verdict(t.floorMultiple.met, t.floorMultiple.metOnCore)}); ` +
    `DKIM alone ${both(report.floor.dkimMultiple, report.floor.dkimMultipleOnCore)}\n`);
  log('verdicts (first pass of each side):');
  for (const [label, f] of [['authenticate authgate', report.authenticate.authgate], ['authenticate mailauth', report.authenticate.mailauth],
    ['DKIM only authgate', report.dkim.authgate], ['DKIM only mailauth', report.dkim.mailauth]] as const) {
    log(`  ${label.padEnd(23)}${Object.entries(f.verdicts).sort().map(([key, n]) => `${key} ${n}`).join(', ')}`);
  }
}
