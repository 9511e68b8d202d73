import { Writable } from 'node:stream';
import { ZoneResolver, type Resolver } from 'authgate';
import { mergeLayers } from '../../src/config/load.js';
import { validateConfig } from '../../src/config/validate.js';
import { createLogger } from '../../src/logging.js';
import { createFilterServer, type FilterServer } from '../../src/server/filter-server.js';
import { fixturePath } from './fixtures.js';
import { startSink, type Sink, type SinkOptions } from './sink.js';

export interface TestFilter {
  server: FilterServer;
  /** The first SMTP listener's port. */
  port: number;
  /** Every JSON log line written so far. */
  logs: Array<Record<string, unknown>>;
  /** The log lines of finished transactions. */
  transactions(): Array<Record<string, unknown>>;
  close(): Promise<void>;
}

let zone: Promise<ZoneResolver> | undefined;

/** The fixture zone of the smtpd tests. */
export function testZone(): Promise<ZoneResolver> {
  return (zone ??= ZoneResolver.fromFile(fixturePath('smtpd/zone.yaml')));
}

/**
 * A filter on a loopback port, relaying to `relayPort`, with the test identity (authserv-id
 * authgate.test, domain authgate.test) and the fixture zone; `overrides` is a partial config.
 */
export async function startFilter(relayPort: number, overrides: Record<string, unknown> = {}, options: { resolver?: Resolver; now?: () => number } = {}): Promise<TestFilter> {
  const document = mergeLayers([
    {
      hostname: 'mx.authgate.test',
      authservId: 'authgate.test',
      domains: ['authgate.test', 'xn--bcher-kva.example'],
      listen: '127.0.0.1:0',
      relay: { address: `127.0.0.1:${relayPort}`, connectTimeout: '2s', commandTimeout: '5s', dataTimeout: '5s' },
      metrics: { listen: '127.0.0.1:0' },
      log: { level: 'info' },
      // The verification threads build their resolver from here: the same zone as testZone().
      dns: { zoneFile: fixturePath('smtpd/zone.yaml') },
    },
    overrides,
  ]);
  const result = validateConfig(document);
  if (!result.ok) throw new Error(`test config invalid: ${JSON.stringify(result.problems)}`);
  const logs: Array<Record<string, unknown>> = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      for (const line of chunk.toString('utf8').split('\n')) if (line.trim() !== '') logs.push(JSON.parse(line) as Record<string, unknown>);
      callback();
    },
  });
  const server = createFilterServer({
    config: result.config,
    resolver: options.resolver ?? (await testZone()),
    ...(options.now !== undefined && { now: options.now }),
    logger: createLogger(result.config.log.level, destination),
  });
  await server.listen();
  return {
    server,
    port: server.smtpAddresses[0]!.port,
    logs,
    transactions: () => logs.filter((line) => line['event'] === 'transaction'),
    close: () => server.close(),
  };
}

/** Waits until `condition` holds (the filter logs after it replies). */
export async function eventually(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** A sink and a filter relaying to it, both stopped after the test through `cleanup` (`closedAfterEach`). */
export async function filterWithSink(cleanup: Array<() => Promise<void>>, overrides: Record<string, unknown> = {}, sinkOptions: SinkOptions = {}): Promise<{ sink: Sink; filter: TestFilter }> {
  const sink = await startSink(sinkOptions);
  cleanup.push(() => sink.close());
  const filter = await startFilter(sink.port, overrides);
  cleanup.push(() => filter.close());
  return { sink, filter };
}
