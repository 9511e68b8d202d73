import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

/** The repository root. */
export const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
/** The CLI's fixtures. */
export const FIXTURES = join(ROOT, 'test-fixtures/cli');
