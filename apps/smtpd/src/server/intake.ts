import { PassThrough } from 'node:stream';
import { authenticate, type AuthenticationReport } from 'authgate';
import type { SMTPServerDataStream, SMTPServerSession } from 'smtp-server';
import type { FilterConfig } from '../config/schema.js';
import type { Spool } from '../spool.js';
import { LineEndNormalizer } from './line-ends.js';
import type { Runtime, Transaction } from './runtime.js';

export type Received =
  | { status: 'received'; size: number; oversized: boolean }
  | { status: 'client-aborted' | 'spool-failed'; size: number; error: Error };

export type Report = { ok: true; report: AuthenticationReport } | { ok: false; error: unknown };

/** The authenticator's end of the DATA tee, and the report it will give. */
export interface Authentication {
  input: PassThrough;
  report: Promise<Report>;
}

/**
 * Starts `authenticate()` on a stream the DATA bytes will be written into, so that DKIM hashes
 * the body as it arrives; SPF is the verdict reached at MAIL FROM.
 */
export function startAuthentication(runtime: Runtime, config: FilterConfig, session: SMTPServerSession, transaction: Transaction): Authentication {
  const input = new PassThrough();
  input.on('error', () => undefined);
  const report = authenticate(input, {
    ip: session.remoteAddress,
    helo: session.hostNameAppearsAs || '',
    mailFrom: transaction.from,
    authservId: config.authservId,
    resolver: runtime.resolver,
    now: runtime.now,
    dmarcMode: config.auth.dmarcMode,
    minRsaBits: config.auth.minRsaBits,
    clockSkewSeconds: config.auth.clockSkewSeconds,
    spf: transaction.spf,
  }).then((value): Report => ({ ok: true, report: value }), (error: unknown): Report => ({ ok: false, error }));
  return { input, report };
}

/**
 * Copies DATA into the spool and the authenticator, every line end made CRLF first
 * (`LineEndNormalizer`: what is verified, inspected and relayed are the same bytes). Past the size
 * limit it stops storing but reads on to the end, since the client's reply comes only after its
 * final dot. `size` counts the bytes as the client sent them.
 */
export async function receive(stream: SMTPServerDataStream, spool: Spool, authentication: Authentication, limit: number): Promise<Received> {
  const { input } = authentication;
  const reportSettled = authentication.report.then(() => undefined);
  const lineEnds = new LineEndNormalizer();
  const store = async (bytes: Buffer): Promise<Error | undefined> => {
    const error = await spool.write(bytes).then(() => undefined, (failure: Error) => failure);
    if (error === undefined) await feed(input, bytes, reportSettled);
    return error;
  };
  let size = 0;
  let oversized = false;
  let spoolError: Error | undefined;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (oversized || spoolError !== undefined) continue;
      if (size > limit) {
        oversized = true;
        input.end();
        continue;
      }
      spoolError = await store(lineEnds.push(chunk));
    }
  } catch (error) {
    input.destroy();
    return { status: 'client-aborted', size, error: error as Error };
  }
  const tail = lineEnds.end();
  if (!oversized && spoolError === undefined && tail.length > 0) spoolError = await store(tail);
  input.end();
  if (spoolError !== undefined) return { status: 'spool-failed', size, error: spoolError };
  return { status: 'received', size, oversized };
}

/** Writes with backpressure; stops waiting when the reader is gone or has finished. */
async function feed(target: PassThrough, chunk: Buffer, readerDone: Promise<void>): Promise<void> {
  if (target.destroyed || target.writableEnded) return;
  if (target.write(chunk)) return;
  await Promise.race([
    new Promise<void>((resolve) => {
      const done = () => {
        target.off('drain', done);
        target.off('close', done);
        resolve();
      };
      target.once('drain', done);
      target.once('close', done);
    }),
    readerDone,
  ]);
}
