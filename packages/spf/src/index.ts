/**
 * @authgate/spf: Sender Policy Framework, RFC 7208 (with RFC 8616 for internationalized names).
 *
 * `verifySpf` makes the checks an MTA acts on at MAIL FROM (the MAIL FROM identity, §2.4, and
 * the HELO identity, §2.3); `checkHost` is the check_host() function of §4 itself. Every DNS
 * question goes through the injected `Resolver` of @authgate/dns; every outcome is a result,
 * never an exception. `spfAuthResult` and `receivedSpf` record it (RFC 8601 §2.7.2, RFC 7208 §9).
 */
export { spfAuthResult } from './auth-result.js';
export { checkHost, DEFAULT_EXPLANATION } from './check-host.js';
export { SpfError } from './errors.js';
export type { SpfErrorCode, SpfProblem, SpfProblemCode } from './errors.js';
export { verifySpf } from './identity.js';
export { DEFAULT_LIMITS } from './limits.js';
export type { SpfLimits } from './limits.js';
export type { MacroContext, MacroExpand, MacroLetter, MacroPart, MacroString } from './macro.js';
export { formatDirective, formatSpfRecord, isSpfRecord, parseSpfRecord } from './parse.js';
export type {
  Directive,
  HostMechanism,
  Mechanism,
  Modifier,
  NetworkMechanism,
  Qualifier,
  SpfRecord,
  SpfRecordParse,
  TargetMechanism,
  Term,
} from './parse.js';
export { receivedSpf } from './received-spf.js';
export type { ReceivedSpfContext } from './received-spf.js';
export type {
  CheckHostInput,
  SpfIdentity,
  SpfOptions,
  SpfOutcome,
  SpfQueryAnswer,
  SpfRecordType,
  SpfResult,
  SpfTraceEntry,
  SpfVerification,
  VerifySpfInput,
} from './types.js';
