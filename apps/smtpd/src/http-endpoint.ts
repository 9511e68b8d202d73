import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { HostPort } from './config/schema.js';
import type { FilterMetrics } from './metrics.js';

export type Health = { status: 'ok' | 'draining' | 'starting'; connections: number };

/**
 * The operator's HTTP port, apart from SMTP: `GET /metrics` (Prometheus text format) and
 * `GET /health` (200 while accepting mail, 503 while starting or draining, for load balancers).
 */
export class HttpEndpoint {
  readonly #server: http.Server;

  constructor(metrics: FilterMetrics, health: () => Health) {
    this.#server = http.createServer((request, response) => {
      const path = (request.url ?? '/').split('?')[0];
      if (request.method !== 'GET' && request.method !== 'HEAD') {
        response.writeHead(405, { allow: 'GET, HEAD' }).end();
      } else if (path === '/metrics') {
        metrics.registry.metrics().then(
          (text) => response.writeHead(200, { 'content-type': metrics.registry.contentType }).end(text),
          (error: Error) => response.writeHead(500, { 'content-type': 'text/plain' }).end(error.message),
        );
      } else if (path === '/health') {
        const state = health();
        response.writeHead(state.status === 'ok' ? 200 : 503, { 'content-type': 'application/json' }).end(JSON.stringify(state));
      } else {
        response.writeHead(404, { 'content-type': 'text/plain' }).end('not found: try /metrics or /health\n');
      }
    });
  }

  listen(address: HostPort): Promise<AddressInfo> {
    return new Promise((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(address.port, address.host, () => {
        this.#server.off('error', reject);
        resolve(this.#server.address() as AddressInfo);
      });
    });
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.#server.close(() => resolve());
      this.#server.closeAllConnections();
    });
  }
}
