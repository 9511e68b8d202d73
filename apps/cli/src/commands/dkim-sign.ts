import { createPrivateKey, type KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { DkimError, signDkim, type DkimAlgorithm } from 'authgate';
import type { ArgumentsCamelCase, Argv, CommandModule } from 'yargs';
import type { ArgsOf, CommandContext } from '../context.js';
import { checkDomain } from '../domain.js';
import { CliError, EXIT } from '../errors.js';
import { fileError } from '../input/sources.js';
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
    .option('algorithm', { choices: ['rsa-sha256', 'ed25519-sha256'] as const, description: 'a=: default from the key type' })
    .option('headers', {
      type: 'string',
      description: 'h=: the fields to sign, comma-separated, in order (default: the usual ones, over-signed)',
      requiresArg: true,
    })
    .option('canonicalization', {
      choices: ['relaxed/relaxed', 'relaxed/simple', 'simple/relaxed', 'simple/simple'] as const,
      default: 'relaxed/relaxed' as const,
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
  const key = await readKey(args.key);
  const algorithm = algorithmOf(key, args.algorithm, args.key);
  const headers = args.headers === undefined ? undefined : args.headers.split(',').map((name) => name.trim()).filter((name) => name !== '');
  const now = nowOf(args.now);
  const input = await readInput(args.file, context);
  loadMessage(input);
  const signed = await signDkim(input, {
    domain,
    selector: args.selector,
    privateKey: key,
    algorithm,
    canonicalization: args.canonicalization,
    ...(headers !== undefined && { headers }),
    ...(args.identity !== undefined && { identity: args.identity }),
    ...(args.expiresIn !== undefined && { expiresIn: args.expiresIn }),
    ...(now !== undefined && { now }),
  }).catch((error: unknown) => {
    if (error instanceof DkimError) throw new CliError(error.code === 'key-too-small' || error.code === 'key-mismatch' ? 'bad-key' : 'usage', error.message, { cause: error });
    throw error;
  });
  const output = new Output(context.io, 'text');
  // A message stored with LF line ends stays that way; the signature is the same either way (RFC 6376 §5.3).
  output.raw(input.includes(0x0d) ? signed.message : Buffer.concat([Buffer.from(withLf(signed.field)), input]));
  return EXIT.ok;
}

async function readKey(path: string): Promise<KeyObject> {
  const pem = await readFile(path).catch((error: unknown) => {
    const failure = fileError(path, error);
    throw new CliError('bad-key', `--key ${failure.message}`);
  });
  try {
    const key = createPrivateKey(pem);
    if (key.type !== 'private') throw new Error('not a private key');
    return key;
  } catch {
    throw new CliError('bad-key', `--key ${path}: not a PEM private key`);
  }
}

/** a= follows the key (RSA or Ed25519, RFC 8301 §3.1, RFC 8463); a contradicting --algorithm is refused. */
function algorithmOf(key: KeyObject, wanted: DkimAlgorithm | undefined, path: string): DkimAlgorithm {
  const fromKey: DkimAlgorithm | undefined =
    key.asymmetricKeyType === 'rsa' ? 'rsa-sha256' : key.asymmetricKeyType === 'ed25519' ? 'ed25519-sha256' : undefined;
  if (fromKey === undefined) throw new CliError('bad-key', `--key ${path}: a ${key.asymmetricKeyType ?? 'unknown'} key; DKIM signs with RSA or Ed25519`);
  if (wanted !== undefined && wanted !== fromKey) throw new CliError('bad-key', `--key ${path} is for ${fromKey}, not ${wanted}`);
  return fromKey;
}

async function readInput(file: string | undefined, context: CommandContext): Promise<Buffer> {
  if (file !== undefined && file !== '-') return readFile(file).catch((error: unknown) => { throw fileError(file, error); });
  if (context.stdin.isTTY === true) throw new CliError('no-input', 'no message: give a file, or pipe one to standard input');
  const chunks: Buffer[] = [];
  for await (const chunk of context.stdin) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks);
}
