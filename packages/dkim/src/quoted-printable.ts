/**
 * DKIM-Quoted-Printable (RFC 6376 §2.11), the encoding of i= and z=: `=XX` with upper-case hex for
 * any octet, required for controls, 8-bit octets, space, `;` and `=`; white space in the encoded
 * text is folding and carries no meaning.
 */

// RFC 6376 §2.11: dkim-safe-char = %x21-3A / %x3C / %x3E-7E.
function isSafe(octet: number): boolean {
  return (octet >= 0x21 && octet <= 0x3a) || octet === 0x3c || (octet >= 0x3e && octet <= 0x7e);
}

/** Decodes to the UTF-8 text it stands for; `undefined` when the text is not DKIM-Quoted-Printable. */
export function decodeDkimQuotedPrintable(text: string): string | undefined {
  const input = Buffer.from(text.replace(/[ \t\r\n]+/g, ''), 'utf8');
  const output = Buffer.allocUnsafe(input.length);
  let written = 0;
  for (let i = 0; i < input.length; i++) {
    const octet = input[i]!;
    if (octet === 0x3d) {
      const value = hexPair(input[i + 1], input[i + 2]);
      if (value === undefined) return undefined;
      output[written++] = value;
      i += 2;
    } else if (isSafe(octet) || octet >= 0x80) {
      // Raw UTF-8 is not dkim-safe-char, but RFC 6376 §3.2's note asks not to preclude it.
      output[written++] = octet;
    } else {
      return undefined;
    }
  }
  return output.toString('utf8', 0, written);
}

/** Encodes UTF-8 text, escaping every octet that is not a dkim-safe-char. */
export function encodeDkimQuotedPrintable(text: string): string {
  let encoded = '';
  for (const octet of Buffer.from(text, 'utf8')) {
    encoded += isSafe(octet) ? String.fromCharCode(octet) : `=${octet.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return encoded;
}

// RFC 2045 §6.7 hex-octet, restricted by RFC 6376 §2.11 to upper-case digits.
function hexPair(high: number | undefined, low: number | undefined): number | undefined {
  const h = hexDigit(high);
  const l = hexDigit(low);
  return h === undefined || l === undefined ? undefined : h * 16 + l;
}

function hexDigit(octet: number | undefined): number | undefined {
  if (octet === undefined) return undefined;
  if (octet >= 0x30 && octet <= 0x39) return octet - 0x30;
  if (octet >= 0x41 && octet <= 0x46) return octet - 0x41 + 10;
  return undefined;
}
