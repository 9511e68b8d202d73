import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ZoneData } from 'authgate';
import { startBareRelay } from './smtp-relay.js';
import { startSink, type RunningServer } from './smtp-sink.js';
import { RECIPIENT_DOMAIN } from './smtp-workload.js';

/** What a benchmark server process is asked to be. */
export type Role = 'sink' | 'relay' | 'filter';

export interface StartRequest {
  type: 'start';
  /** Where the relay and the filter deliver (the sink). */
  downstreamPort?: number;
  /** The filter's DNS data. */
  zone?: ZoneData;
  /** The root of another authgate checkout, built: its filter runs instead of this one's (`smtp-pairs.ts`). */
  checkout?: string;
}

export type Request = { id: number } & ({ type: 'usage' } | { type: 'sample-start' } | { type: 'sample-stop' } | { type: 'stop' });

/**
 * What a server process has used. No peak from getrusage: Linux copies ru_maxrss into a forked
 * child, so a child of a parent holding the corpus would report the parent's peak. Peaks are
 * sampled instead (`sample-start` / `sample-stop`).
 */
export interface UsageReport {
  rssBytes: number;
  heapUsedBytes: number;
  /** CPU time used so far, user and system, in microseconds, by every thread of the process. */
  cpuMicros: number;
  /**
   * The main thread alone (the event loop, where every connection is served), from
   * `/proc/<pid>/task/<pid>/schedstat`: microseconds on a core, and ready but waiting for one.
   */
  mainThread: { onCoreMicros: number; waitMicros: number };
}

/** The largest message either side accepts: room for the 50 MB one and the fields prepended to it. */
export const MAX_MESSAGE_SIZE = 60 * 2 ** 20;

/**
 * One server of the benchmark in a process of its own, so that its CPU profile and its RSS are
 * its own: started by `smtp.ts` over an IPC channel, told what to be, asked for its memory.
 */
async function main(): Promise<void> {
  // Whatever happens to the benchmark, its servers do not outlive it.
  process.on('disconnect', () => process.exit(0));
  const role = process.argv[2] as Role;
  const start = await nextMessage<StartRequest>();
  const server = await startRole(role, start);
  const sampler = new RssSampler();
  process.on('message', (request: Request) => {
    void answer(request, server, sampler).then((reply) => process.send!({ id: request.id, ...reply }));
  });
  process.send!({ type: 'ready', port: server.port });
}

async function startRole(role: Role, start: StartRequest): Promise<RunningServer> {
  switch (role) {
    case 'sink':
      return startSink();
    case 'relay':
      return startBareRelay(start.downstreamPort!, MAX_MESSAGE_SIZE);
    case 'filter':
      return startFilter(start.downstreamPort!, start.zone!, start.checkout);
    default:
      throw new Error(`bench: unknown role ${String(role)}`);
  }
}

/**
 * The filter as `authgate-smtpd` runs it, with its defaults (monitor policy, one verification
 * thread, info logs on stdout, which the parent points at /dev/null, metrics endpoint) and DNS
 * from the benchmark's zone, written to a file: `dns.zoneFile` is how the verification thread
 * gets it, and the event loop reads the same file. Only the limits a benchmark must pass are
 * raised: 1,000 idle connections and a 50 MB message.
 */
async function startFilter(downstreamPort: number, zone: ZoneData, checkout?: string): Promise<RunningServer> {
  const { createFilterServer, validateConfig, ZoneResolver } = await filterModules(checkout);
  const directory = await mkdtemp(path.join(os.tmpdir(), 'authgate-bench-'));
  const zoneFile = path.join(directory, 'zone.json');
  await writeFile(zoneFile, JSON.stringify(zone));
  const result = validateConfig({
    hostname: 'mx.bench.example',
    authservId: 'mx.bench.example',
    domains: [RECIPIENT_DOMAIN],
    listen: '127.0.0.1:0',
    relay: { address: `127.0.0.1:${downstreamPort}` },
    metrics: { listen: '127.0.0.1:0' },
    limits: { maxConnections: 2_000, maxMessageSize: MAX_MESSAGE_SIZE },
    dns: { zoneFile },
  });
  if (!result.ok) throw new Error(`bench: filter configuration: ${JSON.stringify(result.problems)}`);
  const server = createFilterServer({ config: result.config, resolver: await ZoneResolver.fromFile(zoneFile) });
  await server.listen();
  const close = async () => {
    await server.close();
    await rm(directory, { recursive: true, force: true });
  };
  return { port: server.smtpAddresses[0]!.port, close };
}

/** This checkout's filter and resolver, or those of `checkout` (built), loaded the same way. */
async function filterModules(checkout?: string): Promise<typeof import('@authgate/smtpd') & Pick<typeof import('authgate'), 'ZoneResolver'>> {
  if (checkout === undefined) return { ...(await import('@authgate/smtpd')), ZoneResolver: (await import('authgate')).ZoneResolver };
  const load = (file: string) => import(pathToFileURL(path.join(checkout, file)).href);
  const smtpd = (await load('apps/smtpd/dist/index.js')) as typeof import('@authgate/smtpd');
  const { ZoneResolver } = (await load('packages/authgate/dist/index.js')) as typeof import('authgate');
  return { ...smtpd, ZoneResolver };
}

async function answer(request: Request, server: RunningServer, sampler: RssSampler): Promise<object> {
  switch (request.type) {
    case 'usage':
      return usage();
    case 'sample-start':
      sampler.start();
      return {};
    case 'sample-stop':
      return sampler.stop();
    case 'stop':
      await server.close();
      setImmediate(() => process.exit(0));
      return {};
  }
}

function usage(): UsageReport {
  const memory = process.memoryUsage();
  const resources = process.resourceUsage();
  return {
    rssBytes: memory.rss,
    heapUsedBytes: memory.heapUsed,
    cpuMicros: resources.userCPUTime + resources.systemCPUTime,
    mainThread: mainThreadTimes(),
  };
}

function mainThreadTimes(): UsageReport['mainThread'] {
  const [onCore = 0, wait = 0] = readFileSync(`/proc/${process.pid}/task/${process.pid}/schedstat`, 'utf8').split(' ').map(Number);
  return { onCoreMicros: onCore / 1000, waitMicros: wait / 1000 };
}

/** Watches RSS every few milliseconds between `start` and `stop`: the growth a transfer causes. */
class RssSampler {
  #timer: NodeJS.Timeout | undefined;
  #baseline = 0;
  #peak = 0;

  start(): void {
    this.#baseline = process.memoryUsage.rss();
    this.#peak = this.#baseline;
    clearInterval(this.#timer);
    this.#timer = setInterval(() => this.#sample(), 5);
  }

  stop(): { baselineRssBytes: number; peakRssBytes: number } {
    this.#sample();
    clearInterval(this.#timer);
    return { baselineRssBytes: this.#baseline, peakRssBytes: this.#peak };
  }

  #sample(): void {
    this.#peak = Math.max(this.#peak, process.memoryUsage.rss());
  }
}

function nextMessage<T>(): Promise<T> {
  return new Promise((resolve) => process.once('message', (message) => resolve(message as T)));
}

main().catch((error: Error) => {
  process.stderr.write(`bench: server process failed: ${error.stack ?? error.message}\n`);
  process.exit(1);
});
