/**
 * RFC 2047 encoded words ("=?charset?B|Q?text?="), the way non-ASCII display names were written
 * before RFC 6532 allowed raw UTF-8.
 */

/** One encoded word, its text turned back into the bytes of its charset. */
export interface EncodedWord {
  /** The charset label in lower case, without an RFC 2231 §5 language suffix. */
  charset: string;
  bytes: Buffer;
}

// RFC 2047 §2: encoded-word = "=?" charset "?" encoding "?" encoded-text "?="; RFC 2231 §5 adds
// an optional "*language" after the charset. Encoded text is printable ASCII other than "?" and
// space; an empty one is tolerated (some encoders write "=?utf-8?B??=" for an empty name).
const ENCODED_WORD = /^=\?([^?*\s]+)(?:\*[^?\s]*)?\?([BbQq])\?([\x21-\x3e\x40-\x7e]*)\?=$/;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const HEX = /^[0-9A-Fa-f]{2}$/;

/** The charset and bytes of `atom` when it is one well-formed encoded word; undefined otherwise. */
export function parseEncodedWord(atom: string): EncodedWord | undefined {
  const match = ENCODED_WORD.exec(atom);
  if (match === null) return undefined;
  const [, charset, encoding, text] = match as unknown as [string, string, string, string];
  const bytes = encoding === 'B' || encoding === 'b' ? decodeB(text) : decodeQ(text);
  return bytes === undefined ? undefined : { charset: charset.toLowerCase(), bytes };
}

/** True when `word` could be taken for an encoded word, so a formatter must quote it. */
export function looksEncoded(word: string): boolean {
  return word.startsWith('=?') && word.endsWith('?=') && word.length >= 4;
}

/** RFC 2047 §4.1: the "B" encoding is base64; padding must be right when present. */
function decodeB(text: string): Buffer | undefined {
  if (!BASE64.test(text)) return undefined;
  const padded = text.includes('=');
  if ((padded && text.length % 4 !== 0) || text.length % 4 === 1) return undefined;
  return Buffer.from(text, 'base64');
}

/** RFC 2047 §4.2: "=XX" is an octet, "_" is a space (0x20), other printable ASCII is itself. */
function decodeQ(text: string): Buffer | undefined {
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!;
    if (char === '_') {
      bytes.push(0x20);
    } else if (char === '=') {
      const hex = text.slice(i + 1, i + 3);
      if (!HEX.test(hex)) return undefined;
      bytes.push(Number.parseInt(hex, 16));
      i += 2;
    } else {
      bytes.push(char.charCodeAt(0));
    }
  }
  return Buffer.from(bytes);
}

// RFC 2047 §2: an encoded word is at most 75 characters. "=?utf-8?b?" and "?=" take 12, which
// leaves 63 for base64, i.e. 60 usable characters holding 45 octets.
const MAX_OCTETS_PER_WORD = 45;

/**
 * Writes `text` as UTF-8 "B" encoded words separated by spaces. Each word holds whole characters
 * (RFC 2047 §5); a decoder drops the spaces between adjacent encoded words (RFC 2047 §6.2).
 */
export function encodeWords(text: string): string {
  const words: string[] = [];
  let chunk = '';
  let chunkOctets = 0;
  for (const char of text) {
    const octets = Buffer.byteLength(char);
    if (chunkOctets + octets > MAX_OCTETS_PER_WORD && chunk !== '') {
      words.push(encodeWord(chunk));
      chunk = '';
      chunkOctets = 0;
    }
    chunk += char;
    chunkOctets += octets;
  }
  words.push(encodeWord(chunk));
  return words.join(' ');
}

function encodeWord(text: string): string {
  return `=?utf-8?b?${Buffer.from(text, 'utf8').toString('base64')}?=`;
}
