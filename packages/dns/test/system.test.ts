import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { CARES_CODES, DnsError, SystemResolver, type RecordType } from '../src/index.js';
import { classifyCaresError } from '../src/cares-codes.js';
import { startFakeDns, startSilentPort, TYPE, type FakeDns, type FakeReply } from './support/fake-dns.js';

/** What the scripted server answers, by the first label of the question. */
const SCRIPT: Record<string, FakeReply> = {
  txt: { records: [{ type: 'TXT', strings: ['v=spf1 ', 'include:example.net -all'] }, { type: 'TXT', strings: ['second'] }] },
  octets: { records: [{ type: 'TXT', strings: ['\u00ef\u00bb\u00bfx', '\u0096'] }] },
  a: { records: [{ type: 'A', address: '192.0.2.1', ttl: 300 }, { type: 'A', address: '192.0.2.2', ttl: 120 }] },
  aaaa: { records: [{ type: 'AAAA', address: '2001:db8:0:0:0:0:0:1', ttl: 60 }] },
  mx: { records: [{ type: 'MX', priority: 10, exchange: 'mx.example.com', ttl: 300 }] },
  nullmx: { records: [{ type: 'MX', priority: 0, exchange: '' }] },
  cname: { records: [{ type: 'CNAME', target: 'elsewhere.example' }] },
  nxdomain: { rcode: 3 },
  nodata: { rcode: 0 },
  formerr: { rcode: 1 },
  servfail: { rcode: 2 },
  notimp: { rcode: 4 },
  refused: { rcode: 5 },
  silent: { drop: true },
};

describe('SystemResolver against a scripted server on 127.0.0.1', () => {
  let server: FakeDns;
  let resolver: SystemResolver;

  beforeAll(async () => {
    server = await startFakeDns((question) => {
      if (question.type === TYPE.PTR) return { records: [{ type: 'PTR', target: 'host.example.com' }] };
      return SCRIPT[question.name.split('.')[0]!] ?? { rcode: 3 };
    });
    resolver = new SystemResolver({ servers: [server.address], timeoutMs: 100, tries: 1 });
  });
  afterAll(() => server.close());

  async function outcome(type: RecordType, name: string): Promise<unknown> {
    try {
      return await resolver.lookup(type, name);
    } catch (error) {
      return error instanceof DnsError ? error.code : error;
    }
  }

  test.for([
    ['TXT', 'txt.example', { records: [['v=spf1 ', 'include:example.net -all'], ['second']] }, 'character-strings unjoined, every record'],
    ['TXT', 'octets.example', { records: [['\u00ef\u00bb\u00bfx', '\u0096']] }, 'TXT octets come back one character per octet'],
    ['A', 'a.example', { records: ['192.0.2.1', '192.0.2.2'], ttl: 120 }, 'A with the smallest TTL of the set'],
    ['AAAA', 'aaaa.example', { records: ['2001:db8::1'], ttl: 60 }, 'AAAA compressed, with TTL'],
    ['MX', 'mx.example', { records: [{ priority: 10, exchange: 'mx.example.com' }] }, 'MX'],
    ['MX', 'nullmx.example', { records: [{ priority: 0, exchange: '' }] }, 'null MX (RFC 7505)'],
    ['PTR', '192.0.2.7', { records: ['host.example.com'] }, 'PTR'],
    ['TXT', 'cname.example', 'NODATA', 'an answer with only a CNAME and nothing of the type'],
    ['TXT', 'nxdomain.example', 'NXDOMAIN', 'RCODE 3'],
    ['TXT', 'nodata.example', 'NODATA', 'RCODE 0, empty answer'],
    ['TXT', 'formerr.example', 'TEMPFAIL', 'RCODE 1 (RFC 7208 §4.4)'],
    ['TXT', 'servfail.example', 'TEMPFAIL', 'RCODE 2'],
    ['TXT', 'notimp.example', 'TEMPFAIL', 'RCODE 4'],
    ['A', 'refused.example', 'TEMPFAIL', 'RCODE 5'],
    ['TXT', 'silent.example', 'TEMPFAIL', 'no reply at all'],
  ] as const)('%s %s -> %j (%s)', async ([type, name, expected]) => {
    expect(await outcome(type, name)).toEqual(expected);
  });

  test('asks exactly the name, lower-cased, without search domains', async () => {
    server.questions.length = 0;
    await resolver.txt('TXT.Example.');
    await resolver.txt('txt');
    expect(server.questions.map((question) => [question.type, question.name])).toEqual([
      [TYPE.TXT, 'txt.example'],
      [TYPE.TXT, 'txt'],
    ]);
  });

  test('asks PTR of the reverse name through DNS, never /etc/hosts', async () => {
    server.questions.length = 0;
    expect(await resolver.ptr('127.0.0.1')).toEqual(['host.example.com']);
    expect(await resolver.ptr('::1')).toEqual(['host.example.com']);
    expect(server.questions.map((question) => question.name)).toEqual([
      '1.0.0.127.in-addr.arpa',
      `1.${'0.'.repeat(31)}ip6.arpa`,
    ]);
  });

  test('has no hidden cache: the same question twice is two packets (c-ares qcache is off)', async () => {
    server.questions.length = 0;
    await resolver.a('a.example');
    await resolver.a('a.example');
    await expect(resolver.txt('nxdomain.example')).rejects.toThrow(DnsError);
    await expect(resolver.txt('nxdomain.example')).rejects.toThrow(DnsError);
    await expect(resolver.txt('nodata.example')).rejects.toThrow(DnsError);
    await expect(resolver.txt('nodata.example')).rejects.toThrow(DnsError);
    expect(server.questions.map((question) => question.name)).toEqual([
      'a.example', 'a.example', 'nxdomain.example', 'nxdomain.example', 'nodata.example', 'nodata.example',
    ]);
  });

  test.for([
    ['a\0b.example', 'a NUL would end the name early in c-ares'],
    ['a\\066c.example', 'a backslash would start a c-ares escape'],
    ['xn--zz.example', 'Node would turn an invalid A-label into the root name'],
    ['bücher.example', 'a U-label'],
    ['a..example', 'an empty label'],
    [`${'a'.repeat(64)}.example`, 'a label over 63 octets'],
    ['txt example', 'a character c-ares refuses (EBADNAME)'],
  ] as const)('%j is INVALID_NAME and never sent (%s)', async ([name]) => {
    server.questions.length = 0;
    await expect(resolver.txt(name)).rejects.toMatchObject({ code: 'INVALID_NAME', hostname: name });
    expect(server.questions).toEqual([]);
  });

  test('a valid A-label is sent as it is', async () => {
    server.questions.length = 0;
    await expect(resolver.txt('xn--bcher-kva.example')).rejects.toMatchObject({ code: 'NXDOMAIN' });
    expect(server.questions.map((question) => question.name)).toEqual(['xn--bcher-kva.example']);
  });

  test('the error keeps the name as asked and the c-ares error as its cause', async () => {
    const error = await resolver.txt('NXDOMAIN.example').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DnsError);
    expect(error).toMatchObject({ code: 'NXDOMAIN', rrtype: 'TXT', hostname: 'NXDOMAIN.example' });
    expect((error as DnsError).cause).toMatchObject({ code: 'ENOTFOUND' });
  });

  test('cancel() ends the queries in flight with TEMPFAIL', async () => {
    const pending = resolver.txt('silent.example');
    resolver.cancel();
    await expect(pending).rejects.toMatchObject({ code: 'TEMPFAIL' });
    expect(await resolver.a('a.example')).toEqual(['192.0.2.1', '192.0.2.2']);
  });
});

