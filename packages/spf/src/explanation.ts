import { isAscii } from './domain.js';
import type { ExplainContext } from './evaluate.js';
import { expandMacro, parseMacroString } from './macro.js';
import type { MacroString } from './macro.js';
import { targetOf, validatedName } from './mechanisms.js';
import type { Frame } from './mechanisms.js';
import { Abort } from './session.js';

/**
 * The explanation returned with a fail (RFC 7208 §6.2): the exp= text of the record whose
 * directive failed, or the default explanation when "there are any DNS processing errors (any
 * RCODE other than 0), or if no records are returned, or if more than one record is returned, or
 * if there are syntax errors in the explanation string". It never changes the result, so a DNS
 * problem or the deadline here only means the default text. The exp lookup is not a term and is
 * not counted against the limits of §4.6.4.
 */
export async function explain(context: ExplainContext, fallback: MacroString): Promise<string> {
  const limit = context.frame.session.limits.explanationLength;
  const published = context.spec === undefined ? undefined : await fromRecord(context.frame, context.spec);
  if (published !== undefined) return published.slice(0, limit);
  let text: string;
  try {
    text = await expandFully(context.frame, fallback);
  } catch (error) {
    if (!(error instanceof Abort)) throw error;
    text = expandMacro(fallback, { ...context.frame.values, p: 'unknown' });
  }
  // §6.2: "the explanation string MUST be limited to US-ASCII".
  return text.replace(/[^\x20-\x7e]/g, '?').slice(0, limit);
}

async function fromRecord(frame: Frame, spec: MacroString): Promise<string | undefined> {
  try {
    const target = await targetOf(frame, spec);
    if (!target.ok) return undefined;
    const answer = await frame.session.query('TXT', target.name, frame.depth);
    if (!answer.ok || answer.records.length !== 1) return undefined;
    // §6.2: "The fetched TXT record's strings are concatenated with no spaces, and then treated
    // as an explain-string, which is macro-expanded."
    const parsed = parseMacroString((answer.records[0] as string[]).join(''), 'explanation');
    if (!parsed.ok) return undefined;
    const text = await expandFully(frame, parsed.macro);
    return isAscii(text) ? text : undefined;
  } catch (error) {
    if (error instanceof Abort) return undefined;
    throw error;
  }
}

async function expandFully(frame: Frame, macro: MacroString): Promise<string> {
  if (macro.usesP && frame.values.p === undefined) frame.values.p = await validatedName(frame);
  return expandMacro(macro, frame.values);
}
