import type { ConfigProblem } from '../errors.js';
import { ConfigReader, join, type Section } from './reader.js';
import {
  defaultConfig,
  type AuthConfig,
  type DnsConfig,
  type FilterConfig,
  type ListenConfig,
  type LimitsConfig,
  type LogConfig,
  type MetricsConfig,
  type PolicyConfig,
  type ProxyConfig,
  type RelayConfig,
  type SpoolConfig,
  type StampConfig,
  type TlsConfig,
} from './schema.js';
import { parseDomain, parseDuration, parseHeaderField, parseHostPort, parseNetwork, parseSize, type Parsed } from './values.js';
import { expandPolicyPreset } from './preset.js';

export type ConfigResult = { ok: true; config: FilterConfig } | { ok: false; problems: ConfigProblem[] };

const TOP_LEVEL = [
  'hostname', 'authservId', 'authservIdAliases', 'domains', 'listen', 'proxy', 'tls', 'relay', 'limits',
  'spool', 'dns', 'auth', 'policy', 'trustedRelays', 'stamp', 'metrics', 'log', 'shutdown',
] as const;

const HOUR = 3_600_000;
const duration = (min: number, max: number) => ({ min, max, parse: parseDuration });
const size = (min: number, max: number) => ({ min, max, parse: parseSize });

/**
 * Checks a whole configuration document (the merge of file, environment and flags) and applies
 * the defaults. Every mistake is reported, each with its option path; nothing is read from disk
 * here (see `checkConfigFiles`).
 */
export function validateConfig(document: unknown): ConfigResult {
  const reader = new ConfigReader();
  const defaults = defaultConfig();
  const top = reader.section(document, '', TOP_LEVEL);
  const hostname = reader.parsed(top, 'hostname', '', (v) => parseDomain(v), 'config-domain') ?? defaults.hostname;
  const config: FilterConfig = {
    hostname,
    authservId: reader.string(top, 'authservId', '', hostname),
    authservIdAliases: reader.list(top, 'authservIdAliases', '', nonEmptyString, []),
    domains: reader.list(top, 'domains', '', (v) => parseDomain(v), [], 'config-domain'),
    listen: readListen(reader, top['listen'], defaults.listen),
    proxy: readProxy(reader, top['proxy'], defaults.proxy),
    tls: readTls(reader, top['tls']),
    relay: readRelay(reader, top['relay'], { ...defaults.relay, heloName: hostname }),
    limits: readLimits(reader, top['limits'], defaults.limits),
    spool: readSpool(reader, top['spool'], defaults.spool),
    dns: readDns(reader, top['dns'], defaults.dns),
    auth: readAuth(reader, top['auth'], defaults.auth),
    policy: readPolicy(reader, top['policy'], defaults.policy),
    trustedRelays: reader.list(top, 'trustedRelays', '', parseNetwork, [], 'config-address'),
    stamp: readStamp(reader, top['stamp'], defaults.stamp),
    metrics: readMetrics(reader, top['metrics'], defaults.metrics),
    log: readLog(reader, top['log'], defaults.log),
    shutdown: {
      drainTimeout: reader.number(reader.section(top['shutdown'], 'shutdown', ['drainTimeout']), 'drainTimeout', 'shutdown', duration(0, HOUR), defaults.shutdown.drainTimeout),
    },
  };
  checkCombinations(reader, config);
  return reader.problems.length === 0 ? { ok: true, config } : { ok: false, problems: reader.problems };
}

function readListen(reader: ConfigReader, value: unknown, fallback: ListenConfig[]): ListenConfig[] {
  if (value === undefined || value === null) return fallback;
  const items = Array.isArray(value) ? value : [value];
  const listeners: ListenConfig[] = [];
  items.forEach((item, index) => {
    const path = `listen[${index}]`;
    const section: Section = typeof item === 'string' ? { address: item } : reader.section(item, path, ['address', 'proxyProtocol']);
    const address = reader.parsed(section, 'address', path, (v) => parseHostPort(v, { wantsIp: true, defaultHost: '0.0.0.0' }), 'config-address');
    if (address === undefined) {
      if (section['address'] === undefined) reader.report('config-required', join(path, 'address'), 'every listener needs an address "ip:port"');
      return;
    }
    listeners.push({ ...address, proxyProtocol: reader.boolean(section, 'proxyProtocol', path, false) });
  });
  if (items.length === 0) reader.report('config-required', 'listen', 'needs at least one address');
  return listeners;
}

