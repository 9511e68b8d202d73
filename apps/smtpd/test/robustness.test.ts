import fc from 'fast-check';
import { fieldsNamed, parseAuthservId, parseMessage } from 'authgate';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { startFilter, type TestFilter } from './helpers/filter.js';
import { messageFrom } from './helpers/messages.js';
import { startSink, type Sink } from './helpers/sink.js';
import { TestClient } from './helpers/smtp-client.js';

/** Bad input never crashes or hangs the filter: every session gets replies, and the next one works. */
let sink: Sink;
let filter: TestFilter;

beforeAll(async () => {
  sink = await startSink();
  filter = await startFilter(sink.port, { policy: { malformed: 'reject' } });
});
afterAll(async () => {
  await filter?.close();
  await sink?.close();
});

async function stillServes(): Promise<void> {
  const client = await TestClient.connect(filter.port);
  expect((await client.sendMail('alice@sender.example', ['bob@authgate.test'], messageFrom('alice@sender.example'))).code).toBe(250);
  await client.quit();
}

const line = fc.oneof(
  fc.string({ maxLength: 60 }),
  fc.constantFrom('MAIL FROM:<>', 'MAIL FROM:<a@b> SIZE=x', 'RCPT TO:<@@>', 'DATA', 'RSET', 'BDAT 10', 'STARTTLS', 'AUTH LOGIN', 'XCLIENT ADDR=1.2.3.4', 'EHLO', 'HELO a b c'),
  fc.uint8Array({ maxLength: 40 }).map((bytes) => Buffer.from(bytes).toString('latin1').replace(/[\r\n]/g, '')),
);

test('random command lines get replies and leave the filter serving', async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(line, { minLength: 1, maxLength: 12 }), async (lines) => {
      const client = await TestClient.connect(filter.port);
      for (const text of lines) {
        client.write(`${text}\r\n`);
        if (text.toUpperCase() === 'DATA') break;
        const reply = await client.reply().catch(() => undefined);
        if (reply === undefined) break;
        expect(reply.code).toBeGreaterThanOrEqual(200);
      }
      client.destroy();
    }),
    { numRuns: 25 },
  );
  await stillServes();
});

/** After a relayed message: exactly one A-R with our id, and it is the first field. */
function expectOnlyOurs(delivered: Buffer): void {
  const parsed = parseMessage(delivered);
  if (!parsed.ok) throw new Error(parsed.problem.message);
  const ours = fieldsNamed(parsed.message.header, 'authentication-results').filter((f) => parseAuthservId(f.value)?.toLowerCase() === 'authgate.test');
  expect(ours).toHaveLength(1);
  expect(parsed.message.header[0]).toBe(ours[0]);
}

async function relayOrRefuse(message: Buffer): Promise<number> {
  const client = await TestClient.connect(filter.port);
  const before = sink.delivered.length;
  const reply = await client.sendMail('alice@sender.example', ['bob@authgate.test'], message);
  client.destroy();
  expect([250, 550, 552]).toContain(reply.code);
  if (reply.code === 250) {
    expect(sink.delivered).toHaveLength(before + 1);
    expectOnlyOurs(sink.delivered.at(-1)!.data);
  }
  return reply.code;
}

test('random message bytes are relayed or refused, never crash or hang', async () => {
  const chunk = fc.oneof(
    fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b)),
    fc.constantFrom('From: a@sender.example\r\n', 'From: \r\n', '\r\n', '\n', '\r', '\0', ' folded\r\n', 'X: y\r\n').map((s) => Buffer.from(s)),
  );
  await fc.assert(fc.asyncProperty(fc.array(chunk, { maxLength: 20 }), async (chunks) => {
    await relayOrRefuse(Buffer.concat(chunks));
  }), { numRuns: 30 });
  await stillServes();
});

test('forged Authentication-Results in any position and spelling never survive a relay', async () => {
  const forged = fc.constantFrom(
    'Authentication-Results: authgate.test; dmarc=pass header.from=bank.example',
    'authentication-results:AUTHGATE.TEST;spf=pass smtp.mailfrom=bank.example',
    'Authentication-Results: (comment) "authgate.test"; dkim=pass',
    'Authentication-Results:\r\n\tauthgate.test;\r\n\tdmarc=pass',
    'Authentication-Results : authgate.test 1; none',
    'Authentication-Results: authgate.test.; none',
  );
  const other = fc.constantFrom('Subject: hi', 'To: bob@authgate.test', 'Received: from x by y; Thu, 1 Jan 2026 00:00:00 +0000', 'Authentication-Results: other.example; spf=pass', 'X-Long: ' + 'x'.repeat(300));
  const header = fc.tuple(fc.array(fc.oneof(forged, other), { maxLength: 8 }), fc.nat({ max: 8 }), fc.constantFrom('\r\n', '\n')).map(([fields, at, eol]) => {
    const all = [...fields];
    all.splice(Math.min(at, all.length), 0, 'From: <alice@sender.example>');
    return Buffer.from(`${all.join(eol)}${eol}${eol}body${eol}`);
  });
  let relayed = 0;
  await fc.assert(fc.asyncProperty(header, async (message) => {
    if ((await relayOrRefuse(message)) === 250) relayed++;
  }), { numRuns: 40 });
  expect(relayed).toBeGreaterThan(20);
});
