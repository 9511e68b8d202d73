import type { SMTPServerDataStream } from 'smtp-server';
import type { Spool } from '../spool.js';
import { LineEndNormalizer } from './line-ends.js';

export type Received =
  | { status: 'received'; size: number; oversized: boolean }
  | { status: 'client-aborted' | 'spool-failed'; size: number; error: Error };

/**
 * Copies DATA into the spool, every line end made CRLF first (`LineEndNormalizer`: what is
 * verified, inspected and relayed are the same bytes). Past the size limit it stops storing but
 * reads on to the end, since the client's reply comes only after its final dot. `size` counts the
 * bytes as the client sent them.
 */
export async function receive(stream: SMTPServerDataStream, spool: Spool, limit: number): Promise<Received> {
  const lineEnds = new LineEndNormalizer();
  const store = (bytes: Buffer): Promise<Error | undefined> => spool.write(bytes).then(() => undefined, (failure: Error) => failure);
  let size = 0;
  let oversized = false;
  let spoolError: Error | undefined;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (oversized || spoolError !== undefined) continue;
      if (size > limit) {
        oversized = true;
        continue;
      }
      spoolError = await store(lineEnds.push(chunk));
    }
  } catch (error) {
    return { status: 'client-aborted', size, error: error as Error };
  }
  const tail = lineEnds.end();
  if (!oversized && spoolError === undefined && tail.length > 0) spoolError = await store(tail);
  if (spoolError !== undefined) return { status: 'spool-failed', size, error: spoolError };
  return { status: 'received', size, oversized };
}
