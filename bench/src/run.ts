import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { loadCorpus } from './corpus.js';
import { machine } from './machine.js';
import { paths } from './paths.js';
import { median, round } from './stats.js';
import type { WorkloadName } from './workloads.js';

const run = promisify(execFile);

interface Figure {
  messagesPerSecond: number;
  medianMs: number;
  peakRssMb: number;
}

/**
 * `pnpm bench [--quick] [--json] [--seed N]`: authgate against mailauth 4.12.0 on one generated
 * corpus and one in-memory DNS, and both against the bare cost of the cryptography.
 */
async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const quick = args.includes('--quick');
  const seedIndex = args.indexOf('--seed');
  const seed = seedIndex === -1 ? 42 : Number(args[seedIndex + 1]);
  const count = quick ? 300 : 2000;
  const runs = quick ? 3 : 5;

  const corpus = await loadCorpus({ seed, count, ...paths });
  const sizeMb = corpus.bytes.length / 2 ** 20;
  const figures: Partial<Record<WorkloadName, Figure>> = {};
  for (const name of ['floor', 'authgate-dkim', 'mailauth-dkim', 'authgate', 'mailauth'] as const) {
    figures[name] = await measure(name, runs, seed, count);
  }
  const report = reportOf(figures as Record<WorkloadName, Figure>, { seed, count, runs, sizeMb: round(sizeMb) });
  print(report);
  if (args.includes('--json')) process.stdout.write(`${JSON.stringify(report)}\n`);
}

async function measure(name: WorkloadName, runs: number, seed: number, count: number): Promise<Figure> {
  const child = fileURLToPath(new URL('./child.js', import.meta.url));
  const { stdout } = await run(process.execPath, [child, name, String(runs), String(seed), String(count)], {
    maxBuffer: 1 << 20,
  });
  const result = JSON.parse(stdout.trim().split('\n').at(-1)!) as { timesMs: number[]; maxRssKb: number };
  const medianMs = median(result.timesMs);
  return { messagesPerSecond: round((count / medianMs) * 1000, 0), medianMs: round(medianMs), peakRssMb: round(result.maxRssKb / 1024) };
}

function reportOf(f: Record<WorkloadName, Figure>, corpus: { seed: number; count: number; runs: number; sizeMb: number }) {
  return {
    machine: machine(),
    corpus,
    authenticate: { authgate: f.authgate, mailauth: f.mailauth, ratio: round(f.authgate.messagesPerSecond / f.mailauth.messagesPerSecond, 2) },
    dkim: { authgate: f['authgate-dkim'], mailauth: f['mailauth-dkim'], ratio: round(f['authgate-dkim'].messagesPerSecond / f['mailauth-dkim'].messagesPerSecond, 2) },
    floor: {
      ...f.floor,
      authenticateMultiple: round(f.authgate.medianMs / f.floor.medianMs, 2),
      dkimMultiple: round(f['authgate-dkim'].medianMs / f.floor.medianMs, 2),
    },
  };
}

function print(report: ReturnType<typeof reportOf>): void {
  const { machine: m, corpus: c } = report;
  const row = (label: string, figure: Figure) =>
    `  ${label.padEnd(24)}${String(figure.messagesPerSecond).padStart(9)} msg/s ${String(figure.medianMs).padStart(10)} ms ${String(figure.peakRssMb).padStart(8)} MB`;
  console.log(`machine: ${m.cores} cores (${m.cpu}), ${m.memoryGb} GiB, Node ${m.node}`);
  console.log(`corpus: ${c.count} messages, ${c.sizeMb} MB, seed ${c.seed}; median of ${c.runs} runs after a warm-up\n`);
  console.log(`  ${''.padEnd(24)}${'rate'.padStart(15)} ${'median'.padStart(13)} ${'peak RSS'.padStart(11)}`);
  console.log(row('authenticate authgate', report.authenticate.authgate));
  console.log(row('authenticate mailauth', report.authenticate.mailauth));
  console.log(`  ratio: authgate is ${report.authenticate.ratio}x mailauth\n`);
  console.log(row('DKIM only authgate', report.dkim.authgate));
  console.log(row('DKIM only mailauth', report.dkim.mailauth));
  console.log(`  ratio: authgate is ${report.dkim.ratio}x mailauth\n`);
  console.log(row('crypto floor', report.floor));
  console.log(`  authgate authenticate() = ${report.floor.authenticateMultiple}x the floor, DKIM alone = ${report.floor.dkimMultiple}x`);
}

await main();
