import { promises as nodeDns } from 'node:dns';
import { domainToASCII } from 'node:url';
import { LookupResolver } from './base.js';
import { classifyCaresError } from './cares-codes.js';
import { DnsError } from './errors.js';
import { checkName } from './name.js';
import type { RecordType, TimedAnswer } from './resolver.js';
import { reverseName } from './reverse.js';

export interface SystemResolverOptions {
  /**
   * The recursive servers to ask, as IP addresses: `'192.0.2.53'`, `'192.0.2.53:5353'`,
   * `'2001:db8::53'`, `'[2001:db8::53]:5353'`. The system's (`/etc/resolv.conf`) when omitted.
   */
  servers?: string[];
  /** c-ares' timeout for one try, in ms (default 2000). c-ares adapts it per server; see README. */
  timeoutMs?: number;
  /** How many times a query is sent before it is a TEMPFAIL (default 2). */
  tries?: number;
}

const DEFAULT_TIMEOUT_MS = 2000;
const DEFAULT_TRIES = 2;

/**
 * Asks real DNS through `node:dns` (c-ares), the only file of authgate that does.
 *
 * - Direct queries (`resolveTxt`, `resolve4`, ...), never search lists and never `/etc/hosts`:
 *   PTR goes through `resolvePtr` of the reverse name, since `reverse()` consults the hosts file.
 * - A and AAAA answers carry their TTL (the smallest of the set) for `CachingResolver`;
 *   `node:dns` gives no TTL for TXT, MX or PTR.
 * - No hidden cache: Node 20.20 configures c-ares with its query cache off (measured, README), so
 *   every call is a packet on the wire; put a `CachingResolver` in front for long-running use.
 * - A name is only sent if c-ares would send exactly that name (see `askable`).
 */
export class SystemResolver extends LookupResolver {
  readonly #resolver: nodeDns.Resolver;

  constructor(options: SystemResolverOptions = {}) {
    super();
    const timeout = positiveInteger('timeoutMs', options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
    const tries = positiveInteger('tries', options.tries ?? DEFAULT_TRIES);
    this.#resolver = new nodeDns.Resolver({ timeout, tries });
    if (options.servers !== undefined) this.#setServers(options.servers);
  }

  /** The servers asked, in the form `node:dns` reports them. */
  get servers(): string[] {
    return this.#resolver.getServers();
  }

  /** Ends every query in flight; each rejects with TEMPFAIL. The resolver stays usable. */
  cancel(): void {
    this.#resolver.cancel();
  }

  async lookup<T extends RecordType>(type: T, name: string): Promise<TimedAnswer<T>> {
    const asked = type === 'PTR' ? reverseName(name) : checkName(type, name);
    if (!askable(asked)) throw new DnsError('INVALID_NAME', type, name);
    let answer: TimedAnswer<RecordType>;
    try {
      answer = await this.#query(type, asked);
    } catch (error) {
      throw classifyCaresError(error, type, name);
    }
    // The Resolver contract: at least one record, or a rejection saying why not.
    if (answer.records.length === 0) throw new DnsError('NODATA', type, name);
    return answer as TimedAnswer<T>;
  }

  async #query(type: RecordType, name: string): Promise<TimedAnswer<RecordType>> {
    const resolver = this.#resolver;
    switch (type) {
      case 'A':
        return addressAnswer(await resolver.resolve4(name, { ttl: true }));
      case 'AAAA':
        return addressAnswer(await resolver.resolve6(name, { ttl: true }));
      case 'TXT':
        return { records: await resolver.resolveTxt(name) };
      case 'MX': {
        const records = await resolver.resolveMx(name);
        return { records: records.map(({ exchange, priority }) => ({ exchange, priority })) };
      }
      case 'PTR':
        return { records: await resolver.resolvePtr(name) };
    }
  }

  #setServers(servers: string[]): void {
    if (!Array.isArray(servers) || servers.length === 0) {
      throw new TypeError('dns: SystemResolver servers must be a non-empty list of IP addresses');
    }
    try {
      this.#resolver.setServers(servers);
    } catch (error) {
      throw new TypeError(`dns: SystemResolver servers must be IP addresses with an optional port: ${servers.join(', ')}`, { cause: error });
    }
  }
}

function addressAnswer(records: Array<{ address: string; ttl: number }>): TimedAnswer<'A'> {
  const answer: TimedAnswer<'A'> = { records: records.map((record) => record.address) };
  if (records.length > 0) answer.ttl = Math.min(...records.map((record) => record.ttl));
  return answer;
}

/**
 * Whether c-ares would put exactly this name on the wire. Measured with Node 20.20 / c-ares 1.34:
 * a NUL ends the name early (`a\0b.example` asks `a`); a backslash starts an escape
 * (`a\066c` asks `aBc`); and Node's IDNA step turns an `xn--` label that is not valid Punycode
 * into an empty name, so the root would be asked instead. Such names are INVALID_NAME rather
 * than a wrong answer about another name.
 */
function askable(name: string): boolean {
  if (name.includes('\\') || name.includes('\0')) return false;
  if (!name.includes('xn--')) return true;
  return name.split('.').every((label) => !label.startsWith('xn--') || domainToASCII(label) === label);
}

function positiveInteger(option: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) {
    throw new TypeError(`dns: SystemResolver ${option} must be a positive integer, not ${String(value)}`);
  }
  return value;
}
