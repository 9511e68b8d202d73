import type { AuthenticateOptions, AuthenticationReport, ResolverOptions } from 'authgate';
import type { DnsObservation } from '../dns-observer.js';
import type { SpooledMessage } from '../spool.js';

/**
 * What crosses between the event loop and a verification thread. Everything here survives the
 * structured clone of `postMessage`: plain data, no functions, no class instances.
 */

/** Given to each thread at start: how it builds its own resolver (as `authgate-smtpd` builds the loop's). */
export interface ThreadSetup {
  dns: ResolverOptions;
}

/** `authenticate()`'s options without the resolver (the thread has its own) and with the clock read once. */
export type ThreadOptions = Omit<AuthenticateOptions, 'resolver' | 'now' | 'random' | 'dnsTimeoutMs'> & { now: number };

export interface VerifyRequest {
  id: number;
  /** The message: its in-memory part transferred with the post (not copied), the rest in the spool file. */
  message: SpooledMessage;
  options: ThreadOptions;
}

/** The report (or why there is none), and every DNS question the thread asked since its last response. */
export type VerifyResponse = { type: 'report'; id: number; dns: DnsObservation[] } & (
  | { ok: true; report: AuthenticationReport }
  | { ok: false; error: string }
);

/** What a thread posts: `ready` once, when its resolver is built, then one report per request. */
export type ThreadMessage = { type: 'ready' } | VerifyResponse;
