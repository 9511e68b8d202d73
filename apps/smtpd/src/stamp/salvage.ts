import type { HeaderField } from 'authgate';
import type { HeaderLayout, Span } from './locate.js';

const CR = 0x0d;
const LF = 0x0a;
const SP = 0x20;
const HTAB = 0x09;

/** Control characters other than HTAB: no reader agrees on what a field value holding them says. */
const CONTROL = /[\x00-\x08\x0a-\x1f\x7f]/;

/** Header fields located line by line in a header section the message parser refused. */
export interface Salvage {
  /** One entry per span; a line that is no field (no colon) has the name '' and is never removed. */
  fields: HeaderField[];
  layout: HeaderLayout;
}

/**
 * Finds the fields of a header section that does not parse (a line without a colon, a NUL...),
 * so that forged Authentication-Results and Received-SPF fields can still be cut from it:
 * RFC 8601 §5 says a receiver MUST delete them, and a downstream reads fields from such a header
 * all the same. The rule is the one every reader shares (RFC 5322 §2.2, §2.2.3): a field starts at
 * a line that does not begin with WSP, and the lines that do continue it. `head` has CRLF line
 * ends only (DATA is normalized on receipt). Field names keep obsolete WSP before the colon out
 * (RFC 5322 §4.5.3), and a value holding a control character is read as empty, so that the
 * forged-field check counts it as unattributable rather than guessing whose it is.
 *
 * `complete`: `head` is the whole message, so a header section without an empty line ends at
 * its end. Returns undefined when the section does not end within `head`.
 */
export function salvageFields(head: Buffer, complete: boolean): Salvage | undefined {
  const spans: Span[] = [];
  let at = 0;
  while (at < head.length && !(head[at] === CR && head[at + 1] === LF)) {
    const lf = head.indexOf(LF, at);
    const end = lf === -1 ? head.length : lf + 1;
    const last = spans.at(-1);
    if (last !== undefined && (head[at] === SP || head[at] === HTAB)) last.end = end;
    else spans.push({ start: at, end });
    at = end;
  }
  if (at >= head.length && !complete) return undefined;
  return { fields: spans.map((span) => fieldAt(head.subarray(span.start, span.end))), layout: { spans, headerEnd: at } };
}

function fieldAt(raw: Buffer): HeaderField {
  const text = raw.toString('latin1');
  const colon = text.indexOf(':');
  const name = colon === -1 ? '' : text.slice(0, colon).replace(/[ \t]+$/, '');
  if (name === '' || /[^\x21-\x7e]/.test(name)) return { name: '', key: '', raw, value: '' };
  const value = raw.subarray(colon + 1).toString('utf8').replace(/\r\n(?=[ \t])/g, '').replace(/\r\n$/, '').replace(/^[ \t]+|[ \t]+$/g, '');
  return { name, key: name.toLowerCase(), raw, value: CONTROL.test(value) ? '' : value };
}
