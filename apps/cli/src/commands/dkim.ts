import type { Argv, CommandModule } from 'yargs';
import type { CommandContext } from '../context.js';
import { EPILOGUE } from '../options.js';
import { dkimKeygenCommand } from './dkim-keygen.js';
import { dkimSignCommand } from './dkim-sign.js';
import { dkimVerifyCommand } from './dkim-verify.js';

/** `authgate dkim verify|sign|keygen`. */
export function dkimCommand(context: CommandContext): CommandModule {
  return {
    command: 'dkim',
    describe: 'DKIM: verify signatures, sign a message, make a key (RFC 6376, 8301, 8463)',
    builder: (yargs: Argv) =>
      yargs
        .command(dkimVerifyCommand(context))
        .command(dkimSignCommand(context))
        .command(dkimKeygenCommand(context))
        .demandCommand(1, 'give a dkim command: verify, sign or keygen')
        .example('$0 dkim verify message.eml', 'Verify every DKIM-Signature of a message')
        .example('$0 dkim keygen --selector s2026 --domain example.com', 'Make a key; print the TXT record to publish')
        .example('$0 dkim sign --domain example.com --selector s2026 --key s2026.private msg.eml', 'Sign a message')
        .epilogue(EPILOGUE),
    handler: () => undefined,
  };
}
