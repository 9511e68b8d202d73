import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { access, constants, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { SystemResolver, isDnsError, type ZoneData } from '@authgate/dns';
import { TestkitError } from './errors.js';
import { loadZoneData } from './fixtures.js';
import { freePort, ipv6LoopbackAvailable } from './free-port.js';
import { zoneDataToMasterFile, type Unservable } from './master-file.js';

export interface AuthoritativeDnsOptions {
  /** The names to serve, in the openspf `zonedata` format. */
  zoneData?: ZoneData;
  /**
   * Zone data files (YAML/JSON, absolute or relative to test-fixtures/) served as well; for a
   * name listed more than once, the last file listing it wins.
   */
  zoneFiles?: string[];
  /** The TTL of every record (default 300). */
  ttl?: number;
  /** Also listen on [::1] (default: when this machine has an IPv6 loopback). */
  ipv6?: boolean;
  /** The knotd binary (default `$AUTHGATE_KNOTD`, else Debian's /usr/sbin/knotd). */
  knotd?: string;
  /** How long knotd may take to load the zone and answer (default 20000 ms). */
  startTimeoutMs?: number;
}

export interface AuthoritativeDns {
  /** Always 127.0.0.1. */
  host: string;
  port: number;
  /** `'127.0.0.1:PORT'`, ready for `new SystemResolver({ servers: [address] })`. */
  address: string;
  /** Every address listened on: `127.0.0.1:PORT` and, with IPv6, `[::1]:PORT`. */
  addresses: string[];
  /** What the zone data asked for that DNS cannot serve (see `zoneDataToMasterFile`). */
  unservable: Unservable[];
  /** The master file served, for debugging a fixture. */
  zoneText: string;
  /** Stops knotd and removes its files; safe to call twice. */
  stop(): Promise<void>;
}

const DEFAULT_KNOTD = '/usr/sbin/knotd';
const running = new Set<ChildProcess>();
let exitHookInstalled = false;

/**
 * Serves zone data from a real authoritative DNS server, Debian's Knot DNS, on loopback and a
 * free port: the fixture format of `ZoneResolver`, written as one root zone (see
 * `zoneDataToMasterFile`), so SystemResolver and everything above it meet real DNS packets,
 * UDP and TCP, in tests. Knot answers authoritatively and follows CNAMEs inside the zone.
 */
export async function startAuthoritativeDns(options: AuthoritativeDnsOptions = {}): Promise<AuthoritativeDns> {
  const knotd = options.knotd ?? process.env['AUTHGATE_KNOTD'] ?? DEFAULT_KNOTD;
  await access(knotd, constants.X_OK).catch((error: unknown) => {
    throw new TestkitError('KNOTD_MISSING', `knotd not found at ${knotd}: install Knot DNS (apt-get install knot) or set AUTHGATE_KNOTD`, { cause: error });
  });
  const master = zoneDataToMasterFile(await mergedZoneData(options), options.ttl === undefined ? {} : { ttl: options.ttl });
  const directory = await mkdtemp(join(tmpdir(), 'authgate-knot-'));
  try {
    await writeFile(join(directory, 'root.zone'), master.text);
    await mkdir(join(directory, 'db'));
    const ipv6 = options.ipv6 ?? (await ipv6LoopbackAvailable());
    const hosts = ipv6 ? ['127.0.0.1', '::1'] : ['127.0.0.1'];
    const { child, port } = await launchOnFreePort(knotd, directory, hosts, options.startTimeoutMs ?? 20_000);
    const addresses = [`127.0.0.1:${port}`, ...(ipv6 ? [`[::1]:${port}`] : [])];
    let stopped: Promise<void> | undefined;
    const stop = () => (stopped ??= stopKnot(child).then(() => rm(directory, { recursive: true, force: true })));
    return { host: '127.0.0.1', port, address: addresses[0]!, addresses, unservable: master.unservable, zoneText: master.text, stop };
  } catch (error) {
    await rm(directory, { recursive: true, force: true });
    throw error;
  }
}

async function mergedZoneData(options: AuthoritativeDnsOptions): Promise<ZoneData> {
  const merged: ZoneData = { ...options.zoneData };
  for (const file of options.zoneFiles ?? []) Object.assign(merged, await loadZoneData(file));
  return merged;
}

async function launchOnFreePort(knotd: string, directory: string, hosts: string[], timeoutMs: number): Promise<{ child: ChildProcess; port: number }> {
  for (let attempt = 1; ; attempt++) {
    const port = await freePort(hosts);
    await writeFile(join(directory, 'knot.conf'), knotConfig(directory, hosts, port));
    try {
      return { child: await launch(knotd, directory, port, timeoutMs), port };
    } catch (error) {
      // Another process took the port between our check and knotd's bind: pick another.
      const portTaken = error instanceof TestkitError && /address already in use/i.test(error.message);
      if (!portTaken || attempt >= 5) throw error;
    }
  }
}

/** A minimal Knot 3.x configuration: one root zone from a file, nothing written back. */
function knotConfig(directory: string, hosts: string[], port: number): string {
  return [
    'server:',
    `    rundir: "${directory}"`,
    `    listen: [ ${hosts.map((host) => `${host}@${port}`).join(', ')} ]`,
    '    udp-workers: 1',
    '    tcp-workers: 1',
    '    background-workers: 1',
    'log:',
    '  - target: stderr',
    '    any: info',
    'database:',
    `    storage: "${join(directory, 'db')}"`,
    'template:',
    '  - id: default',
    `    storage: "${directory}"`,
    '    zonefile-sync: -1',
    '    zonefile-load: whole',
    '    journal-content: none',
    'zone:',
    '  - domain: .',
    '    file: root.zone',
    '',
  ].join('\n');
}

/** Starts knotd and resolves once it answers from the loaded zone. */
async function launch(knotd: string, directory: string, port: number, timeoutMs: number): Promise<ChildProcess> {
  const child = spawn(knotd, ['-c', join(directory, 'knot.conf')], { stdio: ['ignore', 'pipe', 'pipe'] });
  trackChild(child);
  let log = '';
  child.stdout?.on('data', (chunk: Buffer) => (log += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (log += chunk.toString()));
  child.once('error', (error) => (log += `${error.message}\n`));
  const probe = new SystemResolver({ servers: [`127.0.0.1:${port}`], timeoutMs: 100, tries: 1 });
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new TestkitError('KNOTD_FAILED', `knotd exited (${child.exitCode ?? child.signalCode}):\n${log}`);
    }
    if (/failed to load zone|zone event 'load' failed/.test(log)) {
      await stopKnot(child);
      throw new TestkitError('ZONE_REJECTED', `knotd could not load the generated zone:\n${log}`);
    }
    if (await answersFromZone(probe)) return child;
    await sleep(25);
  }
  await stopKnot(child);
  throw new TestkitError('KNOTD_FAILED', `knotd did not answer within ${timeoutMs} ms:\n${log}`);
}

/** A server still loading answers SERVFAIL (TEMPFAIL); once loaded, any name has an answer. */
async function answersFromZone(probe: SystemResolver): Promise<boolean> {
  try {
    await probe.a('authgate-readiness-probe.invalid');
    return true;
  } catch (error) {
    return !isDnsError(error, 'TEMPFAIL');
  }
}

async function stopKnot(child: ChildProcess): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) {
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    const killer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(killer);
  }
  running.delete(child);
}

/** knotd must not outlive a test run that forgot stop() or crashed. */
function trackChild(child: ChildProcess): void {
  if (!exitHookInstalled) process.once('exit', killAll);
  exitHookInstalled = true;
  running.add(child);
  child.once('exit', () => running.delete(child));
}

function killAll(): void {
  for (const child of running) child.kill('SIGKILL');
}
