import { fieldsNamed, parseMessage, type HeaderField } from 'authgate';
import type { Spool } from '../spool.js';
import { emptyLineAt, locateFields, type HeaderLayout } from './locate.js';
import { salvageFields } from './salvage.js';

/** A header section's received bytes, its fields and where each one is. */
export interface LocatedHeader {
  head: Buffer;
  fields: HeaderField[];
  layout: HeaderLayout;
}

export type HeaderInspection =
  /** The header section parsed: its fields, where they are, and the bytes they were read from. */
  | { status: 'ok'; head: Buffer; fields: HeaderField[]; layout: HeaderLayout; fromCount: number }
  /**
   * RFC 5322 §2.2 syntax broken (or no bytes at all). `salvaged`: its fields located line by line
   * all the same (`salvageFields`), so that forged ones can still be cut (RFC 8601 §5).
   */
  | { status: 'malformed'; problem: { code: string; message: string }; salvaged?: LocatedHeader }
  | { status: 'too-large' };

const LF = 0x0a;

/**
 * Reads the header section of a spooled message through the message parser, from the first
 * `maxHeaderSize` (+ the empty line) bytes, which the spool holds in memory in the common case.
 */
export async function inspectHeader(spool: Spool, maxHeaderSize: number): Promise<HeaderInspection> {
  const head = await headerBytes(spool, maxHeaderSize + 2);
  const complete = head.length === spool.size;
  if (!complete && !containsEmptyLine(head)) return { status: 'too-large' };
  const parsed = parseMessage(head);
  if (!parsed.ok) return malformed(head, complete, maxHeaderSize, parsed.problem);
  const fields = parsed.message.header;
  const layout = locateFields(head, fields);
  if (layout === undefined) {
    return malformed(head, complete, maxHeaderSize, { code: 'unlocatable', message: 'smtpd: header fields do not match the received bytes' });
  }
  if (layout.headerEnd > maxHeaderSize) return { status: 'too-large' };
  if (!emptyLineAt(head, layout.headerEnd) && !(complete && layout.headerEnd === head.length)) return { status: 'too-large' };
  return { status: 'ok', head, fields, layout, fromCount: fieldsNamed(fields, 'from').length };
}

/** The header section and its fields as far as they can be located, whether it parsed or not. */
export function locatedHeader(inspection: HeaderInspection): LocatedHeader | undefined {
  return inspection.status === 'ok' ? inspection : inspection.status === 'malformed' ? inspection.salvaged : undefined;
}

function malformed(head: Buffer, complete: boolean, maxHeaderSize: number, problem: { code: string; message: string }): HeaderInspection {
  const salvage = salvageFields(head, complete);
  if (salvage !== undefined && salvage.layout.headerEnd > maxHeaderSize) return { status: 'too-large' };
  return { status: 'malformed', problem, ...(salvage !== undefined && { salvaged: { head, ...salvage } }) };
}

/**
 * The message's first `limit` bytes, or only its first stored chunk when the header section ends
 * in it, as it nearly always does: a view of that chunk, so that reading the header does not copy
 * the whole message.
 */
async function headerBytes(spool: Spool, limit: number): Promise<Buffer> {
  for await (const chunk of spool.stream(0)) {
    const first = chunk.subarray(0, limit);
    if (first.length === limit || containsEmptyLine(first)) return first;
    break;
  }
  return spool.readPrefix(limit);
}

/** The empty line that ends a header section: at the very start, or LF followed by (CR)LF. */
function containsEmptyLine(bytes: Buffer): boolean {
  if (emptyLineAt(bytes, 0)) return true;
  for (let lf = bytes.indexOf(LF); lf !== -1; lf = bytes.indexOf(LF, lf + 1)) {
    if (emptyLineAt(bytes, lf + 1)) return true;
  }
  return false;
}
