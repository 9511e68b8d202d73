import type { DkimVerification } from 'authgate';
import type { Painter } from '../colour.js';
import { dkimJson, type DkimJson } from '../json.js';
import type { Printable } from '../output.js';

export interface DkimChecked {
  name: string;
  signatures: DkimVerification[];
}

export interface DkimVerifyJson {
  source: string;
  dkim: DkimJson[];
}

export function dkimPrintable(checked: DkimChecked, paint: Painter): Printable {
  const json: DkimVerifyJson = { source: checked.name, dkim: checked.signatures.map(dkimJson) };
  return { name: checked.name, json, text: checked.signatures.map((signature) => signatureText(signature, paint)).join('\n') };
}

/** One signature: its verdict and tags on a line, then why, then a warning about l= if it applies. */
function signatureText(signature: DkimVerification, paint: Painter): string {
  const tags = [
    signature.domain !== undefined && `d=${signature.domain}`,
    signature.selector !== undefined && `s=${signature.selector}`,
    signature.algorithm !== undefined && `a=${signature.algorithm}`,
    signature.identity !== undefined && `i=${signature.identity}`,
    signature.keyBits !== undefined && `key=${signature.keyBits} bits`,
    signature.testing === true && 'testing (t=y)',
  ].filter((tag) => tag !== false);
  const lines = [`dkim=${paint.verdict(signature.result)}${tags.length > 0 ? ` ${tags.join(' ')}` : ''}`];
  if (signature.reason !== undefined) lines.push(`  ${signature.reason}`);
  else if (signature.problem !== undefined) lines.push(`  ${signature.problem.message}`);
  const length = signature.bodyLength;
  // RFC 6376 §8.2: with l=, content appended after the signed part is not covered by the signature.
  if (length !== undefined && length.total > length.signed) {
    lines.push(`  warning: l=${length.signed} signs only part of the body; ${length.total - length.signed} bytes after it are unsigned`);
  }
  return lines.join('\n');
}
