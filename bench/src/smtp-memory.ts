import { performance } from 'node:perf_hooks';
import { BenchClient } from './smtp-client.js';
import type { ServerProcess } from './smtp-process.js';
import { round } from './stats.js';
import { IDLE_NETWORK, type Submission } from './smtp-workload.js';

const MB = 2 ** 20;

export interface IdleFigures {
  connections: number;
  /** Before the connections were opened. */
  rssBeforeMb: number;
  /** With every connection open, greeted and past EHLO. */
  rssMb: number;
  /** The highest RSS sampled while they were being opened and held. */
  peakRssMb: number;
  perConnectionKb: number;
}

/**
 * Opens `count` connections that say EHLO and then wait, as idle or slow MTAs do, and reads the
 * server's RSS with all of them open. They come from 100 loopback addresses, 10 from each, under
 * the filter's default per-address limit of 20.
 */
export async function idleConnections(server: ServerProcess, count: number): Promise<IdleFigures> {
  const before = await server.usage();
  const clients: BenchClient[] = [];
  await server.startSampling();
  try {
    // In batches, so the listen backlog never overflows into SYN retries.
    for (let opened = 0; opened < count; ) {
      const batch = Array.from({ length: Math.min(50, count - opened) }, (_, i) => openIdle(server.port, `${IDLE_NETWORK}${1 + ((opened + i) % 100)}`));
      clients.push(...(await Promise.all(batch)));
      opened += batch.length;
    }
    const after = await server.usage();
    const samples = await server.stopSampling();
    return {
      connections: count,
      rssBeforeMb: round(before.rssBytes / MB),
      rssMb: round(after.rssBytes / MB),
      peakRssMb: round(samples.peakRssBytes / MB),
      perConnectionKb: round((after.rssBytes - before.rssBytes) / count / 1024),
    };
  } finally {
    for (const client of clients) client.destroy();
  }
}

async function openIdle(port: number, localAddress: string): Promise<BenchClient> {
  const { client, greeting } = await BenchClient.connect(port, localAddress);
  const ehlo = await client.command('EHLO idle.bench.example');
  if (greeting.code !== 220 || ehlo.code !== 250) {
    client.destroy();
    throw new Error(`bench: idle connection refused: ${greeting.code} ${greeting.text} / ${ehlo.code} ${ehlo.text}`);
  }
  return client;
}

export interface LargeMessageFigures {
  messageMb: number;
  rssBeforeMb: number;
  peakRssMb: number;
  /** Peak RSS while the message was received and relayed, less RSS just before. */
  growthMb: number;
  seconds: number;
  reply: string;
}

/** Sends one large message and watches the server's RSS (sampled every 5 ms) until it answers. */
export async function largeMessage(server: ServerProcess, submission: Submission): Promise<LargeMessageFigures> {
  const { client } = await BenchClient.connect(server.port, submission.sourceIp);
  try {
    await client.command(`EHLO ${submission.helo}`);
    await server.startSampling();
    const started = performance.now();
    const reply = await client.transaction(submission);
    const seconds = (performance.now() - started) / 1000;
    const samples = await server.stopSampling();
    if (reply.code !== 250) throw new Error(`bench: the large message was refused: ${reply.code} ${reply.text}`);
    return {
      messageMb: round(submission.data.length / MB),
      rssBeforeMb: round(samples.baselineRssBytes / MB),
      peakRssMb: round(samples.peakRssBytes / MB),
      growthMb: round((samples.peakRssBytes - samples.baselineRssBytes) / MB),
      seconds: round(seconds, 2),
      reply: `${reply.code} ${reply.text}`,
    };
  } finally {
    await client.quit().catch(() => client.destroy());
  }
}
