import { proxyAttributes, type ClientIdentity } from './client-identity.js';
import { RelayError, type DownstreamConnection } from './downstream.js';

/** RFC 5321 §4.5.3.1.4: stay well under the 512-octet command line of a strict server. */
const MAX_ATTRIBUTE_LINE = 400;

/**
 * Tells the downstream who the client is, with Postfix's XCLIENT or XFORWARD (XCLIENT_README,
 * XFORWARD_README), in as many commands as the attributes need; throws a `RelayError` when it
 * does not offer the command or refuses it.
 */
export async function sendAttributes(connection: DownstreamConnection, verb: 'XCLIENT' | 'XFORWARD', client: ClientIdentity): Promise<void> {
  const announced = connection.extensions.get(verb);
  if (announced === undefined) throw new RelayError('downstream-unavailable', `downstream does not offer ${verb} (check smtpd_authorized_${verb.toLowerCase()}_hosts)`);
  for (const line of attributeLines(verb, proxyAttributes(client, announced, verb === 'XFORWARD'))) {
    const reply = await connection.command(line);
    // Postfix XCLIENT_README: XCLIENT restarts the session with a new 220 greeting; EHLO again.
    if (verb === 'XCLIENT' && reply.code === 220) {
      const ehlo = await connection.ehlo(client.helo === '' ? undefined : client.helo);
      if (ehlo.code !== 250) throw new RelayError('downstream-unavailable', `EHLO after XCLIENT refused: ${ehlo.code} ${ehlo.text}`);
    } else if (reply.code !== 250) {
      throw new RelayError('downstream-unavailable', `${verb} refused: ${reply.code} ${reply.text}`);
    }
  }
}

function attributeLines(verb: string, attributes: string[]): string[] {
  const lines: string[] = [];
  let line = verb;
  for (const attribute of attributes) {
    if (line !== verb && line.length + attribute.length + 1 > MAX_ATTRIBUTE_LINE) {
      lines.push(line);
      line = verb;
    }
    line += ` ${attribute}`;
  }
  if (line !== verb) lines.push(line);
  return lines;
}
