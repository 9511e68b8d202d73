import { authenticate } from 'authgate';
import type { ArgumentsCamelCase, Argv, CommandModule } from 'yargs';
import { runBatch } from '../batch.js';
import type { ArgsOf, CommandContext } from '../context.js';
import { openDns, withDnsOptions } from '../dns-options.js';
import { checkEnvelopeArgs, envelopeFor } from '../envelope.js';
import { planInputs } from '../input/sources.js';
import {
  EPILOGUE, authservIdOf, concurrencyOf, formatOf, nowOf, withAuthservId, withBatchOptions, withFailOn, withFormatOptions, withNow,
} from '../options.js';
import { Output } from '../output.js';
import { checkPrintable, type CheckedMessage } from '../render/check.js';
import { dkimFails, dmarcFails, spfFails } from '../verdict.js';

function builder(yargs: Argv) {
  const withEnvelope = yargs
    .positional('files', { type: 'string', array: true, description: 'Message files, directories, Maildirs, mboxes, or - for stdin' })
    .option('ip', { type: 'string', group: 'Envelope:', description: 'The SMTP client\'s IP address', requiresArg: true })
    .option('helo', { type: 'string', group: 'Envelope:', description: 'The HELO/EHLO name it gave', requiresArg: true })
    .option('mail-from', { type: 'string', group: 'Envelope:', description: 'The MAIL FROM address; <> for a bounce', requiresArg: true })
    .option('from-received', {
      type: 'boolean',
      group: 'Envelope:',
      description: 'Take what is missing from the top Received field (and Return-Path)',
    })
    .option('dmarc-mode', { choices: ['rfc9989', 'rfc7489'] as const, requiresArg: true, description: 'DMARC policy discovery: RFC 9989 tree walk, or RFC 7489 public suffix list' })
    .option('received-spf', { type: 'boolean', description: 'Also print the Received-SPF field (text output)' });
  const all = withNow(withFailOn(withAuthservId(withBatchOptions(withFormatOptions(withDnsOptions(withEnvelope, { saveZone: true }), { jsonl: true }))), ['spf', 'dkim', 'dmarc']));
  return all
    .epilogue(EPILOGUE)
    .example('$0 check --ip 192.0.2.1 --helo mail.example.com --mail-from alice@example.com msg.eml', 'Check one message')
    .example('$0 check --from-received ~/Maildir', 'Check a Maildir, envelopes read from each message')
    .example('$0 check --from-received --mbox --jsonl archive.mbox > results.jsonl', 'Check an mbox, one JSON line per message')
    .example('$0 check --from-received --save-zone case.yaml msg.eml', 'Save the DNS answers used, to replay with --zone case.yaml');
}

type CheckArgs = ArgumentsCamelCase<ArgsOf<typeof builder>>;

export function checkCommand(context: CommandContext): CommandModule<object, ArgsOf<typeof builder>> {
  return {
    command: 'check [files..]',
    describe: 'Verify SPF, DKIM and DMARC of raw messages and print Authentication-Results',
    builder,
    handler: async (args) => context.setExitCode(await runCheck(args, context)),
  };
}

async function runCheck(args: CheckArgs, context: CommandContext): Promise<number> {
  checkEnvelopeArgs(args);
  const authservId = authservIdOf(args.authservId);
  const concurrency = concurrencyOf(args.concurrency);
  const now = nowOf(args.now);
  const failOn = new Set(args.failOn ?? []);
  const dns = await openDns(args);
  const plan = await planInputs(args.files ?? [], { mbox: args.mbox === true, mboxFormat: args.mboxFormat, stdin: context.stdin });
  const output = new Output(context.io, formatOf(args), { batch: plan.batch });
  const receivedSpf = args.receivedSpf === true;
  const exitCode = await runBatch<CheckedMessage>(plan, output, concurrency, {
    async check(message) {
      const envelope = envelopeFor(args, message.header);
      const report = await authenticate(message.bytes, {
        ip: envelope.ip,
        helo: envelope.helo,
        mailFrom: envelope.mailFrom,
        authservId,
        resolver: dns.resolver,
        ...(now !== undefined && { now }),
        ...(args.dmarcMode !== undefined && { dmarcMode: args.dmarcMode }),
      });
      return { name: message.name, envelope, report };
    },
    printable: (checked) => checkPrintable(checked, output.paint, { receivedSpf }),
    tally: ({ report }) => ({ spf: report.spf, dkim: report.dkim, dmarc: report.dmarc }),
    fails: ({ report }) =>
      (failOn.has('spf') && spfFails(report.spf.result)) ||
      (failOn.has('dkim') && dkimFails(report.dkim)) ||
      (failOn.has('dmarc') && dmarcFails(report.dmarc.result)),
  });
  const saved = await dns.finish('check', new Date(now?.() ?? Date.now()));
  if (saved !== undefined) output.note(`DNS answers saved to ${saved}`);
  return exitCode;
}
