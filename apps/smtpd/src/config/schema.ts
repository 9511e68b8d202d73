import os from 'node:os';

/**
 * The resolved configuration of the filter: every option present, defaults applied, values
 * checked. Produced only by `validateConfig`; the YAML file, the environment and the flags are
 * partial inputs to it. Each option is documented in `authgate-smtpd.example.yaml`.
 * Durations are in milliseconds and sizes in bytes (the file may write `30s` or `50M`).
 */
export interface FilterConfig {
  /** The name in the greeting, in EHLO to the downstream server and in our Received field. */
  hostname: string;
  /** The authserv-id of our Authentication-Results fields (RFC 8601 §2.5). */
  authservId: string;
  /** Other ids that mean "us" (older names, sibling instances): forged fields claiming them are removed too. */
  authservIdAliases: string[];
  /** The only recipient domains accepted (lower-case A-labels); anything else is refused: never an open relay. */
  domains: string[];
  listen: ListenConfig[];
  proxy: ProxyConfig;
  tls: TlsConfig;
  relay: RelayConfig;
  limits: LimitsConfig;
  spool: SpoolConfig;
  dns: DnsConfig;
  auth: AuthConfig;
  policy: PolicyConfig;
  /** Client networks whose existing Authentication-Results/Received-SPF are kept (RFC 8601 §5). */
  trustedRelays: string[];
  stamp: StampConfig;
  metrics: MetricsConfig;
  log: LogConfig;
  shutdown: ShutdownConfig;
}

export interface HostPort {
  host: string;
  port: number;
}

export interface ListenConfig extends HostPort {
  /** Expect a PROXY protocol v1/v2 header before SMTP on this listener. */
  proxyProtocol: boolean;
}

export interface ProxyConfig {
  /** Networks (CIDR) allowed to send a PROXY header; connections from others are dropped. */
  trusted: string[];
  /** How long a proxy has to send the header, in ms. */
  timeout: number;
}

export type StartTlsMode = 'off' | 'optional' | 'required';

export interface TlsConfig {
  starttls: StartTlsMode;
  /** PEM files. */
  cert?: string;
  key?: string;
}

export type RelayTlsMode = 'off' | 'opportunistic' | 'required';

export interface RelayConfig extends HostPort {
  tls: RelayTlsMode;
  /** Check the downstream certificate (name and chain); off for a same-host downstream. */
  verifyCertificate: boolean;
  /** EHLO name towards the downstream server (default: `hostname`). */
  heloName: string;
  /** Tell Postfix the real client with XCLIENT (needs `smtpd_authorized_xclient_hosts`). */
  xclient: boolean;
  /** Tell Postfix the real client with XFORWARD (needs `smtpd_authorized_xforward_hosts`). */
  xforward: boolean;
  /** Idle downstream connections kept for reuse up to `idleTimeout`; more linger 2 s (see `DownstreamPool`). */
  maxIdle: number;
  idleTimeout: number;
  /** Transactions carried by one downstream connection before it is closed. */
  maxMessagesPerConnection: number;
  connectTimeout: number;
  /** Wait for a reply to MAIL, RCPT, DATA, RSET... */
  commandTimeout: number;
  /** Wait for the reply to the final "." (RFC 5321 §4.5.3.2.6 suggests 10 minutes; keep it under the client's). */
  dataTimeout: number;
}

export interface LimitsConfig {
  /** Advertised with SIZE (RFC 1870); more is answered 552 5.3.4. */
  maxMessageSize: number;
  /** Header sections longer than this are answered 552 5.3.4. */
  maxHeaderSize: number;
  /** RCPT commands beyond this are answered 452 4.5.3 (RFC 5321 §4.5.3.1.10); at least 100. */
  maxRecipients: number;
  /** Connections in total; more are answered 421 4.7.0. */
  maxConnections: number;
  /** Connections from one client address; more are answered 421 4.7.0. */
  maxConnectionsPerIp: number;
  /** Idle time allowed between commands (RFC 5321 §4.5.3.2.7: at least 5 minutes). */
  commandTimeout: number;
  /** Idle time allowed while DATA streams in. */
  dataTimeout: number;
  /** Longest command line (RFC 5321 §4.5.3.1.4: at least 512 octets). */
  maxLineLength: number;
}

export interface SpoolConfig {
  /** Bytes of a message held in memory; the rest goes to a temporary file. */
  memoryLimit: number;
  /** Where temporary files go. */
  directory: string;
}

