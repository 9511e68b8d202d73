import net from 'node:net';

/** What the filter knows of its client, for XCLIENT/XFORWARD and the Received field. */
export interface ClientIdentity {
  ip: string;
  port: number;
  helo: string;
  /** The client's PTR name when forward-confirmed (`confirmClientName`): sent as `NAME`. */
  hostname?: string;
  /** The PTR name, confirmed or not: sent as XCLIENT `REVERSE_NAME` when the server offers it. */
  reverseName?: string;
  /** Confirming the name failed for a DNS temporary failure: `NAME=[TEMPUNAVAIL]`. */
  nameTempFail?: boolean;
  /** `SMTP` after HELO, `ESMTP` after EHLO. */
  proto: 'SMTP' | 'ESMTP';
}

/**
 * The attributes of an XCLIENT or XFORWARD command (Postfix XCLIENT_README, XFORWARD_README),
 * limited to those the server announced in its EHLO keyword. Values are xtext (RFC 3461 §4).
 */
export function proxyAttributes(client: ClientIdentity, announced: string, forward: boolean): string[] {
  const supported = new Set(announced.toUpperCase().split(/\s+/));
  const values: Array<[string, string]> = [
    // Postfix XCLIENT_README: NAME is the verified name; [TEMPUNAVAIL] asks Postfix to treat it as a lookup that may work later.
    ['NAME', client.hostname ?? (client.nameTempFail === true ? '[TEMPUNAVAIL]' : '[UNAVAILABLE]')],
    ['REVERSE_NAME', client.reverseName ?? '[UNAVAILABLE]'],
    ['ADDR', net.isIPv6(client.ip) ? `IPV6:${client.ip}` : client.ip],
    ['PORT', String(client.port)],
    ['PROTO', client.proto],
    ['HELO', client.helo === '' ? '[UNAVAILABLE]' : client.helo],
  ];
  if (forward) values.push(['SOURCE', 'REMOTE']);
  return values.filter(([name]) => supported.has(name)).map(([name, value]) => `${name}=${xtext(value)}`);
}

/** RFC 3461 §4: octets outside "!" .. "~", and "+" and "=", are written +HH. */
export function xtext(value: string): string {
  let out = '';
  for (const byte of Buffer.from(value, 'utf8')) {
    out += byte < 0x21 || byte > 0x7e || byte === 0x2b || byte === 0x3d ? `+${byte.toString(16).toUpperCase().padStart(2, '0')}` : String.fromCharCode(byte);
  }
  return out;
}
