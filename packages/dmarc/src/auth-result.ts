import type { MethodResult, ResultProperty } from '@authgate/authres';
import type { DmarcEvaluation } from './evaluate.js';
import { policyTags } from './policy.js';

/**
 * The `dmarc=` entry of an Authentication-Results field (RFC 8601 §2.7; properties registered by
 * RFC 9989 §9.1), e.g. `dmarc=fail (p=reject sp=none dis=reject) header.from=example.com
 * policy.dmarc=reject`.
 * - `header.from`: the author domain the outcome is about.
 * - `policy.dmarc`: "the evaluated DMARC policy applied / to be applied after policy options have
 *   been processed" (§9.1), i.e. the disposition; written for `fail`, the only result a policy
 *   is applied to.
 * - The comment gives the policy tags read from the record (`sp` shows `p` when absent, since
 *   that is what subdomains get), `np` when published, `t=y` or a legacy `pct` below 100, and the
 *   disposition as `dis=`.
 * - `temperror` and `permerror` carry the problem as `reason`.
 */
export function dmarcAuthResult(evaluation: DmarcEvaluation): MethodResult {
  const entry: MethodResult = { method: 'dmarc', result: evaluation.result, properties: [] };
  const comment = policyComment(evaluation);
  if (comment !== undefined) entry.comment = comment;
  if ((evaluation.result === 'temperror' || evaluation.result === 'permerror') && evaluation.problem !== undefined) {
    entry.reason = evaluation.problem.message;
  }
  if (evaluation.authorDomain !== undefined && !evaluation.authorDomain.startsWith('[')) {
    entry.properties.push(property('header', 'from', evaluation.authorDomain));
  }
  if (evaluation.result === 'fail') entry.properties.push(property('policy', 'dmarc', evaluation.disposition));
  return entry;
}

function policyComment(evaluation: DmarcEvaluation): string | undefined {
  const { record } = evaluation;
  if (record === undefined || (evaluation.result !== 'pass' && evaluation.result !== 'fail')) return undefined;
  const tags = policyTags(record, evaluation.mode ?? 'rfc9989');
  if (!tags.ok) return undefined;
  const parts = [`p=${tags.p}`, `sp=${tags.sp ?? tags.p}`];
  if (tags.np !== undefined) parts.push(`np=${tags.np}`);
  if (evaluation.testing) parts.push('t=y');
  if (record.pct !== undefined && record.pct < 100) parts.push(`pct=${record.pct}`);
  parts.push(`dis=${evaluation.disposition}`);
  return parts.join(' ');
}

function property(ptype: ResultProperty['ptype'], name: string, value: string): ResultProperty {
  return { ptype, property: name, value };
}
