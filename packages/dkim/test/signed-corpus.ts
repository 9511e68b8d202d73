import { Prng } from '@authgate/testkit';
import { signDkim, type DkimAlgorithm, type DkimCanonicalization } from '@authgate/dkim';
import { fixture, SIGNED_AT, VERIFY_AT, type KeyName } from './fixtures.js';
import { generateMessage } from './generated-message.js';
import { MORE_MUTATIONS, MUTATIONS } from './mutations.js';

/**
 * The corpus of the live differential tests (dkimpy, Mail::DKIM): messages generated from a fixed
 * seed, signed by our signDkim, then mutated or signed against other key records and clocks. Both
 * tests build it alike, so a case has the same name and bytes in each.
 */

export const SEED = 0x646b696d;
export const MESSAGES = 40;

type SigningKey = Exclude<KeyName, 'rsa512'>;

export interface SignSpec {
  key: SigningKey;
  selector: string;
  canonicalization: DkimCanonicalization;
  /** l=: none, the whole canonicalized body, half of it, or 0. */
  bodyLength: 'none' | 'all' | 'half' | 'zero';
  /** Our default h= (present fields over-signed, RFC 6376 §5.4.2) or LISTED, each name once. */
  headers: 'over-signed' | 'listed';
  identity?: string;
  expiresIn?: number;
  signedAt: number;
}

const ALGORITHM: Record<SigningKey, DkimAlgorithm> = { rsa2048: 'rsa-sha256', rsa1024: 'rsa-sha256', ed25519: 'ed25519-sha256' };
const PEM: Record<SigningKey, string> = {
  rsa2048: fixture('keys/rsa2048.pem').toString(),
  rsa1024: fixture('keys/rsa1024.pem').toString(),
  ed25519: fixture('keys/ed25519.pem').toString(),
};
const LISTED = ['From', 'To', 'Subject', 'Date', 'Message-ID'];
const HOUR = 3_600;
const DAY = 86_400;

async function sign(message: Buffer, spec: SignSpec): Promise<Buffer> {
  const options = {
    domain: 'signer.example', selector: spec.selector, algorithm: ALGORITHM[spec.key], privateKey: PEM[spec.key],
    canonicalization: spec.canonicalization, now: () => spec.signedAt,
    ...(spec.headers === 'listed' && { headers: LISTED }),
    ...(spec.identity !== undefined && { identity: spec.identity }),
    ...(spec.expiresIn !== undefined && { expiresIn: spec.expiresIn }),
  };
  if (spec.bodyLength === 'none') return (await signDkim(message, options)).message;
  if (spec.bodyLength !== 'half') return (await signDkim(message, { ...options, bodyLength: spec.bodyLength === 'all' ? true : 0 })).message;
  const whole = await signDkim(message, { ...options, bodyLength: true });
  const length = Number(/[;\s]l=(\d+)/.exec(whole.field)![1]);
  return (await signDkim(message, { ...options, bodyLength: Math.floor(length / 2) })).message;
}

function nameOf(index: number, spec: SignSpec): string {
  const length = { none: '', all: ' l=', half: ' l=half', zero: ' l=0' }[spec.bodyLength];
  return `#${index} ${spec.key}/${spec.selector} ${spec.canonicalization}${length} h=${spec.headers}`;
}

/**
 * Signatures that need other tags, another key record of the zone or another clock than the base
 * signature. The RSA-only records of zone.yaml hold the rsa2048 key.
 */
interface Variant {
  name: string;
  changes: Partial<SignSpec>;
  /** Verification time, ms since the epoch; VERIFY_AT when absent. */
  now?: number;
}

