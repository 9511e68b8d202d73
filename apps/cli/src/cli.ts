import { readFileSync } from 'node:fs';
import yargs from 'yargs';
import { protectDash, refuseRepeats, refuseSwitchValues, restoreDash } from './argv.js';
import { checkCommand } from './commands/check.js';
import { dkimCommand } from './commands/dkim.js';
import { dmarcCommand } from './commands/dmarc.js';
import { spfCommand } from './commands/spf.js';
import type { CommandContext } from './context.js';
import { CliError, EXIT, errorLine, exitCodeOf } from './errors.js';
import { EPILOGUE } from './options.js';

/**
 * Parses `args` and runs the command. Never throws and never calls process.exit: returns the
 * exit code, so that stdout drains before the process ends.
 */
export async function run(args: readonly string[], context: Omit<CommandContext, 'setExitCode'>): Promise<number> {
  let exitCode: number = EXIT.ok;
  const full: CommandContext = { ...context, setExitCode: (code) => { exitCode = code; } };
  try {
    await parser(args, full).parseAsync();
  } catch (error) {
    context.io.stderr.write(`${errorLine(error)}\n`);
    return exitCodeOf(error);
  }
  return exitCode;
}

/** The command line: every command, the help, and one way to fail (a usage `CliError`). */
function parser(args: readonly string[], full: CommandContext) {
  return yargs(protectDash(args))
    .middleware([restoreDash, refuseRepeats, refuseSwitchValues(args)], true)
    .scriptName('authgate')
    .usage('$0 <command> [options]\n\nEmail sender authentication (SPF, DKIM, DMARC) from the command line.')
    .command(checkCommand(full))
    .command(spfCommand(full))
    .command(dkimCommand(full))
    .command(dmarcCommand(full))
    .demandCommand(1, 'give a command: check, spf, dkim or dmarc')
    .recommendCommands()
    .strict()
    .help()
    .alias('h', 'help')
    .version(version())
    .example('$0 check --from-received message.eml', 'Check a saved message; the envelope is read from its Received field')
    .example('$0 check --ip 192.0.2.1 --helo mail.example.com --mail-from alice@example.com -', 'Check a message on standard input')
    .example('$0 spf --ip 192.0.2.1 --mail-from alice@example.com --trace', 'May 192.0.2.1 send as example.com? With the lookup tree')
    .example('$0 dkim verify ~/Maildir', 'Verify the DKIM signatures of every message of a Maildir')
    .example('$0 dmarc example.com', 'Explain the DMARC policy that protects example.com')
    .epilogue(EPILOGUE)
    .wrap(Math.min(100, process.stdout.columns ?? 100))
    .exitProcess(false)
    .fail((message: string | undefined, error: Error | undefined) => failure(args, message, error));
}

function failure(args: readonly string[], message: string | undefined, error: Error | undefined): never {
  // yargs reports a flag without its value ("Not enough arguments following: ip") as a YError;
  // that is a usage error like the others. Anything else thrown is ours.
  if (error !== undefined && error !== null && error.name !== 'YError') throw error;
  const said = (message ?? error?.message ?? 'bad arguments').replace(/^Not enough arguments following: (\S+)$/, '--$1 needs a value');
  // recommendCommands says only "Did you mean check?": name the word it is about.
  const typo = args.find((arg) => !arg.startsWith('-'));
  const text = said.startsWith('Did you mean') && typo !== undefined ? `unknown command "${typo}". ${said}` : said;
  throw new CliError('usage', `${text}\nRun "authgate --help" (or "authgate <command> --help") for usage.`);
}

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}
