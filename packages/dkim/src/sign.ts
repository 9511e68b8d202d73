import { createPrivateKey, type KeyObject } from 'node:crypto';
import { domainToASCII } from 'node:url';
import { fieldsNamed, parseMessage, toCrlf } from '@authgate/message';
import { BodyHasher } from './body-hash.js';
import { signHeader } from './crypto.js';
import { DkimError } from './errors.js';
import { RFC8301_MIN_RSA_BITS } from './evaluate.js';
import { Folder } from './fold.js';
import { HeaderIndex, headerHashInput } from './header-hash.js';
import { isDomainName, isSelector, isWithin, splitIdentity } from './names.js';
import { signatureTagPairs, type Canonicalization, type SignatureTags } from './signature.js';
import type { DkimAlgorithm, DkimCanonicalization } from './types.js';

export interface DkimSignOptions {
  /** d=: the signing domain (an IDN is written as A-labels). */
  domain: string;
  /** s=: the selector whose TXT record holds the public key. */
  selector: string;
  /** PEM (PKCS#8 or PKCS#1) or a private KeyObject of the algorithm's type. */
  privateKey: string | Buffer | KeyObject;
  algorithm: DkimAlgorithm;
  /** c=; default `relaxed/relaxed`. */
  canonicalization?: DkimCanonicalization;
  /** h= exactly as given (repeat a name to sign more instances or to over-sign); must name From. */
  headers?: string[];
  /** Adds x= this many seconds after t=. */
  expiresIn?: number;
  /** Adds l=: `true` for the whole canonicalized body, a number to sign only that many octets. */
  bodyLength?: boolean | number;
  /** i=: `[local-part]@domain`, the domain d= or below it. */
  identity?: string;
  /** The clock, in ms since the epoch; `Date.now` when omitted. */
  now?: () => number;
}

/**
 * Fields over-signed by default (RFC 6376 §5.4, §5.4.1): every present instance is signed and the
 * name is listed once more, so that no instance can be added, even of a field that was absent.
 */
const OVERSIGNED = [
  'from', 'sender', 'reply-to', 'to', 'cc', 'subject', 'date', 'message-id', 'in-reply-to', 'references',
  'mime-version', 'content-type', 'content-transfer-encoding', 'list-unsubscribe', 'list-unsubscribe-post',
];
/** Fields signed by default when present, but not over-signed: trace-like fields that resending or lists add. */
const SIGNED_IF_PRESENT = [
  'content-id', 'content-description', 'content-disposition', 'resent-date', 'resent-from', 'resent-sender',
  'resent-to', 'resent-cc', 'resent-message-id', 'list-id', 'list-help', 'list-subscribe', 'list-post',
  'list-owner', 'list-archive',
];
// RFC 5322 §3.6.8: field-name = 1*ftext; within a tag-list a ";" would end h= (RFC 6376 §3.2).
const FIELD_NAME = /^[\x21-\x39\x3c-\x7e]+$/;

/**
 * Signs a message (RFC 6376 §5) and returns the DKIM-Signature field and the message with the field
 * prepended (§5.6). Bare LF line ends are turned into CRLF first, in the returned message too (§5.3).
 * Throws `DkimError` for misuse: bad options, a key of the wrong type or under 1024 bits
 * (RFC 8301 §3.2), a message without exactly one From field.
 */
export async function signDkim(message: Uint8Array, options: DkimSignOptions): Promise<{ field: string; message: Buffer }> {
  const settings = checkOptions(options);
  const bytes = toCrlf(message);
  const parsed = parseMessage(bytes);
  if (!parsed.ok) throw new DkimError('malformed-message', `cannot sign: ${parsed.problem.message}`);
  const { header, body } = parsed.message;
  if (fieldsNamed(header, 'from').length !== 1) throw new DkimError('no-from', 'a message to sign needs exactly one From field (RFC 5322 §3.6)');

  const index = new HeaderIndex(header);
  const headers = options.headers ?? defaultHeaders(index);
  const timestamp = Math.floor((options.now?.() ?? Date.now()) / 1000);
  const { bodyHash, bodyLength } = hashBody(body, settings.body, options.bodyLength);
  const tags: SignatureTags = {
    algorithm: options.algorithm,
    headerCanonicalization: settings.header,
    bodyCanonicalization: settings.body,
    domain: settings.domain,
    selector: options.selector,
    headers,
    bodyHash,
    signature: Buffer.alloc(0),
    timestamp,
    ...(options.identity !== undefined && { identity: options.identity }),
    ...(bodyLength !== undefined && { bodyLength }),
    ...(options.expiresIn !== undefined && { expiration: timestamp + Math.ceil(options.expiresIn) }),
  };
  const folder = foldTags(tags);
  // RFC 6376 §3.7: the header hash covers the new field with an empty b= and no final CRLF.
  const data = headerHashInput(index.select(headers), Buffer.from(folder.toString()), settings.header);
  folder.breakable(signHeader(options.algorithm, settings.key, data).toString('base64'));
  const field = `${folder.toString()}\r\n`;
  return { field, message: Buffer.concat([Buffer.from(field), bytes]) };
}

