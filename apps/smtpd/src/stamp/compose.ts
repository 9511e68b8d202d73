import type { Spool } from '../spool.js';
import type { HeaderLayout } from './locate.js';

export interface Rewrite {
  /** Whole fields to prepend, top first, without line ends (RFC 5322 §3.6: trace fields go on top). */
  prepend: readonly string[];
  /** The header section as received and where its fields are; absent when it could not be read. */
  header?: { head: Buffer; layout: HeaderLayout; remove: ReadonlySet<number> };
}

/**
 * The message to relay: the new fields, then the received bytes with the removed fields cut out
 * and nothing else changed (so DKIM signatures over the rest still verify downstream).
 */
export async function* composeMessage(spool: Spool, rewrite: Rewrite): AsyncGenerator<Buffer> {
  if (rewrite.prepend.length > 0) yield Buffer.from(rewrite.prepend.map((field) => `${field}\r\n`).join(''), 'utf8');
  const header = rewrite.header;
  if (header === undefined || header.remove.size === 0) {
    yield* spool.stream(0);
    return;
  }
  const pieces: Buffer[] = [];
  let keepFrom = 0;
  header.layout.spans.forEach((span, index) => {
    if (!header.remove.has(index)) return;
    if (span.start > keepFrom) pieces.push(header.head.subarray(keepFrom, span.start));
    keepFrom = span.end;
  });
  yield* pieces;
  if (header.layout.headerEnd > keepFrom) yield header.head.subarray(keepFrom, header.layout.headerEnd);
  yield* spool.stream(header.layout.headerEnd);
}
