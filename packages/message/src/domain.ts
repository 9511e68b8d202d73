import punycode from 'punycode/punycode.js';

const MAX_LABEL_OCTETS = 63;
const MAX_NAME_OCTETS = 253;
// The label separators IDNA treats as ".", RFC 3490 §3.1; punycode.toASCII splits on them too.
const SEPARATORS = /[.\u3002\uff0e\uff61]/;
const NON_ASCII_OR_AT = /[^\x00-\x7f]|@/;

export type DomainResult = { ok: true; domain: string } | { ok: false; reason: string };

/**
 * Turns the domain of an address into the form DMARC compares and looks up: U-labels become
 * A-labels (RFC 9989 §5.3.1 via RFC 5890 §2.3.2.1), everything lower case (RFC 4343). Before
 * encoding, labels are lower-cased and put in NFC (RFC 5895 §2's mapping), since the same name
 * typed in upper case must give the same A-label. A name that DNS could not hold (an empty
 * label, a label over 63 octets, a name over 253, RFC 1035 §2.3.4) is refused.
 */
export function normalizeDomain(text: string): DomainResult {
  // Every character yields at least one octet of the A-label, so this bound, checked before
  // encoding, keeps a hostile name from making punycode work on megabytes.
  if (text.length > MAX_NAME_OCTETS) return { ok: false, reason: `domain over ${MAX_NAME_OCTETS} characters` };
  for (const label of text.split(SEPARATORS)) {
    if (label === '') return { ok: false, reason: `domain "${text}" has an empty label` };
    if (label.length > MAX_LABEL_OCTETS) return { ok: false, reason: `domain "${text}" has a label over ${MAX_LABEL_OCTETS} octets` };
  }
  // An ASCII name has no U-label to encode (punycode.toASCII returns it as given, and NFC does
  // not change ASCII): lower case is all it needs, and nearly every domain of a From field is one.
  // ("@" is left to punycode, which reads it as an address and keeps only what follows it.)
  if (!NON_ASCII_OR_AT.test(text)) return { ok: true, domain: text.toLowerCase() };
  let ascii: string;
  try {
    ascii = punycode.toASCII(text.toLowerCase().normalize('NFC')).toLowerCase();
  } catch {
    return { ok: false, reason: `domain "${text}" cannot be written as A-labels` };
  }
  if (ascii.length > MAX_NAME_OCTETS) return { ok: false, reason: `domain "${text}" is over ${MAX_NAME_OCTETS} octets as A-labels` };
  for (const label of ascii.split('.')) {
    if (label === '' || label.length > MAX_LABEL_OCTETS) {
      return { ok: false, reason: `domain "${text}" has a label over ${MAX_LABEL_OCTETS} octets as an A-label` };
    }
  }
  return { ok: true, domain: ascii };
}
