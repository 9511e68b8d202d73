import type { Resolver } from '@authgate/dns';
import { cachedSystemResolver } from './resolver.js';

const shared = new Map<number | undefined, Resolver>();

/**
 * One cached system resolver per timeout setting for the whole process, so that successive
 * calls of `authenticate()` share their DNS answers as a mail server would want.
 */
export function defaultResolver(timeoutMs: number | undefined): Resolver {
  let resolver = shared.get(timeoutMs);
  if (resolver === undefined) {
    resolver = cachedSystemResolver(timeoutMs === undefined ? {} : { timeoutMs });
    shared.set(timeoutMs, resolver);
  }
  return resolver;
}
