import type { Resolver } from '@authgate/dns';
import { verifyDkim, type DkimVerification, type DkimVerifyOptions } from '@authgate/dkim';
import { evaluateDmarc, type DmarcEvaluation, type EvaluateDmarcInput } from '@authgate/dmarc';
import { fieldsNamed, parseMessage, readMessage, type HeaderField, type MessageProblem } from '@authgate/message';
import { verifySpf, type SpfVerification, type VerifySpfInput } from '@authgate/spf';
import { stampHeaders, type StampedHeaders } from './headers.js';
import { defaultResolver } from './default-resolver.js';

/** A whole message, or its bytes as they arrive (a `Readable`, the DATA stream of an SMTP server). */
export type MessageInput = Uint8Array | AsyncIterable<Uint8Array>;

export interface AuthenticateOptions {
  /** The connecting client's address: what SPF checks. */
  ip: string;
  /** The HELO/EHLO name the client gave. */
  helo: string;
  /** The MAIL FROM address without angle brackets; '' (or '<>') for the null reverse path. */
  mailFrom: string;
  /** Names this receiver in Authentication-Results (RFC 8601 §2.5) and Received-SPF. */
  authservId: string;
  /** Where DNS answers come from; a cached system resolver when omitted. */
  resolver?: Resolver;
  /** The clock, in ms since the epoch (DKIM t=/x=, SPF %{t}). */
  now?: () => number;
  /** DMARC policy discovery: RFC 9989's tree walk (default) or RFC 7489's Public Suffix List. */
  dmarcMode?: 'rfc9989' | 'rfc7489';
  /** RSA keys shorter than this never pass DKIM (RFC 8301 §3.2 sets the floor at 1024). */
  minRsaBits?: number;
  /** Slack allowed on DKIM t= and x= for clocks that disagree. */
  clockSkewSeconds?: number;
  /** The overall SPF deadline (RFC 7208 §4.6.4 suggests at least 20 s). */
  spfDeadlineMs?: number;
  /** Per-query timeout of the default resolver; ignored when `resolver` is given. */
  dnsTimeoutMs?: number;
  /** An SPF verdict already reached at MAIL FROM time, so it is not asked twice. */
  spf?: SpfVerification;
  /** Randomness for RFC 7489 `pct` sampling, injectable for tests. */
  random?: () => number;
}

export interface AuthenticationReport {
  spf: SpfVerification;
  /** One result per DKIM-Signature, topmost first; a single `none` when unsigned. */
  dkim: DkimVerification[];
  dmarc: DmarcEvaluation;
  /** Whether the header section parsed; when not, DKIM and DMARC say `permerror`. */
  message: { ok: true } | { ok: false; problem: MessageProblem };
  headers: StampedHeaders;
}

/**
 * Authenticates one message: SPF starts at once (it needs only the envelope), DKIM hashes the
 * body as it streams in, and DMARC decides once both are known (RFC 9989 §4.6).
 */
export async function authenticate(message: MessageInput, options: AuthenticateOptions): Promise<AuthenticationReport> {
  const resolver = options.resolver ?? defaultResolver(options.dnsTimeoutMs);
  const spfPromise = options.spf !== undefined ? Promise.resolve(options.spf) : checkSpf(options, resolver);

  const parsed = await parseInput(message);
  let dkim: DkimVerification[];
  let dmarc: DmarcEvaluation;
  if (parsed.ok) {
    const dkimPromise = verifyDkim({ header: parsed.header, body: parsed.body }, dkimOptions(options, resolver));
    const [spf, signatures] = await Promise.all([spfPromise, dkimPromise]);
    dkim = signatures;
    dmarc = await checkDmarc(parsed.header, spf, dkim, resolver, options);
  } else {
    const detail = `header section unreadable: ${parsed.problem.message}`;
    dkim = [{ result: 'permerror', reason: detail, problem: { code: 'malformed-message', message: `dkim: ${detail}` } }];
    dmarc = unparseableMessage(detail);
  }
  const spf = await spfPromise;
  const headers = stampHeaders({ spf, dkim, dmarc }, options);
  return { spf, dkim, dmarc, message: parsed.ok ? { ok: true } : { ok: false, problem: parsed.problem }, headers };
}

// The option objects below set optional members one by one rather than with `...(cond && {})`:
// on Node 20 each such spread costs a slow runtime call, and these are built for every message.

function dkimOptions(options: AuthenticateOptions, resolver: Resolver): DkimVerifyOptions {
  const dkim: DkimVerifyOptions = { resolver };
  if (options.now !== undefined) dkim.now = options.now;
  if (options.minRsaBits !== undefined) dkim.minRsaBits = options.minRsaBits;
  if (options.clockSkewSeconds !== undefined) dkim.clockSkewSeconds = options.clockSkewSeconds;
  return dkim;
}

function checkSpf(options: AuthenticateOptions, resolver: Resolver): Promise<SpfVerification> {
  const input: VerifySpfInput = { ip: options.ip, mailFrom: options.mailFrom, helo: options.helo, resolver, receiver: options.authservId };
  if (options.now !== undefined) input.now = options.now;
  if (options.spfDeadlineMs !== undefined) input.limits = { deadlineMs: options.spfDeadlineMs };
  return verifySpf(input);
}

function checkDmarc(
  header: HeaderField[],
  spf: SpfVerification,
  dkim: DkimVerification[],
  resolver: Resolver,
  options: AuthenticateOptions,
): Promise<DmarcEvaluation> {
  const input: EvaluateDmarcInput = {
    from: fieldsNamed(header, 'from').map((field) => field.value),
    spf: { result: spf.result, domain: spf.domain },
    dkim: dkim.map((signature) => (signature.domain === undefined ? { result: signature.result } : { result: signature.result, domain: signature.domain })),
    resolver,
  };
  if (options.dmarcMode !== undefined) input.mode = options.dmarcMode;
  if (options.random !== undefined) input.random = options.random;
  return evaluateDmarc(input);
}

type ParsedInput =
  | { ok: true; header: HeaderField[]; body: Uint8Array | AsyncIterable<Uint8Array> }
  | { ok: false; problem: MessageProblem };

async function parseInput(message: MessageInput): Promise<ParsedInput> {
  if (message instanceof Uint8Array) {
    const parsed = parseMessage(message);
    return parsed.ok ? { ok: true, header: parsed.message.header, body: parsed.message.body } : parsed;
  }
  return readMessage(message);
}

/** RFC 9989 §4.4 needs one author domain from a parseable From; without a header there is none. */
function unparseableMessage(detail: string): DmarcEvaluation {
  return {
    result: 'permerror',
    authorDomains: [],
    disposition: 'none',
    testing: false,
    alignment: { spf: false, dkim: false },
    rua: [],
    ruf: [],
    problem: { code: 'malformed-from', message: `dmarc: ${detail}` },
  };
}
