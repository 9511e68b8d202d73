import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { looksLikeMbox, splitMbox, type MboxFormat } from '../src/input/mbox.js';
import { FIXTURES } from './helpers/paths.js';

async function split(bytes: Buffer, format: MboxFormat, chunkSize = bytes.length || 1) {
  async function* chunks() {
    for (let i = 0; i < bytes.length; i += chunkSize) yield bytes.subarray(i, i + chunkSize);
  }
  const messages = [];
  for await (const message of splitMbox(chunks(), format)) messages.push({ ...message, text: message.bytes.toString('latin1') });
  return messages;
}

/** An mboxrd writer, as mutt and Dovecot write: quote every `>*From ` line, one blank line after each message. */
function writeMboxrd(messages: string[]): Buffer {
  const parts = messages.map((message, i) => {
    const body = message.replace(/^(>*From )/gm, '>$1');
    return `From sender${i}@example.com Thu Jan  1 00:00:00 2026\n${body}${body.endsWith('\n') ? '' : '\n'}\n`;
  });
  return Buffer.from(parts.join(''), 'latin1');
}

describe('splitMbox', () => {
  const fixture = join(FIXTURES, 'mbox/escapes.mbox');

  test('splits on From lines after an empty line and drops the framing blank line', async () => {
    const messages = await split(await readFile(fixture), 'mboxrd');
    expect(messages.map((m) => m.index)).toEqual([1, 2, 3]);
    expect(messages.map((m) => m.envelope)).toEqual([
      'alice@example.com Thu Jan  1 00:00:00 2026',
      'bob@example.org Thu Jan  1 00:01:00 2026',
      'carol@example.net Thu Jan  1 00:02:00 2026',
    ]);
    expect(messages[2]!.text).toBe('From: carol@example.net\nSubject: three\n\nthird body\n');
  });

  test.for([
    ['mboxrd', 'From the start.\n>From quoted once.\n>>From quoted twice.\n'],
    ['mboxo', 'From the start.\n>>From quoted once.\n>>>From quoted twice.\n'],
  ] as const)('unescapes >From lines as %s', async ([format, body]) => {
    const [first] = await split(await readFile(fixture), format);
    expect(first!.text).toBe(`From: alice@example.com\nSubject: one\n\n${body}`);
  });

  test('keeps an unescaped From line that follows a non-empty line inside its message', async () => {
    const messages = await split(await readFile(fixture), 'mboxrd');
    expect(messages[1]!.text).toContain('\nFrom inside a paragraph (left unescaped by a sloppy writer)\n');
  });

  test('gives the same messages whatever the chunk size', async () => {
    const bytes = await readFile(fixture);
    const whole = await split(bytes, 'mboxrd');
    for (const size of [1, 2, 3, 7, 64]) expect(await split(bytes, 'mboxrd', size)).toEqual(whole);
  });

  test('keeps CRLF line ends', async () => {
    const bytes = Buffer.from('From a@b Thu Jan  1 00:00:00 2026\r\nFrom: a@b\r\n\r\n>From x\r\n\r\nFrom c@d Thu Jan  1 00:00:00 2026\r\nFrom: c@d\r\n\r\nbody\r\n');
    const messages = await split(bytes, 'mboxrd');
    expect(messages.map((m) => m.text)).toEqual(['From: a@b\r\n\r\nFrom x\r\n', 'From: c@d\r\n\r\nbody\r\n']);
  });

  test('reads back what an mboxrd writer wrote (property)', async () => {
    const line = fc.oneof(
      fc.constantFrom('From here', '>From there', '>>From', 'From ', '', '>', 'x'),
      fc.string({ unit: fc.constantFrom('a', ' ', '>', 'F', 'r', 'o', 'm', ':') }),
    );
    const message = fc.array(line, { maxLength: 8 }).map((lines) => `Subject: s\n\n${lines.join('\n')}\n`);
    await fc.assert(
      fc.asyncProperty(fc.array(message, { minLength: 1, maxLength: 5 }), fc.integer({ min: 1, max: 40 }), async (messages, chunk) => {
        const back = await split(writeMboxrd(messages), 'mboxrd', chunk);
        expect(back.map((m) => m.text)).toEqual(messages);
      }),
    );
  });

  test('never throws on arbitrary bytes (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 300 }), async (bytes) => {
        const input = Buffer.concat([Buffer.from('From x\n'), Buffer.from(bytes)]);
        const messages = await split(input, 'mboxrd', 17);
        expect(messages.length).toBeGreaterThanOrEqual(1);
      }),
    );
  });
});

describe('looksLikeMbox', () => {
  test.for([
    ['From alice@example.com Thu Jan  1 00:00:00 2026\n', true, 'a separator line'],
    ['From: alice@example.com\n', false, 'a From header field'],
    ['Received: from x\n', false, 'a message'],
    ['Fro', false, 'too short'],
    ['', false, 'empty'],
  ] as const)('%j -> %s (%s)', ([text, expected]) => {
    expect(looksLikeMbox(Buffer.from(text))).toBe(expected);
  });
});
