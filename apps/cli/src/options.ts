import { hostname } from 'node:os';
import type { Argv } from 'yargs';
import { CliError } from './errors.js';
import type { Format } from './output.js';
import type { Method } from './verdict.js';

/** Closes every `--help`: the exit codes (errors.ts) and where the manual is. */
export const EPILOGUE = [
  'Exit status: 0 the check ran; 1 a verdict named by --fail-on failed;',
  '2 a usage or input error; 70 an internal error.',
  'Manual: apps/cli/README.md',
].join('\n');

/** `--json` and `--jsonl` (a batch command), or `--json` alone. */
export function withFormatOptions<T>(yargs: Argv<T>, options: { jsonl: boolean }) {
  const json = yargs.option('json', { type: 'boolean', description: 'Print JSON (schema in the README)' });
  if (!options.jsonl) return json;
  return json.option('jsonl', { type: 'boolean', description: 'Print one JSON object per line, one line per message', conflicts: 'json' });
}

export function formatOf(args: { json?: boolean | undefined; jsonl?: boolean | undefined }): Format {
  if (args.jsonl === true) return 'jsonl';
  return args.json === true ? 'json' : 'text';
}

/** Input options shared by `check` and `dkim verify`. */
export function withBatchOptions<T>(yargs: Argv<T>) {
  return yargs
    .option('mbox', { type: 'boolean', group: 'Input:', description: 'Read every file (and -) as an mbox; files starting with "From " are read as one anyway' })
    .option('mbox-format', {
      choices: ['mboxrd', 'mboxo'] as const,
      default: 'mboxrd' as const,
      group: 'Input:',
      requiresArg: true,
      description: 'How ">From " lines were escaped in the mbox',
    })
    .option('concurrency', { type: 'number', default: 8, group: 'Input:', description: 'Messages checked at once', requiresArg: true });
}

export function concurrencyOf(value: number): number {
  if (!Number.isInteger(value) || value < 1 || value > 256) throw new CliError('usage', '--concurrency must be a whole number from 1 to 256');
  return value;
}

/** `--fail-on`: the verdicts that turn exit 0 into exit 1. */
export function withFailOn<T>(yargs: Argv<T>, methods: readonly Method[]) {
  return yargs.option('fail-on', {
    choices: methods,
    array: true,
    // One value per flag: a greedy array would swallow the file names that follow.
    nargs: 1,
    description: `Exit 1 when this verdict fails (${methods.join(', ')}; repeatable)`,
    requiresArg: true,
  });
}

/** `--authserv-id`: who vouches for the results (RFC 8601 §2.5); the host name by default. */
export function withAuthservId<T>(yargs: Argv<T>) {
  return yargs.option('authserv-id', {
    type: 'string',
    description: 'The authserv-id written in Authentication-Results (default: this host\'s name)',
    requiresArg: true,
  });
}

export function authservIdOf(value: string | undefined): string {
  const id = value ?? hostname();
  // RFC 8601 §2.2: authserv-id is a value (token or quoted string); keep it one printable word.
  if (id === '' || /[\s;()"\\]/.test(id) || /[^\x21-\x7e]/.test(id)) {
    throw new CliError('usage', `--authserv-id ${JSON.stringify(id)}: give a host name`);
  }
  return id;
}

/** `--now`: verify as if at another time, so that a saved case reproduces (DKIM t= and x=). */
export function withNow<T>(yargs: Argv<T>) {
  return yargs.option('now', {
    type: 'string',
    description: 'Check as if at this time: ISO 8601 or Unix seconds (default: now)',
    requiresArg: true,
  });
}

export function nowOf(value: string | undefined): (() => number) | undefined {
  if (value === undefined) return undefined;
  const ms = /^\d+(\.\d+)?$/.test(value) ? Number(value) * 1000 : Date.parse(value);
  if (!Number.isFinite(ms)) throw new CliError('usage', `--now ${JSON.stringify(value)}: give an ISO 8601 time or Unix seconds`);
  return () => ms;
}