describe('SystemResolver without an answering server', () => {
  test('a port where nothing listens is a TEMPFAIL', async () => {
    const silent = await startSilentPort();
    const address = silent.address;
    await silent.close();
    const resolver = new SystemResolver({ servers: [address], timeoutMs: 100, tries: 1 });
    await expect(resolver.txt('example.com')).rejects.toMatchObject({ code: 'TEMPFAIL' });
  });

  test('a server that never answers is a TEMPFAIL after every try', async () => {
    const silent = await startSilentPort();
    try {
      const resolver = new SystemResolver({ servers: [silent.address], timeoutMs: 50, tries: 2 });
      await expect(resolver.mx('example.com')).rejects.toMatchObject({ code: 'TEMPFAIL', cause: { code: 'ETIMEOUT' } });
    } finally {
      await silent.close();
    }
  });
});

describe('SystemResolver options', () => {
  test('takes IPv4 and IPv6 servers with and without ports', () => {
    const resolver = new SystemResolver({ servers: ['192.0.2.53', '192.0.2.54:5353', '2001:db8::53', '[2001:db8::54]:5353'] });
    expect(resolver.servers).toEqual(['192.0.2.53', '192.0.2.54:5353', '2001:db8::53', '[2001:db8::54]:5353']);
  });

  test.for([
    [{ servers: ['dns.example.com'] }, /IP addresses/, 'a host name is not a server address'],
    [{ servers: [] }, /non-empty/, 'no servers'],
    [{ timeoutMs: 0 }, /timeoutMs/, 'a zero timeout'],
    [{ tries: 1.5 }, /tries/, 'fractional tries'],
  ] as const)('refuses %j (%s)', ([options, message]) => {
    expect(() => new SystemResolver(options as never)).toThrow(message);
  });
});

describe('the c-ares error table', () => {
  test.for(Object.entries(CARES_CODES))('%s -> %s', ([code, expected]) => {
    expect(classifyCaresError(Object.assign(new Error(code), { code }), 'TXT', 'x.example').code).toBe(expected);
  });

  test.for([
    [{ code: 'ESOMETHINGNEW' }, 'a code c-ares may add later'],
    [{ code: 'toString' }, 'a code that is an Object.prototype key'],
    [new Error('no code'), 'an error without a code'],
    ['a string', 'not even an error'],
  ] as const)('anything else is TEMPFAIL: %j (%s)', ([error]) => {
    expect(classifyCaresError(error, 'TXT', 'x.example').code).toBe('TEMPFAIL');
  });
});
