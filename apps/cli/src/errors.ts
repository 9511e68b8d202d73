/**
 * Every way the CLI can refuse to run, with the exit code each one gives.
 *
 * Exit codes (documented in the README and in `--help`):
 * - 0: the check ran (whatever the verdict, unless `--fail-on` says otherwise).
 * - 1: `--fail-on` was given and a verdict it names failed.
 * - 2: a usage or input error: nothing was checked, or some inputs could not be.
 * - 70: an internal error (a bug in authgate; EX_SOFTWARE from sysexits.h).
 */
export const EXIT = { ok: 0, verdict: 1, usage: 2, internal: 70 } as const;

/**
 * Machine codes of the errors printed on stderr.
 * - `usage`: arguments yargs rejected, or a combination that cannot work.
 * - `no-input`: no message file and no `-` for standard input.
 * - `not-found`: a named file or directory does not exist.
 * - `unreadable`: a file exists but cannot be read (permissions), or is a device that could
 *   stream forever (/dev/zero).
 * - `no-messages`: a directory or mbox that holds no message.
 * - `not-an-email`: bytes that are not an RFC 5322 message.
 * - `not-an-mbox`: `--mbox` on a file that does not start with a `From ` line.
 * - `bad-ip`: `--ip` is not an IPv4 or IPv6 address.
 * - `bad-domain`: a domain argument (or the domain of `--mail-from`) that is not a valid DNS name.
 * - `bad-address`: `--mail-from`, or a message's Return-Path, that is not an address.
 * - `bad-dns-server`: `--dns-server` that is not `ip`, `ip:port` or `[ipv6]:port`.
 * - `bad-zone`: a `--zone` file that is missing or not in the zonedata format.
 * - `bad-key`: a `--key` file that is missing or not a usable private key.
 * - `no-envelope`: `--from-received` could not find what it needs in the message (an IP, a
 *   MAIL FROM, a HELO name for a null reverse path).
 * - `write-failed`: an output file (`--save-zone`, `--out`) could not be written.
 * - `exists`: `keygen --out` names a file that exists (without `--force`).
 * - `internal`: anything unexpected; a bug.
 */
export type CliErrorCode =
  | 'usage'
  | 'no-input'
  | 'not-found'
  | 'unreadable'
  | 'no-messages'
  | 'not-an-email'
  | 'not-an-mbox'
  | 'bad-ip'
  | 'bad-domain'
  | 'bad-address'
  | 'bad-dns-server'
  | 'bad-zone'
  | 'bad-key'
  | 'no-envelope'
  | 'write-failed'
  | 'exists'
  | 'internal';

/** The one throwable of the CLI: caught in main, printed as one line, turned into an exit code. */
export class CliError extends Error {
  override readonly name = 'CliError';
  readonly code: CliErrorCode;

  constructor(code: CliErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }

  get exitCode(): number {
    return this.code === 'internal' ? EXIT.internal : EXIT.usage;
  }
}

/** The one line printed for an error: never a stack trace (issue 6). */
export function errorLine(error: unknown): string {
  if (error instanceof CliError) return `authgate: ${error.message}`;
  const text = error instanceof Error ? error.message : String(error);
  return `authgate: internal error: ${text.split('\n')[0]}`;
}

/** The exit code for anything thrown out of a command. */
export function exitCodeOf(error: unknown): number {
  return error instanceof CliError ? error.exitCode : EXIT.internal;
}
