import { createSocket } from 'node:dgram';
import { createServer } from 'node:net';

type Release = () => Promise<void>;

/** Whether this machine can bind the IPv6 loopback (containers often run without IPv6). */
export async function ipv6LoopbackAvailable(): Promise<boolean> {
  try {
    await (await bindUdp(0, '::1'))();
    return true;
  } catch {
    return false;
  }
}

/**
 * A port that is free for both UDP and TCP on every one of `hosts`, as a DNS server needs both
 * (RFC 1035 §4.2). The kernel picks a TCP port on the first host and the rest are tried on it;
 * another process may still take it before the server binds, so callers retry on "in use".
 */
export async function freePort(hosts: string[], attempts = 20): Promise<number> {
  for (let attempt = 0; attempt < attempts; attempt++) {
    const held: Release[] = [];
    try {
      const first = await listenTcp(0, hosts[0]!);
      held.push(first.release);
      for (const [index, host] of hosts.entries()) {
        if (index > 0) held.push((await listenTcp(first.port, host)).release);
        held.push(await bindUdp(first.port, host));
      }
      return first.port;
    } catch {
      // Taken on one of the hosts or protocols: try another port.
    } finally {
      await Promise.all(held.map((release) => release()));
    }
  }
  throw new Error(`testkit: no port free for UDP and TCP on ${hosts.join(', ')}`);
}

function listenTcp(port: number, host: string): Promise<{ port: number; release: Release }> {
  const server = createServer();
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      const release = () => new Promise<void>((done) => server.close(() => done()));
      resolve({ port: (server.address() as { port: number }).port, release });
    });
  });
}

function bindUdp(port: number, host: string): Promise<Release> {
  const socket = createSocket(host.includes(':') ? 'udp6' : 'udp4');
  return new Promise((resolve, reject) => {
    socket.once('error', (error) => {
      try {
        socket.close();
      } catch {
        // Never bound, nothing to release.
      }
      reject(error);
    });
    socket.bind(port, host, () => resolve(() => new Promise<void>((done) => socket.close(() => done()))));
  });
}