function readProxy(reader: ConfigReader, value: unknown, fallback: ProxyConfig): ProxyConfig {
  const section = reader.section(value, 'proxy', ['trusted', 'timeout']);
  return {
    trusted: reader.list(section, 'trusted', 'proxy', parseNetwork, fallback.trusted, 'config-address'),
    timeout: reader.number(section, 'timeout', 'proxy', duration(100, 60_000), fallback.timeout),
  };
}

function readTls(reader: ConfigReader, value: unknown): TlsConfig {
  const section = reader.section(value, 'tls', ['starttls', 'cert', 'key']);
  const cert = reader.optionalString(section, 'cert', 'tls');
  const key = reader.optionalString(section, 'key', 'tls');
  const fallback = cert !== undefined && key !== undefined ? 'optional' : 'off';
  return {
    starttls: reader.oneOf(section, 'starttls', 'tls', ['off', 'optional', 'required'], fallback),
    ...(cert !== undefined && { cert }),
    ...(key !== undefined && { key }),
  };
}

const RELAY_KEYS = [
  'address', 'tls', 'verifyCertificate', 'heloName', 'xclient', 'xforward', 'maxIdle', 'idleTimeout',
  'maxMessagesPerConnection', 'connectTimeout', 'commandTimeout', 'dataTimeout',
] as const;

function readRelay(reader: ConfigReader, value: unknown, fallback: RelayConfig): RelayConfig {
  const section = reader.section(value, 'relay', RELAY_KEYS);
  const address = reader.parsed(section, 'address', 'relay', (v) => parseHostPort(v, { wantsIp: false }), 'config-address');
  return {
    host: address?.host ?? fallback.host,
    port: address?.port ?? fallback.port,
    tls: reader.oneOf(section, 'tls', 'relay', ['off', 'opportunistic', 'required'], fallback.tls),
    verifyCertificate: reader.boolean(section, 'verifyCertificate', 'relay', fallback.verifyCertificate),
    heloName: reader.parsed(section, 'heloName', 'relay', (v) => parseDomain(v), 'config-domain') ?? fallback.heloName,
    xclient: reader.boolean(section, 'xclient', 'relay', fallback.xclient),
    xforward: reader.boolean(section, 'xforward', 'relay', fallback.xforward),
    maxIdle: reader.number(section, 'maxIdle', 'relay', { min: 0, max: 1000 }, fallback.maxIdle),
    idleTimeout: reader.number(section, 'idleTimeout', 'relay', duration(100, HOUR), fallback.idleTimeout),
    maxMessagesPerConnection: reader.number(section, 'maxMessagesPerConnection', 'relay', { min: 1, max: 100_000 }, fallback.maxMessagesPerConnection),
    connectTimeout: reader.number(section, 'connectTimeout', 'relay', duration(100, HOUR), fallback.connectTimeout),
    commandTimeout: reader.number(section, 'commandTimeout', 'relay', duration(100, HOUR), fallback.commandTimeout),
    dataTimeout: reader.number(section, 'dataTimeout', 'relay', duration(100, HOUR), fallback.dataTimeout),
  };
}

const LIMIT_KEYS = [
  'maxMessageSize', 'maxHeaderSize', 'maxRecipients', 'maxConnections', 'maxConnectionsPerIp',
  'commandTimeout', 'dataTimeout', 'maxLineLength',
] as const;

