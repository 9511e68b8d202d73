import net, { type AddressInfo } from 'node:net';
import type { Resolver } from 'authgate';
import type { FilterConfig, ListenConfig } from '../config/schema.js';
import { HttpEndpoint, type Health } from '../http-endpoint.js';
import { createLogger, type Logger } from '../logging.js';
import { FilterMetrics } from '../metrics.js';
import { NetworkList } from '../net/network-list.js';
import { readProxyHeader } from '../proxy/accept.js';
import { Relay } from '../relay/relay.js';
import { VerificationThreads } from '../verify/threads.js';
import { ConnectionLimits } from './connection-limits.js';
import { SessionHandlers } from './handlers.js';
import { compileSettings, type Runtime, type Settings } from './runtime.js';
import { limitOptions, smtpOptions, tlsOptions } from './smtp-options.js';
import { FilterSmtpServer } from './smtp-server.js';

export interface FilterServerOptions {
  /** A valid configuration (see `loadConfig` / `validateConfig`). */
  config: FilterConfig;
  /**
   * Where the event loop asks DNS: SPF at MAIL FROM, PTR names for the Received field, and
   * DKIM/DMARC of messages verified on the loop. Verification threads (`auth.threads`) cannot
   * share an object with it: each builds its own from `config.dns`, as `authgate-smtpd` builds
   * this one, so a caller passing its own resolver should describe the same DNS in `config.dns`.
   */
  resolver: Resolver;
  /** The clock, ms since the epoch. */
  now?: () => number;
  logger?: Logger;
}

export interface FilterServer {
  /** Waits for the verification threads, then binds every listener (and the metrics endpoint); resolves once all accept connections. */
  listen(): Promise<void>;
  /** SIGTERM: stop accepting, let open transactions finish within `timeoutMs`, then close the rest. True when nothing had to be cut. */
  drain(timeoutMs?: number): Promise<boolean>;
  /** Closes everything now (sessions get 421). */
  close(): Promise<void>;
  /**
   * SIGHUP: applies a validated configuration to new commands and connections; existing sessions
   * stay. What only a restart applies (listeners, the metrics endpoint, the resolver the filter was
   * given) is reported, and logged with a warning.
   */
  reload(config: FilterConfig): ReloadOutcome;
  /** The bound SMTP listeners, in `config.listen` order. */
  readonly smtpAddresses: AddressInfo[];
  readonly metricsAddress: AddressInfo | undefined;
  readonly metrics: FilterMetrics;
  readonly config: FilterConfig;
  readonly logger: Logger;
}

/** What a reload could not apply: the option groups that change only on restart. */
export interface ReloadOutcome {
  restartNeeded: boolean;
  restartNeededFor: Array<'listen' | 'metrics' | 'dns' | 'auth.threads'>;
}

/**
 * Options read only at start: listeners are bound, the resolver is built by the caller of
 * `createFilterServer`, and the verification threads are started with their resolvers.
 */
const RESTART_ONLY = {
  listen: (config: FilterConfig) => config.listen,
  metrics: (config: FilterConfig) => config.metrics,
  dns: (config: FilterConfig) => config.dns,
  'auth.threads': (config: FilterConfig) => config.auth.threads,
} as const;

/**
 * The inbound filter: verifies SPF/DKIM/DMARC with `authgate`, stamps Authentication-Results,
 * and relays to the downstream server, answering its client only with what the downstream
 * answered.
 */
export function createFilterServer(options: FilterServerOptions): FilterServer {
  return new Filter(options);
}

class Filter implements FilterServer {
  readonly metrics = new FilterMetrics({ defaultMetrics: true });
  readonly logger: Logger;
  readonly #smtp: FilterSmtpServer;
  readonly #handlers: SessionHandlers;
  readonly #relay: Relay;
  readonly #threads: VerificationThreads | undefined;
  readonly #listeners: net.Server[] = [];
  readonly #http: HttpEndpoint;
  #settings: Settings;
  #trustedProxies: NetworkList;
  #state: Health['status'] = 'starting';
  #pendingProxy = 0;
  #listenersClosed: Promise<void> = Promise.resolve();
  smtpAddresses: AddressInfo[] = [];
  metricsAddress: AddressInfo | undefined;

