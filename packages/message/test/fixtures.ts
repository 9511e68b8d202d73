import { readFileSync } from 'node:fs';

const MESSAGES = new URL('../../../test-fixtures/messages/', import.meta.url);

/** A fixture message from test-fixtures/messages, byte for byte. */
export function fixtureMessage(name: string): Buffer {
  return readFileSync(new URL(name, MESSAGES));
}

/** An async iterable yielding `bytes` cut at the given offsets (sorted, within bounds). */
export async function* chunked(bytes: Uint8Array, cuts: readonly number[]): AsyncGenerator<Uint8Array> {
  let start = 0;
  for (const cut of [...cuts].sort((a, b) => a - b)) {
    yield bytes.subarray(start, cut);
    start = cut;
  }
  yield bytes.subarray(start);
}

/** Concatenates an async iterable of chunks. */
export async function collect(source: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Uint8Array[] = [];
  for await (const part of source) parts.push(part);
  return Buffer.concat(parts);
}

export const bytes = (text: string): Buffer => Buffer.from(text, 'latin1');
