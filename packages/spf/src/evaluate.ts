import { problem, show } from './errors.js';
import type { SpfProblem } from './errors.js';
import { formatMacroString } from './macro.js';
import type { MacroString, MacroValues } from './macro.js';
import { matchA, matchExists, matchMx, matchNetwork, matchPtr, targetOf } from './mechanisms.js';
import type { Frame } from './mechanisms.js';
import { formatDirective, isSpfRecord, parseSpfRecordCached } from './parse.js';
import type { Directive, Qualifier, SpfRecord } from './parse.js';
import { Abort } from './session.js';
import type { SpfResult } from './types.js';

/** RFC 7208 §4.6.2: the result a matching directive gives. */
const QUALIFIER_RESULT: Record<Qualifier, 'pass' | 'fail' | 'softfail' | 'neutral'> = { '+': 'pass', '-': 'fail', '~': 'softfail', '?': 'neutral' };

/** Where to take the explanation from if the final result is fail (§6.2). */
export interface ExplainContext {
  /** The exp= of the record whose directive failed; undefined for the default explanation. */
  spec?: MacroString;
  /** The frame of that record: %{d} is its <domain>. */
  frame: Frame;
}

/** What one check_host() level concluded, before explanations. */
export type Evaluation =
  | { result: 'none'; problem: SpfProblem }
  | { result: Exclude<SpfResult, 'none' | 'permerror' | 'temperror'>; mechanism: string; explain?: ExplainContext };

/**
 * check_host() from §4.4 on, for a <domain> already checked per §4.3. Exceptions (§4.6.2) are
 * thrown as Abort and become the result of the topmost check_host().
 */
export async function evaluateDomain(frame: Frame): Promise<Evaluation> {
  const selected = await selectRecord(frame);
  if ('result' in selected) return selected;
  const parsed = parseSpfRecordCached(selected.text);
  // §4.6: "if there are any syntax errors anywhere in the record, check_host() returns
  // immediately with the result permerror, without further interpretation or evaluation."
  if (!parsed.ok) throw new Abort('permerror', { code: parsed.problem.code, message: `${parsed.problem.message} (at ${frame.domain})` });
  frame.session.trace?.push({ type: 'record', depth: frame.depth, domain: frame.domain, record: selected.text });
  const evaluation = await evaluateRecord(frame, parsed.record);
  frame.session.trace?.push({ type: 'result', depth: frame.depth, domain: frame.domain, result: evaluation.result });
  return evaluation;
}

/**
 * §4.4: query TXT only; a server failure or timeout is temperror, NXDOMAIN is none (§4.3).
 * §4.5: keep the records that start with "v=spf1"; none left is none, more than one permerror.
 * §3.3: the strings of one record are joined without spaces.
 */
async function selectRecord(frame: Frame): Promise<{ text: string } | { result: 'none'; problem: SpfProblem }> {
  const answer = await frame.session.query('TXT', frame.domain, frame.depth);
  if (!answer.ok) {
    if (answer.code === 'TEMPFAIL' || answer.code === 'error') {
      throw new Abort('temperror', problem('dns-error', `TXT ${show(frame.domain)}: ${answer.code}`));
    }
    return { result: 'none', problem: problem('no-record', `${show(frame.domain)}: ${answer.code}, no SPF record`) };
  }
  let found: string | undefined;
  for (const strings of answer.records) {
    const text = strings.join('');
    if (!isSpfRecord(text)) continue;
    if (found !== undefined) throw new Abort('permerror', problem('multiple-records', `${show(frame.domain)} has more than one v=spf1 record (RFC 7208 §4.5)`));
    found = text;
  }
  if (found === undefined) return { result: 'none', problem: problem('no-record', `${show(frame.domain)} has no v=spf1 record`) };
  return { text: found };
}

