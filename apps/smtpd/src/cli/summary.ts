import net from 'node:net';
import type { FilterConfig } from '../config/schema.js';

/** The `--check-config` summary of a valid configuration, one line per concern. */
export function configSummary(config: FilterConfig): string {
  return [
    `  listen:      ${config.listen.map((l) => `${hostPort(l.host, l.port)}${l.proxyProtocol ? ' (PROXY)' : ''}`).join(', ')}`,
    `  relay:       ${hostPort(config.relay.host, config.relay.port)} (tls ${config.relay.tls}${config.relay.xclient ? ', XCLIENT' : ''}${config.relay.xforward ? ', XFORWARD' : ''})`,
    `  domains:     ${config.domains.join(', ')}`,
    `  authserv-id: ${config.authservId}`,
    `  dns:         ${config.dns.zoneFile ?? (config.dns.servers.join(', ') || 'system resolver')}`,
    `  policy:      dmarc reject→${config.policy.dmarcReject}, quarantine→${config.policy.dmarcQuarantine}, spf fail→${config.policy.spfFail}, temperror→${config.policy.tempError}, malformed→${config.policy.malformed}`,
  ].join('\n');
}

/** RFC 3986 §3.2.2: an IPv6 address goes in brackets before a port (`[::]:25`, not `:::25`). */
export function hostPort(host: string, port: number): string {
  return net.isIPv6(host) ? `[${host}]:${port}` : `${host}:${port}`;
}
