import type { Printable } from '../output.js';

export interface KeygenResult {
  algorithm: 'rsa-sha256' | 'ed25519-sha256';
  bits?: number;
  privateKeyFile: string;
  /** `selector._domainkey.domain`, when both were given. */
  name?: string;
  /** The TXT record value, e.g. `v=DKIM1; k=rsa; p=...`. */
  record: string;
}

const MAX_STRING = 255;

export function keygenPrintable(result: KeygenResult): Printable {
  const name = result.name === undefined ? 'SELECTOR._domainkey.DOMAIN' : result.name;
  const text = [
    `Private key (${result.algorithm}${result.bits === undefined ? '' : `, ${result.bits} bits`}) written to ${result.privateKeyFile}; keep it secret.`,
    'Publish this TXT record:',
    '',
    `${name}. IN TXT ${zoneText(result.record)}`,
  ].join('\n');
  return { json: { ...result, zoneLine: `${name}. IN TXT ${zoneText(result.record)}` }, text };
}

/**
 * The record as zone-file character-strings: one string holds at most 255 octets (RFC 1035
 * §3.3), and a DKIM key record longer than that is split into several, which verifiers join
 * without separators (RFC 6376 §3.6.2.2).
 */
export function zoneText(record: string): string {
  const strings: string[] = [];
  for (let i = 0; i < record.length; i += MAX_STRING) strings.push(`"${record.slice(i, i + MAX_STRING)}"`);
  return strings.length === 1 ? strings[0]! : `( ${strings.join('\n        ')} )`;
}
