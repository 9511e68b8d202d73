import { readFileSync } from 'node:fs';

const MESSAGES = new URL('../../../test-fixtures/messages/', import.meta.url);

/** A fixture message from test-fixtures/messages, byte for byte. */
export function fixtureMessage(name: string): Buffer {
  return readFileSync(new URL(name, MESSAGES));
}

export { chunked } from '@authgate/testkit';

/** Concatenates an async iterable of chunks. */
export async function collect(source: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Uint8Array[] = [];
  for await (const part of source) parts.push(part);
  return Buffer.concat(parts);
}

export const bytes = (text: string): Buffer => Buffer.from(text, 'latin1');
