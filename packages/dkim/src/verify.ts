import { fieldsNamed, type HeaderField } from '@authgate/message';
import { BodyHasher } from './body-hash.js';
import { detailOf } from './errors.js';
import { describe, evaluate, failure, RFC8301_MIN_RSA_BITS, type PreparedSignature } from './evaluate.js';
import { HeaderIndex, headerHashInput } from './header-hash.js';
import { openMessage } from './input.js';
import { KeyLookups } from './key-lookup.js';
import { parseSignature } from './signature.js';
import type { DkimMessageInput, DkimVerification, DkimVerifyOptions } from './types.js';

const DEFAULT_CLOCK_SKEW_SECONDS = 300;
const DEFAULT_MAX_SIGNATURES = 10;

interface Context {
  index: HeaderIndex;
  keys: KeyLookups;
  hasher: BodyHasher;
  /** Verification time, seconds since the epoch. */
  now: number;
  skew: number;
}

/**
 * Verifies every DKIM-Signature of a message (RFC 6376 §6, RFC 8301, RFC 8463), one result per
 * field, topmost first; a single `none` when there is none.
 *
 * Key lookups start as soon as the header is known and run while the body streams; the body is
 * hashed as it arrives, once per distinct (canonicalization, l=). A streamed body is always read to
 * its end. Protocol outcomes are results; this rejects only for misuse or when the body stream
 * itself fails.
 */
export async function verifyDkim(message: DkimMessageInput, options: DkimVerifyOptions): Promise<DkimVerification[]> {
  checkOptions(options);
  const opened = await openMessage(message);
  if (!opened.ok) return [failure({}, 'malformed-message', `header section unreadable: ${opened.problem.message}`)];

  const hasher = new BodyHasher();
  const fields = fieldsNamed(opened.header, 'dkim-signature');
  if (fields.length === 0) {
    await hasher.consume(opened.body);
    return [failure({}, 'no-signature', 'message not signed')];
  }

  const context: Context = {
    index: new HeaderIndex(opened.header),
    keys: new KeyLookups(options.resolver),
    hasher,
    now: Math.floor((options.now?.() ?? Date.now()) / 1000),
    skew: options.clockSkewSeconds ?? DEFAULT_CLOCK_SKEW_SECONDS,
  };
  const max = options.maxSignatures ?? DEFAULT_MAX_SIGNATURES;
  // RFC 6376 §6.1: verifiers MAY limit the number of signatures they try (§8.4, denial of service).
  const prepared = fields.map((field, position) =>
    position < max ? prepare(field, context) : tooMany(field, max));
  await hasher.consume(opened.body);

  const minRsaBits = Math.max(RFC8301_MIN_RSA_BITS, options.minRsaBits ?? RFC8301_MIN_RSA_BITS);
  return Promise.all(prepared.map(async (entry) => ('result' in entry ? entry : evaluate(entry, await entry.keys, minRsaBits))));
}

/** RFC 6376 §6.1.1: validate the field; then ask for the key and for the body hash it needs. */
function prepare(field: HeaderField, context: Context): PreparedSignature | DkimVerification {
  const parsed = parseSignature(field.value);
  if (!parsed.ok) {
    return failure(describe(parsed.summary), parsed.problem.code, detailOf(parsed.problem));
  }
  const { signature, summary } = parsed;
  // RFC 6376 §6.1.1: an expired signature MAY be ignored (PERMFAIL, signature expired); the x= note
  // of §3.5 allows a fudge factor for clock drift.
  if (signature.expiration !== undefined && context.now > signature.expiration + context.skew) {
    return failure(describe(summary), 'signature-expired', `signature expired at x=${signature.expiration}`);
  }
  // RFC 6376 §3.5 t=: signatures with a timestamp in the future MAY be ignored.
  if (signature.timestamp !== undefined && signature.timestamp > context.now + context.skew) {
    return failure(describe(summary), 'signature-in-future', `signature time t=${signature.timestamp} is in the future`);
  }
  const selected = context.index.select(signature.headers, field);
  return {
    signature,
    summary,
    headerData: headerHashInput(selected, field.raw, signature.headerCanonicalization),
    sink: context.hasher.request(signature.bodyCanonicalization, signature.bodyLength),
    keys: context.keys.get(signature.selector, signature.domain),
  };
}

function tooMany(field: HeaderField, max: number): DkimVerification {
  const parsed = parseSignature(field.value);
  return failure(describe(parsed.summary), 'too-many-signatures', `not evaluated: more than ${max} DKIM signatures`);
}

function checkOptions(options: DkimVerifyOptions): void {
  if (typeof options?.resolver?.txt !== 'function') throw new TypeError('dkim: verifyDkim needs options.resolver');
  const { maxSignatures, clockSkewSeconds, minRsaBits } = options;
  if (maxSignatures !== undefined && !(Number.isInteger(maxSignatures) && maxSignatures >= 1)) {
    throw new RangeError('dkim: maxSignatures must be a positive integer');
  }
  if (clockSkewSeconds !== undefined && !(Number.isFinite(clockSkewSeconds) && clockSkewSeconds >= 0)) {
    throw new RangeError('dkim: clockSkewSeconds must be a non-negative number');
  }
  if (minRsaBits !== undefined && !Number.isFinite(minRsaBits)) throw new RangeError('dkim: minRsaBits must be a number');
}
