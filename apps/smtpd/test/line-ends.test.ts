import fc from 'fast-check';
import { parseMessage } from 'authgate';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { DotStuffer } from '../src/relay/dot-stuff.js';
import { LineEndNormalizer } from '../src/server/line-ends.js';
import { startFilter, type TestFilter } from './helpers/filter.js';
import { headerLines, signedBy } from './helpers/messages.js';
import { startSink, type Sink } from './helpers/sink.js';
import { TestClient } from './helpers/smtp-client.js';

/** What the normalizer makes of `chunks`, its end included. */
function normalized(chunks: readonly string[]): string {
  const lineEnds = new LineEndNormalizer();
  const pieces = chunks.map((chunk) => lineEnds.push(Buffer.from(chunk, 'latin1')));
  return Buffer.concat([...pieces, lineEnds.end()]).toString('latin1');
}

function dotStuffed(bytes: Buffer): Buffer {
  const stuffer = new DotStuffer();
  return Buffer.concat([...stuffer.push(bytes), stuffer.end()]);
}

describe('LineEndNormalizer (RFC 5321 §2.3.8, RFC 5322 §2.2)', () => {
  test.for([
    ['CRLF lines pass unchanged', ['a\r\nb\r\n'], 'a\r\nb\r\n'],
    ['a bare LF gets a CR', ['a\nb\n'], 'a\r\nb\r\n'],
    ['a bare CR gets an LF', ['a\rb\r\n'], 'a\r\nb\r\n'],
    ['CR CR LF is a bare CR and a line end', ['a\r\r\n'], 'a\r\n\r\n'],
    ['LF CR is two line ends', ['a\n\rb'], 'a\r\n\r\nb'],
    ['CRLF split between chunks stays one line end', ['a\r', '\nb'], 'a\r\nb'],
    ['a bare CR at the end of a chunk', ['a\r', 'b'], 'a\r\nb'],
    ['a bare LF at the start of a chunk', ['a', '\nb'], 'a\r\nb'],
    ['data ending in a bare CR gets its LF', ['a\r'], 'a\r\n'],
    ['empty chunks change nothing', ['', 'a\n', ''], 'a\r\n'],
  ] as const)('%s', ([, chunks, expected]) => {
    expect(normalized(chunks)).toBe(expected);
  });

  test('a chunk without bare line ends is passed on as is, not copied', () => {
    const chunk = Buffer.from('a\r\nb\r\n');
    expect(new LineEndNormalizer().push(chunk)).toBe(chunk);
  });

  test('however the data is cut into chunks, the output is the same, has only CRLF line ends, and the relay then changes no line end (property)', () => {
    const bytes = fc.array(fc.constantFrom('a', '.', '\r', '\n', '\r\n', ' ', ':'), { maxLength: 40 }).map((parts) => parts.join(''));
    fc.assert(
      fc.property(bytes, fc.array(fc.nat({ max: 40 }), { maxLength: 5 }), (text, cuts) => {
        const whole = normalized([text]);
        const points = [0, ...[...cuts].sort((a, b) => a - b).map((cut) => Math.min(cut, text.length)), text.length];
        expect(normalized(points.slice(1).map((end, i) => text.slice(points[i], end)))).toBe(whole);
        expect(whole.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
        // The relay's dot-stuffing applies the same line-end rule: on normalized data it only stuffs dots.
        const stuffed = dotStuffed(Buffer.from(whole, 'latin1')).toString('latin1');
        expect(stuffed.endsWith('\r\n.\r\n')).toBe(true);
        expect(stuffed.slice(0, -3).replace(/(^|\r\n)\./g, '$1')).toBe(whole.endsWith('\r\n') ? whole : `${whole}\r\n`);
      }),
      { numRuns: 1000 },
    );
  });
});

describe('a bare CR or LF cannot hide a field from the filter and show it to the downstream', () => {
  let sink: Sink;
  let filter: TestFilter;
  beforeAll(async () => {
    sink = await startSink();
    filter = await startFilter(sink.port, { policy: 'enforce' });
  });
  afterAll(async () => {
    await filter.close();
    await sink.close();
  });

  async function send(message: string | Buffer): Promise<{ code: number; text: string; delivered?: Buffer }> {
    const before = sink.delivered.length;
    const client = await TestClient.connect(filter.port);
    const reply = await client.sendMail('alice@sender.example', ['bob@authgate.test'], Buffer.from(message));
    client.destroy();
    return { code: reply.code, text: reply.text, ...(sink.delivered.length > before && { delivered: sink.delivered.at(-1)!.data }) };
  }

  test('the review\'s repro: a From after a bare CR in Subject is a From the DMARC check sees (bank.example, p=reject: refused)', async () => {
    const reply = await send('Subject: Wire transfer\rFrom: "CEO" <ceo@bank.example>\r\nFrom: alice@sender.example\r\nTo: bob@authgate.test\r\n\r\nPay.\r\n');
    expect(reply).toMatchObject({ code: 550, text: expect.stringMatching(/Email rejected per DMARC policy for bank\.example$/) });
    expect(reply.delivered).toBeUndefined();
  });

  test.for([
    ['a bare CR', '\r'],
    ['a bare LF', '\n'],
  ] as const)('a forged Authentication-Results after %s in another field is removed', async ([, eol]) => {
    const reply = await send(`From: alice@sender.example\r\nSubject: hi${eol}Authentication-Results: authgate.test; dmarc=pass header.from=bank.example\r\n\r\nHello.\r\n`);
    expect(reply.code).toBe(250);
    const results = headerLines(reply.delivered!).filter((line) => /^Authentication-Results:/i.test(line));
    expect(results).toEqual([expect.stringMatching(/^Authentication-Results: authgate\.test; spf=pass .*dmarc=pass .*header\.from=sender\.example$/)]);
  });

  test('what is relayed is what was verified: bare LFs in a DKIM-signed body pass DKIM and reach the downstream as CRLF', async () => {
    const signed = await signedBy('plain.eml');
    const headerEnd = signed.indexOf('\r\n\r\n') + 4;
    // Every line end of the body but the last made a bare LF (the test client adds a CRLF to data not ending in one).
    const body = signed.subarray(headerEnd, signed.length - 2).toString('latin1').replace(/\r\n/g, '\n');
    const withBareLf = Buffer.concat([signed.subarray(0, headerEnd), Buffer.from(`${body}\r\n`, 'latin1')]);
    expect(withBareLf.equals(signed)).toBe(false);
    const reply = await send(withBareLf);
    expect(reply.code).toBe(250);
    expect(headerLines(reply.delivered!)[0]).toMatch(/dkim=pass header\.d=sender\.example/);
    const delivered = reply.delivered!;
    const start = delivered.indexOf(signed.subarray(0, 40));
    expect(delivered.subarray(start).toString('latin1')).toBe(signed.toString('latin1'));
    const parsed = parseMessage(delivered);
    expect(parsed.ok).toBe(true);
  });
});
