import { afterAll, beforeAll, expect, test } from 'vitest';
import { eventually, startFilter, type TestFilter } from './helpers/filter.js';
import { messageFrom } from './helpers/messages.js';
import { startSink, type Sink } from './helpers/sink.js';
import { TestClient } from './helpers/smtp-client.js';

/**
 * The bounded load test: 50 concurrent clients send 2,000 messages on loopback; some are refused
 * by policy, some by the downstream (a temporary and a permanent refusal pattern). Every message
 * must be accounted for: accepted by the filter and found exactly once downstream, or refused with
 * a reply the client saw and never found downstream. Zero lost, zero invented.
 */
const CLIENTS = 50;
const MESSAGES = 2_000;
const PER_CLIENT = MESSAGES / CLIENTS;

let sink: Sink;
let filter: TestFilter;

beforeAll(async () => {
  sink = await startSink({
    // Every 37th message is refused for good, every 53rd deferred: refusals the client must see.
    data: (message) => {
      const n = Number(/X-Load-Id: (\d+)/.exec(message.toString('latin1'))?.[1]);
      if (n % 37 === 0) return { code: 554, text: 'Refused by the downstream' };
      if (n % 53 === 0) return { code: 451, text: 'Try again later' };
      return undefined;
    },
  });
  filter = await startFilter(sink.port, { policy: 'enforce', limits: { maxConnectionsPerIp: 100, maxConnections: 200 } });
});
afterAll(async () => {
  await filter?.close();
  await sink?.close();
});

interface Outcome {
  id: number;
  code: number;
}

/** Every 11th message forges bank.example (DMARC p=reject): refused by the filter itself. */
function messageFor(id: number): { from: string; data: Buffer } {
  const from = id % 11 === 0 ? 'ceo@bank.example' : 'alice@sender.example';
  return { from, data: messageFrom(from, { subject: `load ${id}`, extra: [`X-Load-Id: ${id}`], size: (id % 7) * 2_000 }) };
}

async function runClient(index: number): Promise<Outcome[]> {
  const outcomes: Outcome[] = [];
  let client = await TestClient.connect(filter.port);
  await client.send(`EHLO load${index}.example`);
  for (let k = 0; k < PER_CLIENT; k++) {
    const id = index * PER_CLIENT + k;
    const { from, data } = messageFor(id);
    // Half the clients pipeline their envelope (RFC 2920), half wait for each reply.
    if (index % 2 === 0) {
      client.write(`MAIL FROM:<${from}>\r\nRCPT TO:<user${id}@authgate.test>\r\nDATA\r\n`);
      const replies = [await client.reply(), await client.reply(), await client.reply()];
      const refusal = replies.find((r) => r.code >= 400 && r.code !== 354);
      if (replies[2]!.code === 354) {
        client.write(Buffer.concat([data, Buffer.from('.\r\n')]));
        outcomes.push({ id, code: (await client.reply()).code });
      } else {
        outcomes.push({ id, code: refusal!.code });
        await client.send('RSET');
      }
    } else {
      const mail = await client.send(`MAIL FROM:<${from}>`);
      const rcpt = mail.code === 250 ? await client.send(`RCPT TO:<user${id}@authgate.test>`) : mail;
      const final = rcpt.code === 250 ? await client.data(data) : rcpt;
      outcomes.push({ id, code: final.code });
    }
    // Every tenth message, start over on a new connection, as MTAs do.
    if (k % 10 === 9 && k + 1 < PER_CLIENT) {
      await client.quit();
      client = await TestClient.connect(filter.port);
      await client.send(`EHLO load${index}.example`);
    }
  }
  await client.quit();
  return outcomes;
}

test(`${CLIENTS} concurrent clients, ${MESSAGES} messages, every one accounted for`, async () => {
  const outcomes = (await Promise.all(Array.from({ length: CLIENTS }, (_, i) => runClient(i)))).flat();
  expect(outcomes).toHaveLength(MESSAGES);

  const delivered = new Map<number, number>();
  for (const message of sink.delivered) {
    const id = Number(/X-Load-Id: (\d+)/.exec(message.data.toString('latin1'))![1]);
    delivered.set(id, (delivered.get(id) ?? 0) + 1);
  }
  const accepted = outcomes.filter((o) => o.code === 250);
  const refused = outcomes.filter((o) => o.code !== 250);
  // Accepted means found downstream exactly once; refused means never found downstream.
  expect(accepted.filter((o) => delivered.get(o.id) !== 1)).toEqual([]);
  expect(refused.filter((o) => delivered.has(o.id))).toEqual([]);
  expect(sink.delivered).toHaveLength(accepted.length);
  // Every refusal is one we meant: DMARC (550), the downstream's 554 and 451 passed on.
  const expectedCode = (id: number) => (id % 11 === 0 ? 550 : id % 37 === 0 ? 554 : id % 53 === 0 ? 451 : 250);
  expect(outcomes.filter((o) => o.code !== expectedCode(o.id))).toEqual([]);
  // And one log line per message.
  await eventually(() => filter.transactions().length >= MESSAGES);
  expect(filter.transactions()).toHaveLength(MESSAGES);
}, 240_000);
