import { discoverPolicy, evaluateDmarc } from 'authgate';
import type { ArgumentsCamelCase, Argv, CommandModule } from 'yargs';
import type { ArgsOf, CommandContext } from '../context.js';
import { checkDomain } from '../domain.js';
import { openDns, withDnsOptions } from '../dns-options.js';
import { EXIT } from '../errors.js';
import { EPILOGUE, formatOf, withFormatOptions } from '../options.js';
import { Output } from '../output.js';
import { dmarcPrintable } from '../render/dmarc.js';
import { checkReportDestinations } from '../report-destinations.js';

function builder(yargs: Argv) {
  const base = yargs
    .positional('domain', { type: 'string', demandOption: true, description: 'The author domain (the domain of a From address)' })
    .option('dmarc-mode', {
      choices: ['rfc9989', 'rfc7489'] as const,
      default: 'rfc9989' as const,
      requiresArg: true,
      description: 'Policy discovery: RFC 9989 tree walk, or RFC 7489 public suffix list',
    });
  return withFormatOptions(withDnsOptions(base, { saveZone: true }), { jsonl: false })
    .epilogue(EPILOGUE)
    .example('$0 dmarc example.com', 'Which DMARC policy protects example.com, and is its record right?')
    .example('$0 dmarc mail.example.com --json', 'The same for a subdomain, as JSON');
}

export function dmarcCommand(context: CommandContext): CommandModule<object, ArgsOf<typeof builder>> {
  return {
    command: 'dmarc <domain>',
    describe: 'Find, validate and explain the DMARC record that applies to a domain',
    builder,
    handler: async (args) => context.setExitCode(await runDmarc(args, context)),
  };
}

async function runDmarc(args: ArgumentsCamelCase<ArgsOf<typeof builder>>, context: CommandContext): Promise<number> {
  const domain = checkDomain(args.domain);
  const mode = args.dmarcMode;
  const dns = await openDns(args);
  const discovery = await discoverPolicy(domain, { resolver: dns.resolver, mode });
  // The policy a failing message from this domain gets (RFC 9989 §4.10.1: p, sp or np), by
  // evaluating a message that nothing authenticates. `random` only matters for legacy pct.
  const evaluation = await evaluateDmarc({
    from: `postmaster@${domain}`,
    spf: { result: 'none', domain: '' },
    dkim: [],
    resolver: dns.resolver,
    mode,
    random: () => 0,
  });
  const destinations = discovery.result === 'found'
    ? await checkReportDestinations(discovery.policyDomain, discovery.record, { resolver: dns.resolver, mode })
    : [];
  const output = new Output(context.io, formatOf(args));
  output.result(dmarcPrintable({ discovery, evaluation, destinations }, output.paint));
  const saved = await dns.finish('dmarc', new Date());
  if (saved !== undefined) output.note(`DNS answers saved to ${saved}`);
  return EXIT.ok;
}
