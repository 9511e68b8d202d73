import { domainToASCII } from 'node:url';
import { checkName } from 'authgate';
import { CliError } from './errors.js';

/**
 * A domain argument as DNS will be asked it: IDNs become lower-case A-labels (RFC 5890), and
 * names DNS could never answer (an empty label, a label over 63 octets, RFC 1035 §2.3.4) or
 * that are not host names are refused with one clear line.
 */
export function checkDomain(text: string): string {
  const ascii = domainToASCII(text.trim().replace(/\.$/, ''));
  const valid = ascii !== '' && ascii.includes('.') && /^[a-z0-9_.-]+$/.test(ascii) && canAsk(ascii);
  if (!valid) throw new CliError('bad-domain', `not a domain name: ${JSON.stringify(text)}`);
  return ascii;
}

function canAsk(name: string): boolean {
  try {
    checkName('TXT', name);
    return true;
  } catch {
    return false;
  }
}
