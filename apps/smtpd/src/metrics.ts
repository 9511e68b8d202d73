import type { Resolver } from 'authgate';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { observedResolver, type DnsObservation } from './dns-observer.js';

/**
 * The filter's Prometheus metrics, in a registry of its own (so that several filters in one
 * process, as in the tests, do not collide).
 */
export class FilterMetrics {
  readonly registry = new Registry();
  readonly connections: Gauge;
  readonly connectionsTotal: Counter;
  readonly mailFrom: Counter;
  readonly recipients: Counter;
  readonly messages: Counter;
  readonly messageBytes: Histogram;
  readonly relaySeconds: Histogram;
  readonly dnsQueries: Counter;
  readonly dnsSeconds: Histogram;
  readonly reloads: Counter;
  // A message asks DNS five to ten times: each label child is looked up once, not hashed per query.
  readonly #dnsChildren = new Map<string, Histogram.Internal<string>>();
  readonly #dnsCounters = new Map<string, Counter.Internal>();

  constructor(options: { defaultMetrics?: boolean } = {}) {
    const registers = [this.registry];
    this.connections = new Gauge({ name: 'authgate_smtpd_connections', help: 'Open client connections.', registers });
    this.connectionsTotal = new Counter({
      name: 'authgate_smtpd_connections_total',
      help: 'Client connections by outcome: accepted, refused_limit (maxConnections), refused_per_ip (maxConnectionsPerIp), refused_proxy.',
      labelNames: ['outcome'],
      registers,
    });
    this.mailFrom = new Counter({
      name: 'authgate_smtpd_mail_from_total',
      help: 'MAIL FROM commands by SPF result and action.',
      labelNames: ['spf', 'action'],
      registers,
    });
    this.recipients = new Counter({
      name: 'authgate_smtpd_recipients_total',
      help: 'RCPT TO commands by outcome: accepted, relay_denied, too_many (maxRecipients), downstream_refused, downstream_error.',
      labelNames: ['outcome'],
      registers,
    });
    this.messages = new Counter({
      name: 'authgate_smtpd_messages_total',
      help: 'Messages at the end of DATA by verdict and action (accept, quarantine, reject, defer; failed: a local error answered 451; abandoned: the client left during DATA); dkim and dmarc are "skipped" when they were not evaluated.',
      labelNames: ['spf', 'dkim', 'dmarc', 'action'],
      registers,
    });
    this.messageBytes = new Histogram({
      name: 'authgate_smtpd_message_size_bytes',
      help: 'Size of received messages.',
      buckets: [4_096, 16_384, 65_536, 262_144, 1_048_576, 4_194_304, 16_777_216, 67_108_864],
      registers,
    });
    this.relaySeconds = new Histogram({
      name: 'authgate_smtpd_relay_duration_seconds',
      help: 'From DATA to the downstream server\'s final reply, by outcome.',
      labelNames: ['outcome'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers,
    });
    this.dnsQueries = new Counter({
      name: 'authgate_smtpd_dns_queries_total',
      help: 'DNS queries by record type and outcome.',
      labelNames: ['type', 'outcome'],
      registers,
    });
    this.dnsSeconds = new Histogram({
      name: 'authgate_smtpd_dns_query_duration_seconds',
      help: 'DNS query latency by record type.',
      labelNames: ['type'],
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    });
    this.reloads = new Counter({
      name: 'authgate_smtpd_config_reloads_total',
      help: 'Configuration reloads (SIGHUP) by outcome.',
      labelNames: ['outcome'],
      registers,
    });
    if (options.defaultMetrics === true) collectDefaultMetrics({ register: this.registry, prefix: 'authgate_smtpd_' });
  }

  /**
   * A message counted without DKIM and DMARC verdicts (`skipped`): refused for its size before they
   * were reached (`reject`), failed on our side and answered 451 (`failed`, the one to alert on),
   * or left by its client during DATA (`abandoned`).
   */
  messageWithoutVerdicts(spf: string, action: 'reject' | 'failed' | 'abandoned'): void {
    this.messages.inc({ spf, dkim: 'skipped', dmarc: 'skipped', action });
  }

  /** A resolver that counts and times every query it passes to `inner`. */
  instrument(inner: Resolver): Resolver {
    return observedResolver(inner, (observation) => this.observeDns(observation));
  }

  /** Counts and times one DNS question, asked on the event loop or by a verification thread. */
  observeDns({ type, outcome, seconds }: DnsObservation): void {
    this.#dnsSeconds(type).observe(seconds);
    this.#dnsCount(type, outcome).inc();
  }

  #dnsSeconds(type: string): Histogram.Internal<string> {
    let child = this.#dnsChildren.get(type);
    if (child === undefined) this.#dnsChildren.set(type, (child = this.dnsSeconds.labels({ type })));
    return child;
  }

  #dnsCount(type: string, outcome: string): Counter.Internal {
    const key = `${type} ${outcome}`;
    let child = this.#dnsCounters.get(key);
    if (child === undefined) this.#dnsCounters.set(key, (child = this.dnsQueries.labels({ type, outcome })));
    return child;
  }
}
