/**
 * The two policy shorthands, usable as `policy: monitor` in the file or `--policy` on the
 * command line.
 * - `monitor`: stamp only, never refuse anything (the default behaviour).
 * - `enforce`: refuse DMARC failures whose disposition is `reject` (RFC 9989 §7.2 "full
 *   rejection"); the other actions keep their configured values.
 */
export type PolicyPreset = 'monitor' | 'enforce';

const MONITOR = {
  dmarcReject: 'accept',
  dmarcQuarantine: 'accept',
  spfFail: 'accept',
  tempError: 'accept',
  malformed: 'accept',
} as const;

/** The options a preset sets, or undefined for a word that is not a preset. */
export function expandPolicyPreset(preset: string): Record<string, string> | undefined {
  if (preset === 'monitor') return { ...MONITOR };
  if (preset === 'enforce') return { dmarcReject: 'reject' };
  return undefined;
}
