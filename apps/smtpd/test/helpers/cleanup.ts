import { afterEach } from 'vitest';

/**
 * What the tests of a file start and must stop: called once at the top of the file, it returns
 * the list to push closers onto; after each test they are run, last first.
 */
export function closedAfterEach(): Array<() => Promise<void>> {
  const closers: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const close of closers.splice(0).reverse()) await close();
  });
  return closers;
}
