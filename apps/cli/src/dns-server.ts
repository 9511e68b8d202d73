import { isIP } from 'node:net';
import { CliError } from './errors.js';

/**
 * `192.0.2.53`, `192.0.2.53:5353`, `2001:db8::53`, `[2001:db8::53]:5353`. Only addresses: a
 * server name would itself need DNS to be found.
 */
export function parseDnsServer(text: string): string {
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(text);
  if (bracketed !== null) {
    if (isIP(bracketed[1]!) !== 6) throw badServer(text);
    return bracketed[2] === undefined ? bracketed[1]! : `[${bracketed[1]}]:${port(bracketed[2], text)}`;
  }
  if (isIP(text) !== 0) return text;
  const hostPort = /^([^:]+):(\d+)$/.exec(text);
  if (hostPort === null || isIP(hostPort[1]!) !== 4) throw badServer(text);
  return `${hostPort[1]}:${port(hostPort[2]!, text)}`;
}

function port(digits: string, text: string): number {
  const value = Number(digits);
  if (!Number.isInteger(value) || value < 1 || value > 65535) throw badServer(text);
  return value;
}

function badServer(text: string): CliError {
  return new CliError('bad-dns-server', `--dns-server ${JSON.stringify(text)}: give an IP address, ip:port or [ipv6]:port`);
}
