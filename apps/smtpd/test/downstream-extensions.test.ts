import { afterAll, describe, expect, test } from 'vitest';
import { startFilter, type TestFilter } from './helpers/filter.js';
import { messageFrom } from './helpers/messages.js';
import { startSink, type Sink, type SinkOptions } from './helpers/sink.js';
import { TestClient } from './helpers/smtp-client.js';

/**
 * RFC 6531 §3.5 and RFC 6152 §3: what the client's MAIL declared (SMTPUTF8, BODY=8BITMIME) goes
 * downstream with it, and a downstream that does not announce it gets no such message: the
 * client is refused at MAIL FROM.
 */
const utf8Message = Buffer.from('From: <jöran@sender.example>\r\nTo: <bob@authgate.test>\r\nSubject: ünïcode\r\n\r\nHej.\r\n');
const started: Array<{ close(): Promise<void> }> = [];
afterAll(async () => {
  for (const server of started.reverse()) await server.close();
});

async function setup(sinkOptions: SinkOptions): Promise<{ sink: Sink; filter: TestFilter }> {
  const sink = await startSink(sinkOptions);
  const filter = await startFilter(sink.port);
  started.push(sink, filter);
  return { sink, filter };
}

describe('SMTPUTF8 and 8BITMIME against what the downstream announces', () => {
  test.for([
    ['SMTPUTF8 to a downstream without it', { hideSmtpUtf8: true }, 'jöran@sender.example', ' SMTPUTF8', /^5\.6\.7 Non-ASCII addresses not permitted/],
    ['SMTPUTF8 with an ASCII address, to a downstream without it', { hideSmtpUtf8: true }, 'alice@sender.example', ' SMTPUTF8', /^5\.6\.7 /],
    ['BODY=8BITMIME to a downstream without 8BITMIME', { hide8BitMime: true }, 'alice@sender.example', ' BODY=8BITMIME', /^5\.6\.3 Conversion required but not supported/],
  ] as const)('%s: 550 at MAIL FROM, nothing reaches the downstream', async ([, sinkOptions, from, parameters, text]) => {
    const { sink, filter } = await setup(sinkOptions);
    const client = await TestClient.connect(filter.port);
    expect((await client.send('EHLO client.example')).code).toBe(250);
    expect(await client.send(`MAIL FROM:<${from}>${parameters}`)).toMatchObject({ code: 550, text: expect.stringMatching(text) });
    // The session stays usable: a plain transaction goes through afterwards.
    expect((await client.send('MAIL FROM:<alice@sender.example>')).code).toBe(250);
    expect((await client.send('RCPT TO:<bob@authgate.test>')).code).toBe(250);
    expect((await client.data(messageFrom('alice@sender.example'))).code).toBe(250);
    await client.quit();
    expect(sink.delivered.map((d) => d.from)).toEqual(['alice@sender.example']);
  });

  test('both announced: the parameters go downstream with the transaction', async () => {
    const { sink, filter } = await setup({});
    const client = await TestClient.connect(filter.port);
    expect((await client.sendMail('jöran@sender.example', ['bob@authgate.test'], utf8Message, { mailParameters: ' SMTPUTF8 BODY=8BITMIME' })).code).toBe(250);
    await client.quit();
    expect(sink.delivered[0]!.from).toBe('jöran@sender.example');
  });

  test('a client that declares neither is relayed to a downstream with neither', async () => {
    const { sink, filter } = await setup({ hideSmtpUtf8: true, hide8BitMime: true });
    const client = await TestClient.connect(filter.port);
    expect((await client.sendMail('alice@sender.example', ['bob@authgate.test'], messageFrom('alice@sender.example'))).code).toBe(250);
    await client.quit();
    expect(sink.delivered).toHaveLength(1);
  });
});
