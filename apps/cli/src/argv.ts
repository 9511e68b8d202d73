import { CliError } from './errors.js';

/**
 * Two corrections to what yargs makes of a command line, applied before any command sees it.
 *
 * yargs drops a lone `-` argument (yargs/yargs#1312), the POSIX name for standard input. It is
 * swapped for a token no real argument can hold (argv strings cannot contain NUL) before parsing,
 * and swapped back by `restoreDash`.
 */
export const DASH = '\u0000-';

export function protectDash(args: readonly string[]): string[] {
  return args.map((arg) => (arg === '-' ? DASH : arg));
}

export function restoreDash(argv: Record<string, unknown>): void {
  for (const [key, value] of Object.entries(argv)) {
    if (value === DASH) argv[key] = '-';
    else if (Array.isArray(value)) argv[key] = value.map((item) => (item === DASH ? '-' : item));
  }
}

/** The options meant to be given several times (and the positional lists). */
const REPEATABLE = new Set(['_', 'files', 'fail-on', 'failOn', 'dns-server', 'dnsServer']);

/**
 * yargs turns a single-valued option given twice (`--domain a --domain b`) into an array. Which
 * one was meant is a guess, so the command line is refused instead.
 */
export function refuseRepeats(argv: Record<string, unknown>): void {
  for (const [key, value] of Object.entries(argv)) {
    if (Array.isArray(value) && !REPEATABLE.has(key)) {
      const flag = key.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
      throw new CliError('usage', `--${flag} was given more than once`);
    }
  }
}

/**
 * yargs reads `--json=yes` (any value but true/false) as false: the user asked for JSON and gets
 * text without a word. A switch given a value other than true or false is refused instead.
 * `args` is the command line as given; `yargs` the parser of the command that runs.
 */
export function refuseSwitchValues(args: readonly string[]) {
  // yargs calls middleware with its parser as a second argument; its option table (not in
  // @types/yargs) says which options are switches, for whichever command is running.
  return (_argv: Record<string, unknown>, parser?: { getOptions(): { boolean: string[] } }): void => {
    const switches = new Set(parser?.getOptions().boolean ?? []);
    for (const arg of args) {
      if (arg === '--') break;
      const match = /^--(?:no-)?([^=]+)=(.*)$/s.exec(arg);
      if (match === null || !switches.has(match[1]!) || /^(?:true|false)$/.test(match[2]!)) continue;
      throw new CliError('usage', `--${match[1]} is a switch: give it alone (not ${JSON.stringify(arg)})`);
    }
  };
}
