import { problem, type MessageProblem } from './errors.js';
import { isAtext, isCtext, isDtext, isObsNoWsCtl, isQtext, isWsp } from './syntax.js';

const CR = 0x0d;
const LF = 0x0a;
const BACKSLASH = 0x5c;
const DQUOTE = 0x22;
const SPECIALS = '<>:;@,.';

/**
 * What stood between a token and the one before it. RFC 5322 §3.2.2: a run of FWS and comments
 * between tokens means a single space; the parser needs to know whether there was any (a display
 * name keeps it) and whether a comment was part of it (RFC 2047 §6.2 joins encoded words only
 * across plain white space).
 */
export type Gap = 'none' | 'space' | 'comment';

/** One lexical token of a structured field body (RFC 5322 §3.2). */
export interface Token {
  /**
   * - `atom`: a run of atext (RFC 5322 §3.2.3); dots are separate `special` tokens, so a
   *   dot-atom arrives as atoms and dots.
   * - `quoted`: a quoted-string (§3.2.4); `text` is its content, quoted-pairs resolved and
   *   folding CRLFs removed.
   * - `literal`: a domain-literal (§3.4.1); `text` is the content between the brackets.
   * - `special`: one of `< > : ; @ , .`.
   */
  kind: 'atom' | 'quoted' | 'literal' | 'special';
  text: string;
  gap: Gap;
  /** Offset in the input, for problem messages. */
  offset: number;
}

export type TokenizeResult = { ok: true; tokens: Token[] } | { ok: false; problem: MessageProblem };

class LexError extends Error {}

/**
 * Splits a structured field body into tokens, dropping white space, folding and comments
 * (comments nest, RFC 5322 §3.2.2) but noting where they were. Accepts the obsolete controls and
 * quoted-pairs of RFC 5322 §4.1, and UTF-8 wherever RFC 6532 §3.2 allows it.
 */
export function tokenize(value: string): TokenizeResult {
  const lexer = new Lexer(value);
  try {
    return { ok: true, tokens: lexer.run() };
  } catch (error) {
    if (error instanceof LexError) return { ok: false, problem: problem('malformed-address', error.message) };
    throw error;
  }
}

class Lexer {
  readonly #text: string;
  #at = 0;

  constructor(text: string) {
    this.#text = text;
  }

