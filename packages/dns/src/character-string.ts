/**
 * RFC 1035 §3.3: a <character-string> is one length octet followed by that many octets of binary
 * data, so it holds at most 255 octets; TXT-DATA (§3.3.14) is one or more of them.
 */
export const MAX_CHARACTER_STRING_OCTETS = 255;

/**
 * Text as the octets DNS carries, one character per octet: `node:dns` hands TXT data back this way
 * (each octet as the Latin-1 character of the same value), so fixture text is brought to the same
 * form. Characters up to U+00FF are already one octet; any other character becomes its UTF-8
 * octets, which is how a zone file writer would have had to publish it.
 */
export function toOctetString(text: string): string {
  // Fast path: almost every record is plain ASCII.
  if (!/[^\u0000-\u00ff]/.test(text)) return text;
  let octets = '';
  for (const character of text) {
    octets += character.codePointAt(0)! <= 0xff ? character : Buffer.from(character, 'utf8').toString('latin1');
  }
  return octets;
}

/**
 * The character-strings a TXT record made of `strings` has on the wire: each string in octet form,
 * and any longer than 255 octets split into consecutive 255-octet pieces, as a zone file
 * publisher has to. SPF (RFC 7208 §3.3), DKIM (RFC 6376 §3.6.2.2) and DMARC join the pieces
 * without separator, so the split never changes what a record means.
 */
export function characterStrings(strings: readonly string[]): string[] {
  const pieces: string[] = [];
  for (const text of strings) {
    const octets = toOctetString(text);
    if (octets.length <= MAX_CHARACTER_STRING_OCTETS) {
      pieces.push(octets);
      continue;
    }
    for (let start = 0; start < octets.length; start += MAX_CHARACTER_STRING_OCTETS) {
      pieces.push(octets.slice(start, start + MAX_CHARACTER_STRING_OCTETS));
    }
  }
  return pieces;
}
