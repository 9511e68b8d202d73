import type { AuthenticationReport } from 'authgate';

/** What verifying one message gave: the report, or the error that kept it from being made. */
export type Report = { ok: true; report: AuthenticationReport } | { ok: false; error: unknown };