  run(): Token[] {
    const tokens: Token[] = [];
    let gap: Gap = 'none';
    while (this.#at < this.#text.length) {
      const code = this.#text.charCodeAt(this.#at);
      if (isWsp(code) || code === CR || code === LF) {
        this.#skipFws();
        if (gap === 'none') gap = 'space';
      } else if (code === 0x28) {
        this.#skipComment();
        gap = 'comment';
      } else {
        tokens.push(this.#token(code, gap));
        gap = 'none';
      }
    }
    return tokens;
  }

  #token(code: number, gap: Gap): Token {
    const offset = this.#at;
    if (code === DQUOTE) return { kind: 'quoted', text: this.#quoted(), gap, offset };
    if (code === 0x5b) return { kind: 'literal', text: this.#literal(), gap, offset };
    if (isAtext(code)) return { kind: 'atom', text: this.#atom(), gap, offset };
    const char = this.#text[this.#at]!;
    if (SPECIALS.includes(char)) {
      this.#at++;
      return { kind: 'special', text: char, gap, offset };
    }
    throw this.#error(`unexpected ${describe(code)}`);
  }

  #atom(): string {
    const start = this.#at;
    while (this.#at < this.#text.length && isAtext(this.#text.charCodeAt(this.#at))) this.#at++;
    return this.#text.slice(start, this.#at);
  }

  /** RFC 5322 §3.2.2 FWS (and §4.2 obs-FWS): a line break counts only when white space follows it. */
  #skipFws(): void {
    while (this.#at < this.#text.length) {
      const code = this.#text.charCodeAt(this.#at);
      if (isWsp(code)) {
        this.#at++;
      } else if (code === CR || code === LF) {
        // A fold is CRLF (or the bare LF of a Unix-stored message) before white space; a bare CR
        // or a break before anything else is not white space at all.
        const breakLength = code === CR && this.#text.charCodeAt(this.#at + 1) === LF ? 2 : 1;
        const folds = (code === LF || breakLength === 2) && isWsp(this.#text.charCodeAt(this.#at + breakLength));
        if (!folds) throw this.#error('line break that is not folding white space');
        this.#at += breakLength;
      } else {
        return;
      }
    }
  }

  /** RFC 5322 §3.2.2: comment = "(" *([FWS] ccontent) [FWS] ")", ccontent includes nested comments. */
  #skipComment(): void {
    const start = this.#at;
    let depth = 0;
    while (this.#at < this.#text.length) {
      const code = this.#text.charCodeAt(this.#at);
      if (code === 0x28 || code === 0x29) {
        depth += code === 0x28 ? 1 : -1;
        this.#at++;
        if (depth === 0) return;
      } else if (code === BACKSLASH) {
        this.#quotedPair();
      } else if (code === CR || code === LF || isWsp(code)) {
        this.#skipFws();
      } else if (isCtext(code) || isObsNoWsCtl(code)) {
        this.#at++;
      } else {
        throw this.#error(`unexpected ${describe(code)} in a comment`);
      }
    }
    throw this.#error(`comment opened at offset ${start} is not closed`);
  }

  /** RFC 5322 §3.2.4 quoted-string; white space is content, the CRLF of a fold is not. */
  #quoted(): string {
    const start = this.#at++;
    let content = '';
    while (this.#at < this.#text.length) {
      const code = this.#text.charCodeAt(this.#at);
      if (code === DQUOTE) {
        this.#at++;
        return content;
      }
      if (code === BACKSLASH) {
        content += this.#quotedPair();
      } else if (code === CR || code === LF) {
        const before = this.#at;
        this.#skipFws();
        content += this.#text.slice(before, this.#at).replace(/\r?\n/g, '');
      } else if (isWsp(code) || isQtext(code) || isObsNoWsCtl(code)) {
        content += this.#text[this.#at++];
      } else {
        throw this.#error(`unexpected ${describe(code)} in a quoted string`);
      }
    }
    throw this.#error(`quoted string opened at offset ${start} is not closed`);
  }

  /**
   * RFC 5322 §3.4.1 domain-literal with §4.4 obs-dtext. White space inside the brackets carries
   * no meaning for an address literal, so it is dropped; a quoted-pair keeps its character.
   */
  #literal(): string {
    const start = this.#at++;
    let content = '';
    while (this.#at < this.#text.length) {
      const code = this.#text.charCodeAt(this.#at);
      if (code === 0x5d) {
        this.#at++;
        return content;
      }
      if (code === BACKSLASH) content += this.#quotedPair();
      else if (code === CR || code === LF || isWsp(code)) this.#skipFws();
      else if (isDtext(code) || isObsNoWsCtl(code)) content += this.#text[this.#at++];
      else throw this.#error(`unexpected ${describe(code)} in a domain literal`);
    }
    throw this.#error(`domain literal opened at offset ${start} is not closed`);
  }

  /**
   * RFC 5322 §3.2.1 quoted-pair ("\" VCHAR / WSP) and §4.1 obs-qp (NUL, controls, CR, LF): the
   * backslash is invisible, the character is kept. A lone surrogate pair half stays whole.
   */
  #quotedPair(): string {
    const next = this.#text.codePointAt(this.#at + 1);
    if (next === undefined) throw this.#error('backslash at the end of the input');
    const char = String.fromCodePoint(next);
    this.#at += 1 + char.length;
    return char;
  }

  #error(detail: string): LexError {
    return new LexError(`${detail} at offset ${this.#at} of the address list`);
  }
}

function describe(code: number): string {
  if (code >= 33 && code <= 126) return `"${String.fromCharCode(code)}"`;
  return `character 0x${code.toString(16).padStart(2, '0')}`;
}
