/**
 * Every machine code an SPF evaluation can report, with the result it goes with.
 *
 * none (RFC 7208 §2.6.1, §4.3, §4.5):
 * - `invalid-domain`: the identity's domain is malformed, a literal or a single label (§4.3).
 * - `no-record`: NXDOMAIN, no TXT records, or no `v=spf1` record among them (§4.3, §4.5).
 *
 * permerror (RFC 7208 §2.6.7):
 * - `multiple-records`: more than one `v=spf1` record (§4.5).
 * - `not-spf-record`: text given to the parser does not start with `v=spf1` (§4.5).
 * - `syntax-error`: a term matches no rule of the grammar (§4.6, §12), e.g. a control character.
 * - `unknown-mechanism`: a directive names no mechanism of §5.
 * - `invalid-ip-network`: an ip4/ip6 address that is not in dotted-quad / RFC 4291 form (§5.6).
 * - `invalid-cidr`: a prefix length out of range or with a leading zero (§5.6).
 * - `invalid-domain-spec`: a domain-spec that is empty or does not end in a macro or a valid
 *   top label (§7.1), or uses c/r/t outside exp text (§7.2).
 * - `invalid-macro`: a `%` not starting a valid macro-expand (§7.1, §7.3).
 * - `invalid-modifier`: a known modifier without a valid value (§6).
 * - `duplicate-modifier`: redirect= or exp= given twice (§6).
 * - `lookup-limit`: more than 10 DNS-querying terms (§4.6.4).
 * - `void-lookup-limit`: more than 2 lookups that found nothing (§4.6.4).
 * - `mx-limit`: an MX answer with more than 10 names (§4.6.4).
 * - `include-none`: an include target without an SPF record (§5.2).
 * - `redirect-none`: a redirect target without an SPF record, or a malformed one (§6.1).
 *
 * temperror (RFC 7208 §2.6.6):
 * - `dns-error`: a DNS query failed (SERVFAIL, timeout...) (§4.4, §5).
 * - `deadline`: the evaluation took longer than `limits.deadlineMs` (§4.6.4).
 */
export type SpfProblemCode =
  | 'invalid-domain'
  | 'no-record'
  | 'multiple-records'
  | 'not-spf-record'
  | 'syntax-error'
  | 'unknown-mechanism'
  | 'invalid-ip-network'
  | 'invalid-cidr'
  | 'invalid-domain-spec'
  | 'invalid-macro'
  | 'invalid-modifier'
  | 'duplicate-modifier'
  | 'lookup-limit'
  | 'void-lookup-limit'
  | 'mx-limit'
  | 'include-none'
  | 'redirect-none'
  | 'dns-error'
  | 'deadline';

/** Why a result is none, permerror or temperror. */
export interface SpfProblem {
  code: SpfProblemCode;
  message: string;
}

export function problem(code: SpfProblemCode, detail: string): SpfProblem {
  return { code, message: `spf: ${detail}` };
}

const SHOWN_CHARS = 80;

/**
 * Record text or a name for a problem message: quoted, printable ASCII only and short, because
 * it comes from the sender's DNS and ends up in header fields and SMTP replies (RFC 7208 §9.1,
 * §11.5.1).
 */
export function show(text: string): string {
  const cut = text.length > SHOWN_CHARS ? `${text.slice(0, SHOWN_CHARS)}...` : text;
  let out = '"';
  for (const char of cut) {
    const code = char.codePointAt(0) as number;
    if (code >= 0x20 && code < 0x7f && char !== '"' && char !== '\\') out += char;
    else out += code <= 0xffff ? `\\u${code.toString(16).padStart(4, '0')}` : `\\u{${code.toString(16)}}`;
  }
  return `${out}"`;
}

/** The only things this package throws for: a caller passing arguments no SMTP session produces. */
export type SpfErrorCode = 'invalid-ip' | 'invalid-option';

/** Thrown for programmer misuse only; protocol outcomes are results, never exceptions. */
export class SpfError extends Error {
  override readonly name = 'SpfError';
  readonly code: SpfErrorCode;

  constructor(code: SpfErrorCode, detail: string, options?: { cause?: unknown }) {
    super(`spf: ${detail}`, options);
    this.code = code;
  }
}
