/**
 * @authgate/testkit: test helpers shared by the packages (private, never published).
 *
 * - `startAuthoritativeDns`: a real authoritative DNS server (Debian's Knot DNS) on loopback,
 *   serving the same openspf `zonedata` fixtures `ZoneResolver` reads (RFC 1035 master files).
 * - `fixturePath`, `loadZoneData`: files under the repository's test-fixtures/.
 * - `mailauthResolver`: our resolvers in mailauth's shape, for the differential tests and bench.
 * - `Prng`: a seeded generator, so generated corpora are the same on every run.
 */
export { chunked } from './chunks.js';
export { TestkitError } from './errors.js';
export type { TestkitErrorCode } from './errors.js';
export { fixturePath, loadZoneData } from './fixtures.js';
export { freePort, ipv6LoopbackAvailable } from './free-port.js';
export { mailauthResolver } from './mailauth.js';
export { Prng } from './prng.js';
export { startAuthoritativeDns } from './knot.js';
export type { AuthoritativeDns, AuthoritativeDnsOptions } from './knot.js';
export { domainName, zoneDataToMasterFile } from './master-file.js';
export type { MasterFile, MasterFileOptions, Unservable } from './master-file.js';
