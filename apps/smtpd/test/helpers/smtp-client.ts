import net from 'node:net';
import tls from 'node:tls';

/** A reply as the test sees it: the code and every line's text, the enhanced code included. */
export interface TestReply {
  code: number;
  /** Lines without the `NNN-`/`NNN ` prefix. */
  lines: string[];
  /** The last line, e.g. `5.7.1 <a@b>: Relay access denied`. */
  text: string;
}

/**
 * A deliberately raw SMTP client for the tests: it writes exactly the bytes it is told to (so
 * pipelining, PROXY headers, over-long lines and half-sent messages can be tested) and reads
 * replies one at a time.
 */
export class TestClient {
  #socket: net.Socket;
  #buffer = '';
  #replies: TestReply[] = [];
  #waiters: Array<(reply: TestReply | undefined) => void> = [];
  #closed = false;
  greeting: TestReply | undefined;

  private constructor(socket: net.Socket) {
    this.#socket = socket;
    this.#attach(socket);
  }

  /** Connects; with `preamble` (a PROXY header) written first. Waits for the greeting unless `noGreeting`. */
  static async connect(port: number, options: { host?: string; preamble?: Buffer; noGreeting?: boolean } = {}): Promise<TestClient> {
    const socket = net.connect(port, options.host ?? '127.0.0.1');
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    const client = new TestClient(socket);
    if (options.preamble !== undefined) socket.write(options.preamble);
    if (options.noGreeting !== true) client.greeting = await client.reply();
    return client;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Writes a command line and waits for its reply. */
  async send(line: string): Promise<TestReply> {
    this.write(`${line}\r\n`);
    return this.reply();
  }

  write(bytes: string | Buffer): void {
    this.#socket.write(bytes);
  }

  /** The next reply; rejects when the connection closes first. */
  async reply(): Promise<TestReply> {
    const next = this.#replies.shift();
    if (next !== undefined) return next;
    if (this.#closed) throw new Error(`connection closed (buffered: ${JSON.stringify(this.#buffer)})`);
    const reply = await new Promise<TestReply | undefined>((resolve) => this.#waiters.push(resolve));
    if (reply === undefined) throw new Error('connection closed before a reply');
    return reply;
  }

  /** EHLO, then MAIL/RCPT/DATA of one message; resolves to the final reply (or the first refusal). */
  async sendMail(from: string, to: string[], message: Buffer | string, options: { ehlo?: string; mailParameters?: string } = {}): Promise<TestReply> {
    const ehlo = await this.send(`EHLO ${options.ehlo ?? 'client.example'}`);
    if (ehlo.code !== 250) return ehlo;
    const mail = await this.send(`MAIL FROM:<${from}>${options.mailParameters ?? ''}`);
    if (mail.code !== 250) return mail;
    let accepted = 0;
    let refusal: TestReply | undefined;
    for (const address of to) {
      const rcpt = await this.send(`RCPT TO:<${address}>`);
      if (rcpt.code === 250) accepted++;
      else refusal ??= rcpt;
    }
    if (accepted === 0) return refusal!;
    return this.data(message);
  }

  /**
   * EHLO, MAIL and RCPT of one message, then DATA alone: resolves to the reply to DATA, so a test
   * can go on to write (part of) the message itself.
   */
  async openData(from: string, to: string): Promise<TestReply> {
    await this.send('EHLO client.example');
    await this.send(`MAIL FROM:<${from}>`);
    await this.send(`RCPT TO:<${to}>`);
    return this.send('DATA');
  }

  /** DATA, the dot-stuffed message and the final dot; resolves to the final reply. */
  async data(message: Buffer | string): Promise<TestReply> {
    const go = await this.send('DATA');
    if (go.code !== 354) return go;
    this.write(Buffer.concat([dotStuff(Buffer.from(message)), Buffer.from('.\r\n')]));
    return this.reply();
  }

  /** STARTTLS and the handshake (the test certificate is self-signed). */
  async starttls(): Promise<TestReply> {
    const reply = await this.send('STARTTLS');
    if (reply.code !== 220) return reply;
    const plain = this.#socket;
    plain.removeAllListeners('data');
    const secure = tls.connect({ socket: plain, rejectUnauthorized: false, servername: 'mx.authgate.test' });
    await new Promise<void>((resolve, reject) => {
      secure.once('secureConnect', resolve);
      secure.once('error', reject);
    });
    this.#socket = secure;
    this.#attach(secure);
    return reply;
  }

  /** Waits until the server closes the connection. */
  async closedByServer(): Promise<void> {
    if (this.#closed) return;
    await new Promise((resolve) => this.#socket.once('close', resolve));
  }

  async quit(): Promise<void> {
    if (this.#closed) return;
    this.write('QUIT\r\n');
    await this.closedByServer();
  }

  destroy(): void {
    this.#socket.destroy();
  }

  #attach(socket: net.Socket): void {
    socket.on('data', (chunk: Buffer) => this.#onData(chunk));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      this.#closed = true;
      for (const waiter of this.#waiters.splice(0)) waiter(undefined);
    });
  }

  #onData(chunk: Buffer): void {
    this.#buffer += chunk.toString('utf8');
    let lines: string[] = [];
    for (let end = this.#buffer.indexOf('\r\n'); end !== -1; end = this.#buffer.indexOf('\r\n')) {
      const line = this.#buffer.slice(0, end);
      this.#buffer = this.#buffer.slice(end + 2);
      lines.push(line);
      if (/^\d{3} /.test(line) || /^\d{3}$/.test(line)) {
        this.#deliver({ code: Number(line.slice(0, 3)), lines: lines.map((l) => l.slice(4)), text: line.slice(4) });
        lines = [];
      }
    }
    if (lines.length > 0) this.#buffer = `${lines.map((l) => `${l}\r\n`).join('')}${this.#buffer}`;
  }

  #deliver(reply: TestReply): void {
    const waiter = this.#waiters.shift();
    if (waiter !== undefined) waiter(reply);
    else this.#replies.push(reply);
  }
}

/** RFC 5321 §4.5.2: a leading dot is doubled. */
export function dotStuff(message: Buffer): Buffer {
  const text = message.toString('latin1');
  const stuffed = text.replace(/(^|\r\n)\./g, '$1..');
  const ended = stuffed.endsWith('\r\n') ? stuffed : `${stuffed}\r\n`;
  return Buffer.from(ended, 'latin1');
}
