import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { parseMessage, readMessage, type HeaderField } from '@authgate/message';
import { bytes, chunked, collect, fixtureMessage } from './fixtures.js';

const view = (fields: HeaderField[]) => fields.map((field) => ({ name: field.name, value: field.value, raw: field.raw.toString('latin1') }));

describe('parseMessage', () => {
  test('a plain CRLF message: every field, the body byte for byte after the empty line', () => {
    const input = fixtureMessage('plain.eml');
    const result = parseMessage(input);
    if (!result.ok) throw new Error(result.problem.message);
    const { header, body, bodyOffset } = result.message;
    expect(header.map((field) => field.key)).toEqual(['received', 'from', 'to', 'subject', 'date', 'message-id', 'mime-version', 'content-type']);
    expect(header[0]!.value).toBe('from mail.example.org (mail.example.org [192.0.2.25])\tby mx.example.net with ESMTPS id 4Zx9; Tue, 3 Jun 2025 09:14:03 +0000');
    expect(body.toString('latin1')).toBe('Hi Bob,\r\n\r\nthe numbers are in the shared folder.\r\n\r\nAlice\r\n');
    expect(bodyOffset).toBe(input.indexOf('\r\n\r\n') + 4);
    expect(Buffer.concat([...header.map((field) => field.raw), bytes('\r\n'), body]).equals(input)).toBe(true);
  });

  test('an LF-only message: raw fields get CRLF, the body is left exactly as stored', () => {
    const input = fixtureMessage('lf-only.eml');
    const result = parseMessage(input);
    if (!result.ok) throw new Error(result.problem.message);
    expect(result.message.header.map((field) => field.raw.toString('latin1'))).toContain('Subject: Stored with Unix line ends\r\n');
    expect(result.message.body.toString('latin1')).toBe('This message was saved by a tool that writes bare LF.\nIts header and body must parse as if they had CRLF.\n');
  });

  test('a folded long header stays one field whose raw bytes are the folded lines', () => {
    const input = fixtureMessage('folded-long-header.eml');
    const result = parseMessage(input);
    if (!result.ok) throw new Error(result.problem.message);
    const references = result.message.header.find((field) => field.key === 'references')!;
    expect(references.value.split(/[ \t]/)).toHaveLength(40);
    expect(references.raw.toString('latin1').split('\r\n').length).toBeGreaterThan(10);
    const subject = result.message.header.find((field) => field.key === 'subject')!;
    expect(subject.value).toBe('Re: [dev] a thread that went on for a while, with a subject long enough to be folded over  three lines by the sending client');
  });

  test.for([
    ['8bit-utf8.eml', 'Grüße aus Köln – 日本語も', 'raw UTF-8 (RFC 6532)'],
    ['8bit-latin1.eml', 'Grüße aus Köln', 'raw ISO-8859-1 from a legacy client'],
  ])('an 8-bit header: %s (%s)', ([name, subject]) => {
    const result = parseMessage(fixtureMessage(name!));
    if (!result.ok) throw new Error(result.problem.message);
    expect(result.message.header.find((field) => field.key === 'subject')!.value).toBe(subject);
  });

  test.for([
    ['Subject: x\r\n', ['Subject'], '', 'no empty line: all header, empty body (RFC 5322 §3.5 makes the body optional)'],
    ['Subject: x', ['Subject'], '', 'no line end at all'],
    ['\r\nbody\r\n', [], 'body\r\n', 'an empty first line: no header fields'],
    ['\nbody', [], 'body', 'an empty first line, bare LF'],
    ['a: 1\r\n\r\n', ['a'], '', 'the empty line and nothing after it'],
    ['a: 1\n\r\nbody', ['a'], 'body', 'an LF line end followed by a CRLF empty line'],
    ['a: 1\r\n\nbody', ['a'], 'body', 'a CRLF line end followed by an LF empty line'],
    ['a: 1\r\n\r\n\r\nbody', ['a'], '\r\nbody', 'only the first empty line separates'],
    ['a: 1\r\n\r\nb\0dy', ['a'], 'b\0dy', 'NUL in the body is the body’s business'],
    ['a: 1\r\n \r\nb: 2\r\n\r\n', ['a', 'b'], '', 'a line of white space continues a field, it does not end the header'],
  ])('%j (%s)', ([input, names, body]) => {
    const result = parseMessage(bytes(input as string));
    if (!result.ok) throw new Error(result.problem.message);
    expect(result.message.header.map((field) => field.name)).toEqual(names);
    expect(result.message.body.toString('latin1')).toBe(body);
    expect(result.message.bodyOffset).toBe((input as string).length - (body as string).length);
  });

  test.for([
    ['', 'empty', 'no bytes'],
    ['Subject: a\0\r\n\r\n', 'nul-byte', 'NUL in the header section'],
    [' folded: x\r\n\r\n', 'malformed-field', 'continuation before any field'],
    ['From sender@example.org Tue Jun  3 09:14:03 2025\nSubject: x\n\n', 'malformed-field', 'an mbox "From " line is not a header field'],
  ])('refuses %j with %s (%s)', ([input, code]) => {
    expect(parseMessage(bytes(input!))).toEqual({ ok: false, problem: { code, message: expect.any(String) } });
  });
});