const VARIANTS: Variant[] = [
  { name: 'expired a day ago', changes: { expiresIn: HOUR }, now: SIGNED_AT + (HOUR + DAY) * 1000 },
  { name: 'expired an hour ago', changes: { expiresIn: HOUR }, now: SIGNED_AT + 2 * HOUR * 1000 },
  { name: 'expires tomorrow', changes: { expiresIn: DAY } },
  { name: 't= a day ahead', changes: { signedAt: VERIFY_AT + DAY * 1000 } },
  { name: 't= an hour ahead', changes: { signedAt: VERIFY_AT + HOUR * 1000 } },
  { name: 'key revoked', changes: { key: 'rsa2048', selector: 'revoked' } },
  { name: 'RSA signature, k=ed25519 key', changes: { key: 'rsa2048', selector: 'ed25519' } },
  { name: 'Ed25519 signature, k=rsa key', changes: { key: 'ed25519', selector: 'rsa2048' } },
  { name: 'k=ed25519 holding an RSA key', changes: { key: 'rsa2048', selector: 'wrongtype' } },
  { name: 'key h=sha1', changes: { key: 'rsa2048', selector: 'sha1only' } },
  { name: 'key h=sha1:sha256:future', changes: { key: 'rsa2048', selector: 'hashes' } },
  { name: 'key t=s, i= at d=', changes: { key: 'rsa2048', selector: 'strict', identity: 'user@signer.example' } },
  { name: 'key t=s, i= at a subdomain', changes: { key: 'rsa2048', selector: 'strict', identity: 'user@mail.signer.example' } },
  { name: 'i= at a subdomain, no t=s', changes: { key: 'rsa2048', selector: 'rsa2048', identity: 'user@mail.signer.example' } },
  { name: 'key s=email', changes: { key: 'rsa2048', selector: 'email' } },
  { name: 'key s=other', changes: { key: 'rsa2048', selector: 'notemail' } },
  { name: 'key s=other:email', changes: { key: 'rsa2048', selector: 'services' } },
  { name: 'no key', changes: { selector: 'nosuch' } },
  { name: 'DNS timeout', changes: { selector: 'timeout' } },
];

export interface Case {
  name: string;
  message: Buffer;
  now: number;
  mutation: string;
  variant?: string;
  /** How each signature was made, topmost first: the one the mutation or variant is about, then any below it. */
  specs: SignSpec[];
}

/** Every case, in the same order each time: MESSAGES messages from SEED, each mutated and signed in its variants. */
export async function buildCorpus(): Promise<Case[]> {
  const prng = new Prng(SEED);
  const cases: Case[] = [];
  const mutations = Object.entries({ ...MUTATIONS, ...MORE_MUTATIONS });
  for (let index = 0; index < MESSAGES; index++) {
    const message = Buffer.from(generateMessage(prng, index), 'utf8');
    const key = prng.pick(['rsa2048', 'rsa1024', 'ed25519'] as const);
    const base: SignSpec = {
      key, selector: key, signedAt: SIGNED_AT,
      canonicalization: prng.pick(['relaxed/relaxed', 'relaxed/simple', 'simple/relaxed', 'simple/simple'] as const),
      bodyLength: prng.chance(0.35) ? prng.pick(['all', 'half', 'zero'] as const) : 'none',
      headers: prng.chance(0.5) ? 'listed' : 'over-signed',
    };
    // A third of the messages already carry a signature by another key, as after a relay.
    const innerKey = key === 'ed25519' ? 'rsa1024' : 'ed25519';
    const inner: SignSpec | undefined = prng.chance(0.33)
      ? { ...base, key: innerKey, selector: innerKey, canonicalization: prng.pick(['relaxed/relaxed', 'simple/simple'] as const), bodyLength: 'none' }
      : undefined;
    const input = inner === undefined ? message : await sign(message, inner);
    const below = inner === undefined ? [] : [inner];
    const over = inner === undefined ? '' : ` over ${nameOf(index, inner).replace(/^#\d+ /, '')}`;
    const signed = await sign(input, base);
    for (const [mutation, mutate] of mutations) {
      cases.push({ name: `${nameOf(index, base)}${over}: ${mutation}`, message: mutate(signed), now: VERIFY_AT, mutation, specs: [base, ...below] });
    }
    for (const variant of [VARIANTS[(2 * index) % VARIANTS.length]!, VARIANTS[(2 * index + 1) % VARIANTS.length]!]) {
      const spec = { ...base, ...variant.changes };
      cases.push({
        name: `${nameOf(index, spec)}${over}: ${variant.name}`, message: await sign(input, spec), now: variant.now ?? VERIFY_AT,
        mutation: 'intact', variant: variant.name, specs: [spec, ...below],
      });
    }
  }
  return cases;
}
