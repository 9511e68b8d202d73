import { normalizeDomain } from './domain.js';
import { problem, type MessageProblem } from './errors.js';
import { domainText, quoteLocalPart } from './quote.js';
import { phraseText } from './phrase.js';
import { tokenize, type Token } from './tokenize.js';

/** One mailbox (RFC 5322 §3.4): where mail goes, and the name shown for it. */
export interface Mailbox {
  kind: 'mailbox';
  /**
   * The display name, encoded words decoded (RFC 2047); absent for a bare addr-spec or an
   * angle-addr without a name. Comments are never taken for a name (RFC 5322 §3.4 says their
   * meaning is unspecified).
   */
  displayName?: string;
  /** The local part as meant: quotes and quoted-pairs removed (RFC 5322 §3.2.4). */
  localPart: string;
  /**
   * The domain as lower-case A-labels (RFC 5890), or a domain literal kept as written with its
   * brackets, e.g. `[192.0.2.1]` or `[IPv6:2001:db8::1]`.
   */
  domain: string;
  /** `localPart@domain`, the local part quoted only when it cannot stand as a dot-atom. */
  address: string;
}

/** A named group of mailboxes (RFC 5322 §3.4), possibly empty: `undisclosed-recipients:;`. */
export interface Group {
  kind: 'group';
  name: string;
  mailboxes: Mailbox[];
}

export type Address = Mailbox | Group;

export type AddressListResult = { ok: true; addresses: Address[] } | { ok: false; problem: MessageProblem };

class SyntaxFailure extends Error {}

/**
 * Parses an address-list (RFC 5322 §3.4), with the obsolete forms a receiver MUST accept
 * (§4.4): routes, CFWS between the dots of a local part or domain, quoted words in a local part,
 * empty list members. UTF-8 is accepted where RFC 6532 allows it; encoded words in display names
 * are decoded (RFC 2047 §5 (3)). Never throws for bad input: `malformed-address` says why.
 */
export function parseAddressList(value: string): AddressListResult {
  const tokens = tokenize(value);
  if (!tokens.ok) return tokens;
  try {
    return { ok: true, addresses: new AddressParser(tokens.tokens).addressList() };
  } catch (error) {
    if (error instanceof SyntaxFailure) return { ok: false, problem: problem('malformed-address', error.message) };
    throw error;
  }
}

class AddressParser {
  readonly #tokens: readonly Token[];
  #at = 0;

  constructor(tokens: readonly Token[]) {
    this.#tokens = tokens;
  }

