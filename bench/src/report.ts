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
  /** Messages per second at the median pass. */
  messagesPerSecond: number;
  /** Messages per second at the slowest and the fastest pass. */
  range: [number, number];
  medianMs: number;
  /** Median CPU time of a pass (all threads of the process: GC helpers included). */
  cpuMedianMs: number;
  passes: number;
  peakRssMb: number;
  /** RSS once the corpus and the library were loaded, before the first pass. */
  baselineRssMb: number;
  verdicts: Record<string, number>;
}

export function figureOf(measured: Measured, count: number): Figure {
  const times = measured.passes.map((pass) => pass.ms);
  const medianMs = median(times);
  const rate = (ms: number) => round((count / ms) * 1000, 0);
  return {
    messagesPerSecond: rate(medianMs),
    range: [rate(Math.max(...times)), rate(Math.min(...times))],
    medianMs: round(medianMs),
    cpuMedianMs: round(median(measured.passes.map((pass) => pass.cpuMs))),
    passes: times.length,
    peakRssMb: round(measured.maxRssKb / 1024),
    baselineRssMb: round(measured.ready.baselineRssKb / 1024),
    verdicts: measured.ready.verdicts,
  };
}

interface Context {
  settings: Settings;
  machine: ReturnType<typeof machine>;
  corpus: Corpus;
  load: { before: number; after: number };
  seconds: number;
}

export function reportOf(f: Record<WorkloadName, Figure>, context: Context) {
  const { settings, corpus } = context;
  const ratio = (a: Figure, b: Figure) => round(a.messagesPerSecond / b.messagesPerSecond, 2);
  const authenticateRatio = ratio(f.authgate, f.mailauth);
  const floorMultiple = round(f.authgate.medianMs / f.floor.medianMs, 2);
  return {
    machine: { ...context.machine, loadAverage: context.load },
    corpus: { seed: settings.seed, ...compositionOf(corpus) },
    method: { mode: settings.mode, passes: settings.passes, warmupMs: settings.warmupMs, seconds: context.seconds },
    authenticate: { authgate: f.authgate, mailauth: f.mailauth, ratio: authenticateRatio },
    dkim: { authgate: f['authgate-dkim'], mailauth: f['mailauth-dkim'], ratio: ratio(f['authgate-dkim'], f['mailauth-dkim']) },
    floor: { ...f.floor, authenticateMultiple: floorMultiple, dkimMultiple: round(f['authgate-dkim'].medianMs / f.floor.medianMs, 2) },
    targets: {
      authenticateVsMailauth: { required: TARGETS.authenticateVsMailauth, measured: authenticateRatio, met: authenticateRatio >= TARGETS.authenticateVsMailauth },
      floorMultiple: { required: TARGETS.floorMultiple, measured: floorMultiple, met: floorMultiple <= TARGETS.floorMultiple },
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
    `interleaved with the other workloads'; median pass (slowest-fastest); ${method.seconds} s in all\n`);
  log(`  ${''.padEnd(24)}${'msg/s'.padStart(8)} ${'(range)'.padStart(15)} ${'median'.padStart(11)} ${'CPU'.padStart(10)} ${'peak RSS'.padStart(11)} ${'(loaded)'.padStart(10)}`);
  const row = (label: string, f: Figure) =>
    `  ${label.padEnd(24)}${String(f.messagesPerSecond).padStart(8)} ${`(${f.range[0]}-${f.range[1]})`.padStart(15)} ${`${f.medianMs} ms`.padStart(11)} ` +
    `${`${f.cpuMedianMs} ms`.padStart(10)} ${`${f.peakRssMb} MB`.padStart(11)} ${`(${f.baselineRssMb})`.padStart(10)}`;
  const t = report.targets;
  log(row('authenticate authgate', report.authenticate.authgate));
  log(row('authenticate mailauth', report.authenticate.mailauth));
  log(`  authgate is ${report.authenticate.ratio}x mailauth (target ${t.authenticateVsMailauth.required}x: ${t.authenticateVsMailauth.met ? 'met' : 'NOT met'})\n`);
  log(row('DKIM only authgate', report.dkim.authgate));
  log(row('DKIM only mailauth', report.dkim.mailauth));
  log(`  authgate is ${report.dkim.ratio}x mailauth\n`);
  log(row('crypto floor', report.floor));
  log(`  authenticate() takes ${report.floor.authenticateMultiple}x the floor (target ${t.floorMultiple.required}x: ${t.floorMultiple.met ? 'met' : 'NOT met'}), ` +
    `DKIM alone ${report.floor.dkimMultiple}x\n`);
  log('verdicts (first pass of each side):');
  for (const [label, f] of [['authenticate authgate', report.authenticate.authgate], ['authenticate mailauth', report.authenticate.mailauth],
    ['DKIM only authgate', report.dkim.authgate], ['DKIM only mailauth', report.dkim.mailauth]] as const) {
    log(`  ${label.padEnd(24)}${Object.entries(f.verdicts).sort().map(([key, n]) => `${key} ${n}`).join(', ')}`);
  }
}
