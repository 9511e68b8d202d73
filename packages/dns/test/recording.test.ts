import { readFileSync } from 'node:fs';
import { parseAllDocuments, parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { describe, expect, test } from 'vitest';
import { DnsError, RecordingResolver, ZoneResolver, type RecordType, type Resolver, type ZoneData } from '../src/index.js';
import { fixturePath } from './support/fixtures.js';

const TYPES: RecordType[] = ['TXT', 'A', 'AAAA', 'MX', 'PTR'];

async function outcome(resolver: Resolver & { lookup(type: RecordType, name: string): Promise<{ records: unknown }> }, type: RecordType, name: string): Promise<unknown> {
  try {
    return (await resolver.lookup(type, name)).records;
  } catch (error) {
    if (error instanceof DnsError) return error.code;
    throw error;
  }
}

/** The questions worth asking of a zone: every type of every listed name, PTR of its addresses. */
function questionsFor(zonedata: ZoneData): Array<[RecordType, string]> {
  const questions: Array<[RecordType, string]> = [];
  for (const name of [...Object.keys(zonedata), 'absent.example', 'sub.absent.example']) {
    for (const type of TYPES) if (type !== 'PTR') questions.push([type, name.toLowerCase()]);
  }
  for (const address of ['192.0.2.4', '2001:db8::1', '1.2.3.4', '1.2.3.5', '192.0.2.99', 'cafe:babe::1', '2001:db8:ff0:100::2']) {
    questions.push(['PTR', address]);
  }
  return questions;
}

/** Records every answer of `zonedata`, then checks the recording answers the same, also via YAML. */
async function expectRoundTrip(zonedata: ZoneData): Promise<void> {
  const live = new ZoneResolver(zonedata);
  const recorder = new RecordingResolver(live);
  const questions = questionsFor(zonedata);
  const seen = [];
  for (const [type, name] of questions) seen.push(await outcome(recorder, type, name));
  const replays = [new ZoneResolver(recorder.zoneData()), new ZoneResolver(parseYaml(stringifyYaml(recorder.zoneData())) as ZoneData)];
  for (const replay of replays) {
    for (const [index, [type, name]] of questions.entries()) {
      expect(await outcome(replay, type, name), `${type} ${name}`).toEqual(seen[index]);
    }
  }
}

describe('RecordingResolver', () => {
  test('writes each outcome the zonedata way', async () => {
    const zone = new ZoneResolver({
      'example.com': [{ TXT: ['v=spf1 ', '-all'] }, { A: '192.0.2.1' }, { MX: [10, 'mx.example.com'] }],
      'down.example.com': ['TIMEOUT'],
      'half.example.com': [{ A: '192.0.2.2' }, { TXT: 'TIMEOUT' }],
      '1.2.0.192.in-addr.arpa': [{ PTR: 'example.com' }],
    });
    const recorder = new RecordingResolver(zone);
    const ask = (promise: Promise<unknown>) => promise.catch(() => undefined);
    await ask(recorder.txt('Example.COM.'));
    await ask(recorder.a('example.com'));
    await ask(recorder.mx('example.com'));
    await ask(recorder.aaaa('example.com'));
    await ask(recorder.txt('missing.example.com'));
    await ask(recorder.a('missing.example.com'));
    await ask(recorder.txt('down.example.com'));
    await ask(recorder.a('down.example.com'));
    await ask(recorder.a('half.example.com'));
    await ask(recorder.txt('half.example.com'));
    await ask(recorder.ptr('192.0.2.1'));
    await ask(recorder.ptr('192.0.2.200'));
    await ask(recorder.txt('bad..name'));
    expect(recorder.zoneData()).toEqual({
      'example.com': [{ TXT: ['v=spf1 ', '-all'] }, { A: '192.0.2.1' }, { MX: [10, 'mx.example.com'] }],
      'down.example.com': ['TIMEOUT'],
      'half.example.com': [{ A: '192.0.2.2' }, { TXT: 'TIMEOUT' }],
      '1.2.0.192.in-addr.arpa': [{ PTR: 'example.com' }],
    });
  });

  test('keeps the last outcome of a question asked twice', async () => {
    let flaky = true;
    const zone = new ZoneResolver({ 'example.com': [{ A: '192.0.2.1' }] });
    const recorder = new RecordingResolver({
      txt: (name) => zone.txt(name),
      a: (name) => (flaky ? Promise.reject(new DnsError('TEMPFAIL', 'A', name)) : zone.a(name)),
      aaaa: (name) => zone.aaaa(name),
      mx: (name) => zone.mx(name),
      ptr: (ip) => zone.ptr(ip),
    });
    await recorder.a('example.com').catch(() => undefined);
    expect(recorder.zoneData()).toEqual({ 'example.com': ['TIMEOUT'] });
    flaky = false;
    await recorder.a('example.com');
    expect(recorder.zoneData()).toEqual({ 'example.com': [{ A: '192.0.2.1' }] });
  });

  test('records a copy: a caller changing its answer does not change the recording', async () => {
    const zone = new ZoneResolver({ 'example.com': [{ MX: [10, 'mx.example.com'] }] });
    const recorder = new RecordingResolver(zone);
    const records = await recorder.mx('example.com');
    records[0]!.exchange = 'changed by the caller';
    expect(recorder.zoneData()).toEqual({ 'example.com': [{ MX: [10, 'mx.example.com'] }] });
  });

  test('round-trips the ZoneResolver fixture', async () => {
    const document = parseYaml(readFileSync(fixturePath('zones', 'zone-resolver.yaml'), 'utf8')) as { zonedata: ZoneData };
    await expectRoundTrip(document.zonedata);
  });

  const documents = parseAllDocuments(readFileSync(fixturePath('openspf', 'rfc7208-tests.yml'), 'utf8'));
  const scenarios = (Array.isArray(documents) ? documents : []).map((document) => {
    const data = document.toJS() as { description: string; zonedata: ZoneData };
    return [data.description, data.zonedata] as const;
  });

  test.for(scenarios)('round-trips the openspf zonedata of "%s"', async ([, zonedata]) => {
    await expectRoundTrip(zonedata);
  });
});
