import net from 'node:net';
import ipaddr from 'ipaddr.js';

/**
 * The PROXY protocol (HAProxy, "The PROXY protocol, versions 1 & 2"): a load balancer that
 * forwards TCP connections first sends one header naming the real client, so that SPF checks the
 * client's address and not the balancer's.
 */

/** One end of the proxied connection. */
export interface ProxyEndpoint {
  address: string;
  port: number;
}

export interface ProxyHeader {
  version: 1 | 2;
  /**
   * `proxy`: a relayed connection. `local`: a connection of the proxy itself (v2 health checks),
   * where the real endpoints are the socket's own.
   */
  command: 'proxy' | 'local';
  /** Absent when the header carries no usable address (v1 `UNKNOWN`, v2 `LOCAL`/`UNSPEC`/`UNIX`). */
  source?: ProxyEndpoint;
  destination?: ProxyEndpoint;
}

export type ProxyParse =
  /** More bytes are needed to decide. */
  | { status: 'incomplete' }
  | { status: 'invalid'; message: string }
  /** `length` bytes of the input are the header; the SMTP stream starts after them. */
  | { status: 'ok'; header: ProxyHeader; length: number };

/** v1 §2.1: the longest header line, CRLF included. */
export const V1_MAX_LENGTH = 107;
/** v2 §2.2: the twelve bytes that open every v2 header. */
export const V2_SIGNATURE = Buffer.from([0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a]);
const V1_PREFIX = Buffer.from('PROXY ');
const V2_FIXED_LENGTH = 16;
const AF_INET = 0x1;
const AF_INET6 = 0x2;
const STREAM = 0x1;

/**
 * Reads a PROXY header (v1 or v2, told apart by their first bytes) from the start of `input`.
 * Pure: never throws, never reads beyond what the header declares.
 */
export function parseProxyHeader(input: Buffer): ProxyParse {
  if (startsLike(input, V2_SIGNATURE)) {
    return input.length < V2_SIGNATURE.length ? { status: 'incomplete' } : parseV2(input);
  }
  if (startsLike(input, V1_PREFIX)) {
    return input.length < V1_PREFIX.length ? { status: 'incomplete' } : parseV1(input);
  }
  return { status: 'invalid', message: 'not a PROXY protocol header' };
}

/** True when the shorter of the two is a prefix of the longer. */
function startsLike(input: Buffer, prefix: Buffer): boolean {
  const n = Math.min(input.length, prefix.length);
  return input.subarray(0, n).equals(prefix.subarray(0, n));
}

function parseV1(input: Buffer): ProxyParse {
  const end = input.indexOf('\r\n');
  if (end === -1) {
    return input.length >= V1_MAX_LENGTH
      ? { status: 'invalid', message: `v1 header longer than ${V1_MAX_LENGTH} bytes` }
      : { status: 'incomplete' };
  }
  const length = end + 2;
  if (length > V1_MAX_LENGTH) return { status: 'invalid', message: `v1 header longer than ${V1_MAX_LENGTH} bytes` };
  const line = input.toString('latin1', 0, end);
  const fields = line.split(' ');
  // v1 §2.1: "UNKNOWN" may be followed by anything; the receiver ignores it and uses the real endpoints.
  if (fields[1] === 'UNKNOWN') return { status: 'ok', header: { version: 1, command: 'proxy' }, length };
  if (fields.length !== 6 || (fields[1] !== 'TCP4' && fields[1] !== 'TCP6')) {
    return { status: 'invalid', message: `malformed v1 header ${JSON.stringify(line)}` };
  }
  const family = fields[1] === 'TCP4' ? 4 : 6;
  const [source, destination] = [endpointV1(fields[2]!, fields[4]!, family), endpointV1(fields[3]!, fields[5]!, family)];
  if (source === undefined || destination === undefined) {
    return { status: 'invalid', message: `malformed v1 addresses in ${JSON.stringify(line)}` };
  }
  return { status: 'ok', header: { version: 1, command: 'proxy', source, destination }, length };
}

function endpointV1(address: string, port: string, family: 4 | 6): ProxyEndpoint | undefined {
  // v1 §2.1: ports are decimal 0..65535; addresses in the family the protocol word names.
  if (net.isIP(address) !== family || !/^(?:0|[1-9]\d{0,4})$/.test(port) || Number(port) > 65535) return undefined;
  return { address, port: Number(port) };
}