  /** RFC 5322 §3.4 address-list, §4.4 obs-addr-list: commas with nothing between them are allowed. */
  addressList(): Address[] {
    const addresses: Address[] = [];
    for (;;) {
      while (this.#eat(',')) continue;
      if (this.#peek() === undefined) break;
      addresses.push(this.#address(true));
      if (this.#peek() === undefined) break;
      this.#expect(',', 'after an address');
    }
    if (addresses.length === 0) throw this.#fail('no address in the list');
    return addresses;
  }

  /**
   * RFC 5322 §3.4 address = mailbox / group. The words read first are a display name, a group
   * name or a local part; the special that follows them tells which.
   */
  #address(groupAllowed: boolean): Address {
    const words = this.#words();
    const next = this.#peek();
    if (this.#is(next, '<')) return this.#nameAddr(words);
    if (this.#is(next, '@')) return this.#addrSpecMailbox(words);
    if (this.#is(next, ':') && words.length > 0) {
      if (!groupAllowed) throw this.#fail('a group inside a group');
      return this.#group(words);
    }
    if (words.length === 0) throw this.#fail('expected an address');
    throw this.#fail(`expected "<", "@" or ":" after "${phraseText(words)}"`);
  }

  #mailbox(): Mailbox {
    return this.#address(false) as Mailbox;
  }

  /** RFC 5322 §3.4 group = display-name ":" [group-list] ";"; §4.4 obs-group-list allows bare commas. */
  #group(words: Token[]): Group {
    const name = this.#phrase(words);
    this.#expect(':', 'after the group name');
    const mailboxes: Mailbox[] = [];
    for (;;) {
      while (this.#eat(',')) continue;
      if (this.#eat(';')) return { kind: 'group', name, mailboxes };
      mailboxes.push(this.#mailbox());
      if (this.#eat(';')) return { kind: 'group', name, mailboxes };
      this.#expect(',', 'between the mailboxes of a group');
    }
  }

  /** RFC 5322 §3.4 name-addr = [display-name] angle-addr; §4.4 obs-angle-addr adds a route. */
  #nameAddr(words: Token[]): Mailbox {
    const displayName = words.length > 0 ? this.#phrase(words) : undefined;
    this.#expect('<', 'to open the address');
    if (this.#is(this.#peek(), '@') || this.#is(this.#peek(), ',')) this.#route();
    const local = this.#words();
    if (!this.#is(this.#peek(), '@')) throw this.#fail(local.length === 0 ? 'empty angle address' : 'expected "@" in the angle address');
    const mailbox = this.#addrSpecMailbox(local, displayName);
    this.#expect('>', 'to close the address');
    return mailbox;
  }

  /**
   * RFC 5322 §4.4 obs-route = obs-domain-list ":", obs-domain-list = *(CFWS / ",") "@" domain
   * *("," [CFWS] ["@" domain]). Parsed so it is known to be well formed, then ignored as §4.4
   * says it SHOULD be.
   */
  #route(): void {
    while (this.#eat(',')) continue;
    this.#expect('@', 'to start a route');
    this.#domainText();
    while (this.#eat(',')) {
      if (this.#eat('@')) this.#domainText();
    }
    this.#expect(':', 'to end a route');
  }

  /** RFC 5322 §3.4.1 addr-spec = local-part "@" domain. */
  #addrSpecMailbox(local: Token[], displayName?: string): Mailbox {
    const localPart = this.#localPart(local);
    this.#expect('@', 'between the local part and the domain');
    const domain = this.#domain();
    const address = `${quoteLocalPart(localPart)}@${domainText(domain)}`;
    // Two literals rather than `...(displayName && { displayName })`, a slow runtime call on Node 20.
    if (displayName === undefined) return { kind: 'mailbox', localPart, domain, address };
    return { kind: 'mailbox', displayName, localPart, domain, address };
  }

  /**
   * RFC 5322 §3.4.1 local-part = dot-atom / quoted-string / obs-local-part, where §4.4
   * obs-local-part = word *("." word): words joined by single dots, nothing else.
   */
  #localPart(words: Token[]): string {
    let text = '';
    words.forEach((token, i) => {
      const wordExpected = i % 2 === 0;
      const isWord = token.kind === 'atom' || token.kind === 'quoted';
      if (wordExpected !== isWord) throw this.#fail(`misplaced ${token.text === '.' ? '"."' : 'word'} in the local part`, token);
      text += token.text;
    });
    if (words.length === 0) throw this.#fail('empty local part');
    if (words.length % 2 === 0) throw this.#fail('local part ends with "."');
    return text;
  }

  /** RFC 5322 §3.4.1 domain = dot-atom / domain-literal / obs-domain, normalized to A-labels. */
  #domain(): string {
    const literal = this.#peek();
    if (literal?.kind === 'literal') {
      this.#at++;
      return `[${literal.text}]`;
    }
    const text = this.#domainText();
    const normalized = normalizeDomain(text);
    if (!normalized.ok) throw this.#fail(normalized.reason);
    return normalized.domain;
  }

  /** RFC 5322 §4.4 obs-domain = atom *("." atom) (dot-atom is the CFWS-free case). */
  #domainText(): string {
    const literal = this.#peek();
    if (literal?.kind === 'literal') {
      this.#at++;
      return `[${literal.text}]`;
    }
    let text = this.#atom('a domain');
    while (this.#eat('.')) text += `.${this.#atom('a domain label after "."')}`;
    return text;
  }

  #atom(what: string): string {
    const token = this.#peek();
    if (token?.kind !== 'atom') throw this.#fail(`expected ${what}`);
    this.#at++;
    return token.text;
  }

  /** The display name or group name; RFC 5322 §4.1 obs-phrase = word *(word / "." / CFWS). */
  #phrase(words: Token[]): string {
    if (words[0]?.kind === 'special') throw this.#fail('a name cannot start with "."', words[0]);
    return phraseText(words);
  }

  /** Reads words (atoms, quoted strings) and dots: a phrase or a local part, decided later. */
  #words(): Token[] {
    const words: Token[] = [];
    for (let token = this.#peek(); token !== undefined; token = this.#peek()) {
      if (token.kind === 'literal' || (token.kind === 'special' && token.text !== '.')) break;
      words.push(token);
      this.#at++;
    }
    return words;
  }

  #peek(): Token | undefined {
    return this.#tokens[this.#at];
  }

  #is(token: Token | undefined, special: string): boolean {
    return token?.kind === 'special' && token.text === special;
  }

  #eat(special: string): boolean {
    if (!this.#is(this.#peek(), special)) return false;
    this.#at++;
    return true;
  }

  #expect(special: string, where: string): void {
    if (!this.#eat(special)) throw this.#fail(`expected "${special}" ${where}`);
  }

  #fail(detail: string, token: Token | undefined = this.#peek()): SyntaxFailure {
    const place = token === undefined ? 'at the end of the address list' : `at offset ${token.offset} of the address list`;
    return new SyntaxFailure(`${detail} ${place}`);
  }
}
