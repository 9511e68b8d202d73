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
        .epilogue(EPILOGUE),
    handler: () => undefined,
  };
}
