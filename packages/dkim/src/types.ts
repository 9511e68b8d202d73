import type { Resolver } from '@authgate/dns';
import type { HeaderField } from '@authgate/message';
import type { DkimProblem } from './errors.js';

/**
 * The outcome of one DKIM-Signature, as RFC 8601 §2.7.1 names it.
 */
export type DkimResult =
  /** The message carries no DKIM-Signature field. */
  | 'none'
  /** The signature verified with a key that satisfies RFC 8301 and local policy. */
  | 'pass'
  /** The signature or the body hash did not verify (RFC 6376 §6.1.3 steps 3-4). */
  | 'fail'
  /** Not evaluated: over the signature limit. */
  | 'neutral'
  /** Refused by local policy only (an RSA key under `minRsaBits`). */
  | 'policy'
  /** The key could not be fetched now; a later attempt may succeed. */
  | 'temperror'
  /** The signature or key record is unusable as written (RFC 6376 §6.1.1, §6.1.2, RFC 8301). */
  | 'permerror';

/** The verdict on one DKIM-Signature field. */
export interface DkimVerification {
  result: DkimResult;
  /** d=, in lower case. */
  domain?: string;
  /** s=. */
  selector?: string;
  /** a=, e.g. `rsa-sha256`. */
  algorithm?: string;
  /** Size of the public key that was used (RSA modulus bits; 256 for Ed25519). */
  keyBits?: number;
  /** i=, decoded (RFC 6376 §2.11); `@` + d= when absent. */
  identity?: string;
  /** The b= value with white space removed (for `header.b`, RFC 6008). */
  signature?: string;
  /** With l=: how much of the canonicalized body was signed, and how long it is. */
  bodyLength?: { signed: number; total: number };
  /** The key record has t=y: RFC 6376 §3.6.1 says not to treat this differently from unsigned mail. */
  testing?: boolean;
  /** A short human-readable why, e.g. `body hash did not verify`. */
  reason?: string;
  problem?: DkimProblem;
}

/** A message to verify: its bytes, its bytes as they arrive, or a header already parsed. */
export type DkimMessageInput =
  | Uint8Array
  | AsyncIterable<Uint8Array>
  | { header: HeaderField[]; body: Uint8Array | AsyncIterable<Uint8Array> };

export interface DkimVerifyOptions {
  /** Where key records come from (`<selector>._domainkey.<domain>` TXT). */
  resolver: Resolver;
  /** The clock, in ms since the epoch; `Date.now` when omitted. */
  now?: () => number;
  /** Slack on t= and x= for clocks that disagree (RFC 6376 §3.5 x= note); default 300. */
  clockSkewSeconds?: number;
  /** RSA keys under this many bits get `policy`; values under 1024 are raised to 1024 (RFC 8301 §3.2). */
  minRsaBits?: number;
  /** At most this many signatures are evaluated, topmost first (RFC 6376 §6.1); default 10. */
  maxSignatures?: number;
}

/** The two signing algorithms still in use (RFC 8301 §3.1, RFC 8463 §3). */
export type DkimAlgorithm = 'rsa-sha256' | 'ed25519-sha256';

/** `header/body` canonicalization (RFC 6376 §3.4). */
export type DkimCanonicalization = 'relaxed/relaxed' | 'relaxed/simple' | 'simple/relaxed' | 'simple/simple';
