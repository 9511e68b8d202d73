import type { Prng } from '@authgate/testkit';

/**
 * Seeded test messages for the differential tests (mailauth, dkimpy): what a mail client or a list
 * writes, with the features canonicalization must get right. Header fields: a Received now and
 * then, From in several cases of its name, To folded at commas, Subject with runs of white space,
 * folds and trailing white space (RFC 6376 §3.4.2), MIME fields, an unsigned X-Mailer. Bodies: 8-bit
 * text, lines with leading, inner and trailing white space, white-space-only lines, trailing empty
 * lines (§3.4.3, §3.4.4), sometimes no body, sometimes a last line without CRLF.
 */

const WORDS = 'the report is attached please review before friday meeting invoice payment order shipped account update Grüße naïve 東京 café'.split(' ');

function words(prng: Prng, count: number, separators: readonly string[]): string {
  return Array.from({ length: count }, () => prng.pick(WORDS)).join(prng.pick(separators));
}

/** Message number `index` from `prng`, From <user{index}@signer.example>, with CRLF line ends. */
export function generateMessage(prng: Prng, index: number): string {
  const header: string[] = [];
  if (prng.chance(0.3)) header.push(`Received: from mta${index}.signer.example (mta${index}.signer.example [192.0.2.${index % 250}])\r\n\tby mx.receiver.example; Mon, 02 Nov 2026 10:00:00 +0000`);
  header.push(`${prng.pick(['From', 'From', 'FROM', 'from'])}: ${prng.chance(0.5) ? `"${words(prng, 2, [' '])}" ` : ''}<user${index}@signer.example>`);
  header.push(`To: ${Array.from({ length: prng.int(1, 6) }, (_, i) => `r${i}@receiver.example`).join(prng.pick([', ', ',\r\n ', ',\r\n\t  ']))}`);
  if (prng.chance(0.3)) header.push(`Cc: copy${index}@receiver.example`);
  header.push(`Subject:${prng.pick([' ', '  ', '\t', ' '])}${words(prng, prng.int(1, 14), [' ', ' ', '  ', '\r\n '])}${prng.pick(['', '', ' ', '\t '])}`);
  header.push(`Date: Mon, 02 Nov 2026 09:${String(index % 60).padStart(2, '0')}:00 +0000`);
  header.push(`Message-ID: <${index}.${prng.int(0, 1e6)}@signer.example>`);
  header.push('MIME-Version: 1.0', `Content-Type: text/plain; charset=${prng.pick(['utf-8', 'us-ascii'])}`);
  if (prng.chance(0.3)) header.push(`X-Mailer: generator ${prng.int(1, 9)}.${prng.int(0, 9)}`);

  const lines: string[] = [];
  const lineCount = prng.chance(0.1) ? 0 : prng.int(1, 30);
  for (let i = 0; i < lineCount; i++) {
    if (prng.chance(0.15)) lines.push(prng.pick(['', ' ', '\t', '  \t ']));
    else lines.push(`${prng.chance(0.1) ? prng.pick([' ', '\t']) : ''}${words(prng, prng.int(1, 12), [' ', ' ', ' ', '  ', '\t', ' \t'])}${prng.pick(['', '', '', ' ', '\t', '   '])}`);
  }
  let body = lines.map((line) => `${line}\r\n`).join('');
  body += '\r\n'.repeat(prng.chance(0.3) ? prng.int(1, 4) : 0);
  // Now and then a body whose last line has no CRLF (possible with BDAT, RFC 3030).
  if (prng.chance(0.1)) body += `${words(prng, prng.int(1, 4), [' ', '\t'])}${prng.pick(['', ' ', ' \t'])}`;
  return `${header.join('\r\n')}\r\n\r\n${body}`;
}