  constructor(options: FilterServerOptions) {
    this.#settings = compileSettings(options.config);
    this.#trustedProxies = new NetworkList(options.config.proxy.trusted);
    this.logger = options.logger ?? createLogger(options.config.log.level);
    this.#relay = new Relay(options.config.relay);
    const resolver = this.metrics.instrument(options.resolver);
    this.#threads = startThreads(options.config, this.metrics, this.logger);
    const runtime: Runtime = {
      settings: () => this.#settings,
      relay: this.#relay,
      resolver,
      metrics: this.metrics,
      logger: this.logger,
      now: options.now ?? Date.now,
      limits: new ConnectionLimits(),
      threads: this.#threads,
    };
    this.#handlers = new SessionHandlers(runtime);
    this.#smtp = new FilterSmtpServer({
      ...smtpOptions(options.config, resolver),
      onConnect: (session, callback) => this.#handlers.onConnect(session, callback),
      onMailFrom: (address, session, callback) => this.#handlers.onMailFrom(address, session, callback),
      onRcptTo: (address, session, callback) => this.#handlers.onRcptTo(address, session, callback),
      onData: (stream, session, callback) => this.#handlers.onData(stream, session, callback),
      onClose: (session) => this.#handlers.onClose(session),
      onLimit: (refusal) => this.#handlers.onLimit(refusal),
    });
    this.#smtp.on('error', (error: Error) => this.logger.debug({ event: 'session-error', err: error }, 'client session error'));
    this.#http = new HttpEndpoint(this.metrics, () => ({ status: this.#state, connections: this.#smtp.connections.size }));
  }

  get config(): FilterConfig {
    return this.#settings.config;
  }

  async listen(): Promise<void> {
    // Mail is taken only once it can be verified: a thread that cannot build its resolver stops the start.
    await this.#threads?.ready();
    for (const listen of this.config.listen) {
      const server = net.createServer((socket) => this.#onSocket(socket, listen));
      this.#listeners.push(server);
      this.smtpAddresses.push(await bind(server, listen, ipv6Only(listen, this.config.listen)));
    }
    const metricsListen = this.config.metrics.listen;
    if (metricsListen !== undefined) this.metricsAddress = await this.#http.listen(metricsListen);
    this.#state = 'ok';
    this.logger.info({ event: 'listening', smtp: this.smtpAddresses, metrics: this.metricsAddress, relay: `${this.config.relay.host}:${this.config.relay.port}` }, 'authgate-smtpd listening');
  }

  reload(config: FilterConfig): ReloadOutcome {
    const previous = this.config;
    this.#settings = compileSettings(config);
    this.#trustedProxies = new NetworkList(config.proxy.trusted);
    this.#relay.pool.reconfigure(config.relay);
    const limits = limitOptions(config);
    Object.assign(this.#smtp.options, limits, { disabledCommands: ['AUTH', ...(config.tls.starttls === 'off' ? ['STARTTLS'] : [])] });
    this.#smtp.setTimeouts(limits.socketTimeout!, limits.dataTimeout);
    const tls = tlsOptions(config);
    if (tls.cert !== undefined) this.#smtp.updateSecureContext(tls);
    this.logger.level = config.log.level;
    const restartNeededFor = (Object.keys(RESTART_ONLY) as Array<keyof typeof RESTART_ONLY>)
      .filter((key) => JSON.stringify(RESTART_ONLY[key](previous)) !== JSON.stringify(RESTART_ONLY[key](config)));
    const restartNeeded = restartNeededFor.length > 0;
    if (restartNeeded) {
      this.logger.warn({ event: 'reloaded', restartNeeded, restartNeededFor }, `configuration reloaded; ${restartNeededFor.join(', ')} settings change only on restart`);
    } else {
      this.logger.info({ event: 'reloaded', restartNeeded, restartNeededFor }, 'configuration reloaded');
    }
    return { restartNeeded, restartNeededFor };
  }

  async drain(timeoutMs = this.config.shutdown.drainTimeout): Promise<boolean> {
    this.#state = 'draining';
    this.logger.info({ event: 'draining', connections: this.#smtp.connections.size, timeoutMs }, 'draining: no new connections, finishing open transactions');
    await this.#stopListening();
    this.#smtp.drain();
    const drained = await waitFor(() => this.#smtp.connections.size === 0, timeoutMs);
    await this.#shutdown();
    return drained;
  }

  async close(): Promise<void> {
    this.#state = 'draining';
    await this.#stopListening();
    this.#smtp.drain();
    await this.#shutdown();
  }

  async #shutdown(): Promise<void> {
    for (const connection of this.#smtp.connections) {
      connection.send(421, '4.3.2 Service shutting down');
    }
    await waitFor(() => this.#smtp.connections.size === 0, 2_000);
    this.#relay.close();
    await this.#threads?.close();
    await this.#http.close();
    await Promise.race([this.#listenersClosed, new Promise((resolve) => setTimeout(resolve, 2_000).unref())]);
    this.logger.info({ event: 'stopped', cut: this.#smtp.connections.size }, 'authgate-smtpd stopped');
  }

  /** Stops accepting at once; the returned promise settles when the last accepted socket is gone. */
  #stopListening(): Promise<void> {
    const closed = this.#listeners.splice(0).map((server) => new Promise<void>((resolve) => server.close(() => resolve())));
    const all = Promise.all(closed).then(() => undefined);
    this.#listenersClosed = this.#listenersClosed.then(() => all);
    return Promise.resolve();
  }

  #onSocket(socket: net.Socket, listen: ListenConfig): void {
    if (!listen.proxyProtocol) {
      this.#smtp.accept(socket);
      return;
    }
    socket.on('error', () => undefined);
    const peer = socket.remoteAddress ?? '';
    if (!this.#trustedProxies.has(peer) || this.#pendingProxy >= this.config.limits.maxConnections) {
      const outcome = this.#trustedProxies.has(peer) ? 'refused_limit' : 'refused_proxy';
      this.metrics.connectionsTotal.inc({ outcome });
      this.logger.warn({ event: 'proxy-refused', peer, outcome }, 'connection on a PROXY listener refused');
      socket.destroy();
      return;
    }
    this.#pendingProxy++;
    readProxyHeader(socket, this.config.proxy.timeout).then((outcome) => {
      this.#pendingProxy--;
      if (!outcome.ok) {
        this.metrics.connectionsTotal.inc({ outcome: 'refused_proxy' });
        this.logger.warn({ event: 'proxy-refused', peer, problem: outcome.problem }, 'bad PROXY header');
        socket.destroy();
        return;
      }
      const destination = outcome.header.destination;
      this.#smtp.accept(socket, {
        remoteAddress: outcome.remoteAddress,
        remotePort: outcome.remotePort,
        ...(destination !== undefined && { localAddress: destination.address, localPort: destination.port }),
      });
    });
  }
}

/** `auth.threads` verification threads, each with a resolver built from `config.dns`; none for 0. */
function startThreads(config: FilterConfig, metrics: FilterMetrics, logger: Logger): VerificationThreads | undefined {
  if (config.auth.threads === 0) return undefined;
  const { servers, timeout, zoneFile } = config.dns;
  return new VerificationThreads({
    count: config.auth.threads,
    setup: { dns: { ...(servers.length > 0 && { servers }), timeoutMs: timeout, ...(zoneFile !== undefined && { zoneFile }) } },
    onDns: (observation) => metrics.observeDns(observation),
    onLost: (error, failedMessages) => logger.error({ event: 'verification-thread-lost', err: error, failedMessages }, 'verification thread ended; started again for the next message'),
  });
}

/**
 * `[::]:25` alone is dual-stack; next to `0.0.0.0:25` it must be IPv6-only, or the two would
 * collide on the IPv4 side.
 */
function ipv6Only(listen: ListenConfig, all: readonly ListenConfig[]): boolean {
  return listen.host === '::' && all.some((other) => other.host === '0.0.0.0' && other.port === listen.port);
}

function bind(server: net.Server, listen: ListenConfig, v6Only: boolean): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port: listen.port, host: listen.host, ipv6Only: v6Only }, () => {
      server.off('error', reject);
      resolve(server.address() as AddressInfo);
    });
  });
}

/** Resolves true once `condition` holds, false after `timeoutMs`. */
function waitFor(condition: () => boolean, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    if (condition()) return resolve(true);
    const deadline = Date.now() + timeoutMs;
    const timer = setInterval(() => {
      if (condition()) {
        clearInterval(timer);
        resolve(true);
      } else if (Date.now() >= deadline) {
        clearInterval(timer);
        resolve(false);
      }
    }, 50);
  });
}
