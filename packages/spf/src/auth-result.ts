import type { MethodResult } from '@authgate/authres';
import type { SpfOutcome } from './types.js';

/**
 * The `spf=` entry of Authentication-Results (RFC 8601 §2.7.2, RFC 7208 §9.2): the result, and
 * `smtp.mailfrom` with the checked mailbox or `smtp.helo` with the HELO name. A permerror,
 * temperror or none carries its problem as `reason` (RFC 8601 §2.7: "a short comment").
 */
export function spfAuthResult(outcome: SpfOutcome): MethodResult {
  const property =
    outcome.identity === 'helo'
      ? { ptype: 'smtp' as const, property: 'helo', value: heloName(outcome) }
      : { ptype: 'smtp' as const, property: 'mailfrom', value: outcome.sender };
  const result: MethodResult = { method: 'spf', result: outcome.result, properties: [property] };
  if (outcome.problem !== undefined && (outcome.result === 'permerror' || outcome.result === 'temperror')) {
    result.reason = outcome.problem.message;
  }
  return result;
}

/** The HELO name: the checked domain, or what was given when it was not one (sender is postmaster@HELO). */
function heloName(outcome: SpfOutcome): string {
  if (outcome.domain !== '') return outcome.domain;
  const at = outcome.sender.indexOf('@');
  return at >= 0 ? outcome.sender.slice(at + 1) : outcome.sender;
}
