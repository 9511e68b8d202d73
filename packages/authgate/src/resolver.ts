import { CachingResolver, SystemResolver, ZoneResolver, type Resolver, type SystemResolverOptions } from '@authgate/dns';

export interface ResolverOptions {
  /** DNS servers as `host`, `host:port` or `[v6]:port`; the system's when omitted. */
  servers?: string[];
  /** How long one query may take before it counts as a TEMPFAIL. */
  timeoutMs?: number;
  /** Answer from a fixture zone (openspf `zonedata` YAML/JSON) instead of the network. */
  zoneFile?: string;
}

/**
 * The resolver an application should use: a fixture zone when asked for one (offline trials,
 * reproducible bug reports), otherwise the system resolver behind a cache.
 */
export async function createResolver(options: ResolverOptions = {}): Promise<Resolver> {
  if (options.zoneFile !== undefined) return ZoneResolver.fromFile(options.zoneFile);
  return cachedSystemResolver(options);
}

/**
 * The system resolver behind a cache, since one message asks the same names for SPF, DKIM and
 * DMARC and a mail stream asks them again and again.
 */
export function cachedSystemResolver(options: Pick<ResolverOptions, 'servers' | 'timeoutMs'>): Resolver {
  const system: SystemResolverOptions = {};
  if (options.servers !== undefined) system.servers = options.servers;
  if (options.timeoutMs !== undefined) system.timeoutMs = options.timeoutMs;
  return new CachingResolver(new SystemResolver(system));
}
