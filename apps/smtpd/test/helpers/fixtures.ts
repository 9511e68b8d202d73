import { readFile } from 'node:fs/promises';
import path from 'node:path';

/** The repository's test-fixtures directory (tests never read /work/shared). */
export const FIXTURES = path.resolve(import.meta.dirname, '..', '..', '..', '..', 'test-fixtures');

export function fixturePath(relative: string): string {
  return path.join(FIXTURES, relative);
}

export function fixture(relative: string): Promise<Buffer> {
  return readFile(fixturePath(relative));
}
