import { SpfError } from './errors.js';

/** The processing limits of RFC 7208 §4.6.4 (and §6.2 for explanations). */
export interface SpfLimits {
  /** "MUST limit the total number of those terms to 10": include, a, mx, ptr, exists, redirect. */
  lookups: number;
  /** "SHOULD limit void lookups to two": terms whose query found NXDOMAIN or no records. */
  voidLookups: number;
  /** An MX answer with more names than this is a permerror. */
  mxNames: number;
  /** PTR names past this many are ignored (ptr mechanism and %{p}). */
  ptrNames: number;
  /** Elapsed time for a whole evaluation; "SHOULD allow at least 20 seconds", then temperror. */
  deadlineMs: number;
  /** Longest explanation returned; §6.2 "MAY limit the length", it is meant for an SMTP reply. */
  explanationLength: number;
}

export const DEFAULT_LIMITS: Readonly<SpfLimits> = Object.freeze({
  lookups: 10,
  voidLookups: 2,
  mxNames: 10,
  ptrNames: 10,
  deadlineMs: 20_000,
  explanationLength: 512,
});

/** The defaults with the caller's overrides; a limit that is not a number >= 0 is misuse. */
export function resolveLimits(overrides: Partial<SpfLimits> | undefined): SpfLimits {
  if (overrides === undefined) return DEFAULT_LIMITS;
  const limits: SpfLimits = { ...DEFAULT_LIMITS };
  for (const key of Object.keys(DEFAULT_LIMITS) as (keyof SpfLimits)[]) {
    const value = overrides[key];
    if (value === undefined) continue;
    if (typeof value !== 'number' || Number.isNaN(value) || value < 0) {
      throw new SpfError('invalid-option', `limits.${key} must be a number >= 0, got ${String(value)}`);
    }
    limits[key] = value;
  }
  return limits;
}
