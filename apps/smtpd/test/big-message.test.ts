import { createHash } from 'node:crypto';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { eventually, startFilter, type TestFilter } from './helpers/filter.js';
import { messageFrom } from './helpers/messages.js';
import { startSink, type Sink } from './helpers/sink.js';
import { TestClient } from './helpers/smtp-client.js';

let sink: Sink;
let filter: TestFilter;

beforeAll(async () => {
  sink = await startSink();
  filter = await startFilter(sink.port, { limits: { maxMessageSize: '60M' }, spool: { memoryLimit: '1M' } });
});
afterAll(async () => {
  await filter?.close();
  await sink?.close();
});

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

test('a 50 MB message goes through the file spool and arrives byte for byte after our fields', async () => {
  const message = messageFrom('alice@sender.example', { subject: 'big', size: 50 * 1024 * 1024 });
  const client = await TestClient.connect(filter.port);
  const reply = await client.sendMail('alice@sender.example', ['bob@authgate.test'], message);
  expect(reply.code).toBe(250);
  await client.quit();
  const delivered = sink.delivered[0]!.data;
  const offset = delivered.indexOf('From: <alice@sender.example>');
  expect(delivered.length - offset).toBe(message.length);
  expect(sha256(delivered.subarray(offset))).toBe(sha256(message));
  expect(delivered.subarray(0, offset).toString()).toMatch(/^Authentication-Results: authgate\.test;/);
  await eventually(() => filter.transactions().length === 1);
  expect(filter.transactions()[0]).toMatchObject({ action: 'relayed', spool: 'file', size: message.length });
}, 120_000);
