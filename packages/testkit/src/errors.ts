/**
 * Why a testkit helper could not do its job.
 * - `KNOTD_MISSING`: Debian's Knot DNS server is not installed (`apt-get install knot`).
 * - `KNOTD_FAILED`: knotd exited or never answered; the message carries its log.
 * - `ZONE_REJECTED`: knotd refused the generated zone; the message carries its log.
 */
export type TestkitErrorCode = 'KNOTD_MISSING' | 'KNOTD_FAILED' | 'ZONE_REJECTED';

export class TestkitError extends Error {
  override readonly name = 'TestkitError';
  readonly code: TestkitErrorCode;

  constructor(code: TestkitErrorCode, message: string, options?: { cause?: unknown }) {
    super(`testkit: ${message}`, options);
    this.code = code;
  }
}
