import type { KeyObject } from 'node:crypto';

/** Sending domains, each with SPF, DMARC (even ones p=reject, odd ones p=none) and both DKIM keys. */
export const SENDER_DOMAINS = 20;
/** Third-party mailers: SPF and DKIM keys of their own, no DMARC record. */
export const MAILER_DOMAINS = 3;

export function senderDomain(index: number): string {
  return `sender${index}.bench.example`;
}

export function mailerDomain(index: number): string {
  return `esp${index}.bench-mailer.example`;
}

/** The fixed signing keys (test-fixtures/bench): selector `rsa` (RSA 2048) and `ed` (Ed25519). */
export interface Keys {
  rsa: KeyObject;
  ed: KeyObject;
}
