import { open, stat } from 'node:fs/promises';
import { generateDkimKey } from 'authgate';
import type { ArgumentsCamelCase, Argv, CommandModule } from 'yargs';
import type { ArgsOf, CommandContext } from '../context.js';
import { checkDomain, checkSelector } from '../domain.js';
import { CliError, EXIT } from '../errors.js';
import { EPILOGUE, formatOf, withFormatOptions } from '../options.js';
import { Output } from '../output.js';
import { keygenPrintable, type KeygenResult } from '../render/keygen.js';

function builder(yargs: Argv) {
  const base = yargs
    .option('algorithm', { choices: ['rsa', 'ed25519'] as const, default: 'rsa' as const, requiresArg: true, description: 'Key type: rsa (rsa-sha256) or ed25519 (ed25519-sha256, RFC 8463)' })
    .option('bits', { type: 'number', description: 'RSA modulus size (default 2048; RFC 8301 §3.2 requires at least 1024)', requiresArg: true })
    .option('out', { type: 'string', description: 'Where to write the private key (PEM, mode 0600); default SELECTOR.private or dkim.private', requiresArg: true })
    .option('selector', { type: 'string', description: 'Selector, to print the full record name', requiresArg: true })
    .option('domain', { type: 'string', description: 'Signing domain, to print the full record name', requiresArg: true })
    .option('force', { type: 'boolean', description: 'Overwrite --out if it exists' });
  return withFormatOptions(base, { jsonl: false })
    .epilogue(EPILOGUE)
    .example('$0 dkim keygen --selector s2026 --domain example.com', 'A 2048-bit RSA key in s2026.private, and its TXT record')
    .example('$0 dkim keygen --algorithm ed25519 --out ed.pem', 'An Ed25519 key');
}

export function dkimKeygenCommand(context: CommandContext): CommandModule<object, ArgsOf<typeof builder>> {
  return {
    command: 'keygen',
    describe: 'Make a DKIM key pair: write the private key, print the TXT record to publish',
    builder,
    handler: async (args) => context.setExitCode(await runKeygen(args, context)),
  };
}

async function runKeygen(args: ArgumentsCamelCase<ArgsOf<typeof builder>>, context: CommandContext): Promise<number> {
  const bits = bitsOf(args.algorithm, args.bits);
  const selector = args.selector === undefined ? undefined : checkSelector('--selector', args.selector);
  const domain = args.domain === undefined ? undefined : checkDomain(args.domain);
  const out = args.out ?? `${selector ?? 'dkim'}.private`;
  const force = args.force === true;
  // Said before a long RSA generation rather than after it; the exclusive open below still decides.
  if (!force && (await stat(out).then(() => true, () => false))) throw exists(out);
  const key = generateDkimKey({ algorithm: args.algorithm === 'rsa' ? 'rsa-sha256' : 'ed25519-sha256', ...(bits !== undefined && { bits }) });
  await writePrivateKey(out, key.privateKeyPem, force);
  const result: KeygenResult = {
    algorithm: args.algorithm === 'rsa' ? 'rsa-sha256' : 'ed25519-sha256',
    ...(bits !== undefined && { bits }),
    privateKeyFile: out,
    ...(selector !== undefined && domain !== undefined && { name: `${selector}._domainkey.${domain}` }),
    record: key.dnsRecord,
  };
  const output = new Output(context.io, formatOf(args));
  output.result(keygenPrintable(result));
  return EXIT.ok;
}

/**
 * Writes the key readable by its owner only. `--force` over an existing file keeps that file's
 * mode on open, so the mode is set before the key is written: an old world-readable file must
 * not end up holding a secret.
 */
async function writePrivateKey(out: string, pem: string, force: boolean): Promise<void> {
  const handle = await open(out, force ? 'w' : 'wx', 0o600).catch((error: unknown) => {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw exists(out);
    throw new CliError('write-failed', `${out}: cannot write the private key (${(error as Error).message})`, { cause: error });
  });
  try {
    await handle.chmod(0o600);
    await handle.writeFile(pem);
  } finally {
    await handle.close();
  }
}

function exists(out: string): CliError {
  return new CliError('exists', `${out}: already exists (use --force to overwrite, or --out)`);
}

function bitsOf(algorithm: 'rsa' | 'ed25519', bits: number | undefined): number | undefined {
  if (algorithm === 'ed25519') {
    if (bits !== undefined) throw new CliError('usage', '--bits applies to RSA keys only (Ed25519 keys are 256 bits)');
    return undefined;
  }
  const value = bits ?? 2048;
  // RFC 8301 §3.2: signers MUST use RSA keys of at least 1024 bits (2048 recommended).
  if (!Number.isInteger(value) || value < 1024 || value > 8192) throw new CliError('usage', '--bits must be a whole number from 1024 to 8192');
  return value;
}
