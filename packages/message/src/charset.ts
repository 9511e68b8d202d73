import { TextDecoder } from 'node:util';

const MAX_CACHED_DECODERS = 64;
const decoders = new Map<string, TextDecoder | null>();

/**
 * Decodes bytes in a charset Node's TextDecoder knows (the WHATWG Encoding Standard's labels, so
 * "us-ascii" and "iso-8859-1" mean windows-1252, its superset). Undefined for an unknown charset
 * or bytes that are not valid in it. A BOM is content here, not a signature, so it is kept.
 */
export function decodeCharset(charset: string, bytes: Uint8Array): string | undefined {
  const decoder = decoderFor(charset);
  if (decoder === null) return undefined;
  // Node 20.18.3 and later decode windows-1252 as Latin-1 (nodejs/node#56542), turning the
  // euro sign and smart quotes of 0x80-0x9F into C1 controls; map that range ourselves.
  if (decoder.encoding === 'windows-1252') return decodeWindows1252(bytes);
  try {
    return decoder.decode(bytes);
  } catch {
    return undefined;
  }
}

function decoderFor(charset: string): TextDecoder | null {
  let decoder = decoders.get(charset);
  if (decoder === undefined) {
    try {
      decoder = new TextDecoder(charset, { fatal: true, ignoreBOM: true });
    } catch {
      decoder = null;
    }
    // Labels come from messages: bound the cache so a flood of made-up charsets cannot grow it.
    if (decoders.size < MAX_CACHED_DECODERS) decoders.set(charset, decoder);
  }
  return decoder;
}

// WHATWG Encoding Standard, index-windows-1252, pointers 0-31 (bytes 0x80-0x9F). The other
// bytes are their own code points.
const WINDOWS_1252_HIGH = [
  0x20ac, 0x0081, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021, 0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008d, 0x017d, 0x008f,
  0x0090, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0x009d, 0x017e, 0x0178,
];

function decodeWindows1252(bytes: Uint8Array): string {
  const latin1 = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
  return latin1.replace(/[\x80-\x9f]/g, (char) => String.fromCharCode(WINDOWS_1252_HIGH[char.charCodeAt(0) - 0x80]!));
}
