/**
 * authgate-smtpd: an inbound SMTP filter for a real MX. It verifies SPF (RFC 7208), DKIM
 * (RFC 6376) and DMARC (RFC 9989) with the `authgate` library, prepends Authentication-Results
 * (RFC 8601, removing forged ones per §5) and relays the message byte for byte to the mail
 * server behind it (RFC 5321), answering its client only after the downstream has answered.
 */
export { createFilterServer } from './server/filter-server.js';
export type { FilterServer, FilterServerOptions, ReloadOutcome } from './server/filter-server.js';
export { loadConfig, checkConfigFiles, environmentLayer, mergeLayers, readConfigFile, ENV_PREFIX } from './config/load.js';
export type { ConfigSources } from './config/load.js';
export { validateConfig } from './config/validate.js';
export type { ConfigResult } from './config/validate.js';
export { defaultConfig } from './config/schema.js';
export type * from './config/schema.js';
export { ConfigError, formatConfigProblem } from './errors.js';
export type { ConfigErrorCode, ConfigProblem, ProxyErrorCode, SmtpdErrorCode, SmtpdProblem, TransactionErrorCode } from './errors.js';
export { formatProxyHeader, parseProxyHeader } from './proxy/header.js';
export type { ProxyEndpoint, ProxyHeader, ProxyParse } from './proxy/header.js';
export { handleSignals } from './signals.js';
export type { SignalOptions } from './signals.js';
export { createLogger } from './logging.js';
export type { Logger } from './logging.js';
export { FilterMetrics } from './metrics.js';
