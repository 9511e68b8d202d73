/**
 * Changes made to a signed message, as transit or an attacker makes them, for the differential
 * tests: each takes the signed message (DKIM-Signature fields on top) and returns a changed copy.
 */

/** The header section with its blank line, and the body. */
function splitAtBody(message: Buffer): [Buffer, Buffer] {
  const at = message.indexOf('\r\n\r\n') + 4;
  return [message.subarray(0, at), message.subarray(at)];
}

function editText(message: Buffer, edit: (text: string) => string): Buffer {
  return Buffer.from(edit(message.toString('latin1')), 'latin1');
}

function editBody(message: Buffer, edit: (body: string) => string): Buffer {
  const [head, body] = splitAtBody(message);
  return Buffer.concat([head, Buffer.from(edit(body.toString('latin1')), 'latin1')]);
}

/** Adds a field at the bottom of the header section, just above the blank line. */
function appendField(message: Buffer, field: string): Buffer {
  const [head, body] = splitAtBody(message);
  return Buffer.concat([head.subarray(0, head.length - 2), Buffer.from(`${field}\r\n\r\n`), body]);
}

/** Changes the first base64 character of the topmost DKIM-Signature's `tag=` value (b= or bh=). */
function flipBase64(tag: 'b' | 'bh') {
  return (message: Buffer) => editText(message, (text) => text.replace(new RegExp(`([;\\s]${tag}=\\s*)([A-Za-z0-9+/])`), (_, before: string, c: string) => `${before}${c === 'A' ? 'B' : 'A'}`));
}

/** Named changes to a signed message; the differential tests report their cases by these names. */
export const MUTATIONS: Record<string, (message: Buffer) => Buffer> = {
  intact: (m) => m,
  'body changed': (m) => {
    const [head, body] = splitAtBody(m);
    return Buffer.concat([head, Buffer.from('Tampered. '), body]);
  },
  'header changed': (m) => editText(m, (text) => text.replace(/^Subject:/m, 'Subject: [EXTERNAL]')),
  'header white space': (m) => editText(m, (text) => text.replace(/^(Subject:[^\r]*?) /m, '$1\r\n\t ')),
  'body white space': (m) => editBody(m, (body) => body.replace(/ /, ' \t ').replace(/\r\n/, '  \r\n')),
  'text appended': (m) => Buffer.concat([m, Buffer.from('-- \r\nSent through a list: https://list.example/unsubscribe\r\n')]),
  'From added on top': (m) => Buffer.concat([Buffer.from('From: Mallory <mallory@evil.example>\r\n'), m]),
  'unsigned field added': (m) => Buffer.concat([Buffer.from('X-Scanned: clean\r\n'), m]),
};

/**
 * Further mutations of the dkimpy differential: single octets, the body's end (RFC 6376 §3.4.3 and
 * §3.4.4 ignore trailing empty lines and add a missing final CRLF), fields added below or removed,
 * and the topmost signature's own tags (§3.7: the DKIM-Signature field is hashed with b= empty, so
 * h= and bh= are covered).
 */
export const MORE_MUTATIONS: Record<string, (message: Buffer) => Buffer> = {
  'body byte changed': (m) => editBody(m, (body) => {
    const at = body.search(/[A-Za-z]/);
    if (at === -1) return `${body}x`;
    const c = body[at]!;
    return `${body.slice(0, at)}${c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase()}${body.slice(at + 1)}`;
  }),
  'empty lines added': (m) => Buffer.concat([m, Buffer.from('\r\n\r\n\r\n')]),
  'empty lines removed': (m) => editBody(m, (body) => body.replace(/(?:\r\n)+$/, '\r\n')),
  'final CRLF removed': (m) => editBody(m, (body) => body.replace(/(?:\r\n)+$/, '')),
  'Subject added below': (m) => appendField(m, 'Subject: a second subject'),
  'unsigned field added below': (m) => appendField(m, 'X-Spam-Score: 0.1'),
  'Date removed': (m) => editText(m, (text) => text.replace(/^Date:[^\r]*\r\n/m, '')),
  'h= tampered': (m) => editText(m, (text) => text.replace(/(\sh=[^;]*?):(\s*)subject/i, '$1:$2x-subject')),
  'b= tampered': flipBase64('b'),
  'bh= tampered': flipBase64('bh'),
};
