import { defineConfig } from 'vitest/config';

// CI asks for a JSON report beside the console output (pnpm would take a --reporter flag as its own).
const jsonReport = process.env.AUTHGATE_TEST_REPORT;

// Tests run from TypeScript sources: the '@authgate/source' export condition points each
// workspace package at its src/index.ts, so no build is needed (STYLE.md §15).
export default defineConfig({
  resolve: { conditions: ['@authgate/source'] },
  ssr: { resolve: { conditions: ['@authgate/source'] } },
  test: {
    include: ['packages/*/test/**/*.test.ts', 'apps/*/test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    reporters: jsonReport ? ['default', ['json', { outputFile: jsonReport }]] : ['default'],
  },
});
