import type { Resolver } from '@authgate/dns';
import { parseClientAddress } from './address.js';
import type { ClientAddress } from './address.js';
import { identityDomain } from './domain.js';
import { SpfError, problem, show } from './errors.js';
import { evaluateDomain } from './evaluate.js';
import type { Evaluation } from './evaluate.js';
import { explain } from './explanation.js';
import { resolveLimits } from './limits.js';
import type { SpfLimits } from './limits.js';
import { parseMacroString } from './macro.js';
import type { MacroString, MacroValues } from './macro.js';
import type { Frame } from './mechanisms.js';
import { Abort, Session } from './session.js';
import type { CheckHostInput, SpfIdentity, SpfOptions, SpfOutcome } from './types.js';

/** Used on fail when exp= gives nothing (§6.2: "either a default explanation string or an empty one"). */
export const DEFAULT_EXPLANATION = '%{o} does not designate %{c} as a permitted sender';

/** Options with defaults applied and checked once per call. */
export interface ResolvedOptions {
  resolver: Resolver;
  limits: SpfLimits;
  now: () => number;
  receiver: string;
  defaultExplanation: MacroString;
  trace: boolean;
}

const DEFAULT_EXPLANATION_MACRO = parseExplanation(DEFAULT_EXPLANATION);

function parseExplanation(text: string): MacroString {
  const parsed = parseMacroString(text, 'explanation');
  if (!parsed.ok) throw new SpfError('invalid-option', `defaultExplanation is not an explain-string: ${parsed.problem.message}`);
  return parsed.macro;
}

/** Applies defaults; a missing resolver or a malformed option is programmer misuse and throws. */
export function resolveOptions(options: SpfOptions): ResolvedOptions {
  const resolver = options.resolver as Resolver | undefined;
  if (resolver === undefined || typeof resolver.txt !== 'function') throw new SpfError('invalid-option', 'a resolver is required');
  return {
    resolver,
    limits: resolveLimits(options.limits),
    now: options.now ?? Date.now,
    // §7.3 %{r}: "if one does not exist ... the word 'unknown' SHOULD be substituted".
    receiver: options.receiver ?? 'unknown',
    defaultExplanation: options.defaultExplanation === undefined ? DEFAULT_EXPLANATION_MACRO : parseExplanation(options.defaultExplanation),
    trace: options.trace === true,
  };
}

/** The client address, or a throw: an SMTP session always has one, so anything else is misuse. */
export function clientAddress(ip: string): ClientAddress {
  const client = typeof ip === 'string' ? parseClientAddress(ip) : undefined;
  if (client === undefined) throw new SpfError('invalid-ip', `${show(String(ip))} is not an IPv4 or IPv6 address`);
  return client;
}

/** The parts of a <sender>: RFC 7208 §4.3 "If the <sender> has no local-part, substitute the string postmaster". */
export interface Sender {
  local: string;
  /** The domain part as given (may be invalid). */
  domainPart: string;
}

/**
 * Splits a mailbox at its last '@' after dropping angle brackets and an RFC 5321 Appendix C
 * source route (`<@relay:user@example.com>`), which RFC 7208 §2.2 warns can be abused.
 */
export function splitSender(sender: string): Sender {
  let text = sender.trim();
  if (text.startsWith('<') && text.endsWith('>')) text = text.slice(1, -1).trim();
  if (text.startsWith('@')) {
    const colon = text.indexOf(':');
    if (colon > 0) text = text.slice(colon + 1);
  }
  const at = text.lastIndexOf('@');
  const local = at > 0 ? text.slice(0, at) : 'postmaster';
  return { local, domainPart: at >= 0 ? text.slice(at + 1) : text };
}

export interface CheckRequest {
  client: ClientAddress;
  identity: SpfIdentity;
  /** <domain> as given, checked here per §4.3. */
  domain: string;
  sender: Sender;
  helo: string;
}

/**
 * check_host() (RFC 7208 §4): initial processing (§4.3), then record lookup and evaluation, then
 * the explanation for a fail (§6.2). Never throws for a protocol outcome.
 */
