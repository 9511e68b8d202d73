import yargs from 'yargs';

/** The command line of `authgate-smtpd`, parsed. */
export interface CliArguments {
  config?: string;
  checkConfig: boolean;
  /** `--help` was given (the usage has been printed). */
  help: boolean;
  /** The flags that override configuration options, as a partial configuration document. */
  overrides: Record<string, unknown>;
}

/**
 * Parses the command line. The main settings work as flags, without a file; flags win over the
 * environment, which wins over the file. Throws (with yargs' message) on a malformed command line.
 */
export function parseArguments(argv: readonly string[]): CliArguments {
  const parsed = yargs([...argv])
    .scriptName('authgate-smtpd')
    .usage('$0 [--config FILE] [options]\n\nInbound SMTP filter: verifies SPF, DKIM and DMARC, stamps Authentication-Results, relays.')
    .option('config', { alias: 'c', type: 'string', describe: 'YAML configuration file' })
    .option('check-config', { type: 'boolean', default: false, describe: 'Validate the configuration and exit (0 = valid, 78 = invalid)' })
    .option('listen', { type: 'string', array: true, describe: 'SMTP listener ip:port (repeatable)' })
    .option('relay', { type: 'string', describe: 'Downstream server host:port' })
    .option('domains', { type: 'string', describe: 'Accepted recipient domains, comma-separated' })
    .option('authserv-id', { type: 'string', describe: 'authserv-id of Authentication-Results (default: the host name)' })
    .option('hostname', { type: 'string', describe: 'Host name in the greeting and Received fields' })
    .option('dns-server', { type: 'string', array: true, describe: 'DNS server ip[:port] (repeatable)' })
    .option('zone', { type: 'string', describe: 'Answer DNS from a fixture zone file (trials, tests)' })
    .option('policy', { type: 'string', choices: ['monitor', 'enforce'], describe: 'monitor: stamp only; enforce: reject DMARC failures whose disposition is reject' })
    .option('metrics', { type: 'string', describe: 'Metrics/health HTTP listener ip:port, or "off"' })
    .option('log-level', { type: 'string', choices: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] })
    .strict()
    .help()
    .version(false)
    .exitProcess(false)
    .fail((message, error) => {
      throw error ?? new Error(message);
    })
    .parseSync();
  return {
    ...(parsed.config !== undefined && { config: parsed.config }),
    checkConfig: parsed['check-config'] === true,
    help: parsed['help'] === true,
    overrides: overridesOf(parsed),
  };
}

type Parsed = Record<string, unknown>;

function overridesOf(parsed: Parsed): Record<string, unknown> {
  const overrides: Record<string, unknown> = {};
  const text = (name: string) => (typeof parsed[name] === 'string' ? (parsed[name] as string) : undefined);
  const list = (name: string) => (Array.isArray(parsed[name]) ? (parsed[name] as string[]).flatMap(splitList) : undefined);
  const listen = list('listen');
  if (listen !== undefined) overrides['listen'] = listen;
  if (text('relay') !== undefined) overrides['relay'] = { address: text('relay') };
  if (text('domains') !== undefined) overrides['domains'] = splitList(text('domains')!);
  if (text('authserv-id') !== undefined) overrides['authservId'] = text('authserv-id');
  if (text('hostname') !== undefined) overrides['hostname'] = text('hostname');
  const dns: Record<string, unknown> = {};
  const servers = list('dns-server');
  if (servers !== undefined) dns['servers'] = servers;
  if (text('zone') !== undefined) dns['zoneFile'] = text('zone');
  if (Object.keys(dns).length > 0) overrides['dns'] = dns;
  if (text('policy') !== undefined) overrides['policy'] = text('policy');
  if (text('metrics') !== undefined) overrides['metrics'] = { listen: text('metrics') };
  if (text('log-level') !== undefined) overrides['log'] = { level: text('log-level') };
  return overrides;
}

function splitList(value: string): string[] {
  return value.split(',').map((item) => item.trim()).filter((item) => item !== '');
}
