/**
 * @authgate/dns: the one door to DNS for SPF (RFC 7208), DKIM (RFC 6376) and DMARC (RFC 9989).
 *
 * Evaluators depend only on the `Resolver` interface and on `DnsError` codes; how answers are
 * obtained (the system resolver, a fixture zone, a cache, a recorder) is chosen by the caller.
 * Names follow RFC 1035 §2.3.4 (sizes) and RFC 4343 (case); TXT data RFC 1035 §3.3.14.
 */
export { LookupResolver, lookupRecords } from './base.js';
export { CachingResolver } from './cache.js';
export type { CacheStats, CachingResolverOptions } from './cache.js';
export { CARES_CODES } from './cares-codes.js';
export { characterStrings, MAX_CHARACTER_STRING_OCTETS, toOctetString } from './character-string.js';
export { countQueries, CountingResolver, observeQueries } from './counting.js';
export type { ObserveOptions, QueryEvent, QueryObserver } from './counting.js';
export { DNS_ERROR_CODES, DnsError, isDnsError, isNoRecords } from './errors.js';
export type { DnsErrorCode } from './errors.js';
export { checkName, normalizeName } from './name.js';
export { RecordingResolver } from './recording.js';
export type { MxRecord, RecordType, RecordsByType, Resolver, TimedAnswer, TtlResolver } from './resolver.js';
export { reverseName } from './reverse.js';
export { SystemResolver } from './system.js';
export type { SystemResolverOptions } from './system.js';
export { compileZoneData, RECORD_TYPES, readZoneData, zoneDataOf } from './zone-data.js';
export type { ZoneData, ZoneEntry, ZoneNode } from './zone-data.js';
export { ZoneResolver } from './zone.js';
