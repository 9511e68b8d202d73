import SMTPConnection from 'nodemailer/lib/smtp-connection';
import { SMTPServer, type SMTPServerDataStream, type SMTPServerEnvelope } from 'smtp-server';
import { listen, type RunningServer } from './smtp-sink.js';

/**
 * The baseline: the least a relay must do, with the same two libraries the filter is built on and
 * no authgate at all. smtp-server receives; at the end of the envelope each message streams
 * straight into nodemailer's `send()` on a reused downstream session, and the client hears the
 * downstream's answer. No spool, no verification, no header changes, no logging: whatever the
 * filter costs beyond this is the price of what it adds.
 */
export async function startBareRelay(downstreamPort: number, maxMessageSize: number): Promise<RunningServer> {
  const pool = new SessionPool(downstreamPort);
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    disableReverseLookup: true,
    size: maxMessageSize,
    logger: false,
    onData(stream, session, callback) {
      relay(pool, session.envelope, stream).then((text) => callback(null, text), (error: Error) => callback(error));
    },
  });
  server.on('error', () => undefined);
  const running = await listen(server);
  return {
    port: running.port,
    close: async () => {
      pool.close();
      await running.close();
    },
  };
}

async function relay(pool: SessionPool, envelope: SMTPServerEnvelope, stream: SMTPServerDataStream): Promise<string> {
  let connection: SMTPConnection;
  try {
    connection = await pool.acquire();
  } catch (error) {
    throw temporary(`downstream unavailable: ${(error as Error).message}`);
  }
  const from = envelope.mailFrom === false ? '' : envelope.mailFrom.address;
  const to = envelope.rcptTo.map((recipient) => recipient.address);
  return new Promise((resolve, reject) => {
    connection.send({ from, to }, stream, (error, info) => {
      if (error !== null) {
        connection.close();
        stream.unpipe();
        stream.resume();
        reject(temporary(`downstream failed: ${error.message}`));
        return;
      }
      pool.release(connection);
      resolve(`Ok: relayed, downstream said: ${info.response}`);
    });
  });
}

function temporary(message: string): Error {
  return Object.assign(new Error(message), { responseCode: 451 });
}

/** Downstream sessions kept open between messages (any number of them: the baseline has no limits). */
class SessionPool {
  readonly #port: number;
  readonly #idle: SMTPConnection[] = [];

  constructor(port: number) {
    this.#port = port;
  }

  async acquire(): Promise<SMTPConnection> {
    for (let idle = this.#idle.pop(); idle !== undefined; idle = this.#idle.pop()) {
      if (!idle.destroyed) return idle;
    }
    const connection = new SMTPConnection({ host: '127.0.0.1', port: this.#port, ignoreTLS: true, logger: false });
    connection.on('error', () => connection.close());
    await new Promise<void>((resolve, reject) => connection.connect((error) => (error ? reject(error) : resolve())));
    return connection;
  }

  release(connection: SMTPConnection): void {
    this.#idle.push(connection);
  }

  close(): void {
    for (const connection of this.#idle.splice(0)) connection.quit();
  }
}
