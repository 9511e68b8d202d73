import { problem, type AuthresProblem, type AuthresProblemCode } from './errors.js';
import { isControl, isNonAscii, isTokenChar, isWsp, normalizeComment } from './lexical.js';

/** Carries a problem from deep in the recursive descent to the parser's entry point, which
 * turns it into a result; it never leaves this package. */
export class ParseFailure extends Error {
  readonly problem: AuthresProblem;

  constructor(p: AuthresProblem) {
    super(p.message);
    this.problem = p;
  }
}

export function fail(code: AuthresProblemCode, detail: string): never {
  throw new ParseFailure(problem(code, detail));
}

/** Runs `parse`, turning a `ParseFailure` into `{ ok: false }`. */
export function runParser<T>(parse: () => T): { ok: true; value: T } | { ok: false; problem: AuthresProblem } {
  try {
    return { ok: true, value: parse() };
  } catch (error) {
    if (error instanceof ParseFailure) return { ok: false, problem: error.problem };
    throw error;
  }
}

/**
 * RFC 5322 §2.2.3: unfolding removes every CRLF that is followed by WSP before any other
 * analysis. A bare LF is taken as a line end too (as @authgate/message does), and one final line
 * end is dropped (the field's own CRLF). Any other control character is an error.
 */
export function unfold(value: string): string {
  const text = value.replace(/\r?\n(?=[ \t])/g, '').replace(/\r?\n$/, '');
  for (let i = 0; i < text.length; i++) {
    if (isControl(text[i]!)) fail('bad-character', `control character U+${hex(text, i)} at offset ${i}`);
  }
  // A lone UTF-16 surrogate has no UTF-8 form (RFC 6532 §3.1), so no field can hold one.
  const lone = LONE_SURROGATE.exec(text);
  if (lone) fail('bad-character', `lone UTF-16 surrogate U+${hex(text, lone.index)} at offset ${lone.index}`);
  return text;
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Input text quoted for a message, cut short so that a huge field makes no huge message. */
export function excerpt(text: string): string {
  return JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text);
}

function hex(text: string, i: number): string {
  return text.charCodeAt(i).toString(16).toUpperCase().padStart(4, '0');
}

/**
 * The comments of one slot as one text, or undefined when there are none. Empty comments add
 * nothing, so that the text stays in normal form (`(a) () (b)` is `a b`).
 */
export function joinComments(comments: readonly string[]): string | undefined {
  if (comments.length === 0) return undefined;
  return comments.filter((comment) => comment !== '').join(' ');
}

/** What a run of CFWS contained. */
export interface Gap {
  /** The comments, normalized (see `normalizeComment`), in order. */
  comments: string[];
  /** Whether any white space or comment was there at all. */
  any: boolean;
}

/**
 * A cursor over an unfolded structured field value with the lexical tokens of RFC 5322 §3.2;
 * the grammar of each field is written on top of it.
 */
export class Scanner {
  readonly text: string;
  pos = 0;

  constructor(value: string) {
    this.text = unfold(value);
  }

  atEnd(): boolean {
    return this.pos >= this.text.length;
  }

  peek(): string | undefined {
    return this.text[this.pos];
  }

  eat(c: string): boolean {
    if (this.text[this.pos] !== c) return false;
    this.pos++;
    return true;
  }

  /** Describes the current position for messages. */
  where(): string {
    if (this.atEnd()) return 'at the end';
    return `at offset ${this.pos} (${excerpt(this.text.slice(this.pos, this.pos + 12))})`;
  }

  /** RFC 5322 §3.2.2 `CFWS`, possibly empty. */
  cfws(): Gap {
    const gap: Gap = { comments: [], any: false };
    for (;;) {
      const c = this.peek();
      if (isWsp(c)) {
        this.pos++;
      } else if (c === '(') {
        gap.comments.push(this.comment());
      } else {
        return gap;
      }
      gap.any = true;
    }
  }

  /**
   * RFC 5322 §3.2.2 `comment`, which may nest; nested parentheses stay part of the text and the
   * `\` of each quoted-pair is dropped. Iterative, so deep nesting cannot exhaust the stack.
   */
  comment(): string {
    const start = this.pos;
    let depth = 0;
    let content = '';
    for (;;) {
      const c = this.text[this.pos++];
      if (c === undefined) fail('unterminated-comment', `comment opened at offset ${start} is not closed`);
      if (c === '\\') {
        const quoted = this.text[this.pos++];
        if (quoted === undefined) fail('unterminated-comment', `comment opened at offset ${start} ends in "\\"`);
        content += quoted;
        continue;
      }
      if (c === '(') depth++;
      if (c === ')') depth--;
      if (depth === 0) return normalizeComment(content);
      if (depth > 1 || c !== '(') content += c;
    }
  }

  /** RFC 5322 §3.2.4 `quoted-string` at a `"`: its content (quoted-pairs resolved) and its source text. */
  quotedString(): { content: string; raw: string } {
    const start = this.pos++;
    let content = '';
    for (;;) {
      const c = this.text[this.pos++];
      if (c === undefined) fail('unterminated-quoted-string', `quoted-string opened at offset ${start} is not closed`);
      if (c === '"') return { content, raw: this.text.slice(start, this.pos) };
      if (c === '\\') {
        const quoted = this.text[this.pos++];
        if (quoted === undefined) fail('unterminated-quoted-string', `quoted-string opened at offset ${start} ends in "\\"`);
        content += quoted;
      } else {
        content += c;
      }
    }
  }

  /** The longest run of characters accepted by `accept`, possibly empty. */
  run(accept: (c: string) => boolean): string {
    const start = this.pos;
    while (this.pos < this.text.length && accept(this.text[this.pos]!)) this.pos++;
    return this.text.slice(start, this.pos);
  }

  /** Letters, digits and hyphens: the characters of an RFC 5321 Keyword (checked by the caller). */
  keyword(): string {
    return this.run((c) => /[A-Za-z0-9-]/.test(c));
  }

  /** RFC 2045 §5.1 `value = token / quoted-string`, or undefined when neither starts here. A token
   * may hold UTF-8, which RFC 8601 §1.5.2 and §2.5 allow for identifiers and domain names. */
  value(): string | undefined {
    if (this.peek() === '"') return this.quotedString().content;
    const token = this.run((c) => isTokenChar(c) || isNonAscii(c));
    return token === '' ? undefined : token;
  }

  /** A run up to white space, a comment, `;` or a quote: the extent of an unquoted value, whose
   * syntax the caller then checks. */
  bareword(): string {
    return this.run((c) => !isWsp(c) && c !== '(' && c !== ')' && c !== ';' && c !== '"');
  }
}