/** The h= list by default: present fields bottom-up, over-signed ones named once more. */
function defaultHeaders(index: HeaderIndex): string[] {
  const names: string[] = [];
  for (const name of OVERSIGNED) for (let i = index.count(name); i >= 0; i--) names.push(name);
  for (const name of SIGNED_IF_PRESENT) for (let i = index.count(name); i > 0; i--) names.push(name);
  return names;
}

function hashBody(body: Buffer, canonicalization: Canonicalization, length: boolean | number | undefined): { bodyHash: Buffer; bodyLength?: number } {
  const hasher = new BodyHasher();
  const sink = hasher.request(canonicalization, typeof length === 'number' ? length : undefined);
  hasher.write(body);
  hasher.end();
  const { digest, total } = sink.result;
  if (typeof length === 'number') {
    // RFC 6376 §3.5 l=: it MUST NOT be larger than the canonicalized body.
    if (length > total) throw new DkimError('body-length', `bodyLength ${length} is over the ${total}-octet canonicalized body`);
    return { bodyHash: digest, bodyLength: length };
  }
  return length === true ? { bodyHash: digest, bodyLength: total } : { bodyHash: digest };
}

/** Lays the tags out on folded lines, ending with `b=` for the signature to be appended. */
function foldTags(tags: SignatureTags): Folder {
  const folder = new Folder('DKIM-Signature:');
  for (const [name, value] of signatureTagPairs(tags)) {
    if (name === 'b') folder.word('b=');
    else if (name === 'bh') folder.breakable(`bh=${value};`, ' ');
    else if (name === 'h') {
      const [first, ...rest] = value.split(':');
      folder.word(`h=${first}${rest.length === 0 ? ';' : ''}`);
      rest.forEach((item, i) => folder.word(`:${item}${i === rest.length - 1 ? ';' : ''}`, ''));
    } else folder.word(`${name}=${value};`);
  }
  return folder;
}

interface Settings {
  domain: string;
  key: KeyObject;
  header: Canonicalization;
  body: Canonicalization;
}

function checkOptions(options: DkimSignOptions): Settings {
  const domain = domainToASCII(options.domain ?? '').toLowerCase();
  if (!isDomainName(domain)) throw new DkimError('bad-option', `domain "${options.domain}" is not a domain name`);
  if (!isSelector(options.selector ?? '')) throw new DkimError('bad-option', `selector "${options.selector}" is not a selector`);
  if (options.algorithm !== 'rsa-sha256' && options.algorithm !== 'ed25519-sha256') {
    throw new DkimError('bad-option', `algorithm must be rsa-sha256 or ed25519-sha256 (RFC 8301 §3.1, RFC 8463)`);
  }
  const [header, body] = (options.canonicalization ?? 'relaxed/relaxed').split('/');
  if (!isCanonicalization(header) || !isCanonicalization(body)) throw new DkimError('bad-option', `canonicalization "${options.canonicalization}" is not header/body`);
  if (options.headers !== undefined) checkHeaderList(options.headers);
  if (options.identity !== undefined) {
    const parts = splitIdentity(options.identity);
    if (parts === undefined || !isWithin(parts.domain, domain)) throw new DkimError('bad-option', `identity "${options.identity}" is not an address at ${domain} or below`);
  }
  if (options.expiresIn !== undefined && !(Number.isFinite(options.expiresIn) && options.expiresIn > 0)) throw new DkimError('bad-option', 'expiresIn must be a positive number of seconds');
  const length = options.bodyLength;
  if (typeof length === 'number' && !(Number.isSafeInteger(length) && length >= 0)) throw new DkimError('bad-option', 'bodyLength must be a non-negative integer');
  return { domain, key: privateKeyOf(options), header, body };
}

function checkHeaderList(headers: string[]): void {
  if (!headers.every((name) => FIELD_NAME.test(name))) throw new DkimError('bad-option', 'headers must be field names');
  // RFC 6376 §5.4: the From header field MUST be signed.
  if (!headers.some((name) => name.toLowerCase() === 'from')) throw new DkimError('bad-option', 'headers must include From (RFC 6376 §5.4)');
}

function privateKeyOf(options: DkimSignOptions): KeyObject {
  let key: KeyObject;
  try {
    key = typeof options.privateKey === 'string' || Buffer.isBuffer(options.privateKey) ? createPrivateKey(options.privateKey) : options.privateKey;
  } catch (cause) {
    throw new DkimError('bad-option', 'privateKey is not a PEM private key', { cause });
  }
  const wanted = options.algorithm === 'rsa-sha256' ? 'rsa' : 'ed25519';
  if (key?.type !== 'private' || key.asymmetricKeyType !== wanted) throw new DkimError('key-mismatch', `privateKey is not a private ${wanted} key`);
  const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
  // RFC 8301 §3.2: signers MUST use RSA keys of at least 1024 bits.
  if (wanted === 'rsa' && bits < RFC8301_MIN_RSA_BITS) throw new DkimError('key-too-small', `a ${bits}-bit RSA key is under 1024 bits (RFC 8301 §3.2)`);
  return key;
}

function isCanonicalization(text: string | undefined): text is Canonicalization {
  return text === 'simple' || text === 'relaxed';
}