function readLimits(reader: ConfigReader, value: unknown, fallback: LimitsConfig): LimitsConfig {
  const s = reader.section(value, 'limits', LIMIT_KEYS);
  return {
    // RFC 5321 §4.5.3.1.7: a server must accept messages of at least 64K octets.
    maxMessageSize: reader.number(s, 'maxMessageSize', 'limits', size(65_536, 2 ** 40), fallback.maxMessageSize),
    maxHeaderSize: reader.number(s, 'maxHeaderSize', 'limits', size(4_096, 64 * 1024 ** 2), fallback.maxHeaderSize),
    // RFC 5321 §4.5.3.1.8: refusing recipients below 100 violates the specification.
    maxRecipients: reader.number(s, 'maxRecipients', 'limits', { min: 100, max: 100_000 }, fallback.maxRecipients),
    maxConnections: reader.number(s, 'maxConnections', 'limits', { min: 1, max: 1_000_000 }, fallback.maxConnections),
    maxConnectionsPerIp: reader.number(s, 'maxConnectionsPerIp', 'limits', { min: 1, max: 1_000_000 }, fallback.maxConnectionsPerIp),
    commandTimeout: reader.number(s, 'commandTimeout', 'limits', duration(1_000, HOUR), fallback.commandTimeout),
    dataTimeout: reader.number(s, 'dataTimeout', 'limits', duration(1_000, HOUR), fallback.dataTimeout),
    // RFC 5321 §4.5.3.1.4: command lines of 512 octets must be accepted.
    maxLineLength: reader.number(s, 'maxLineLength', 'limits', { min: 512, max: 1_048_576 }, fallback.maxLineLength),
  };
}

function readSpool(reader: ConfigReader, value: unknown, fallback: SpoolConfig): SpoolConfig {
  const section = reader.section(value, 'spool', ['memoryLimit', 'directory']);
  return {
    memoryLimit: reader.number(section, 'memoryLimit', 'spool', size(0, 1024 ** 3), fallback.memoryLimit),
    directory: reader.string(section, 'directory', 'spool', fallback.directory),
  };
}

function readDns(reader: ConfigReader, value: unknown, fallback: DnsConfig): DnsConfig {
  const section = reader.section(value, 'dns', ['servers', 'timeout', 'zoneFile']);
  const zoneFile = reader.optionalString(section, 'zoneFile', 'dns');
  return {
    servers: reader.list(section, 'servers', 'dns', dnsServer, fallback.servers, 'config-address'),
    timeout: reader.number(section, 'timeout', 'dns', duration(100, 60_000), fallback.timeout),
    ...(zoneFile !== undefined && { zoneFile }),
  };
}

function readAuth(reader: ConfigReader, value: unknown, fallback: AuthConfig): AuthConfig {
  const section = reader.section(value, 'auth', ['threads', 'dmarcMode', 'minRsaBits', 'clockSkewSeconds', 'spfDeadline']);
  return {
    threads: reader.number(section, 'threads', 'auth', { min: 0, max: 64 }, fallback.threads),
    dmarcMode: reader.oneOf(section, 'dmarcMode', 'auth', ['rfc9989', 'rfc7489'], fallback.dmarcMode),
    // RFC 8301 §3.2: verifiers must not consider signatures with keys under 1024 bits valid.
    minRsaBits: reader.number(section, 'minRsaBits', 'auth', { min: 1024, max: 16_384 }, fallback.minRsaBits),
    clockSkewSeconds: reader.number(section, 'clockSkewSeconds', 'auth', { min: 0, max: 86_400 }, fallback.clockSkewSeconds),
    // RFC 7208 §4.6.4: the overall SPF timeout should be at least 20 seconds.
    spfDeadline: reader.number(section, 'spfDeadline', 'auth', duration(1_000, 300_000), fallback.spfDeadline),
  };
}

const POLICY_KEYS = [
  'dmarcReject', 'dmarcQuarantine', 'quarantineHeader', 'spfFail', 'tempError', 'malformed', 'allowMultipleFrom', 'allow',
] as const;

