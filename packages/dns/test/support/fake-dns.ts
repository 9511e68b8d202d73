import { createSocket, type Socket } from 'node:dgram';
import ipaddr from 'ipaddr.js';

/**
 * A scripted DNS server on 127.0.0.1 for the SystemResolver unit tests: it answers each UDP query
 * with whatever the test's handler returns (any RCODE, any TTL, or silence) and records every
 * question it receives, so tests can count what actually went over the wire.
 *
 * The wire format follows RFC 1035 §4.1: a 12-octet header, the question echoed verbatim, then
 * answer RRs whose owner is a compression pointer to the question name (§4.1.4).
 */

/** DNS TYPE values (RFC 1035 §3.2.2, RFC 3596 §2.1). */
export const TYPE = { A: 1, CNAME: 5, PTR: 12, MX: 15, TXT: 16, AAAA: 28 } as const;

export type FakeRecord =
  | { type: 'A' | 'AAAA'; address: string; ttl?: number }
  | { type: 'TXT'; strings: string[]; ttl?: number }
  | { type: 'MX'; priority: number; exchange: string; ttl?: number }
  | { type: 'PTR' | 'CNAME'; target: string; ttl?: number };

/** What to send back for one question; `drop` sends nothing at all (a timeout for the client). */
export type FakeReply = { rcode?: number; records?: FakeRecord[] } | { drop: true };

export interface FakeQuestion {
  /** The name as the octets on the wire, decoded one character per octet. */
  name: string;
  type: number;
  /** The raw label octets, for tests about what exactly was sent. */
  labels: Buffer[];
}

export interface FakeDns {
  address: string;
  port: number;
  questions: FakeQuestion[];
  close(): Promise<void>;
}

export async function startFakeDns(handler: (question: FakeQuestion) => FakeReply): Promise<FakeDns> {
  const socket = createSocket('udp4');
  const questions: FakeQuestion[] = [];
  socket.on('message', (packet, peer) => {
    const parsed = parseQuery(packet);
    if (parsed === undefined) return;
    questions.push(parsed.question);
    const reply = handler(parsed.question);
    if ('drop' in reply) return;
    socket.send(encodeResponse(packet, parsed.questionEnd, reply), peer.port, peer.address);
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const { port } = socket.address();
  return { address: `127.0.0.1:${port}`, port, questions, close: () => closeSocket(socket) };
}

/** A UDP port that is bound but never answers: every query to it times out. */
export async function startSilentPort(): Promise<{ address: string; close(): Promise<void> }> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  return { address: `127.0.0.1:${socket.address().port}`, close: () => closeSocket(socket) };
}

function closeSocket(socket: Socket): Promise<void> {
  return new Promise((resolve) => socket.close(() => resolve()));
}

function parseQuery(packet: Buffer): { question: FakeQuestion; questionEnd: number } | undefined {
  if (packet.length < 12 || packet.readUInt16BE(4) < 1) return undefined;
  const labels: Buffer[] = [];
  let offset = 12;
  while (offset < packet.length) {
    const length = packet[offset]!;
    offset += 1;
    if (length === 0) break;
    labels.push(packet.subarray(offset, offset + length));
    offset += length;
  }
  if (offset + 4 > packet.length) return undefined;
  const type = packet.readUInt16BE(offset);
  const name = labels.map((label) => label.toString('latin1')).join('.');
  return { question: { name, type, labels }, questionEnd: offset + 4 };
}

function encodeResponse(query: Buffer, questionEnd: number, reply: { rcode?: number; records?: FakeRecord[] }): Buffer {
  const records = reply.records ?? [];
  const header = Buffer.alloc(12);
  header.writeUInt16BE(query.readUInt16BE(0), 0);
  // QR=1, AA=1, RD copied from the query (RFC 1035 §4.1.1), then the RCODE.
  header.writeUInt16BE(0x8400 | (query.readUInt16BE(2) & 0x0100) | (reply.rcode ?? 0), 2);
  header.writeUInt16BE(1, 4);
  header.writeUInt16BE(records.length, 6);
  return Buffer.concat([header, query.subarray(12, questionEnd), ...records.map(encodeRecord)]);
}

function encodeRecord(record: FakeRecord): Buffer {
  const rdata = encodeRdata(record);
  const fixed = Buffer.alloc(12);
  fixed.writeUInt16BE(0xc00c, 0); // a pointer to the question name
  fixed.writeUInt16BE(TYPE[record.type], 2);
  fixed.writeUInt16BE(1, 4); // class IN
  fixed.writeUInt32BE(record.ttl ?? 300, 6);
  fixed.writeUInt16BE(rdata.length, 10);
  return Buffer.concat([fixed, rdata]);
}

function encodeRdata(record: FakeRecord): Buffer {
  switch (record.type) {
    case 'A':
    case 'AAAA':
      return Buffer.from(ipaddr.parse(record.address).toByteArray());
    case 'TXT':
      return Buffer.concat(record.strings.map((text) => {
        const octets = Buffer.from(text, 'latin1');
        return Buffer.concat([Buffer.from([octets.length]), octets]);
      }));
    case 'MX': {
      const priority = Buffer.alloc(2);
      priority.writeUInt16BE(record.priority);
      return Buffer.concat([priority, encodeName(record.exchange)]);
    }
    case 'PTR':
    case 'CNAME':
      return encodeName(record.target);
  }
}

function encodeName(name: string): Buffer {
  const labels = name === '' ? [] : name.split('.');
  return Buffer.concat([
    ...labels.map((label) => Buffer.concat([Buffer.from([label.length]), Buffer.from(label, 'latin1')])),
    Buffer.from([0]),
  ]);
}
