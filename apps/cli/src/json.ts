import type { DkimVerification, DmarcEvaluation, SpfOutcome, SpfVerification } from 'authgate';
import type { Envelope, EnvelopeOrigin } from './envelope.js';

/**
 * The `--json` / `--jsonl` schema, chosen field by field (not the library objects dumped as they
 * are) so that it stays stable as the library grows. Documented in the README; optional keys are
 * left out rather than set to null.
 */

export interface ProblemJson {
  code: string;
  message: string;
}

export interface SpfJson {
  result: string;
  identity: 'mailfrom' | 'helo';
  domain: string;
  sender: string;
  mechanism?: string;
  explanation?: string;
  problem?: ProblemJson;
  lookups: number;
  voidLookups: number;
  queries: number;
  /** Only with `spf --trace`. */
  trace?: unknown[];
  /** The HELO identity's own check, when the session gave a HELO name. */
  helo?: Omit<SpfJson, 'helo'>;
}

export interface DkimJson {
  result: string;
  domain?: string;
  selector?: string;
  algorithm?: string;
  keyBits?: number;
  identity?: string;
  signature?: string;
  bodyLength?: { signed: number; total: number };
  testing?: boolean;
  reason?: string;
  problem?: ProblemJson;
}

export interface DmarcJson {
  result: string;
  authorDomain?: string;
  authorDomains: string[];
  policyDomain?: string;
  organizationalDomain?: string;
  policy?: string;
  policySource?: 'p' | 'sp' | 'np';
  disposition: string;
  testing: boolean;
  alignment: { spf: boolean; dkim: boolean; spfDomain?: string; dkimDomain?: string };
  rua: string[];
  ruf: string[];
  problem?: ProblemJson;
}

export interface CheckJson {
  source: string;
  envelope: { ip: string; helo: string; mailFrom: string; origin: EnvelopeOrigin; warning?: string };
  message: { ok: true } | { ok: false; problem: ProblemJson };
  spf: SpfJson;
  dkim: DkimJson[];
  dmarc: DmarcJson;
  authenticationResults: string;
  receivedSpf: string;
}

/**
 * `heloName` is the HELO name of the session: without one there is no HELO identity (RFC 7208
 * §2.3), and the library's check of an empty name is left out rather than shown as a result.
 */
export function spfJson(outcome: SpfOutcome | SpfVerification, heloName: string, withTrace = false): SpfJson {
  const json: SpfJson = {
    result: outcome.result,
    identity: outcome.identity,
    domain: outcome.domain,
    sender: outcome.sender,
    ...pick(outcome, ['mechanism', 'explanation']),
    ...(outcome.problem !== undefined && { problem: problemJson(outcome.problem) }),
    lookups: outcome.lookups,
    voidLookups: outcome.voidLookups,
    queries: outcome.queries,
    ...(withTrace && outcome.trace !== undefined && { trace: outcome.trace }),
  };
  const helo = 'helo' in outcome ? outcome.helo : undefined;
  if (helo !== undefined && heloName !== '') json.helo = spfJson(helo, heloName, withTrace);
  return json;
}

export function dkimJson(verification: DkimVerification): DkimJson {
  return {
    result: verification.result,
    ...pick(verification, ['domain', 'selector', 'algorithm', 'keyBits', 'identity', 'signature', 'bodyLength', 'testing', 'reason']),
    ...(verification.problem !== undefined && { problem: problemJson(verification.problem) }),
  };
}

export function dmarcJson(evaluation: DmarcEvaluation): DmarcJson {
  const { alignment } = evaluation;
  return {
    result: evaluation.result,
    ...pick(evaluation, ['authorDomain']),
    authorDomains: [...evaluation.authorDomains],
    ...pick(evaluation, ['policyDomain', 'organizationalDomain', 'policy', 'policySource']),
    disposition: evaluation.disposition,
    testing: evaluation.testing,
    alignment: { spf: alignment.spf, dkim: alignment.dkim, ...pick(alignment, ['spfDomain', 'dkimDomain']) },
    rua: evaluation.rua.map((uri) => uri.uri),
    ruf: evaluation.ruf.map((uri) => uri.uri),
    ...(evaluation.problem !== undefined && { problem: problemJson(evaluation.problem) }),
  };
}

export function envelopeJson(envelope: Envelope): CheckJson['envelope'] {
  return {
    ip: envelope.ip, helo: envelope.helo, mailFrom: envelope.mailFrom, origin: { ...envelope.origin },
    ...(envelope.warning !== undefined && { warning: envelope.warning }),
  };
}

export function problemJson(problem: { code: string; message: string }): ProblemJson {
  return { code: problem.code, message: problem.message };
}

/** The keys of `source` among `keys` whose value is defined. */
function pick<T extends object, K extends keyof T>(source: T, keys: readonly K[]): Partial<Pick<T, K>> {
  const picked: Partial<Pick<T, K>> = {};
  for (const key of keys) {
    if (source[key] !== undefined) picked[key] = source[key];
  }
  return picked;
}
