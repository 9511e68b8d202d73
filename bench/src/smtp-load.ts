import { performance } from 'node:perf_hooks';
import { BenchClient } from './smtp-client.js';
import { percentile, round } from './stats.js';
import type { Submission } from './smtp-workload.js';

export interface LoadOptions {
  port: number;
  /** Concurrent client connections. */
  clients: number;
  submissions: readonly Submission[];
  /** Where in `submissions` to start (each run continues where the last stopped). */
  offset: number;
  /** Transactions to send in all; fewer when `maxMs` runs out first. */
  messages: number;
  /** No new transaction starts after this long. */
  maxMs: number;
  /** Transactions per connection before QUIT and a new connection, as MTAs do. */
  perConnection: number;
}

export interface LoadResult {
  clients: number;
  /** Transactions answered 250. */
  accepted: number;
  /** Transactions answered otherwise, and connections that failed. */
  failed: number;
  firstFailure?: string;
  elapsedMs: number;
  messagesPerSecond: number;
  /** From MAIL FROM to the reply to the final dot, of accepted transactions. */
  p50Ms: number;
  p99Ms: number;
}

/**
 * `clients` sessions send transactions as fast as the server answers them, each waiting for its
 * reply before the next (an MTA's delivery agent), until `messages` have been sent or `maxMs` has
 * passed. After `perConnection` transactions a session QUITs and the client goes on with a new
 * one it opened meanwhile, as an MTA's connection cache does: smtp-server pauses 100 ms before its
 * greeting (to catch clients that talk too early), and that pause is the same on both sides of the
 * comparison, so it is kept off the critical path. Latency is per transaction.
 */
export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const state: LoadState = { issued: 0, accepted: 0, failed: 0, latencies: [], closing: [] };
  const started = performance.now();
  const deadline = started + options.maxMs;
  const source = {
    take: (): Submission | undefined => {
      if (state.issued >= options.messages || performance.now() >= deadline) return undefined;
      return options.submissions[(options.offset + state.issued++) % options.submissions.length];
    },
    /** Where the next session connects from: the address of the message that is next in line. */
    nextAddress: (): Submission => options.submissions[(options.offset + state.issued) % options.submissions.length]!,
  };
  await Promise.all(Array.from({ length: options.clients }, () => clientLoop(options, source, state)));
  const elapsedMs = performance.now() - started;
  await Promise.all(state.closing);
  return {
    clients: options.clients,
    accepted: state.accepted,
    failed: state.failed,
    ...(state.firstFailure !== undefined && { firstFailure: state.firstFailure }),
    elapsedMs: round(elapsedMs, 0),
    messagesPerSecond: round((state.accepted / elapsedMs) * 1000, 0),
    p50Ms: state.latencies.length === 0 ? 0 : round(percentile(state.latencies, 0.5), 2),
    p99Ms: state.latencies.length === 0 ? 0 : round(percentile(state.latencies, 0.99), 2),
  };
}

interface LoadState {
  issued: number;
  accepted: number;
  failed: number;
  firstFailure?: string;
  latencies: number[];
  /** Sessions saying QUIT in the background. */
  closing: Array<Promise<void>>;
}

type Session = { ok: true; client: BenchClient } | { ok: false; why: string };

async function clientLoop(options: LoadOptions, source: { take(): Submission | undefined; nextAddress(): Submission }, state: LoadState): Promise<void> {
  const fail = (why: string) => {
    state.failed++;
    state.firstFailure ??= why;
  };
  let next = openSession(options.port, source.nextAddress());
  for (let submission = source.take(); submission !== undefined; ) {
    const session = await next;
    next = openSession(options.port, source.nextAddress());
    if (!session.ok) {
      fail(session.why);
      submission = source.take();
      continue;
    }
    try {
      for (let sent = 0; submission !== undefined && sent < options.perConnection; sent++, submission = source.take()) {
        const start = performance.now();
        const reply = await session.client.transaction(submission);
        if (reply.code === 250) {
          state.latencies.push(performance.now() - start);
          state.accepted++;
        } else {
          fail(`${reply.code} ${reply.text}`);
        }
      }
      state.closing.push(session.client.quit().catch(() => session.client.destroy()));
    } catch (error) {
      session.client.destroy();
      fail((error as Error).message);
      submission = source.take();
    }
  }
  const unused = await next;
  if (unused.ok) state.closing.push(unused.client.quit().catch(() => unused.client.destroy()));
}

/** Connects from the loopback address standing for `first`'s sender and says EHLO with its name. */
async function openSession(port: number, first: Submission): Promise<Session> {
  try {
    const { client, greeting } = await BenchClient.connect(port, first.sourceIp);
    const ehlo = await client.command(`EHLO ${first.helo}`);
    if (greeting.code === 220 && ehlo.code === 250) return { ok: true, client };
    client.destroy();
    return { ok: false, why: `session refused: ${greeting.code} ${greeting.text} / ${ehlo.code} ${ehlo.text}` };
  } catch (error) {
    return { ok: false, why: (error as Error).message };
  }
}
