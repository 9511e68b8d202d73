import { parseMessage, readMessage, type HeaderField, type MessageProblem } from '@authgate/message';
import type { DkimMessageInput } from './types.js';

export type OpenedMessage =
  | { ok: true; header: HeaderField[]; body: Uint8Array | AsyncIterable<Uint8Array> }
  | { ok: false; problem: MessageProblem };

/**
 * The header fields and the (possibly still streaming) body of any of the three inputs. The header
 * comes only from @authgate/message; a `{ header, body }` already parsed is taken as it is.
 */
export async function openMessage(message: DkimMessageInput): Promise<OpenedMessage> {
  if (message instanceof Uint8Array) {
    const parsed = parseMessage(message);
    return parsed.ok ? { ok: true, header: parsed.message.header, body: parsed.message.body } : parsed;
  }
  if (isAsyncIterable(message)) {
    const read = await readMessage(message);
    return read.ok ? { ok: true, header: read.header, body: read.body } : read;
  }
  if (isParsed(message)) return { ok: true, header: message.header, body: message.body };
  throw new TypeError('dkim: verifyDkim takes the message bytes, an async iterable of chunks, or { header, body }');
}

function isAsyncIterable(value: unknown): value is AsyncIterable<Uint8Array> {
  return typeof value === 'object' && value !== null && Symbol.asyncIterator in value;
}

function isParsed(value: unknown): value is { header: HeaderField[]; body: Uint8Array | AsyncIterable<Uint8Array> } {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as { header?: unknown; body?: unknown };
  return Array.isArray(candidate.header) && (candidate.body instanceof Uint8Array || isAsyncIterable(candidate.body));
}