function parseV2(input: Buffer): ProxyParse {
  if (input.length < V2_FIXED_LENGTH) return { status: 'incomplete' };
  const versionCommand = input[12]!;
  const familyTransport = input[13]!;
  const declared = input.readUInt16BE(14);
  // v2 §2.2: the high nibble is the version (2), the low one the command (0 LOCAL, 1 PROXY).
  if (versionCommand >> 4 !== 2) return { status: 'invalid', message: `unsupported v2 version ${versionCommand >> 4}` };
  const command = versionCommand & 0x0f;
  if (command > 1) return { status: 'invalid', message: `unsupported v2 command ${command}` };
  const length = V2_FIXED_LENGTH + declared;
  if (input.length < length) return { status: 'incomplete' };
  // v2 §2.2: for LOCAL the receiver skips the address block and uses the real endpoints.
  if (command === 0) return { status: 'ok', header: { version: 2, command: 'local' }, length };
  const family = familyTransport >> 4;
  const transport = familyTransport & 0x0f;
  const block = input.subarray(V2_FIXED_LENGTH, length);
  if (family === AF_INET && transport === STREAM) return addressesV2(block, 4, length);
  if (family === AF_INET6 && transport === STREAM) return addressesV2(block, 16, length);
  if (family > 3 || transport > 2) return { status: 'invalid', message: `unsupported v2 family/transport 0x${familyTransport.toString(16)}` };
  // v2 §2.2: UNSPEC (and families a TCP receiver cannot use) keep the real endpoints.
  return { status: 'ok', header: { version: 2, command: 'proxy' }, length };
}

function addressesV2(block: Buffer, size: 4 | 16, length: number): ProxyParse {
  // v2 §2.2: the address block may be followed by TLVs, never be shorter than the family needs.
  if (block.length < size * 2 + 4) return { status: 'invalid', message: `v2 address block of ${block.length} bytes is too short` };
  const source = { address: ipFromBytes(block.subarray(0, size)), port: block.readUInt16BE(size * 2) };
  const destination = { address: ipFromBytes(block.subarray(size, size * 2)), port: block.readUInt16BE(size * 2 + 2) };
  return { status: 'ok', header: { version: 2, command: 'proxy', source, destination }, length };
}

/** RFC 5952 text; an IPv4-mapped IPv6 source is the IPv4 client it stands for. */
function ipFromBytes(bytes: Buffer): string {
  const address = ipaddr.fromByteArray(Array.from(bytes));
  if (address instanceof ipaddr.IPv6 && address.isIPv4MappedAddress()) return address.toIPv4Address().toString();
  return address.toString();
}

/**
 * Writes a header; the inverse of `parseProxyHeader` for the headers it returns. Used by the
 * tests (as a proxy would) and by operators' health checks.
 */
export function formatProxyHeader(header: ProxyHeader): Buffer {
  return header.version === 1 ? formatV1(header) : formatV2(header);
}

function formatV1(header: ProxyHeader): Buffer {
  if (header.source === undefined || header.destination === undefined || header.command === 'local') {
    return Buffer.from('PROXY UNKNOWN\r\n', 'latin1');
  }
  const family = net.isIPv4(header.source.address) ? 'TCP4' : 'TCP6';
  const { source, destination } = header;
  return Buffer.from(`PROXY ${family} ${source.address} ${destination.address} ${source.port} ${destination.port}\r\n`, 'latin1');
}

function formatV2(header: ProxyHeader): Buffer {
  const fixed = Buffer.alloc(V2_FIXED_LENGTH);
  V2_SIGNATURE.copy(fixed);
  fixed[12] = 0x20 | (header.command === 'local' ? 0 : 1);
  if (header.command === 'local' || header.source === undefined || header.destination === undefined) {
    return fixed;
  }
  const v4 = net.isIPv4(header.source.address);
  fixed[13] = ((v4 ? AF_INET : AF_INET6) << 4) | STREAM;
  const ports = Buffer.alloc(4);
  ports.writeUInt16BE(header.source.port, 0);
  ports.writeUInt16BE(header.destination.port, 2);
  const block = Buffer.concat([ipBytes(header.source.address), ipBytes(header.destination.address), ports]);
  fixed.writeUInt16BE(block.length, 14);
  return Buffer.concat([fixed, block]);
}

function ipBytes(address: string): Buffer {
  return Buffer.from(ipaddr.parse(address).toByteArray());
}
