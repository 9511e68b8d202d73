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