export async function runCheckHost(request: CheckRequest, options: ResolvedOptions): Promise<SpfOutcome> {
  const domain = identityDomain(request.domain);
  const { domainPart } = request.sender;
  const senderDomain = (domainPart === request.domain ? domain : identityDomain(domainPart)) ?? domainPart.toLowerCase();
  const base = { identity: request.identity, domain: domain ?? '', sender: `${request.sender.local}@${senderDomain}` };
  if (domain === undefined) {
    // §4.3: a malformed or single-label <domain> gives none without any DNS query.
    const reason = problem('invalid-domain', `${show(request.domain)} is not a fully qualified domain name (RFC 7208 §4.3)`);
    return { ...base, result: 'none', problem: reason, lookups: 0, voidLookups: 0, queries: 0 };
  }
  const session = new Session(options.resolver, options.limits, options.now, options.trace);
  const frame: Frame = { session, client: request.client, domain, depth: 0, values: macroValues(request, domain, senderDomain, options) };
  try {
    const outcome = await evaluateTop(frame, options);
    // Object.assign rather than spreads: Node 20's V8 adds every property written after a leading
    // `...spread` through a slow path (about 0.5 us each), and this runs twice per message.
    return Object.assign({}, base, outcome, counters(session));
  } finally {
    session.close();
  }
}

type Verdict = Pick<SpfOutcome, 'result' | 'mechanism' | 'explanation' | 'problem'>;

async function evaluateTop(frame: Frame, options: ResolvedOptions): Promise<Verdict> {
  let evaluation: Evaluation;
  try {
    evaluation = await evaluateDomain(frame);
  } catch (error) {
    if (!(error instanceof Abort)) throw error;
    const verdict: Verdict = { result: error.result, problem: error.problem };
    if (error.term !== undefined) verdict.mechanism = error.term;
    return verdict;
  }
  if (evaluation.result === 'none') return { result: 'none', problem: evaluation.problem };
  const verdict: Verdict = { result: evaluation.result, mechanism: evaluation.mechanism };
  if (evaluation.explain !== undefined) verdict.explanation = await explain(evaluation.explain, options.defaultExplanation);
  return verdict;
}

function counters(session: Session): Pick<SpfOutcome, 'lookups' | 'voidLookups' | 'queries' | 'trace'> {
  const result: Pick<SpfOutcome, 'lookups' | 'voidLookups' | 'queries' | 'trace'> = {
    lookups: session.lookups,
    voidLookups: session.voidLookups,
    queries: session.queries,
  };
  if (session.trace !== undefined) result.trace = session.trace;
  return result;
}

/** §7.2 macro values; s, l, o, i, v, h, c, r, t stay the same through includes and redirects (§7.3). */
function macroValues(request: CheckRequest, domain: string, senderDomain: string, options: ResolvedOptions): MacroValues {
  const { client, sender } = request;
  return {
    s: `${sender.local}@${senderDomain}`,
    l: sender.local,
    o: senderDomain,
    d: domain,
    i: client.dotted,
    h: heloValue(request.helo),
    c: client.readable,
    r: options.receiver,
    t: String(Math.floor(options.now() / 1000)),
    v: client.version,
  };
}

/** %{h}: the HELO argument; RFC 8616 §4 wants A-labels wherever a domain is used, so an IDN is converted. */
function heloValue(helo: string): string {
  const trimmed = helo.trim();
  return identityDomain(trimmed) ?? trimmed;
}

/** check_host() with explicit <domain> and <sender>, as RFC 7208 §4.1 defines it. */
export async function checkHost(input: CheckHostInput & { identity?: SpfIdentity }): Promise<SpfOutcome> {
  const options = resolveOptions(input);
  const client = clientAddress(input.ip);
  const request: CheckRequest = { client, identity: input.identity ?? 'mailfrom', domain: String(input.domain), sender: splitSender(String(input.sender)), helo: String(input.helo ?? '') };
  return runCheckHost(request, options);
}
