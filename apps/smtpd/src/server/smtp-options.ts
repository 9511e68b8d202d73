import { readFileSync } from 'node:fs';
import type { Resolver } from 'authgate';
import type { FilterConfig } from '../config/schema.js';
import type { FilterServerOptions } from './smtp-server.js';

/**
 * smtp-server options from the configuration: ESMTP with PIPELINING, 8BITMIME, SMTPUTF8, SIZE,
 * ENHANCEDSTATUSCODES and (with a certificate) STARTTLS; no AUTH, since an inbound MX does not
 * authenticate its clients; every limit from `limits`.
 */
export function smtpOptions(config: FilterConfig, resolver: Resolver): FilterServerOptions {
  return {
    ...limitOptions(config),
    ...tlsOptions(config),
    disabledCommands: ['AUTH', ...(config.tls.starttls === 'off' ? ['STARTTLS'] : [])],
    hidePIPELINING: false,
    hide8BITMIME: false,
    hideSMTPUTF8: false,
    // RFC 2034: once advertised, every reply carries an enhanced code.
    hideENHANCEDSTATUSCODES: false,
    hideDSN: true,
    hideREQUIRETLS: true,
    hideSize: false,
    // RFC 5321 §4.1.1.1: the EHLO reply starts with our name.
    heloResponse: '%s',
    // The PTR name, forward-confirmed before our Received field or XCLIENT names it; asked through the filter's resolver.
    resolver: {
      reverse: (ip, callback) => {
        resolver.ptr(ip).then((names) => callback(null, names), (error: Error) => callback(error));
      },
    },
    logger: false,
  };
}

/** The options a reload may change on a running server. */
export function limitOptions(config: FilterConfig): Pick<
  FilterServerOptions,
  'name' | 'size' | 'maxClients' | 'maxRecipients' | 'socketTimeout' | 'maxCommandLength' | 'dataTimeout' | 'hideSTARTTLS'
> {
  return {
    name: config.hostname,
    // RFC 1870: advertised as SIZE; a larger declared SIZE is refused at MAIL FROM with 552.
    size: config.limits.maxMessageSize,
    maxClients: config.limits.maxConnections,
    maxRecipients: config.limits.maxRecipients,
    socketTimeout: config.limits.commandTimeout,
    maxCommandLength: config.limits.maxLineLength,
    dataTimeout: config.limits.dataTimeout,
    hideSTARTTLS: config.tls.starttls === 'off',
  };
}

export function tlsOptions(config: FilterConfig): { key?: Buffer; cert?: Buffer } {
  if (config.tls.starttls === 'off' || config.tls.cert === undefined || config.tls.key === undefined) return {};
  return { key: readFileSync(config.tls.key), cert: readFileSync(config.tls.cert) };
}
