import net from 'node:net';
import fc from 'fast-check';
import { afterEach, describe, expect, test } from 'vitest';
import { readProxyHeader } from '../src/proxy/accept.js';
import { formatProxyHeader, parseProxyHeader, V2_SIGNATURE, type ProxyHeader } from '../src/proxy/header.js';

const latin1 = (text: string) => Buffer.from(text, 'latin1');

/** A v2 header from its parts: version/command byte, family byte, address block. */
function v2(versionCommand: number, family: number, block: number[]): Buffer {
  const length = Buffer.alloc(2);
  length.writeUInt16BE(block.length);
  return Buffer.concat([V2_SIGNATURE, Buffer.from([versionCommand, family]), length, Buffer.from(block)]);
}

const inet4Block = [192, 0, 2, 1, 198, 51, 100, 7, 0xd4, 0x31, 0x00, 0x19];

describe('parseProxyHeader', () => {
  test.for([
    ['v1 TCP4', 'PROXY TCP4 192.0.2.1 198.51.100.7 54321 25\r\n', { version: 1, command: 'proxy', source: { address: '192.0.2.1', port: 54321 }, destination: { address: '198.51.100.7', port: 25 } }],
    ['v1 TCP6', 'PROXY TCP6 2001:db8::1 2001:db8::25 40000 25\r\n', { version: 1, command: 'proxy', source: { address: '2001:db8::1', port: 40000 }, destination: { address: '2001:db8::25', port: 25 } }],
    ['v1 UNKNOWN keeps the real endpoints (§2.1)', 'PROXY UNKNOWN\r\n', { version: 1, command: 'proxy' }],
    ['v1 UNKNOWN with ignored text', 'PROXY UNKNOWN ffff::1 ffff::2 1 2\r\n', { version: 1, command: 'proxy' }],
  ] as const)('reads %s', ([, text, header]) => {
    expect(parseProxyHeader(latin1(text))).toEqual({ status: 'ok', header, length: text.length });
  });

  test.for([
    ['v2 PROXY TCP over IPv4', v2(0x21, 0x11, inet4Block), { version: 2, command: 'proxy', source: { address: '192.0.2.1', port: 54321 }, destination: { address: '198.51.100.7', port: 25 } }],
    ['v2 LOCAL (a health check of the proxy itself)', v2(0x20, 0x00, []), { version: 2, command: 'local' }],
    ['v2 LOCAL skips whatever address block it has', v2(0x20, 0x11, inet4Block), { version: 2, command: 'local' }],
    ['v2 UNSPEC keeps the real endpoints', v2(0x21, 0x00, []), { version: 2, command: 'proxy' }],
    ['v2 with TLVs after the addresses', v2(0x21, 0x11, [...inet4Block, 0x01, 0x00, 0x02, 0x68, 0x32]), { version: 2, command: 'proxy', source: { address: '192.0.2.1', port: 54321 }, destination: { address: '198.51.100.7', port: 25 } }],
    ['v2 IPv4-mapped IPv6 source is the IPv4 client', v2(0x21, 0x21, [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 192, 0, 2, 9, ...Array(15).fill(0), 1, 0, 25, 0, 25]), { version: 2, command: 'proxy', source: { address: '192.0.2.9', port: 25 }, destination: { address: '::1', port: 25 } }],
  ] as const)('reads %s', ([, bytes, header]) => {
    expect(parseProxyHeader(bytes)).toEqual({ status: 'ok', header, length: bytes.length });
  });

  test.for([
    ['SMTP instead of a header', 'EHLO client.example\r\n'],
    ['lower-case proxy', 'proxy TCP4 192.0.2.1 198.51.100.7 1 25\r\n'],
    ['an unknown protocol', 'PROXY UDP4 192.0.2.1 198.51.100.7 1 25\r\n'],
    ['an IPv6 address under TCP4', 'PROXY TCP4 2001:db8::1 198.51.100.7 1 25\r\n'],
    ['a port over 65535', 'PROXY TCP4 192.0.2.1 198.51.100.7 65536 25\r\n'],
    ['a port with a leading zero', 'PROXY TCP4 192.0.2.1 198.51.100.7 025 25\r\n'],
    ['a missing field', 'PROXY TCP4 192.0.2.1 198.51.100.7 25\r\n'],
    ['two spaces', 'PROXY TCP4  192.0.2.1 198.51.100.7 1 25\r\n'],
    ['a line longer than 107 bytes', `PROXY UNKNOWN ${'x'.repeat(100)}\r\n`],
  ] as const)('refuses v1 %s', ([, text]) => {
    expect(parseProxyHeader(latin1(text)).status).toBe('invalid');
  });

  test.for([
    ['version 1 in a v2 header', v2(0x11, 0x11, inet4Block)],
    ['an unknown command', v2(0x22, 0x11, inet4Block)],
    ['an address block too short for IPv4', v2(0x21, 0x11, inet4Block.slice(0, 8))],
    ['an unknown family', v2(0x21, 0x51, inet4Block)],
  ] as const)('refuses v2 %s', ([, bytes]) => {
    expect(parseProxyHeader(bytes).status).toBe('invalid');
  });

  test('waits for more bytes while a header may still come', () => {
    const full = v2(0x21, 0x11, inet4Block);
    for (let cut = 0; cut < full.length; cut++) expect(parseProxyHeader(full.subarray(0, cut)).status).toBe('incomplete');
    const line = latin1('PROXY TCP4 192.0.2.1 198.51.100.7 54321 25\r\n');
    for (let cut = 0; cut < line.length - 1; cut++) expect(parseProxyHeader(line.subarray(0, cut)).status).toBe('incomplete');
  });

  test('refuses garbage as soon as it cannot be a header', () => {
    expect(parseProxyHeader(latin1('E')).status).toBe('invalid');
    expect(parseProxyHeader(Buffer.from([0x0d, 0x0a, 0x0d, 0x00])).status).toBe('invalid');
  });

  test('never throws, and never claims more bytes than it was given', () => {
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 300 }), fc.uint8Array({ maxLength: 64 }).map((tail) => Buffer.concat([V2_SIGNATURE, tail])), fc.string({ maxLength: 120 }).map((s) => latin1(`PROXY ${s}`))), (bytes) => {
        const parsed = parseProxyHeader(Buffer.from(bytes));
        if (parsed.status === 'ok') expect(parsed.length).toBeLessThanOrEqual(bytes.length);
      }),
      { numRuns: 2000 },
    );
  });

  test('format then parse gives the header back, for v1 and v2, IPv4 and IPv6', () => {
    const port = fc.integer({ min: 0, max: 65535 });
    const endpoints = fc.oneof(
      fc.tuple(fc.ipV4(), fc.ipV4()),
      fc.tuple(fc.ipV6(), fc.ipV6()).map(([a, b]) => [canonical(a), canonical(b)] as const).filter(([a, b]) => !a.startsWith('::ffff:') && !b.startsWith('::ffff:')),
    );
    fc.assert(
      fc.property(fc.constantFrom(1 as const, 2 as const), endpoints, port, port, (version, [source, destination], sourcePort, destinationPort) => {
        const header: ProxyHeader = { version, command: 'proxy', source: { address: source, port: sourcePort }, destination: { address: destination, port: destinationPort } };
        const bytes = formatProxyHeader(header);
        expect(parseProxyHeader(Buffer.concat([bytes, latin1('EHLO x\r\n')]))).toEqual({ status: 'ok', header, length: bytes.length });
      }),
      { numRuns: 500 },
    );
  });
});

