import type net from 'node:net';
import { problem, type SmtpdProblem } from '../errors.js';
import { clientIpText } from '../net/network-list.js';
import { parseProxyHeader, type ProxyHeader } from './header.js';

/** The longest header accepted: a v2 header with the largest length field (v2 §2.2). */
const MAX_HEADER_BYTES = 16 + 0xffff;

export type ProxyOutcome =
  | { ok: true; header: ProxyHeader; remoteAddress: string; remotePort: number }
  | { ok: false; problem: SmtpdProblem };

/**
 * Reads the PROXY header that opens a connection from a trusted proxy, leaving every byte after
 * it in the socket for the SMTP session. The client address is the header's source, or the
 * socket's own peer for `LOCAL`/`UNKNOWN` headers (v1 §2.1, v2 §2.2).
 */
export function readProxyHeader(socket: net.Socket, timeoutMs: number): Promise<ProxyOutcome> {
  return new Promise((resolve) => {
    let buffered = Buffer.alloc(0);
    const finish = (outcome: ProxyOutcome) => {
      clearTimeout(timer);
      socket.off('readable', onReadable);
      socket.off('close', onClose);
      socket.off('error', onClose);
      resolve(outcome);
    };
    const fail = (code: 'proxy-invalid' | 'proxy-timeout' | 'proxy-closed', detail: string) =>
      finish({ ok: false, problem: problem(code, detail) });
    const onClose = () => fail('proxy-closed', 'connection closed before the PROXY header');
    const onReadable = () => {
      for (let chunk = socket.read() as Buffer | null; chunk !== null; chunk = socket.read() as Buffer | null) {
        buffered = Buffer.concat([buffered, chunk]);
        const parsed = parseProxyHeader(buffered);
        if (parsed.status === 'invalid') return fail('proxy-invalid', parsed.message);
        if (parsed.status === 'ok') {
          const rest = buffered.subarray(parsed.length);
          if (rest.length > 0) socket.unshift(rest);
          return finish({ ok: true, header: parsed.header, ...clientOf(parsed.header, socket) });
        }
        if (buffered.length > MAX_HEADER_BYTES) return fail('proxy-invalid', 'PROXY header too long');
      }
    };
    const timer = setTimeout(() => fail('proxy-timeout', `no PROXY header within ${timeoutMs} ms`), timeoutMs);
    socket.on('readable', onReadable);
    socket.once('close', onClose);
    socket.once('error', onClose);
  });
}

function clientOf(header: ProxyHeader, socket: net.Socket): { remoteAddress: string; remotePort: number } {
  if (header.source !== undefined) return { remoteAddress: clientIpText(header.source.address), remotePort: header.source.port };
  return { remoteAddress: clientIpText(socket.remoteAddress ?? ''), remotePort: socket.remotePort ?? 0 };
}