/** §4.6.2: mechanisms left to right, the first match decides; then redirect (§6.1) or neutral (§4.7). */
async function evaluateRecord(frame: Frame, record: SpfRecord): Promise<Evaluation> {
  for (const directive of record.directives) {
    let matched: boolean;
    try {
      matched = await matchDirective(frame, directive);
    } catch (error) {
      if (error instanceof Abort) {
        error.term ??= formatDirective(directive);
        traceTerm(frame, directive, 'error');
      }
      throw error;
    }
    traceTerm(frame, directive, matched ? 'match' : 'no-match');
    if (!matched) continue;
    const result = QUALIFIER_RESULT[directive.qualifier];
    const mechanism = formatDirective(directive);
    // §6.2: the explanation comes from this record's exp= (an included record's is never used).
    return result === 'fail' ? { result, mechanism, explain: { spec: record.exp, frame } } : { result, mechanism };
  }
  // §5.1, §6.1: "Any redirect modifier MUST be ignored when there is an all mechanism".
  if (record.redirect !== undefined && !record.hasAll) {
    try {
      return await redirect(frame, record.redirect);
    } catch (error) {
      if (error instanceof Abort) error.term ??= `redirect=${formatMacroString(record.redirect)}`;
      throw error;
    }
  }
  // §4.7: "If none of the mechanisms match and there is no redirect modifier, then the
  // check_host() returns a result of neutral".
  return { result: 'neutral', mechanism: 'default' };
}

function traceTerm(frame: Frame, directive: Directive, outcome: 'match' | 'no-match' | 'error'): void {
  frame.session.trace?.push({ type: 'term', depth: frame.depth, domain: frame.domain, term: formatDirective(directive), outcome });
}

function matchDirective(frame: Frame, directive: Directive): Promise<boolean> | boolean {
  const mechanism = directive.mechanism;
  switch (mechanism.kind) {
    case 'all':
      return true;
    case 'ip4':
    case 'ip6':
      return matchNetwork(frame.client, mechanism);
    default:
      // §4.6.4: include, a, mx, ptr and exists cause DNS queries and count toward the limit of 10.
      frame.session.countLookup();
      switch (mechanism.kind) {
        case 'a':
          return matchA(frame, mechanism);
        case 'mx':
          return matchMx(frame, mechanism);
        case 'ptr':
          return matchPtr(frame, mechanism);
        case 'exists':
          return matchExists(frame, mechanism);
        case 'include':
          return include(frame, mechanism.domainSpec);
      }
  }
}

/** A nested check_host() for another <domain>; <ip> and <sender> stay the same (§5.2, §6.1). */
function nested(frame: Frame, domain: string): Frame {
  // Not `{ ...frame.values, d }`: Node 20's V8 adds a property after a leading spread slowly.
  const values: MacroValues = Object.assign({}, frame.values, { d: domain });
  delete values.p;
  return { session: frame.session, client: frame.client, domain, depth: frame.depth + 1, values };
}

/**
 * §5.2 include: pass matches; fail, softfail and neutral do not; temperror and permerror are
 * returned; none is a permerror.
 */
async function include(frame: Frame, spec: MacroString): Promise<boolean> {
  const target = await targetOf(frame, spec);
  // RFC 8616 §4: a term whose expansion holds a non-ASCII local part "does not match anything".
  if (!target.ok && target.reason === 'non-ascii') return false;
  // §5.2 step 2 then §4.3: a malformed or single-label <domain> makes check_host() return none.
  if (!target.ok || !target.name.includes('.')) {
    throw new Abort('permerror', problem('include-none', `include target ${show(target.ok ? target.name : target.expanded)} is not a valid domain`));
  }
  const inner = await evaluateDomain(nested(frame, target.name));
  if (inner.result === 'none') {
    throw new Abort('permerror', problem('include-none', `include:${target.name} has no SPF record (RFC 7208 §5.2)`));
  }
  return inner.result === 'pass';
}

/**
 * §6.1 redirect: the target's result becomes this one, "with the exception that if no SPF record
 * is found, or if the <target-name> is malformed, the result is a permerror rather than none".
 * The target's exp= applies, the original's does not (§6.2).
 */
async function redirect(frame: Frame, spec: MacroString): Promise<Evaluation> {
  frame.session.countLookup();
  const target = await targetOf(frame, spec);
  if (!target.ok || !target.name.includes('.')) {
    throw new Abort('permerror', problem('redirect-none', `redirect target ${show(target.ok ? target.name : target.expanded)} is not a valid domain`));
  }
  const inner = await evaluateDomain(nested(frame, target.name));
  if (inner.result === 'none') {
    throw new Abort('permerror', problem('redirect-none', `redirect=${target.name} has no SPF record (RFC 7208 §6.1)`));
  }
  return inner;
}
