/**
 * Counts open sessions per client address, for `limits.maxConnectionsPerIp`. The total is
 * smtp-server's own `maxClients`.
 */
export class ConnectionLimits {
  readonly #perIp = new Map<string, number>();
  readonly #counted = new Set<string>();

  /** Counts the session in unless `limit` sessions from `ip` are open; false when refused. */
  admit(sessionId: string, ip: string, limit: number): boolean {
    const open = this.#perIp.get(ip) ?? 0;
    if (open >= limit) return false;
    this.#perIp.set(ip, open + 1);
    this.#counted.add(`${sessionId} ${ip}`);
    return true;
  }

  /** Counts a closed session out (only if it was counted in). */
  release(sessionId: string, ip: string): void {
    if (!this.#counted.delete(`${sessionId} ${ip}`)) return;
    const open = (this.#perIp.get(ip) ?? 1) - 1;
    if (open <= 0) this.#perIp.delete(ip);
    else this.#perIp.set(ip, open);
  }

  openFrom(ip: string): number {
    return this.#perIp.get(ip) ?? 0;
  }
}
