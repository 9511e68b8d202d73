import { createPrivateKey, type KeyObject } from 'node:crypto';
import { DkimError, signDkim, type DkimAlgorithm } from 'authgate';
import type { ArgumentsCamelCase, Argv, CommandModule } from 'yargs';
import type { ArgsOf, CommandContext } from '../context.js';
import { checkDomain, checkSelector } from '../domain.js';
import { CliError, EXIT } from '../errors.js';
import { readMessageFile } from '../input/sources.js';
import { loadMessage } from '../input/message.js';
import { EPILOGUE, nowOf, withNow } from '../options.js';
import { Output } from '../output.js';
import { withLf } from '../render/text.js';

function builder(yargs: Argv) {
  const base = yargs
    .positional('file', { type: 'string', description: 'The message to sign; - or nothing reads standard input' })
    .option('domain', { type: 'string', demandOption: true, description: 'd=: the signing domain', requiresArg: true })
    .option('selector', { type: 'string', demandOption: true, description: 's=: the selector of the published key', requiresArg: true })
    .option('key', { type: 'string', demandOption: true, description: 'The private key file (PEM), e.g. from "authgate dkim keygen"', requiresArg: true })
    .option('algorithm', { choices: ['rsa-sha256', 'ed25519-sha256'] as const, requiresArg: true, description: 'a=: default from the key type' })
    .option('headers', {
      type: 'string',
      description: 'h=: the fields to sign, comma-separated, in order (default: the usual ones, over-signed)',
      requiresArg: true,
    })
    .option('canonicalization', {
      choices: ['relaxed/relaxed', 'relaxed/simple', 'simple/relaxed', 'simple/simple'] as const,
      default: 'relaxed/relaxed' as const,
      requiresArg: true,
      description: 'c=: header/body canonicalization (RFC 6376 §3.4)',
    })
    .option('identity', { type: 'string', description: 'i=: the agent or user signed for, at the domain or below it', requiresArg: true })
    .option('expires-in', { type: 'number', description: 'x=: the signature expires this many seconds after signing', requiresArg: true });
  return withNow(base)
    .epilogue(EPILOGUE)
    .example('$0 dkim sign --domain example.com --selector s2026 --key s2026.private msg.eml > signed.eml', 'Sign a message')
    .example('cat msg.eml | $0 dkim sign --domain example.com --selector ed --key ed.pem --headers from,to,subject,date', 'Sign stdin, choosing the signed fields');
}

export function dkimSignCommand(context: CommandContext): CommandModule<object, ArgsOf<typeof builder>> {
  return {
    command: 'sign [file]',
    describe: 'Sign a message with DKIM and write it, signature prepended, to stdout',
    builder,
    handler: async (args) => context.setExitCode(await runSign(args, context)),
  };
}

async function runSign(args: ArgumentsCamelCase<ArgsOf<typeof builder>>, context: CommandContext): Promise<number> {
  const domain = checkDomain(args.domain);
  const selector = checkSelector('--selector', args.selector);
  const expiresIn = expiresInOf(args.expiresIn);
  const key = await readKey(args.key);
  const algorithm = algorithmOf(key, args.algorithm, args.key);
  const headers = args.headers === undefined ? undefined : args.headers.split(',').map((name) => name.trim()).filter((name) => name !== '');
  const now = nowOf(args.now);
  const input = await readInput(args.file, context);
  const signed = await signDkim(input, {
    domain,
    selector,
    privateKey: key,
    algorithm,
    canonicalization: args.canonicalization,
    ...(headers !== undefined && { headers }),
    ...(args.identity !== undefined && { identity: args.identity }),
    ...(expiresIn !== undefined && { expiresIn }),
    ...(now !== undefined && { now }),
  }).catch((error: unknown) => {
    if (!(error instanceof DkimError)) throw error;
    if (error.code === 'key-too-small' || error.code === 'key-mismatch') throw new CliError('bad-key', `--key ${args.key}: ${error.message.replace(/^dkim: /, '')}`, { cause: error });
    throw new CliError('usage', error.message, { cause: error });
    throw error;
  });
  const output = new Output(context.io, 'text');
  // A message stored with LF line ends stays that way; the signature is the same either way (RFC 6376 §5.3).
  output.raw(input.includes(0x0d) ? signed.message : Buffer.concat([Buffer.from(withLf(signed.field)), input]));
  return EXIT.ok;
}

async function readKey(path: string): Promise<KeyObject> {
  // A pipe is fine (`--key <(pass show dkim/s2026)`); a device is refused, not read forever.
  const pem = await readMessageFile(path).catch((error: unknown) => {
    throw new CliError('bad-key', `--key ${error instanceof CliError ? error.message : String(error)}`, { cause: error });
  });
  try {
    return createPrivateKey(pem);
  } catch (error) {
    throw new CliError('bad-key', `--key ${path}: ${keyProblem(pem, error)}`);
  }
}

/** Why a file is not a private key authgate can sign with, in the words an operator needs. */
function keyProblem(pem: Buffer, error: unknown): string {
  if ((error as NodeJS.ErrnoException).code === 'ERR_MISSING_PASSPHRASE' || pem.includes('ENCRYPTED')) {
    return 'an encrypted private key; give it unencrypted (openssl pkey -in KEY -out PLAIN), readable only by its user';
  }
  if (pem.includes('PUBLIC KEY-----')) return 'a public key; sign with the private key it belongs to';
  return 'not a PEM private key';
}

/** x= (RFC 6376 §3.5): a whole number of seconds after t=. */
function expiresInOf(seconds: number | undefined): number | undefined {
  if (seconds === undefined) return undefined;
  if (!Number.isInteger(seconds) || seconds < 1) throw new CliError('usage', '--expires-in must be a whole number of seconds, at least 1');
  return seconds;
}

/** a= follows the key (RSA or Ed25519, RFC 8301 §3.1, RFC 8463); a contradicting --algorithm is refused. */
function algorithmOf(key: KeyObject, wanted: DkimAlgorithm | undefined, path: string): DkimAlgorithm {
  const fromKey: DkimAlgorithm | undefined =
    key.asymmetricKeyType === 'rsa' ? 'rsa-sha256' : key.asymmetricKeyType === 'ed25519' ? 'ed25519-sha256' : undefined;
  if (fromKey === undefined) throw new CliError('bad-key', `--key ${path}: the key is ${key.asymmetricKeyType?.toUpperCase() ?? 'of an unknown type'}; DKIM signs with RSA or Ed25519 (RFC 8301, RFC 8463)`);
  if (wanted !== undefined && wanted !== fromKey) throw new CliError('bad-key', `--key ${path} is for ${fromKey}, not ${wanted}`);
  return fromKey;
}

/** The message to sign, refused with its name when it is not an email. */
async function readInput(file: string | undefined, context: CommandContext): Promise<Buffer> {
  const name = file === undefined || file === '-' ? 'standard input' : file;
  const bytes = await readBytes(file, context);
  try {
    loadMessage(bytes);
  } catch (error) {
    if (error instanceof CliError) throw new CliError(error.code, `${name}: ${error.message}`, { cause: error });
    throw error;
  }
  return bytes;
}

async function readBytes(file: string | undefined, context: CommandContext): Promise<Buffer> {
  if (file !== undefined && file !== '-') return readMessageFile(file);
  if (context.stdin.isTTY === true) throw new CliError('no-input', 'no message: give a file, or pipe one to standard input');
  const chunks: Buffer[] = [];
  for await (const chunk of context.stdin) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks);
}
