import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

/** A server started by a benchmark child: where it listens and how to stop it. */
export interface RunningServer {
  port: number;
  close(): Promise<void>;
}

/**
 * The downstream server of both sides of the benchmark: smtp-server accepting every message and
 * discarding its bytes as they arrive, so that it costs the same whoever relays to it and never
 * holds a message in memory.
 */
export async function startSink(): Promise<RunningServer> {
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    disableReverseLookup: true,
    logger: false,
    onData(stream, _session, callback) {
      stream.on('end', () => callback(null, 'Ok: discarded'));
      stream.resume();
    },
  });
  server.on('error', () => undefined);
  return listen(server);
}

/** Binds an smtp-server to a free loopback port. */
export async function listen(server: SMTPServer): Promise<RunningServer> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.server.address() as AddressInfo).port,
    close: () => new Promise<void>((resolve) => {
      for (const connection of server.connections) connection.close();
      server.close(() => resolve());
    }),
  };
}