describe('readMessage', () => {
  test('resolves as soon as the header is complete, before the body has arrived', async () => {
    const queue = new ChunkQueue();
    queue.push(bytes('Subject: early\r\n\r\nfirst '));
    const result = await readMessage(queue);
    if (!result.ok) throw new Error(result.problem.message);
    expect(result.header[0]!.value).toBe('early');
    queue.push(bytes('second'));
    queue.end();
    expect((await collect(result.body)).toString('latin1')).toBe('first second');
  });

  test.for(['plain.eml', 'lf-only.eml', 'folded-long-header.eml', '8bit-latin1.eml', 'rfc5322-oddities.eml'])(
    '%s one byte at a time equals parseMessage of the whole',
    async (name) => {
      const input = fixtureMessage(name);
      const whole = parseMessage(input);
      if (!whole.ok) throw new Error(whole.problem.message);
      const result = await readMessage(chunked(input, Array.from({ length: input.length }, (_, i) => i)));
      if (!result.ok) throw new Error(result.problem.message);
      expect(view(result.header)).toEqual(view(whole.message.header));
      expect((await collect(result.body)).equals(whole.message.body)).toBe(true);
    },
  );

  test('property: any chunking of any message gives the fields and body parseMessage gives', async () => {
    await fc.assert(
      fc.asyncProperty(messageBytes, fc.array(fc.nat(), { maxLength: 12 }), async (input, rawCuts) => {
        const cuts = rawCuts.map((cut) => cut % (input.length + 1));
        const whole = parseMessage(input);
        const streamed = await readMessage(chunked(input, cuts));
        expect(streamed.ok).toBe(whole.ok);
        if (!streamed.ok || !whole.ok) {
          if (!streamed.ok && !whole.ok) expect(streamed.problem).toEqual(whole.problem);
          return;
        }
        expect(view(streamed.header)).toEqual(view(whole.message.header));
        expect((await collect(streamed.body)).equals(whole.message.body)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  test.for([
    ['a: 1\r\n\r\nbody', 6, true, 'a header section of exactly the limit'],
    ['a: 1\r\n\r\nbody', 5, false, 'one byte over the limit'],
    ['a: 12345', 8, true, 'no separator: the whole input is the header, at the limit'],
    ['a: 123456', 8, false, 'no separator, over the limit'],
  ])('maxHeaderBytes: %j with limit %i -> ok %s (%s)', async ([input, limit, ok]) => {
    const result = await readMessage(chunked(bytes(input as string), []), { maxHeaderBytes: limit as number });
    expect(result.ok ? 'ok' : result.problem.code).toBe(ok ? 'ok' : 'header-too-large');
  });

  test('property: header-too-large depends on the header length only, not on the chunking', async () => {
    await fc.assert(
      fc.asyncProperty(messageBytes, fc.array(fc.nat(), { maxLength: 6 }), fc.nat({ max: 80 }), async (input, rawCuts, limit) => {
        const whole = parseMessage(input);
        if (!whole.ok) return;
        const headerBytes = headerLength(input);
        const result = await readMessage(chunked(input, rawCuts.map((cut) => cut % (input.length + 1))), { maxHeaderBytes: limit });
        expect(result.ok ? 'ok' : result.problem.code).toBe(headerBytes > limit ? 'header-too-large' : 'ok');
        if (result.ok) await collect(result.body);
      }),
      { numRuns: 300 },
    );
  });

  test('a header over the limit stops reading and closes the source', async () => {
    const source = new ChunkQueue();
    for (let i = 0; i < 100; i++) source.push(bytes(`X-Filler-${i}: ${'x'.repeat(50)}\r\n`));
    const result = await readMessage(source, { maxHeaderBytes: 1000 });
    expect(result.ok ? 'ok' : result.problem.code).toBe('header-too-large');
    expect(source.returned).toBe(true);
    expect(source.pending).toBeGreaterThan(0);
  });

  test('a malformed header closes the source without reading the body', async () => {
    const source = new ChunkQueue();
    source.push(bytes('no colon\r\n\r\n'));
    source.push(bytes('body'));
    const result = await readMessage(source);
    expect(result.ok ? 'ok' : result.problem.code).toBe('malformed-field');
    expect(source.returned).toBe(true);
  });

  test.for([
    [[], 'no chunks at all'],
    [[''], 'only an empty chunk'],
  ])('an empty stream is empty (%s)', async ([chunks]) => {
    async function* source() {
      for (const chunk of chunks as string[]) yield bytes(chunk);
    }
    expect(await readMessage(source())).toEqual({ ok: false, problem: { code: 'empty', message: 'message: no bytes' } });
  });

  test('an error from the source is not a message problem: it rejects', async () => {
    async function* failing(): AsyncGenerator<Uint8Array> {
      yield bytes('Subject: x\r\n');
      throw new Error('connection reset');
    }
    await expect(readMessage(failing())).rejects.toThrow('connection reset');
  });

  test('string chunks are programmer misuse (a stream with an encoding set)', async () => {
    async function* strings(): AsyncGenerator<string> {
      yield 'Subject: x\r\n\r\n';
    }
    await expect(readMessage(strings() as unknown as AsyncIterable<Uint8Array>)).rejects.toThrow(TypeError);
  });

  test('body chunks are Buffers even when the source yields plain Uint8Arrays', async () => {
    async function* plain(): AsyncGenerator<Uint8Array> {
      yield new Uint8Array(bytes('a: b\r\n\r\n'));
      yield new Uint8Array(bytes('body'));
    }
    const result = await readMessage(plain());
    if (!result.ok) throw new Error(result.problem.message);
    for await (const chunk of result.body) expect(Buffer.isBuffer(chunk)).toBe(true);
  });
});

/** Messages built from header-like and body-like pieces with every kind of line end. */
const messageBytes = fc
  .tuple(
    fc.array(fc.tuple(fc.constantFrom('Subject: x', 'a: b', ' folded', 'From : me', 'bad line', 'ü: v', 'X:'), fc.constantFrom('\r\n', '\n', '\r')), {
      maxLength: 6,
    }),
    fc.constantFrom('\r\n', '\n', ''),
    fc.array(fc.constantFrom('text', '\r\n', '\n', '\r', '\0', ' '), { maxLength: 8 }),
  )
  .map(([lines, separator, body]) => Buffer.from(lines.map(([text, end]) => text + end).join('') + separator + body.join(''), 'utf8'));

/** The header section length, found independently of the code under test: up to the first empty line. */
function headerLength(input: Buffer): number {
  const text = input.toString('latin1');
  if (/^\r?\n/.test(text)) return 0;
  const emptyLine = /\n\r?\n/.exec(text);
  return emptyLine === null ? text.length : emptyLine.index + 1;
}

/** An async iterable fed by the test, which records whether it was closed early. */
class ChunkQueue implements AsyncIterable<Uint8Array> {
  readonly #chunks: Uint8Array[] = [];
  #ended = false;
  #wake: (() => void) | undefined;
  returned = false;

  get pending(): number {
    return this.#chunks.length;
  }

  push(chunk: Uint8Array): void {
    this.#chunks.push(chunk);
    this.#wake?.();
  }

  end(): void {
    this.#ended = true;
    this.#wake?.();
  }

  [Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
    return {
      next: async () => {
        while (this.#chunks.length === 0 && !this.#ended) await new Promise<void>((resolve) => (this.#wake = resolve));
        const chunk = this.#chunks.shift();
        return chunk === undefined ? { done: true, value: undefined } : { done: false, value: chunk };
      },
      return: async () => {
        this.returned = true;
        return { done: true, value: undefined };
      },
    };
  }
}
