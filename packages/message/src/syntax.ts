/**
 * Character classes of RFC 5322 §3.2 with the RFC 6532 §3.2 extension: every non-ASCII character
 * (a UTF-8 sequence on the wire, one or two UTF-16 code units here) counts as atext, qtext, ctext
 * and dtext. Shared by the tokenizer and the formatter so that what one writes the other reads.
 */

const ATEXT_SYMBOLS = "!#$%&'*+-/=?^_`{|}~";
const atextTable = new Uint8Array(128);
for (let code = 0x30; code <= 0x39; code++) atextTable[code] = 1;
for (let code = 0x41; code <= 0x5a; code++) atextTable[code] = 1;
for (let code = 0x61; code <= 0x7a; code++) atextTable[code] = 1;
for (const symbol of ATEXT_SYMBOLS) atextTable[symbol.charCodeAt(0)] = 1;

/** RFC 5322 §3.2.3 atext, plus RFC 6532 §3.2 UTF8-non-ascii. */
export function isAtext(code: number): boolean {
  return code >= 0x80 || atextTable[code] === 1;
}

/** RFC 5322 §3.2.2 WSP: space and horizontal tab. */
export function isWsp(code: number): boolean {
  return code === 0x20 || code === 0x09;
}

/**
 * RFC 5322 §4.1 obs-NO-WS-CTL: the US-ASCII controls other than NUL, HTAB, LF and CR, and DEL.
 * Obsolete, but RFC 5322 §4 says a receiver MUST still accept them in ctext, qtext and dtext.
 */
export function isObsNoWsCtl(code: number): boolean {
  return (code >= 1 && code <= 8) || code === 11 || code === 12 || (code >= 14 && code <= 31) || code === 127;
}

/** RFC 5322 §3.2.4 qtext (current syntax): printable US-ASCII except `"` and `\`, or non-ASCII. */
export function isQtext(code: number): boolean {
  return code >= 0x80 || (code >= 33 && code <= 126 && code !== 0x22 && code !== 0x5c);
}

/** RFC 5322 §3.2.2 ctext (current syntax): printable US-ASCII except `(`, `)` and `\`, or non-ASCII. */
export function isCtext(code: number): boolean {
  return code >= 0x80 || (code >= 33 && code <= 126 && code !== 0x28 && code !== 0x29 && code !== 0x5c);
}

/** RFC 5322 §3.4.1 dtext (current syntax): printable US-ASCII except `[`, `]` and `\`, or non-ASCII. */
export function isDtext(code: number): boolean {
  return code >= 0x80 || (code >= 33 && code <= 90) || (code >= 94 && code <= 126);
}

/** RFC 5322 §3.2.3 dot-atom-text: atext runs joined by single dots. */
export function isDotAtomText(text: string): boolean {
  if (text.length === 0) return false;
  let previousDot = true;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 0x2e) {
      if (previousDot) return false;
      previousDot = true;
    } else if (isAtext(code)) {
      previousDot = false;
    } else {
      return false;
    }
  }
  return !previousDot;
}

/** True when every character of `text` is atext (one RFC 5322 atom, without its CFWS). */
export function isAtomText(text: string): boolean {
  if (text.length === 0) return false;
  for (let i = 0; i < text.length; i++) if (!isAtext(text.charCodeAt(i))) return false;
  return true;
}
