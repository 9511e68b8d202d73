import { isDnsError, type Resolver } from 'authgate';
import ipaddr from 'ipaddr.js';

/** What the filter may tell the downstream about the client's host name. */
export interface ClientName {
  /** The PTR name, forward-confirmed: its A/AAAA records include the client address. */
  confirmed?: string;
  /** The PTR name as found, confirmed or not (Postfix's `REVERSE_NAME`). */
  reverse?: string;
  /** Confirming failed on a DNS temporary failure (Postfix's `[TEMPUNAVAIL]`). */
  tempFail: boolean;
}

/**
 * Forward-confirms the client's PTR name through the filter's resolver. Postfix treats the XCLIENT
 * and XFORWARD `NAME` as a verified name (its own `reverse_client_hostname` vs
 * `client_hostname`, XCLIENT_README), and bases restrictions on it
 * (`reject_unknown_client_hostname`, `check_client_access` by name): a PTR record alone is
 * whatever the owner of the address range wants it to be, so only a name whose A (or AAAA)
 * records lead back to the client address is passed on as `NAME`.
 */
export async function confirmClientName(resolver: Resolver, ip: string, ptrName: string | undefined): Promise<ClientName> {
  if (ptrName === undefined || ptrName === '') return { tempFail: false };
  const client = canonical(ip);
  if (client === undefined) return { reverse: ptrName, tempFail: false };
  try {
    const addresses = client.includes(':') ? await resolver.aaaa(ptrName) : await resolver.a(ptrName);
    const confirmed = addresses.some((address) => canonical(address) === client);
    return { ...(confirmed && { confirmed: ptrName }), reverse: ptrName, tempFail: false };
  } catch (error) {
    return { reverse: ptrName, tempFail: isDnsError(error, 'TEMPFAIL') };
  }
}

/** One spelling per address (IPv4-mapped IPv6 as IPv4, IPv6 zero-compressed). */
function canonical(ip: string): string | undefined {
  try {
    return ipaddr.process(ip).toString();
  } catch {
    return undefined;
  }
}
