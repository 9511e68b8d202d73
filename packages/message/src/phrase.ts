import { decodeCharset } from './charset.js';
import { parseEncodedWord, type EncodedWord } from './encoded-word.js';
import type { Gap, Token } from './tokenize.js';

interface Piece {
  text: string;
  gap: Gap;
  /** Set for an atom that is an encoded word, until it has been decoded. */
  word?: EncodedWord;
  /** True once the piece holds the decoded text of an encoded word. */
  decoded: boolean;
}

/**
 * The text of a phrase (a display name or a group name, RFC 5322 §3.2.5 and §4.1 obs-phrase):
 * the words and dots as written, a single space wherever white space or comments separated them
 * (RFC 5322 §3.2.2), and encoded words decoded (RFC 2047 §5 (3): only an encoded word standing
 * as a whole atom; never inside a quoted string). An encoded word that cannot be decoded, for
 * an unknown charset or bad bytes, is kept as written.
 */
export function phraseText(tokens: readonly Token[]): string {
  const pieces = tokens.map(toPiece);
  decodeRuns(pieces);
  let text = '';
  for (let i = 0; i < pieces.length; i++) {
    const piece = pieces[i]!;
    // RFC 2047 §6.2: white space between adjacent encoded words is not displayed.
    const joined = piece.decoded && pieces[i - 1]?.decoded === true && piece.gap === 'space';
    if (i > 0 && piece.gap !== 'none' && !joined) text += ' ';
    text += piece.text;
  }
  return text;
}

function toPiece(token: Token): Piece {
  const word = token.kind === 'atom' ? parseEncodedWord(token.text) : undefined;
  return word === undefined ? { text: token.text, gap: token.gap, decoded: false } : { text: token.text, gap: token.gap, word, decoded: false };
}

/**
 * Decodes each run of encoded words in one charset separated by plain white space as one byte
 * string, so that a multi-byte character split across two words (as some encoders do, against
 * RFC 2047 §5) still decodes; when the run as a whole does not decode, each word is tried alone.
 */
function decodeRuns(pieces: Piece[]): void {
  for (let start = 0; start < pieces.length; start++) {
    const first = pieces[start]!.word;
    if (first === undefined) continue;
    let end = start + 1;
    while (end < pieces.length && pieces[end]!.gap === 'space' && pieces[end]!.word?.charset === first.charset) end++;
    const run = pieces.slice(start, end);
    const whole = decodeCharset(first.charset, Buffer.concat(run.map((piece) => piece.word!.bytes)));
    if (whole !== undefined) {
      run.forEach((piece, i) => settle(piece, i === 0 ? whole : ''));
    } else {
      for (const piece of run) {
        const alone = decodeCharset(piece.word!.charset, piece.word!.bytes);
        if (alone !== undefined) settle(piece, alone);
        else delete piece.word;
      }
    }
    start = end - 1;
  }
}

function settle(piece: Piece, text: string): void {
  piece.text = text;
  piece.decoded = true;
  delete piece.word;
}
