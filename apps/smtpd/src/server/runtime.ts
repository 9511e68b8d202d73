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
  /** Recipients refused, with the reply the client got. */
  refused: Array<{ address: string; reply: Reply }>;
  timings: { spfMs: number; mailMs: number };
}

/** Per client session: its XCLIENT-bound downstream session and the open transaction. */
export interface SessionState {
  binding: ClientBinding;
  /** The client's PTR name, being forward-confirmed for XCLIENT/XFORWARD `NAME` (asked once per session). */
  clientName?: Promise<ClientName>;
  transaction?: Transaction;
  transactions: number;
}