function readPolicy(reader: ConfigReader, value: unknown, fallback: PolicyConfig): PolicyConfig {
  const expanded = typeof value === 'string' ? expandPolicyPreset(value) : value;
  if (typeof value === 'string' && expanded === undefined) {
    reader.report('config-enum', 'policy', `must be "monitor", "enforce" or a mapping of options (got ${JSON.stringify(value)})`);
    return fallback;
  }
  const s = reader.section(expanded, 'policy', POLICY_KEYS);
  const actions = ['accept', 'quarantine', 'reject'] as const;
  const allow = reader.section(s['allow'], 'policy.allow', ['ips', 'domains']);
  return {
    dmarcReject: reader.oneOf(s, 'dmarcReject', 'policy', actions, fallback.dmarcReject),
    dmarcQuarantine: reader.oneOf(s, 'dmarcQuarantine', 'policy', actions, fallback.dmarcQuarantine),
    quarantineHeader: reader.parsed(s, 'quarantineHeader', 'policy', parseHeaderField, 'config-header') ?? fallback.quarantineHeader,
    spfFail: reader.oneOf(s, 'spfFail', 'policy', ['accept', 'reject'], fallback.spfFail),
    tempError: reader.oneOf(s, 'tempError', 'policy', ['accept', 'defer'], fallback.tempError),
    malformed: reader.oneOf(s, 'malformed', 'policy', ['accept', 'reject'], fallback.malformed),
    allowMultipleFrom: reader.boolean(s, 'allowMultipleFrom', 'policy', fallback.allowMultipleFrom),
    allow: {
      ips: reader.list(allow, 'ips', 'policy.allow', parseNetwork, fallback.allow.ips, 'config-address'),
      domains: reader.list(allow, 'domains', 'policy.allow', (v) => parseDomain(v, true), fallback.allow.domains, 'config-domain'),
    },
  };
}

function readStamp(reader: ConfigReader, value: unknown, fallback: StampConfig): StampConfig {
  const section = reader.section(value, 'stamp', ['receivedSpf', 'received']);
  return {
    receivedSpf: reader.boolean(section, 'receivedSpf', 'stamp', fallback.receivedSpf),
    received: reader.boolean(section, 'received', 'stamp', fallback.received),
  };
}

function readMetrics(reader: ConfigReader, value: unknown, fallback: MetricsConfig): MetricsConfig {
  const section = reader.section(value, 'metrics', ['listen']);
  if (section['listen'] === 'off' || section['listen'] === false) return {};
  const listen = reader.parsed(section, 'listen', 'metrics', (v) => parseHostPort(v, { wantsIp: true, defaultHost: '127.0.0.1' }), 'config-address');
  return listen !== undefined ? { listen } : fallback;
}

function readLog(reader: ConfigReader, value: unknown, fallback: LogConfig): LogConfig {
  const section = reader.section(value, 'log', ['level']);
  const levels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
  return { level: reader.oneOf(section, 'level', 'log', levels, fallback.level) };
}

/** The mistakes no single option shows. */
function checkCombinations(reader: ConfigReader, config: FilterConfig): void {
  if (config.domains.length === 0 && reader.problems.every((p) => p.path !== 'domains' && !p.path.startsWith('domains['))) {
    reader.report('config-required', 'domains', 'list the recipient domains this filter accepts mail for (it is never an open relay)');
  }
  if (config.tls.starttls !== 'off' && (config.tls.cert === undefined || config.tls.key === undefined)) {
    reader.report('config-conflict', 'tls.starttls', `"${config.tls.starttls}" needs both tls.cert and tls.key`);
  }
  if ((config.tls.cert === undefined) !== (config.tls.key === undefined)) {
    reader.report('config-conflict', config.tls.cert === undefined ? 'tls.cert' : 'tls.key', 'tls.cert and tls.key go together');
  }
  if (config.listen.some((l) => l.proxyProtocol) && config.proxy.trusted.length === 0) {
    reader.report('config-conflict', 'proxy.trusted', 'a listener expects PROXY headers: list the networks of the proxies allowed to send them');
  }
  if (config.relay.xclient && config.relay.xforward) {
    reader.report('config-conflict', 'relay.xforward', 'choose one of relay.xclient and relay.xforward');
  }
}

function nonEmptyString(value: unknown): Parsed<string> {
  if (typeof value === 'string' && value.trim() !== '') return { ok: true, value: value.trim() };
  return { ok: false, message: 'must be a non-empty string' };
}

/** A DNS server: an IP address with an optional port (`192.0.2.53`, `192.0.2.53:5353`, `[2001:db8::53]:53`). */
function dnsServer(value: unknown): Parsed<string> {
  if (typeof value !== 'string') return { ok: false, message: 'must be an address "ip" or "ip:port"' };
  const text = value.trim();
  const withPort = /:\d+$/.test(text) && (text.startsWith('[') || text.split(':').length === 2);
  const parsed = parseHostPort(withPort ? text : text.includes(':') ? `[${text}]:53` : `${text}:53`, { wantsIp: true });
  return parsed.ok ? { ok: true, value: text } : parsed;
}
