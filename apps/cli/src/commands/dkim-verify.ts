import { verifyDkim } from 'authgate';
import type { ArgumentsCamelCase, Argv, CommandModule } from 'yargs';
import { runBatch } from '../batch.js';
import type { ArgsOf, CommandContext } from '../context.js';
import { openDns, withDnsOptions } from '../dns-options.js';
import { planInputs } from '../input/sources.js';
import { CliError } from '../errors.js';
import { EPILOGUE, concurrencyOf, formatOf, nowOf, withBatchOptions, withFailOn, withFormatOptions, withNow } from '../options.js';
import { Output } from '../output.js';
import { dkimPrintable, type DkimChecked } from '../render/dkim.js';
import { dkimFails } from '../verdict.js';

function builder(yargs: Argv) {
  const base = yargs
    .positional('files', { type: 'string', array: true, description: 'Message files, directories, Maildirs, mboxes, or - for stdin' })
    .option('min-rsa-bits', { type: 'number', description: 'RSA keys shorter than this give "policy" (at least 1024, RFC 8301 §3.2)', requiresArg: true });
  return withNow(withFailOn(withBatchOptions(withFormatOptions(withDnsOptions(base, { saveZone: true }), { jsonl: true })), ['dkim']))
    .epilogue(EPILOGUE)
    .example('$0 dkim verify message.eml', 'Verify every DKIM-Signature of a message')
    .example('$0 dkim verify --jsonl --mbox archive.mbox', 'One JSON line per message of an mbox');
}

export function dkimVerifyCommand(context: CommandContext): CommandModule<object, ArgsOf<typeof builder>> {
  return {
    command: 'verify [files..]',
    describe: 'Verify the DKIM signatures of messages (RFC 6376)',
    builder,
    handler: async (args) => context.setExitCode(await runVerify(args, context)),
  };
}

async function runVerify(args: ArgumentsCamelCase<ArgsOf<typeof builder>>, context: CommandContext): Promise<number> {
  const concurrency = concurrencyOf(args.concurrency);
  const minRsaBits = minRsaBitsOf(args.minRsaBits);
  const now = nowOf(args.now);
  const failOn = new Set(args.failOn ?? []);
  const dns = await openDns(args);
  const plan = await planInputs(args.files ?? [], { mbox: args.mbox === true, mboxFormat: args.mboxFormat, stdin: context.stdin });
  const output = new Output(context.io, formatOf(args), { batch: plan.batch });
  const exitCode = await runBatch<DkimChecked>(plan, output, concurrency, {
    async check(message) {
      const signatures = await verifyDkim(message.bytes, {
        resolver: dns.resolver,
        ...(now !== undefined && { now }),
        ...(minRsaBits !== undefined && { minRsaBits }),
      });
      return { name: message.name, signatures };
    },
    printable: (checked) => dkimPrintable(checked, output.paint),
    tally: (checked) => ({ dkim: checked.signatures }),
    fails: (checked) => failOn.has('dkim') && dkimFails(checked.signatures),
  });
  const saved = await dns.finish('dkim verify', new Date(now?.() ?? Date.now()));
  if (saved !== undefined) output.note(`DNS answers saved to ${saved}`);
  return exitCode;
}

/**
 * RFC 8301 §3.2: verifiers MUST NOT accept RSA keys shorter than 1024 bits, so the minimum can be
 * raised, never lowered below that; keys beyond 16384 bits are not in use.
 */
function minRsaBitsOf(bits: number | undefined): number | undefined {
  if (bits === undefined) return undefined;
  if (!Number.isInteger(bits) || bits < 1024 || bits > 16384) {
    throw new CliError('usage', '--min-rsa-bits must be a whole number from 1024 to 16384 (RFC 8301 §3.2 forbids accepting shorter keys)');
  }
  return bits;
}
