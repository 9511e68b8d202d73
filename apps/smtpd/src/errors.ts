/**
 * Every machine `code` authgate-smtpd reports, in logs, in `--check-config` output and in the
 * `problem` of a transaction record.
 *
 * Configuration (reported by `validateConfig`, one per mistake):
 * - `config-unreadable`: the file could not be read.
 * - `config-syntax`: the file is not valid YAML.
 * - `config-type`: a value has the wrong type (a string where a number belongs...).
 * - `config-range`: a number outside its allowed range.
 * - `config-enum`: a value that is not one of the allowed words.
 * - `config-required`: a required option is missing.
 * - `config-unknown`: an option that does not exist (usually a typo; the closest name is suggested).
 * - `config-address`: a listen/relay address or a network that does not parse.
 * - `config-domain`: a domain name that is not a valid host name.
 * - `config-header`: a header field that is not `Name: value`.
 * - `config-conflict`: options that cannot be combined (STARTTLS without a certificate...).
 * - `config-file`: a file named by an option (certificate, key, zone) cannot be read.
 *
 * Transactions (in the per-message log line):
 * - `downstream-unavailable`: the downstream server could not be reached or set up.
 * - `downstream-timeout`: the downstream server did not answer in time.
 * - `downstream-lost`: the downstream connection broke during the transaction.
 * - `downstream-protocol`: the downstream answered the final dot with a reply that is not final (1xx/3xx).
 * - `downstream-refused`: the downstream server answered a command with 4xx/5xx.
 * - `client-aborted`: the client went away before the end of DATA.
 * - `message-too-large`: more than `limits.maxMessageBytes` of DATA.
 * - `header-too-large`: a header section longer than `limits.maxHeaderBytes`.
 * - `malformed-message`: a header section that does not parse, or a From problem.
 * - `spool-failed`: the message could not be written to the spool.
 * - `internal`: an unexpected exception (a bug): answered 451 so that nothing is lost.
 *
 * PROXY protocol (when the header of a proxied connection is refused):
 * - `proxy-untrusted`, `proxy-invalid`, `proxy-timeout`, `proxy-closed`.
 */
export type ConfigErrorCode =
  | 'config-unreadable'
  | 'config-syntax'
  | 'config-type'
  | 'config-range'
  | 'config-enum'
  | 'config-required'
  | 'config-unknown'
  | 'config-address'
  | 'config-domain'
  | 'config-header'
  | 'config-conflict'
  | 'config-file';

export type TransactionErrorCode =
  | 'downstream-unavailable'
  | 'downstream-timeout'
  | 'downstream-lost'
  | 'downstream-protocol'
  | 'downstream-refused'
  | 'client-aborted'
  | 'message-too-large'
  | 'header-too-large'
  | 'malformed-message'
  | 'spool-failed'
  | 'internal';

export type ProxyErrorCode = 'proxy-untrusted' | 'proxy-invalid' | 'proxy-timeout' | 'proxy-closed';

export type SmtpdErrorCode = ConfigErrorCode | TransactionErrorCode | ProxyErrorCode;

/** One configuration mistake: where it is (`relay.port`) and what is wrong with it. */
export interface ConfigProblem {
  code: ConfigErrorCode;
  /** The dotted path of the option, e.g. `limits.maxRecipients`; '' for the whole document. */
  path: string;
  message: string;
}

/** A problem of one transaction or connection, as logged. */
export interface SmtpdProblem {
  code: TransactionErrorCode | ProxyErrorCode;
  message: string;
}

/** `detail` gets the package prefix once (a `RelayError` message has it already). */
export function problem(code: TransactionErrorCode | ProxyErrorCode, detail: string): SmtpdProblem {
  return { code, message: detail.startsWith('smtpd: ') ? detail : `smtpd: ${detail}` };
}

/**
 * Thrown at the boundary where a configuration must be valid (the factory, `main`), carrying
 * every problem found so that an operator fixes them all in one round.
 */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  readonly code = 'config-invalid' as const;
  readonly problems: ConfigProblem[];

  constructor(problems: ConfigProblem[]) {
    super(`smtpd: invalid configuration:\n${problems.map(formatConfigProblem).join('\n')}`);
    this.problems = problems;
  }
}

/** `relay.port: must be an integer from 1 to 65535 (got "x") [config-range]` */
export function formatConfigProblem(item: ConfigProblem): string {
  return `  ${item.path === '' ? '(document)' : item.path}: ${item.message} [${item.code}]`;
}
