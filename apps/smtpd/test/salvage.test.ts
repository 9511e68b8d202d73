import os from 'node:os';
import fc from 'fast-check';
import { parseMessage } from 'authgate';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { Spool } from '../src/spool.js';
import { forgedFields } from '../src/stamp/forged.js';
import { inspectHeader } from '../src/stamp/inspect.js';
import { salvageFields } from '../src/stamp/salvage.js';
import { startFilter, type TestFilter } from './helpers/filter.js';
import { headerLines } from './helpers/messages.js';
import { startSink, type Sink } from './helpers/sink.js';
import { TestClient } from './helpers/smtp-client.js';

const identity = { authservIds: ['authgate.test'], hostname: 'mx.authgate.test' };
const forged = 'Authentication-Results: authgate.test; dmarc=pass header.from=bank.example\r\n';

describe('salvageFields (RFC 5322 §2.2: a field starts at a line that does not begin with WSP)', () => {
  test.for([
    ['a line without a colon', `${forged}this line is broken\r\nFrom: a@b.example\r\n\r\nbody\r\n`, ['Authentication-Results', '', 'From'], 'authgate.test; dmarc=pass header.from=bank.example'],
    ['a NUL in another field', `${forged}X-Junk: a\0b\r\nFrom: a@b.example\r\n\r\n`, ['Authentication-Results', 'X-Junk', 'From'], 'authgate.test; dmarc=pass header.from=bank.example'],
    ['folded, with obsolete WSP before the colon', 'Authentication-Results :\r\n authgate.test;\r\n\tnone\r\nbroken\r\n\r\n', ['Authentication-Results', ''], 'authgate.test;\tnone'],
    ['a NUL in the field itself: read as no value', 'Authentication-Results: authgate.test\0; none\r\nbroken\r\n\r\n', ['Authentication-Results', ''], ''],
    ['a continuation line first', ' leading\r\nFrom: a@b.example\r\n\r\n', ['', 'From'], ' leading\r\n'],
  ] as const)('%s', ([, message, names, firstValue]) => {
    const bytes = Buffer.from(message, 'latin1');
    const salvage = salvageFields(bytes, true)!;
    expect(salvage.fields.map((f) => f.name)).toEqual(names);
    if (names[0] === 'Authentication-Results') expect(salvage.fields[0]!.value).toBe(firstValue);
    expect(bytes.subarray(salvage.layout.headerEnd, salvage.layout.headerEnd + 2).toString()).toBe('\r\n');
  });

  test('without an empty line the section ends with the message only when the message is complete', () => {
    expect(salvageFields(Buffer.from('From: a\r\nbroken\r\n'), false)).toBeUndefined();
    expect(salvageFields(Buffer.from('From: a\r\nbroken\r\n'), true)?.layout.headerEnd).toBe(17);
  });

  test('the spans tile the header section and, where the parser succeeds, agree with it (property)', () => {
    const line = fc.constantFrom('From: a@b.example', 'X: y', ' folded', '\tfolded', 'broken', 'A-R\0: x', 'Authentication-Results: authgate.test; none', 'N : v');
    fc.assert(
      fc.property(fc.array(line, { maxLength: 8 }), fc.boolean(), (lines, ended) => {
        const header = lines.map((l) => `${l}\r\n`).join('');
        const bytes = Buffer.from(`${header}${ended ? '\r\nbody\r\n' : ''}`, 'latin1');
        const salvage = salvageFields(bytes, true)!;
        expect(salvage.layout.headerEnd).toBe(Buffer.byteLength(header, 'latin1'));
        expect(Buffer.concat(salvage.fields.map((f) => f.raw)).toString('latin1')).toBe(header);
        const parsed = parseMessage(bytes);
        if (parsed.ok) expect(salvage.fields.map((f) => f.raw.toString('latin1'))).toEqual(parsed.message.header.map((f) => f.raw.toString('latin1')));
      }),
      { numRuns: 500 },
    );
  });

  test('inspectHeader salvages a header that does not parse, and the forged field in it is found', async () => {
    const spool = new Spool({ memoryLimit: 1 << 20, directory: os.tmpdir() });
    await spool.write(Buffer.from(`${forged}this line is broken\r\nFrom: a@b.example\r\n\r\nbody\r\n`));
    const inspection = await inspectHeader(spool, 4096);
    expect(inspection.status).toBe('malformed');
    if (inspection.status !== 'malformed') return;
    expect(forgedFields(inspection.salvaged!.fields, identity)).toEqual([{ index: 0, field: 'Authentication-Results', reason: 'claims-our-authserv-id' }]);
    await spool.dispose();
  });
});

describe('forged fields in a header that does not parse reach no one (RFC 8601 §5)', () => {
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

  test.for([
    ['a line without a colon (the review\'s repro)', `${forged}this line is broken\r\nFrom: alice@sender.example\r\n\r\nHello.\r\n`],
    ['a NUL octet in another field', `${forged}Subject: a\0b\r\nFrom: alice@sender.example\r\n\r\nHello.\r\n`],
    ['a forged Received-SPF and an A-R after the broken line', `broken\r\nReceived-SPF: pass receiver=authgate.test; client-ip=192.0.2.1\r\n${forged}From: alice@sender.example\r\n\r\nHello.\r\n`],
    ['an A-R made unreadable by a NUL', `Authentication-Results: authgate.test\0; dmarc=pass\r\nbroken\r\nFrom: alice@sender.example\r\n\r\nHello.\r\n`],
  ] as const)('malformed: accept, %s: ours is the only one claiming our id, the rest is relayed as received', async ([, message]) => {
    const before = sink.delivered.length;
    const client = await TestClient.connect(filter.port);
    expect((await client.sendMail('alice@sender.example', ['bob@authgate.test'], Buffer.from(message, 'latin1'))).code).toBe(250);
    await client.quit();
    expect(sink.delivered.length).toBe(before + 1);
    const delivered = sink.delivered.at(-1)!.data.toString('latin1');
    const lines = headerLines(Buffer.from(delivered, 'latin1'));
    expect(lines.filter((l) => /^Authentication-Results:/i.test(l))).toEqual([expect.stringMatching(/^Authentication-Results: authgate\.test; spf=pass/)]);
    expect(lines.filter((l) => /^Received-SPF:/i.test(l))).toEqual([expect.stringMatching(/receiver=authgate\.test/)]);
    expect(delivered).not.toContain('dmarc=pass header.from=bank.example');
    // Everything else stays as received: the broken line, the From, the body.
    const kept = message.replace(/^(Authentication-Results|Received-SPF):.*\r\n/gm, '');
    expect(delivered.endsWith(kept)).toBe(true);
  });
});
