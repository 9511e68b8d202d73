import { fileURLToPath } from 'node:url';

/** An absolute path under the repository's test-fixtures/ directory. */
export function fixturePath(...parts: string[]): string {
  return fileURLToPath(new URL(`../../../../test-fixtures/${parts.join('/')}`, import.meta.url));
}
