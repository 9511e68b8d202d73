import net from 'node:net';
import { describe, expect, test } from 'vitest';
import { formatProxyHeader } from '../src/proxy/header.js';
import { closedAfterEach } from './helpers/cleanup.js';
import { fixturePath } from './helpers/fixtures.js';
import { eventually, filterWithSink } from './helpers/filter.js';
import { headerLines, messageFrom } from './helpers/messages.js';
import { TestClient } from './helpers/smtp-client.js';

const cleanup = closedAfterEach();

const setup = (overrides: Record<string, unknown>) => filterWithSink(cleanup, overrides);

const tls = (starttls: string) => ({ tls: { starttls, cert: fixturePath('smtpd/tls/cert.pem'), key: fixturePath('smtpd/tls/key.pem') } });

describe('STARTTLS (RFC 3207) with the test certificate', () => {
  test('optional: offered, used, and recorded in our Received field', async () => {
    const { sink, filter } = await setup(tls('optional'));
    const client = await TestClient.connect(filter.port);
    expect((await client.send('EHLO client.example')).lines).toContain('STARTTLS');
    expect((await client.starttls()).code).toBe(220);
    expect((await client.sendMail('alice@sender.example', ['bob@authgate.test'], messageFrom('alice@sender.example'))).code).toBe(250);
    await client.quit();
    const received = headerLines(sink.delivered[0]!.data).find((line) => line.startsWith('Received: from client.example'))!;
    expect(received).toMatch(/with ESMTPS id \S+ \(using TLSv1\.3 with cipher TLS_\w+\) for <bob@authgate\.test>;/);
  });

  test('optional: plaintext clients are still served', async () => {
    const { filter } = await setup(tls('optional'));
    const client = await TestClient.connect(filter.port);
    expect((await client.sendMail('alice@sender.example', ['bob@authgate.test'], messageFrom('alice@sender.example'))).code).toBe(250);
    await client.quit();
  });

  test('required: MAIL FROM before STARTTLS gets 530 5.7.0, after it the mail goes through', async () => {
    const { filter } = await setup(tls('required'));
    const client = await TestClient.connect(filter.port);
    await client.send('EHLO client.example');
    expect(await client.send('MAIL FROM:<alice@sender.example>')).toMatchObject({ code: 530, text: '5.7.0 Must issue a STARTTLS command first' });
    await client.starttls();
    expect((await client.sendMail('alice@sender.example', ['bob@authgate.test'], messageFrom('alice@sender.example'))).code).toBe(250);
    await client.quit();
  });
});

describe('PROXY protocol listeners', () => {
  const proxied = { listen: [{ address: '127.0.0.1:0', proxyProtocol: true }], proxy: { trusted: ['127.0.0.0/8'], timeout: '500ms' } };
  const from = (address: string, version: 1 | 2) => formatProxyHeader({ version, command: 'proxy', source: { address, port: 50000 }, destination: { address: '198.51.100.25', port: 25 } });

  test.for([1, 2] as const)('v%s: SPF sees the client the proxy names', async (version) => {
    const { sink, filter } = await setup(proxied);
    const client = await TestClient.connect(filter.port, { preamble: from('192.0.2.10', version) });
    expect((await client.sendMail('ceo@bank.example', ['bob@authgate.test'], messageFrom('ceo@bank.example'))).code).toBe(250);
    await client.quit();
    const lines = headerLines(sink.delivered[0]!.data);
    expect(lines[0]).toMatch(/spf=pass smtp\.mailfrom=ceo@bank\.example/);
    expect(lines[1]).toMatch(/client-ip=192\.0\.2\.10/);
    await eventually(() => filter.transactions().length > 0);
    expect(filter.transactions()[0]).toMatchObject({ client: { ip: '192.0.2.10', port: 50000 } });
  });

  test('the same sender from loopback fails SPF: the proxied address really is what was checked', async () => {
    const { sink, filter } = await setup(proxied);
    const client = await TestClient.connect(filter.port, { preamble: from('127.0.0.1', 2) });
    expect((await client.sendMail('ceo@bank.example', ['bob@authgate.test'], messageFrom('ceo@bank.example'))).code).toBe(250);
    await client.quit();
    expect(headerLines(sink.delivered[0]!.data)[0]).toMatch(/spf=fail smtp\.mailfrom=ceo@bank\.example/);
  });

  test('a connection without a header, or with garbage, is dropped before any SMTP', async () => {
    const { filter } = await setup(proxied);
    const client = await TestClient.connect(filter.port, { preamble: Buffer.from('EHLO client.example\r\n'), noGreeting: true });
    await client.closedByServer();
    expect(client.greeting).toBeUndefined();
  });

  test('a peer that is not a trusted proxy is dropped', async () => {
    const { filter } = await setup({ ...proxied, proxy: { trusted: ['10.0.0.0/8'] } });
    const socket = net.connect(filter.port, '127.0.0.1');
    socket.on('error', () => undefined);
    socket.write(from('192.0.2.10', 1));
    const received: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => received.push(chunk));
    await new Promise((resolve) => socket.once('close', resolve));
    expect(Buffer.concat(received).length).toBe(0);
  });
});
