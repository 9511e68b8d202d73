import fc from 'fast-check';
import DataStream from 'nodemailer/lib/smtp-connection/data-stream.js';
import { describe, expect, test } from 'vitest';
import { DotStuffer } from '../src/relay/dot-stuff.js';

/** What the stuffer sends for `chunks`, the final dot included. */
function stuffed(chunks: readonly string[]): string {
  const stuffer = new DotStuffer();
  const pieces = chunks.flatMap((chunk) => stuffer.push(Buffer.from(chunk, 'latin1')));
  return Buffer.concat([...pieces, stuffer.end()]).toString('latin1');
}

/** nodemailer's DataStream, which the filter used before: the reference the stuffer must equal. */
async function reference(chunks: readonly Uint8Array[]): Promise<Buffer> {
  const stream = new DataStream();
  const out: Buffer[] = [];
  stream.on('data', (chunk: Buffer) => out.push(chunk));
  const ended = new Promise((resolve) => stream.on('end', resolve));
  for (const chunk of chunks) stream.write(Buffer.from(chunk));
  stream.end();
  await ended;
  return Buffer.concat(out);
}

describe('DotStuffer (RFC 5321 §4.5.2, §2.3.8)', () => {
  test.for([
    ['plain lines pass unchanged', ['a\r\nb\r\n'], 'a\r\nb\r\n.\r\n'],
    ['a dot starting a line is doubled', ['a\r\n.b\r\n'], 'a\r\n..b\r\n.\r\n'],
    ['a dot starting the data is doubled', ['.\r\n'], '..\r\n.\r\n'],
    ['a dot in a line stays single', ['a.b\r\n'], 'a.b\r\n.\r\n'],
    ['a bare LF becomes CRLF', ['a\nb\n'], 'a\r\nb\r\n.\r\n'],
    ['a bare CR becomes CRLF', ['a\rb\r\n'], 'a\r\nb\r\n.\r\n'],
    ['<CR>.<CR> cannot end the data (smuggling)', ['a\r.\rMAIL FROM:<x>\r\n'], 'a\r\n..\r\nMAIL FROM:<x>\r\n.\r\n'],
    ['<LF>.<LF> cannot end the data (smuggling)', ['a\n.\nRCPT TO:<x>\n'], 'a\r\n..\r\nRCPT TO:<x>\r\n.\r\n'],
    ['CRLF split between chunks stays one line end', ['a\r', '\nb\r\n'], 'a\r\nb\r\n.\r\n'],
    ['a dot after a line end in the previous chunk', ['a\r\n', '.b\r\n'], 'a\r\n..b\r\n.\r\n'],
    ['a dot after a bare CR in the previous chunk', ['a\r', '.b\r\n'], 'a\r\n..b\r\n.\r\n'],
    ['a bare LF at the start of a chunk', ['a', '\nb\r\n'], 'a\r\nb\r\n.\r\n'],
    ['data without a final line end gets one', ['a'], 'a\r\n.\r\n'],
    ['data ending in a bare CR gets its LF', ['a\r'], 'a\r\n.\r\n'],
    ['empty data is one empty line', [], '\r\n.\r\n'],
    ['empty chunks change nothing', ['', 'a\r\n', ''], 'a\r\n.\r\n'],
  ] as const)('%s', ([, chunks, expected]) => {
    expect(stuffed(chunks)).toBe(expected);
  });

  test('a chunk without anything to change is sent as it is, not copied', () => {
    const chunk = Buffer.from('Subject: x\r\n\r\nbody\r\n');
    expect(new DotStuffer().push(chunk)[0]).toBe(chunk);
  });

  test('equals nodemailer DataStream byte for byte, however the data is cut into chunks', async () => {
    const bytes = fc.oneof(fc.constantFrom(0x0d, 0x0a, 0x2e), fc.integer({ min: 0, max: 255 }));
    const chunk = fc.array(bytes, { maxLength: 40 }).map((list) => Uint8Array.from(list));
    await fc.assert(
      fc.asyncProperty(fc.array(chunk, { maxLength: 8 }), async (chunks) => {
        const stuffer = new DotStuffer();
        const pieces = chunks.flatMap((c) => stuffer.push(Buffer.from(c)));
        expect(Buffer.concat([...pieces, stuffer.end()]).equals(await reference(chunks))).toBe(true);
      }),
      { numRuns: 2_000 },
    );
  });
});