/** fast-check writes IPv6 in several forms; the parser answers the RFC 5952 one. */
function canonical(address: string): string {
  return new URL(`http://[${address}]`).hostname.slice(1, -1);
}

describe('readProxyHeader on a socket', () => {
  const servers: net.Server[] = [];
  afterEach(() => {
    for (const server of servers.splice(0)) server.close();
  });

  async function connectPair(): Promise<{ client: net.Socket; server: net.Socket }> {
    const accepted = new Promise<net.Socket>((resolve) => {
      const server = net.createServer(resolve);
      servers.push(server);
      server.listen(0, '127.0.0.1');
    });
    const server = servers[servers.length - 1]!;
    await new Promise((resolve) => server.once('listening', resolve));
    const client = net.connect((server.address() as net.AddressInfo).port, '127.0.0.1');
    return { client, server: await accepted };
  }

  test('leaves the bytes after the header to the SMTP session, even across chunks', async () => {
    const { client, server } = await connectPair();
    const header = formatProxyHeader({ version: 2, command: 'proxy', source: { address: '203.0.113.5', port: 4000 }, destination: { address: '192.0.2.25', port: 25 } });
    const outcome = readProxyHeader(server, 1_000);
    client.write(header.subarray(0, 5));
    await new Promise((resolve) => setTimeout(resolve, 20));
    client.write(Buffer.concat([header.subarray(5), latin1('EHLO client.example\r\n')]));
    await expect(outcome).resolves.toMatchObject({ ok: true, remoteAddress: '203.0.113.5', remotePort: 4000 });
    const rest = await new Promise<Buffer>((resolve) => server.once('data', resolve));
    expect(rest.toString('latin1')).toBe('EHLO client.example\r\n');
    client.destroy();
  });

  test('a LOCAL header keeps the socket peer as the client', async () => {
    const { client, server } = await connectPair();
    const outcome = readProxyHeader(server, 1_000);
    client.write(formatProxyHeader({ version: 2, command: 'local' }));
    await expect(outcome).resolves.toMatchObject({ ok: true, remoteAddress: '127.0.0.1' });
    client.destroy();
  });

  test.for([
    ['garbage', (client: net.Socket) => client.write('GET / HTTP/1.0\r\n'), 'proxy-invalid'],
    ['silence', () => undefined, 'proxy-timeout'],
    ['a close before the header', (client: net.Socket) => client.end('PROXY TCP4'), 'proxy-closed'],
  ] as const)('gives up on %s', async ([, act, code]) => {
    const { client, server } = await connectPair();
    const outcome = readProxyHeader(server, 200);
    act(client);
    await expect(outcome).resolves.toMatchObject({ ok: false, problem: { code } });
    client.destroy();
    server.destroy();
  });
});
