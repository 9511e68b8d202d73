import { access, stat, writeFile } from 'node:fs/promises';
import { constants } from 'node:fs';
import { dirname } from 'node:path';
import { createResolver, RecordingResolver, type Resolver } from 'authgate';
import type { Argv } from 'yargs';
import { stringify as toYaml } from 'yaml';
import { parseDnsServer } from './dns-server.js';
import { CliError } from './errors.js';

export interface DnsArgs {
  dnsServer?: string[] | undefined;
  zone?: string | undefined;
  dnsTimeout?: number | undefined;
  saveZone?: string | undefined;
}

const GROUP = 'DNS:';

/** `--dns-server`, `--zone`, `--dns-timeout` (every command that asks DNS), and `--save-zone`. */
export function withDnsOptions<T>(yargs: Argv<T>, options: { saveZone: boolean }) {
  const common = yargs
    .option('dns-server', {
      type: 'string',
      array: true,
      // One value per flag: a greedy array would swallow the file names that follow.
      nargs: 1,
      group: GROUP,
      description: 'Ask this DNS server instead of the system ones: ip, ip:port or [ipv6]:port (repeatable)',
      requiresArg: true,
    })
    .option('zone', {
      type: 'string',
      group: GROUP,
      description: 'Answer DNS from this fixture zone (YAML/JSON zonedata), offline',
      requiresArg: true,
      conflicts: 'dns-server',
    })
    .option('dns-timeout', {
      type: 'number',
      group: GROUP,
      description: 'Seconds to wait for each DNS answer',
      requiresArg: true,
    });
  if (!options.saveZone) return common;
  return common.option('save-zone', {
    type: 'string',
    group: GROUP,
    description: 'Write every DNS answer used to FILE, replayable with --zone FILE',
    requiresArg: true,
  });
}

/** The resolver a command uses, and what to do when it is finished with it. */
export interface DnsSession {
  resolver: Resolver;
  /**
   * Writes the `--save-zone` file, if one was asked for, saying which command recorded it and
   * when (the `--now` that replays time-dependent verdicts such as DKIM x=); returns its path.
   */
  finish(command: string, at: Date): Promise<string | undefined>;
}

export async function openDns(args: DnsArgs): Promise<DnsSession> {
  const servers = (args.dnsServer ?? []).map(parseDnsServer);
  const timeoutMs = timeoutOf(args.dnsTimeout);
  if (args.zone !== undefined) await checkZoneFile(args.zone);
  if (args.saveZone !== undefined) await checkWritable(args.saveZone);
  const inner = await createResolver({
    ...(servers.length > 0 && { servers }),
    ...(timeoutMs !== undefined && { timeoutMs }),
    ...(args.zone !== undefined && { zoneFile: args.zone }),
  }).catch((error: unknown) => {
    if (args.zone === undefined) throw error;
    throw new CliError('bad-zone', `${args.zone}: not a zone file (${firstLine(error)})`, { cause: error });
  });
  if (args.saveZone === undefined) return { resolver: inner, finish: async () => undefined };
  const recorder = new RecordingResolver(inner);
  const path = args.saveZone;
  return {
    resolver: recorder,
    async finish(command, at) {
      const when = at.toISOString();
      const header = `# DNS answers recorded by "authgate ${command}" at ${when}.\n# Replay offline with: --zone ${path} --now ${when}\n`;
      const text = header + toYaml(recorder.zoneData());
      await writeFile(path, text).catch((error: unknown) => {
        throw new CliError('write-failed', `${path}: cannot write the zone (${firstLine(error)})`, { cause: error });
      });
      return path;
    },
  };
}

function timeoutOf(seconds: number | undefined): number | undefined {
  if (seconds === undefined) return undefined;
  if (!Number.isFinite(seconds) || seconds <= 0) throw new CliError('usage', '--dns-timeout must be a positive number of seconds');
  return Math.round(seconds * 1000);
}

async function checkZoneFile(path: string): Promise<void> {
  const info = await stat(path).catch(() => undefined);
  if (info === undefined) throw new CliError('bad-zone', `${path}: no such zone file`);
  if (!info.isFile()) throw new CliError('bad-zone', `${path}: not a file`);
}

/** Refuses, before anything is checked, a --save-zone path that could not be written at the end. */
async function checkWritable(path: string): Promise<void> {
  if (path === '') throw new CliError('usage', '--save-zone needs a file name');
  const info = await stat(path).catch(() => undefined);
  if (info?.isDirectory() === true) throw new CliError('write-failed', `${path}: is a directory; give a file name`);
  await access(dirname(path), constants.W_OK).catch(() => {
    throw new CliError('write-failed', `${path}: its directory does not exist or is not writable`);
  });
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0]!;
}
