import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { isOurRecipient } from '../src/server/handlers.js';
import { startFilter, type TestFilter } from './helpers/filter.js';
import { messageFrom } from './helpers/messages.js';
import { startSink, type Sink } from './helpers/sink.js';
import { TestClient } from './helpers/smtp-client.js';

/**
 * RFC 5321 §3.6.1, Appendix C and §7.1: a local part that routes the mail on (percent hack, bang
 * path, source route) is refused, since a downstream that honours it for the filter's address
 * would relay it anywhere.
 */
const domains = ['authgate.test'];

describe('isOurRecipient', () => {
  test.for([
    ['bob@authgate.test', true, 'our domain'],
    ['Bob@AUTHGATE.TEST.', true, 'case and a final dot'],
    ['postmaster', true, 'RFC 5321 §4.1.1.3'],
    ['bob@elsewhere.example', false, 'not our domain'],
    ['victim%elsewhere.example@authgate.test', false, 'percent hack'],
    ['elsewhere.example!victim@authgate.test', false, 'bang path'],
    ['"victim@elsewhere.example"@authgate.test', false, 'an @ inside a quoted local part'],
    ['@relay.example:victim@authgate.test', false, 'source route'],
    ['@a.example,@b.example:victim@authgate.test', false, 'source route with two hops'],
  ] as const)('%s → %s (%s)', ([address, ours]) => {
    expect(isOurRecipient(address, domains)).toBe(ours);
  });
});

describe('routed local parts over SMTP', () => {
  let sink: Sink;
  let filter: TestFilter;
  beforeAll(async () => {
    sink = await startSink();
    filter = await startFilter(sink.port);
  });
  afterAll(async () => {
    await filter.close();
    await sink.close();
  });

  async function transaction(address: string): Promise<{ reply: { code: number; text: string }; to: string[] }> {
    const client = await TestClient.connect(filter.port);
    expect((await client.send('EHLO client.example')).code).toBe(250);
    expect((await client.send('MAIL FROM:<alice@sender.example>')).code).toBe(250);
    const reply = await client.send(`RCPT TO:<${address}>`);
    // A good recipient in the same transaction still goes through, so the downstream shows every recipient it got.
    expect((await client.send('RCPT TO:<bob@authgate.test>')).code).toBe(250);
    const before = sink.delivered.length;
    expect((await client.data(messageFrom('alice@sender.example'))).code).toBe(250);
    await client.quit();
    expect(sink.delivered.length).toBe(before + 1);
    return { reply, to: sink.delivered.at(-1)!.to };
  }

  test.for([
    ['percent hack', 'victim%elsewhere.example@authgate.test'],
    ['bang path', 'elsewhere.example!victim@authgate.test'],
    ['percent hack with a quoted local part', '"victim%elsewhere.example"@authgate.test'],
  ] as const)('%s: 550 5.7.1 Relay access denied, and the downstream never hears of it', async ([, address]) => {
    const { reply, to } = await transaction(address);
    expect(reply).toMatchObject({ code: 550, text: expect.stringMatching(/^5\.7\.1 .*Relay access denied$/) });
    expect(to).toEqual(['bob@authgate.test']);
  });

  test('an @ in a quoted local part is refused as a syntax error by smtp-server itself', async () => {
    const { reply, to } = await transaction('"victim@elsewhere.example"@authgate.test');
    expect(reply.code).toBe(501);
    expect(to).toEqual(['bob@authgate.test']);
  });

  test.for([
    ['one hop', '@relay.example:victim@authgate.test'],
    ['two hops', '@a.example,@b.example:victim@authgate.test'],
  ] as const)('a source route (%s) is ignored (RFC 5321 Appendix C): the mail goes to our own mailbox, the route never downstream', async ([, address]) => {
    const { reply, to } = await transaction(address);
    expect(reply.code).toBe(250);
    expect(to).toEqual(['victim@authgate.test', 'bob@authgate.test']);
  });
});
