import { createHash, type Hash } from 'node:crypto';
import { CrlfNormalizer } from '@authgate/message';
import { createBodyCanonicalizer, type BodyCanonicalizer, type Emit } from './canonicalize-body.js';
import type { Canonicalization } from './signature.js';

/** The hash of one (canonicalization, l=) view of the body, available once the body has ended. */
export interface BodyDigest {
  digest: Buffer;
  /** Octets hashed: the whole canonical body, or l= of it. */
  signed: number;
  /** Length of the whole canonicalized body. */
  total: number;
}

/** One requested body hash (RFC 6376 §3.7 step 1): hashes up to `limit` canonical octets. */
export class BodyHashSink {
  readonly limit: number | undefined;
  #hash: Hash = createHash('sha256');
  #signed = 0;
  #result: BodyDigest | undefined;

  constructor(limit: number | undefined) {
    this.limit = limit;
  }

  write(canonical: Buffer): void {
    if (this.limit === undefined) {
      this.#hash.update(canonical);
      this.#signed += canonical.length;
      return;
    }
    // RFC 6376 §3.5 l=: only the first `limit` octets of the canonicalized body are hashed.
    const room = this.limit - this.#signed;
    if (room <= 0 || canonical.length === 0) return;
    const part = canonical.length <= room ? canonical : canonical.subarray(0, room);
    this.#hash.update(part);
    this.#signed += part.length;
  }

  finish(total: number): void {
    this.#result = { digest: this.#hash.digest(), signed: this.#signed, total };
  }

  /** The digest; only after the body has ended. */
  get result(): BodyDigest {
    if (this.#result === undefined) throw new Error('dkim: body hash read before the body ended');
    return this.#result;
  }
}

/** The most octets canonicalized in one step. */
const MAX_SLICE = 256 * 1024;

interface Group {
  canonicalizer: BodyCanonicalizer;
  sinks: Map<string, BodyHashSink>;
  total: number;
  emit: Emit;
}

/**
 * Hashes the body once per distinct (canonicalization, l=) however many signatures share it, as
 * the chunks arrive: bare LF becomes CRLF (RFC 6376 §5.3), each canonicalization runs once, and
 * its output feeds every hash that needs it. Only SHA-256 is ever needed (RFC 8301 §3.1).
 */
export class BodyHasher {
  readonly #groups = new Map<Canonicalization, Group>();
  readonly #normalizer = new CrlfNormalizer();

  request(canonicalization: Canonicalization, limit: number | undefined): BodyHashSink {
    let group = this.#groups.get(canonicalization);
    if (group === undefined) {
      const created: Group = { canonicalizer: createBodyCanonicalizer(canonicalization), sinks: new Map(), total: 0, emit: () => {} };
      const sinks = created.sinks;
      created.emit = (canonical) => {
        created.total += canonical.length;
        for (const sink of sinks.values()) sink.write(canonical);
      };
      this.#groups.set(canonicalization, created);
      group = created;
    }
    const key = limit === undefined ? 'all' : String(limit);
    let sink = group.sinks.get(key);
    if (sink === undefined) {
      sink = new BodyHashSink(limit);
      group.sinks.set(key, sink);
    }
    return sink;
  }

  write(chunk: Uint8Array): void {
    if (this.#groups.size === 0) return;
    // A whole message given at once is fed in slices, so working buffers stay small.
    for (let start = 0; start < chunk.length; start += MAX_SLICE) {
      const normalized = this.#normalizer.push(chunk.subarray(start, start + MAX_SLICE));
      for (const group of this.#groups.values()) group.canonicalizer.push(normalized, group.emit);
    }
  }

  end(): void {
    for (const group of this.#groups.values()) {
      group.canonicalizer.end(group.emit);
      for (const sink of group.sinks.values()) sink.finish(group.total);
    }
  }

  /** Feeds a whole body, or every chunk of a streamed one (reading it to its end), then ends. */
  async consume(body: Uint8Array | AsyncIterable<Uint8Array>): Promise<void> {
    if (body instanceof Uint8Array) {
      this.write(body);
    } else {
      for await (const chunk of body) this.write(chunk);
    }
    this.end();
  }
}
