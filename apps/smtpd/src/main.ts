#!/usr/bin/env node
import { createResolver } from 'authgate';
import { parseArguments } from './cli/args.js';
import { configSummary } from './cli/summary.js';
import { loadConfig, type ConfigSources } from './config/load.js';
import { formatConfigProblem } from './errors.js';
import { createFilterServer } from './server/filter-server.js';
import { handleSignals } from './signals.js';

/** sysexits.h EX_CONFIG: systemd's RestartPreventExitStatus keeps a broken config from looping. */
const EX_CONFIG = 78;
const EX_USAGE = 64;

async function main(argv: string[]): Promise<number | undefined> {
  let args;
  try {
    args = parseArguments(argv);
  } catch (error) {
    process.stderr.write(`authgate-smtpd: ${(error as Error).message}\n`);
    return EX_USAGE;
  }
  if (args.help) return 0;
  const sources: ConfigSources = { env: process.env, flags: args.overrides, ...(args.config !== undefined && { file: args.config }) };
  const result = await loadConfig(sources);
  if (!result.ok) {
    process.stderr.write(`authgate-smtpd: invalid configuration:\n${result.problems.map(formatConfigProblem).join('\n')}\n`);
    return EX_CONFIG;
  }
  if (args.checkConfig) {
    process.stdout.write(`authgate-smtpd: configuration OK\n${configSummary(result.config)}\n`);
    return 0;
  }
  const resolver = await createResolver({
    ...(result.config.dns.servers.length > 0 && { servers: result.config.dns.servers }),
    timeoutMs: result.config.dns.timeout,
    ...(result.config.dns.zoneFile !== undefined && { zoneFile: result.config.dns.zoneFile }),
  });
  const server = createFilterServer({ config: result.config, resolver });
  try {
    await server.listen();
  } catch (error) {
    server.logger.fatal({ event: 'listen-failed', err: error }, 'cannot listen');
    await server.close();
    return 1;
  }
  handleSignals({ server, reloadConfig: () => loadConfig(sources), exit: (code) => process.exit(code) });
  return undefined;
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code !== undefined) process.exitCode = code;
  },
  (error: Error) => {
    process.stderr.write(`authgate-smtpd: ${error.stack ?? error.message}\n`);
    process.exitCode = 1;
  },
);
