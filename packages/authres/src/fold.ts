/**
 * Folding of structured field values (RFC 5322 §2.2.3): lines of at most 78 columns (§2.1.1
 * SHOULD), a CRLF only ever inserted before white space, never a line of white space alone
 * (§3.2.2), and never a line over 998 octets (§2.1.1 MUST) unless one keyword is that long.
 */

/** RFC 5322 §2.1.1: "SHOULD be no more than 78 characters". */
export const MAX_COLUMNS = 78;

/** A piece longer than this is cut so that no line reaches the 998-octet limit of RFC 5322 §2.1.1. */
const MAX_PIECE = 900;

/**
 * A unit of a field value between two places where the grammar allows folding.
 * - `token`: never folded inside (keywords, tokens, addresses).
 * - `comment`: may be folded at its spaces; comment text is read back whitespace-normalized, so
 *   the fold may put any indentation in place of the space.
 * - `quoted`: holds a quoted-string, which may be folded right before its own white space only,
 *   since the white space in a quoted-string is content (RFC 5322 §3.2.4).
 */
export interface Word {
  kind: 'token' | 'comment' | 'quoted';
  /** The text cut at each run of white space; every piece after the first starts with it. */
  pieces: string[];
}

export function tokenWord(text: string): Word {
  return { kind: 'token', pieces: [text] };
}

/** A word holding a comment or a quoted-string, with its places to fold. */
export function breakableWord(kind: 'comment' | 'quoted', text: string): Word {
  const pieces: string[] = [];
  let start = 0;
  for (let i = 1; i < text.length; i++) {
    // A piece ends where a run of white space starts (right after a character that is not WSP).
    if (isWspCode(text.charCodeAt(i)) && !isWspCode(text.charCodeAt(i - 1))) {
      addPiece(pieces, text.slice(start, i));
      start = i;
    }
  }
  addPiece(pieces, text.slice(start));
  return { kind, pieces };
}

function isWspCode(code: number): boolean {
  return code === 0x20 || code === 0x09;
}

function addPiece(pieces: string[], piece: string): void {
  // No UTF-16 unit is wider than a TAB's 8 columns: a short piece needs no measuring.
  if (piece.length * 8 <= MAX_PIECE) pieces.push(piece);
  else pieces.push(...cutLongPiece(piece));
}

/** Appends `suffix` (a `;`) to the end of a word. */
export function withSuffix(word: Word, suffix: string): Word {
  const pieces = [...word.pieces];
  pieces[pieces.length - 1] += suffix;
  return { kind: word.kind, pieces };
}

/**
 * A piece too long for any line is cut, with a space inserted at each cut: within a comment or
 * a quoted-string that is the only way to keep the RFC 5322 §2.1.1 MUST, at the price of one
 * added space. A cut never splits a quoted-pair or a surrogate pair.
 */
function cutLongPiece(piece: string): string[] {
  if (width(piece) <= MAX_PIECE) return [piece];
  const out: string[] = [];
  let current = '';
  const units = piece.match(/\\[\s\S]|[\s\S]/gu) ?? [];
  for (const unit of units) {
    if (width(current + unit) > MAX_PIECE) {
      out.push(current);
      current = ' ';
    }
    current += unit;
  }
  out.push(current);
  return out;
}

/** Display width: a TAB counts 8 columns, any other character its UTF-8 octets, which bounds
 * both the columns a terminal uses and the octets the 998 limit counts. Counted from the UTF-16
 * units directly: every word of every field written passes through here, several times. */
export function width(text: string): number {
  let total = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) total += code === 0x09 ? 8 : 1;
    else if (code < 0x800) total += 2;
    else if (isHighSurrogate(code) && isLowSurrogate(text.charCodeAt(i + 1))) {
      // A surrogate pair is one code point beyond U+FFFF: four octets in UTF-8.
      total += 4;
      i++;
    } else {
      // Three octets, also for a lone surrogate, which UTF-8 writes as U+FFFD.
      total += 3;
    }
  }
  return total;
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}

