import type { Resolver, SpfVerification } from 'authgate';
import type { FilterConfig } from '../config/schema.js';
import type { Logger } from '../logging.js';
import type { FilterMetrics } from '../metrics.js';
import { NetworkList } from '../net/network-list.js';
import { Policy, type Decision } from '../policy.js';
import type { Reply } from '../reply.js';
import type { ClientName } from '../relay/confirm-name.js';
import type { ClientBinding, Relay, RelayTransaction } from '../relay/relay.js';
import type { Identity } from '../stamp/forged.js';
import type { VerificationThreads } from '../verify/threads.js';
import type { ConnectionLimits } from './connection-limits.js';

/** What a configuration reload replaces, compiled once per configuration. */
export interface Settings {
  readonly config: FilterConfig;
  readonly policy: Policy;
  readonly trustedRelays: NetworkList;
  readonly identity: Identity;
}

export function compileSettings(config: FilterConfig): Settings {
  return {
    config,
    policy: new Policy(config.policy),
    trustedRelays: new NetworkList(config.trustedRelays),
    identity: { authservIds: [config.authservId, ...config.authservIdAliases], hostname: config.hostname },
  };
}

/** Everything the session handlers use; `settings()` is the configuration in force right now. */
export interface Runtime {
  settings(): Settings;
  readonly relay: Relay;
  readonly resolver: Resolver;
  readonly metrics: FilterMetrics;
  readonly logger: Logger;
  readonly now: () => number;
  readonly limits: ConnectionLimits;
  /** Where messages are verified off the event loop; undefined with `auth.threads: 0`. */
  readonly threads: VerificationThreads | undefined;
}

/** One mail transaction, from MAIL FROM to the final reply. */
export interface Transaction {
  /** `<session id>.<n>`, in logs and in our Received field. */
  id: string;
  startedAt: number;
  /** The reverse path as the client gave it ('' for the null path), domain in A-labels. */
  from: string;
  smtpUtf8: boolean;
  spf: SpfVerification;
  mailDecision: Decision;
  relay: RelayTransaction;
  /** Recipients accepted by us and the downstream. */
  recipients: string[];
  /** Recipients refused, with the reply the client got (the first `MAX_LISTED_REFUSALS`). */
  refused: Array<{ address: string; reply: Reply }>;
  /** Recipients refused beyond those listed in `refused`. */
  refusedUnlisted: number;
  /** The client's PTR name, being forward-confirmed (for our Received field and XCLIENT/XFORWARD `NAME`). */
  clientName?: Promise<ClientName>;
  timings: { spfMs: number; mailMs: number };
}

/**
 * Refused recipients listed by name in a transaction's log line: a client may send RCPT after RCPT
 * past every limit (RFC 5321 §4.5.3.1.8 asks only that at least 100 be buffered), and one log line
 * (and the transaction's memory) must stay bounded; beyond these, refusals are only counted.
 */
export const MAX_LISTED_REFUSALS = 100;

/** Records a refused recipient in the transaction, for its log line. */
export function noteRefused(transaction: Transaction, address: string, reply: Reply): void {
  if (transaction.refused.length < MAX_LISTED_REFUSALS) transaction.refused.push({ address, reply });
  else transaction.refusedUnlisted++;
}

/** Per client session: its XCLIENT-bound downstream session and the open transaction. */
export interface SessionState {
  binding: ClientBinding;
  /** The client's PTR name, being forward-confirmed (asked once per session). */
  clientName?: Promise<ClientName>;
  transaction?: Transaction;
  transactions: number;
}
