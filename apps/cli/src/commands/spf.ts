import { receivedSpf, verifySpf } from 'authgate';
import type { ArgumentsCamelCase, Argv, CommandModule } from 'yargs';
import type { ArgsOf, CommandContext } from '../context.js';
import { openDns, withDnsOptions } from '../dns-options.js';
import { checkEnvelopeArgs, normalizeMailFrom } from '../envelope.js';
import { EXIT } from '../errors.js';
import { EPILOGUE, authservIdOf, formatOf, nowOf, withAuthservId, withFailOn, withFormatOptions, withNow } from '../options.js';
import { Output } from '../output.js';
import { spfPrintable } from '../render/spf.js';
import { spfFails } from '../verdict.js';

function builder(yargs: Argv) {
  const base = yargs
    .option('ip', { type: 'string', demandOption: true, description: 'The SMTP client\'s IP address', requiresArg: true })
    .option('mail-from', { type: 'string', demandOption: true, description: 'The MAIL FROM address; <> for a bounce (then --helo is checked)', requiresArg: true })
    .option('helo', { type: 'string', description: 'The HELO/EHLO name', requiresArg: true })
    .option('trace', { type: 'boolean', description: 'Print every DNS query, record and mechanism tried, as a tree' });
  return withNow(withFailOn(withAuthservId(withFormatOptions(withDnsOptions(base, { saveZone: true }), { jsonl: false })), ['spf']))
    .epilogue(EPILOGUE)
    .example('$0 spf --ip 192.0.2.1 --mail-from alice@example.com', 'Is 192.0.2.1 allowed to send as example.com?')
    .example('$0 spf --ip 192.0.2.1 --mail-from alice@example.com --helo mail.example.com --trace', 'The same, with the HELO check and the lookup tree')
    .example('$0 spf --ip 192.0.2.1 --mail-from "<>" --helo mail.example.com', 'A bounce: SPF checks postmaster@mail.example.com');
}

export function spfCommand(context: CommandContext): CommandModule<object, ArgsOf<typeof builder>> {
  return {
    command: 'spf',
    describe: 'Evaluate SPF (RFC 7208) for a client address and MAIL FROM, with the explanation',
    builder,
    handler: async (args) => context.setExitCode(await runSpf(args, context)),
  };
}

async function runSpf(args: ArgumentsCamelCase<ArgsOf<typeof builder>>, context: CommandContext): Promise<number> {
  checkEnvelopeArgs(args);
  const mailFrom = normalizeMailFrom(args.mailFrom);
  const helo = args.helo ?? '';
  const receiver = authservIdOf(args.authservId);
  const now = nowOf(args.now);
  const dns = await openDns(args);
  const verification = await verifySpf({
    ip: args.ip,
    mailFrom,
    helo,
    resolver: dns.resolver,
    receiver,
    trace: args.trace === true,
    ...(now !== undefined && { now }),
  });
  const output = new Output(context.io, formatOf(args));
  const field = receivedSpf(verification, { receiver, clientIp: args.ip, helo, envelopeFrom: mailFrom });
  output.result(spfPrintable({ ip: args.ip, helo, mailFrom, verification, receivedSpf: field.replace(/\r?\n$/, '') }, output.paint, { trace: args.trace === true }));
  const saved = await dns.finish('spf', new Date(now?.() ?? Date.now()));
  if (saved !== undefined) output.note(`DNS answers saved to ${saved}`);
  return (args.failOn ?? []).includes('spf') && spfFails(verification.result) ? EXIT.verdict : EXIT.ok;
}