export interface DnsConfig {
  /** Resolvers to ask (`host`, `host:port`); the system's when empty. */
  servers: string[];
  timeout: number;
  /** Answer from a fixture zone file instead of DNS (trials and tests). */
  zoneFile?: string;
}

export interface AuthConfig {
  /** Threads that verify messages off the event loop; 0 verifies on it. */
  threads: number;
  dmarcMode: 'rfc9989' | 'rfc7489';
  minRsaBits: number;
  clockSkewSeconds: number;
  spfDeadline: number;
}

/** What to do with a message: take it, take it with the quarantine header, refuse it. */
export type DmarcAction = 'accept' | 'quarantine' | 'reject';

export interface PolicyConfig {
  /** DMARC fail whose disposition is `reject`. */
  dmarcReject: DmarcAction;
  /** DMARC fail whose disposition is `quarantine`. */
  dmarcQuarantine: DmarcAction;
  /** The whole field added to quarantined messages, `Name: value`. */
  quarantineHeader: string;
  /** SPF `fail` of the MAIL FROM identity, decided at MAIL FROM. */
  spfFail: 'accept' | 'reject';
  /** SPF or DMARC `temperror`: take the message, or answer 451 so the client retries. */
  tempError: 'accept' | 'defer';
  /** A header section that does not parse, no From, or several From fields (when not allowed). */
  malformed: 'accept' | 'reject';
  /** RFC 5322 §3.6 allows exactly one From; accept several anyway. */
  allowMultipleFrom: boolean;
  allow: AllowListConfig;
}

export interface AllowListConfig {
  /** Client networks (CIDR) never refused by policy. */
  ips: string[];
  /**
   * Domains never refused by policy when authenticated: an SPF-passing MAIL FROM/HELO domain or a
   * DKIM-passing d=. `.example.org` also matches the subdomains.
   */
  domains: string[];
}

export interface StampConfig {
  /** Also prepend Received-SPF (RFC 7208 §9.1). */
  receivedSpf: boolean;
  /** Prepend our own Received trace field (RFC 5321 §4.4). */
  received: boolean;
}

export interface MetricsConfig {
  /** Where `/metrics` and `/health` are served; absent = off. */
  listen?: HostPort;
}

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

export interface LogConfig {
  level: LogLevel;
}

export interface ShutdownConfig {
  /** On SIGTERM, how long transactions in flight may take to finish. */
  drainTimeout: number;
}

/** The defaults, as a partial document that `validateConfig` merges under the given one. */
export function defaultConfig(): Omit<FilterConfig, 'domains'> {
  const hostname = os.hostname();
  return {
    hostname,
    authservId: hostname,
    authservIdAliases: [],
    listen: [{ host: '0.0.0.0', port: 25, proxyProtocol: false }],
    proxy: { trusted: [], timeout: 5_000 },
    tls: { starttls: 'off' },
    relay: {
      host: '127.0.0.1',
      port: 10025,
      tls: 'opportunistic',
      verifyCertificate: false,
      heloName: hostname,
      xclient: false,
      xforward: false,
      maxIdle: 8,
      idleTimeout: 10_000,
      maxMessagesPerConnection: 100,
      connectTimeout: 30_000,
      commandTimeout: 120_000,
      dataTimeout: 300_000,
    },
    limits: {
      maxMessageSize: 52_428_800,
      maxHeaderSize: 1_048_576,
      maxRecipients: 100,
      maxConnections: 500,
      maxConnectionsPerIp: 20,
      commandTimeout: 300_000,
      dataTimeout: 180_000,
      maxLineLength: 2_048,
    },
    spool: { memoryLimit: 1_048_576, directory: os.tmpdir() },
    dns: { servers: [], timeout: 5_000 },
    auth: { threads: 1, dmarcMode: 'rfc9989', minRsaBits: 1024, clockSkewSeconds: 300, spfDeadline: 20_000 },
    policy: {
      dmarcReject: 'accept',
      dmarcQuarantine: 'accept',
      quarantineHeader: 'X-Authgate-Quarantine: dmarc=fail',
      spfFail: 'accept',
      tempError: 'accept',
      malformed: 'accept',
      allowMultipleFrom: false,
      allow: { ips: [], domains: [] },
    },
    trustedRelays: [],
    stamp: { receivedSpf: true, received: true },
    metrics: { listen: { host: '127.0.0.1', port: 9925 } },
    log: { level: 'info' },
    shutdown: { drainTimeout: 30_000 },
  };
}