export interface FoldLayout {
  /** The width of `Name: ` before the value on the first line. */
  prefixWidth: number;
  /** What follows the CRLF that starts each group after the first. */
  groupIndent: string;
  /** What follows the CRLF of any other fold between words. */
  wrapIndent: string;
}

/** A word with its text (pieces joined) and that text's width, each computed once. */
interface Measured {
  word: Word;
  text: string;
  width: number;
}

function measure(word: Word): Measured {
  const text = word.pieces.length === 1 ? word.pieces[0]! : word.pieces.join('');
  return { word, text, width: width(text) };
}

/**
 * Lays out groups of words (e.g. one group per method result). When everything fits on the
 * first line it is written there, words separated by one space; otherwise every group after
 * the first starts on a line of its own and each group is filled line by line.
 */
export function foldGroups(groups: Word[][], layout: FoldLayout): string {
  const measured = groups.map((group) => group.map(measure));
  // The width of the one-line form, words and groups joined by one space, without building it:
  // widths add up, since every join is at a space (no surrogate pair spans two words).
  let flatWidth = Math.max(0, measured.length - 1);
  for (const group of measured) {
    flatWidth += Math.max(0, group.length - 1);
    for (const word of group) flatWidth += word.width;
  }
  if (layout.prefixWidth + flatWidth <= MAX_COLUMNS) {
    return measured.map((group) => group.map((word) => word.text).join(' ')).join(' ');
  }
  const out = new LineWriter(layout.prefixWidth, layout.wrapIndent);
  measured.forEach((group, index) => {
    if (index > 0) out.newline(layout.groupIndent);
    for (const word of group) out.place(word);
  });
  return out.toString();
}

class LineWriter {
  private readonly parts: string[] = [];
  private column: number;
  /** True at the start of a line, where a word needs no separating space. */
  private fresh = true;
  private readonly indentWidth: number;

  constructor(
    prefixWidth: number,
    private readonly indent: string,
  ) {
    this.column = prefixWidth;
    this.indentWidth = width(indent);
  }

  toString(): string {
    return this.parts.join('');
  }

  newline(indent: string): void {
    this.parts.push(`\r\n${indent}`);
    this.column = indent === this.indent ? this.indentWidth : width(indent);
    this.fresh = true;
  }

  private append(text: string, textWidth = width(text)): void {
    this.parts.push(text);
    this.column += textWidth;
    this.fresh = false;
  }

  private fits(text: string): boolean {
    return this.column + width(text) <= MAX_COLUMNS;
  }

  place({ word, text, width: textWidth }: Measured): void {
    if (this.fresh) {
      if (this.column + textWidth <= MAX_COLUMNS) return this.append(text, textWidth);
    } else {
      if (this.column + 1 + textWidth <= MAX_COLUMNS) return this.append(` ${text}`, 1 + textWidth);
      if (this.indentWidth + textWidth <= MAX_COLUMNS) {
        this.newline(this.indent);
        return this.append(text, textWidth);
      }
    }
    if (word.kind === 'token' || word.pieces.length === 1) {
      if (!this.fresh) this.newline(this.indent);
      return this.append(text, textWidth);
    }
    this.placePieces(word);
  }

  /** A breakable word longer than a line: fill the current line, fold at its white space. */
  private placePieces(word: Word): void {
    const [first, ...rest] = word.pieces as [string, ...string[]];
    if (!this.fresh && !this.fits(` ${first}`)) this.newline(this.indent);
    this.append(this.fresh ? first : ` ${first}`);
    for (const piece of rest) {
      if (this.fits(piece)) {
        this.append(piece);
      } else if (word.kind === 'comment') {
        this.newline(this.indent);
        this.append(piece.replace(/^[ \t]+/, ''));
      } else {
        // RFC 5322 §2.2.3: the CRLF goes right before the quoted-string's own white space.
        this.parts.push('\r\n');
        this.column = 0;
        this.append(piece);
      }
    }
  }
}
