/**
 * @authgate/dns: the one door to DNS for SPF (RFC 7208), DKIM (RFC 6376) and DMARC (RFC 9989).
 *
 * Evaluators depend only on the `Resolver` interface and on `DnsError` codes; how answers are
 * obtained (the system resolver, a fixture zone, a cache) is chosen by the caller.
 */
export { DnsError, isNoRecords } from './errors.js';
export type { DnsErrorCode } from './errors.js';
export { checkName, normalizeName } from './name.js';
export type { MxRecord, RecordType, RecordsByType, Resolver, TimedAnswer, TtlResolver } from './resolver.js';
export { reverseName } from './reverse.js';
export { ZoneResolver } from './zone.js';
export type { ZoneData, ZoneEntry } from './zone.js';
