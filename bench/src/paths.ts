import { fileURLToPath } from 'node:url';

/** Where the bench finds its fixed keys and keeps generated corpora (ignored by git). */
export const paths = {
  keyDir: fileURLToPath(new URL('../../test-fixtures/bench/', import.meta.url)),
  cacheDir: fileURLToPath(new URL('../.corpus/', import.meta.url)),
};
