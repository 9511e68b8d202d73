import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerSession } from 'smtp-server';
import { fixturePath } from './fixtures.js';

/** A message the sink accepted, with what it knew of the session. */
export interface Delivered {
  from: string;
  to: string[];
  data: Buffer;
  /** The client address the sink believes in (XCLIENT/XFORWARD change it). */
  remoteAddress: string;
  xclient: Map<string, string | number | false>;
  xforward: Map<string, string | number | false>;
  secure: boolean;
  session: string;
}

/** A reply the sink gives instead of accepting: `{ code, text }` or a behaviour. */
export type SinkReply = { code: number; text: string } | 'hang' | 'close' | undefined;

export interface SinkOptions {
  /** Refuse some recipients. */
  rcpt?: (address: string) => SinkReply;
  /** Refuse some senders. */
  mail?: (address: string) => SinkReply;
  /** Decide on the message once received (after reading it all). */
  data?: (message: Buffer) => SinkReply;
  tls?: boolean;
  xclient?: boolean;
  xforward?: boolean;
  maxRecipients?: number;
  /** Announce no SMTPUTF8 (RFC 6531) / no 8BITMIME (RFC 6152) in the EHLO reply. */
  hideSmtpUtf8?: boolean;
  hide8BitMime?: boolean;
  /** Announce no PIPELINING (RFC 2920): the filter must then wait for each reply before the next command. */
  hidePipelining?: boolean;
}

export interface Sink {
  port: number;
  delivered: Delivered[];
  /** Sessions opened by the filter. */
  sessions: number;
  /** Sessions open now. */
  openSessions(): number;
  close(): Promise<void>;
}

/** The downstream server of the in-process tests: smtp-server, recording what it accepts. */
export async function startSink(options: SinkOptions = {}): Promise<Sink> {
  const delivered: Delivered[] = [];
  const sink = { port: 0, delivered, sessions: 0, openSessions: () => 0, close: async () => undefined } as Sink;
  const server: SMTPServer = new SMTPServer({
    authOptional: true,
    disabledCommands: options.tls === true ? ['AUTH'] : ['AUTH', 'STARTTLS'],
    ...(options.tls === true && { key: readFileSync(fixturePath('smtpd/tls/key.pem')), cert: readFileSync(fixturePath('smtpd/tls/cert.pem')) }),
    hideENHANCEDSTATUSCODES: false,
    useXClient: options.xclient === true,
    useXForward: options.xforward === true,
    disableReverseLookup: true,
    logger: false,
    ...(options.maxRecipients !== undefined && { maxRecipients: options.maxRecipients }),
    hideSMTPUTF8: options.hideSmtpUtf8 === true,
    hide8BITMIME: options.hide8BitMime === true,
    hidePIPELINING: options.hidePipelining === true,
    onConnect(_session, callback) {
      sink.sessions++;
      callback();
    },
    onMailFrom(address, session, callback) {
      act(options.mail?.(address.address), session, callback, server);
    },
    onRcptTo(address, session, callback) {
      act(options.rcpt?.(address.address), session, callback, server);
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const data = Buffer.concat(chunks);
        const verdict = options.data?.(data);
        if (verdict === undefined) {
          delivered.push({
            from: session.envelope.mailFrom === false ? '' : session.envelope.mailFrom.address,
            to: session.envelope.rcptTo.map((r) => r.address),
            data,
            remoteAddress: session.remoteAddress,
            xclient: new Map(session.xClient),
            xforward: new Map(session.xForward),
            secure: session.secure,
            session: session.id,
          });
          callback(null, `Ok: queued as SINK${delivered.length}`);
          return;
        }
        act(verdict, session, callback, server);
      });
    },
  });
  server.on('error', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  sink.port = (server.server.address() as AddressInfo).port;
  sink.openSessions = () => server.connections.size;
  sink.close = () => new Promise<void>((resolve) => {
    for (const connection of server.connections) connection.close();
    server.close(() => resolve());
  });
  return sink;
}

function act(reply: SinkReply, session: SMTPServerSession, callback: (error?: Error | null) => void, server: SMTPServer): void {
  if (reply === undefined) return callback();
  if (reply === 'hang') return;
  if (reply === 'close') {
    for (const connection of server.connections) if (connection.session.id === session.id) connection._socket.destroy();
    return;
  }
  callback(Object.assign(new Error(reply.text), { responseCode: reply.code }));
}
