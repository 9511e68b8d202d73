import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { environmentLayer, loadConfig, mergeLayers } from '../src/config/load.js';
import { validateConfig } from '../src/config/validate.js';
import { parseDuration, parseHostPort, parseSize } from '../src/config/values.js';
import { parseArguments } from '../src/cli/args.js';
import { fixturePath } from './helpers/fixtures.js';

const minimal = 'domains: [example.com]\n';

function problemsOf(yaml: string) {
  const result = validateConfig(parseYaml(yaml));
  return result.ok ? [] : result.problems.map((p) => `${p.path} ${p.code}`);
}

describe('validateConfig', () => {
  test('the smallest valid configuration takes every default', () => {
    const result = validateConfig(parseYaml(minimal));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.config.domains).toEqual(['example.com']);
    expect(result.config.listen).toEqual([{ host: '0.0.0.0', port: 25, proxyProtocol: false }]);
    expect(result.config.relay).toMatchObject({ host: '127.0.0.1', port: 10025, tls: 'opportunistic', xclient: false });
    expect(result.config.policy).toMatchObject({ dmarcReject: 'accept', spfFail: 'accept', tempError: 'accept', malformed: 'accept' });
    expect(result.config.authservId).toBe(result.config.hostname);
    expect(result.config.tls.starttls).toBe('off');
  });

  test('the example configuration in the package is valid and documents every option', async () => {
    const text = await readFile(path.join(import.meta.dirname, '..', 'authgate-smtpd.example.yaml'), 'utf8');
    const result = validateConfig(parseYaml(text));
    expect(result.ok ? [] : result.problems).toEqual([]);
    for (const option of ['maxConnectionsPerIp', 'dataTimeout', 'xforward', 'quarantineHeader', 'trustedRelays', 'drainTimeout', 'zoneFile']) {
      expect(text).toContain(option);
    }
  });

  test('units: durations and sizes', () => {
    const result = validateConfig(parseYaml(`${minimal}limits: { maxMessageSize: 10M, commandTimeout: 10m, dataTimeout: 90s }\nproxy: { timeout: 1500ms }`));
    expect(result.ok && result.config.limits).toMatchObject({ maxMessageSize: 10 * 1024 * 1024, commandTimeout: 600_000, dataTimeout: 90_000 });
    expect(result.ok && result.config.proxy.timeout).toBe(1500);
  });

  test('IDN domains become lower-case A-labels', () => {
    const result = validateConfig(parseYaml('domains: [Bücher.Example, EXAMPLE.org.]'));
    expect(result.ok && result.config.domains).toEqual(['xn--bcher-kva.example', 'example.org']);
  });

  test('policy shorthands', () => {
    const enforce = validateConfig(parseYaml(`${minimal}policy: enforce`));
    expect(enforce.ok && enforce.config.policy.dmarcReject).toBe('reject');
    const monitor = validateConfig(parseYaml(`${minimal}policy: monitor`));
    expect(monitor.ok && monitor.config.policy.dmarcReject).toBe('accept');
  });

  test.for([
    ['no domains at all (never an open relay)', 'listen: "127.0.0.1:25"', 'domains config-required'],
    ['an empty domain list', 'domains: []', 'domains config-required'],
    ['a domain that is not a host name', 'domains: ["exa mple.com"]', 'domains[0] config-domain'],
    ['a misspelt top-level option, with a suggestion', `${minimal}realy: { address: "127.0.0.1:25" }`, 'realy config-unknown'],
    ['a misspelt nested option', `${minimal}limits: { maxRecipient: 200 }`, 'limits.maxRecipient config-unknown'],
    ['a port out of range', `${minimal}relay: { address: "127.0.0.1:70000" }`, 'relay.address config-address'],
    ['a listener on a host name', `${minimal}listen: "mail.example.com:25"`, 'listen[0].address config-address'],
    ['a listener without address', `${minimal}listen: [{ proxyProtocol: true }]`, 'listen[0].address config-required'],
    ['an empty listener list', `${minimal}listen: []`, 'listen config-required'],
    ['fewer than 100 recipients (RFC 5321 §4.5.3.1.8)', `${minimal}limits: { maxRecipients: 50 }`, 'limits.maxRecipients config-range'],
    ['a command line under 512 octets (RFC 5321 §4.5.3.1.4)', `${minimal}limits: { maxLineLength: 100 }`, 'limits.maxLineLength config-range'],
    ['a message size under 64K (RFC 5321 §4.5.3.1.7)', `${minimal}limits: { maxMessageSize: 1k }`, 'limits.maxMessageSize config-range'],
    ['a duration without a known unit', `${minimal}limits: { commandTimeout: 5 minutes }`, 'limits.commandTimeout config-type'],
    ['a size with an unknown unit', `${minimal}limits: { maxMessageSize: 5T }`, 'limits.maxMessageSize config-type'],
    ['a string where a boolean belongs', `${minimal}relay: { xclient: "yes" }`, 'relay.xclient config-type'],
    ['an unknown policy action', `${minimal}policy: { dmarcReject: bounce }`, 'policy.dmarcReject config-enum'],
    ['an unknown policy shorthand', `${minimal}policy: strict`, 'policy config-enum'],
    ['an unknown STARTTLS mode', `${minimal}tls: { starttls: always }`, 'tls.starttls config-enum'],
    ['STARTTLS without a certificate', `${minimal}tls: { starttls: required }`, 'tls.starttls config-conflict'],
    ['a certificate without its key', `${minimal}tls: { cert: /etc/cert.pem }`, 'tls.key config-conflict'],
    ['a PROXY listener without trusted proxies', `${minimal}listen: [{ address: "127.0.0.1:25", proxyProtocol: true }]`, 'proxy.trusted config-conflict'],
    ['XCLIENT and XFORWARD together', `${minimal}relay: { xclient: true, xforward: true }`, 'relay.xforward config-conflict'],
    ['a network that does not parse', `${minimal}trustedRelays: ["10.0.0.0/33"]`, 'trustedRelays[0] config-address'],
    ['a quarantine header without a colon', `${minimal}policy: { quarantineHeader: "X-Spam yes" }`, 'policy.quarantineHeader config-header'],
    ['an RSA floor under RFC 8301', `${minimal}auth: { minRsaBits: 512 }`, 'auth.minRsaBits config-range'],
    ['a negative number of verification threads', `${minimal}auth: { threads: -1 }`, 'auth.threads config-range'],
    ['more verification threads than the limit', `${minimal}auth: { threads: 65 }`, 'auth.threads config-range'],
    ['a fraction of a verification thread', `${minimal}auth: { threads: 1.5 }`, 'auth.threads config-type'],
    ['a DNS server that is a name', `${minimal}dns: { servers: [resolver.example] }`, 'dns.servers[0] config-address'],
    ['a section that is a list', `${minimal}relay: [a, b]`, 'relay config-type'],
    ['an unknown log level', `${minimal}log: { level: verbose }`, 'log.level config-enum'],
  ] as const)('refuses %s', ([, yaml, expected]) => {
    expect(problemsOf(yaml)).toContain(expected);
  });

  test('every mistake is reported at once', () => {
    const problems = problemsOf('domains: []\nrelay: { address: nowhere, tls: maybe }\nlimits: { maxRecipients: 1 }');
    expect(problems).toEqual(expect.arrayContaining(['domains config-required', 'relay.address config-address', 'relay.tls config-enum', 'limits.maxRecipients config-range']));
  });

  test('an unknown option names the closest one', () => {
    const result = validateConfig(parseYaml(`${minimal}relay: { adress: "127.0.0.1:25" }`));
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problems[0]!.message).toContain('did you mean "address"');
  });
});

describe('value parsers', () => {
  test.for([
    ['127.0.0.1:25', { host: '127.0.0.1', port: 25 }],
    ['[::1]:2525', { host: '::1', port: 2525 }],
    [':25', { host: '0.0.0.0', port: 25 }],
  ] as const)('listen address %s', ([text, expected]) => {
    expect(parseHostPort(text, { wantsIp: true, defaultHost: '0.0.0.0' })).toEqual({ ok: true, value: expected });
  });

  test.for([['30s', 30_000], ['5m', 300_000], ['1h', 3_600_000], ['250ms', 250], [1234, 1234]] as const)('duration %s', ([text, ms]) => {
    expect(parseDuration(text)).toEqual({ ok: true, value: ms });
  });

  test.for([['50M', 52_428_800], ['512k', 524_288], ['1GiB', 1_073_741_824], [100, 100]] as const)('size %s', ([text, bytes]) => {
    expect(parseSize(text)).toEqual({ ok: true, value: bytes });
  });
});

describe('layers: file, environment, flags', () => {
  test('environment variables map to option paths', () => {
    const layer = environmentLayer({
      AUTHGATE_SMTPD_RELAY__ADDRESS: '127.0.0.1:10026',
      AUTHGATE_SMTPD_LIMITS__MAX_RECIPIENTS: '500',
      AUTHGATE_SMTPD_DOMAINS: 'a.example, b.example',
      AUTHGATE_SMTPD_AUTHSERV_ID: 'auth.example',
      AUTHGATE_SMTPD_RELAY__XCLIENT: 'true',
      PATH: '/usr/bin',
    });
    expect(layer).toEqual({
      relay: { address: '127.0.0.1:10026', xclient: true },
      limits: { maxRecipients: 500 },
      domains: ['a.example', 'b.example'],
      authservId: 'auth.example',
    });
  });

  test('later layers win, mappings merge, lists are replaced', () => {
    const merged = mergeLayers([
      { domains: ['file.example'], relay: { address: '10.0.0.1:25', tls: 'off' }, policy: 'enforce' },
      { relay: { address: '10.0.0.2:25' }, policy: { spfFail: 'reject' } },
      { domains: ['flag.example'] },
    ]);
    expect(merged).toEqual({
      domains: ['flag.example'],
      relay: { address: '10.0.0.2:25', tls: 'off' },
      policy: { dmarcReject: 'reject', spfFail: 'reject' },
    });
  });

  test('flags override the file and the environment', async () => {
    const args = parseArguments(['--config', fixturePath('smtpd/config/basic.yaml'), '--relay', '127.0.0.1:2526', '--domains', 'x.example,y.example', '--policy', 'enforce', '--listen', '127.0.0.1:0']);
    const result = await loadConfig({ file: args.config!, env: { AUTHGATE_SMTPD_RELAY__ADDRESS: '127.0.0.1:2999', AUTHGATE_SMTPD_AUTHSERV_ID: 'env.example' }, flags: args.overrides });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.config.relay).toMatchObject({ host: '127.0.0.1', port: 2526 });
    expect(result.config.domains).toEqual(['x.example', 'y.example']);
    expect(result.config.authservId).toBe('env.example');
    expect(result.config.policy.dmarcReject).toBe('reject');
    expect(result.config.policy.spfFail).toBe('reject');
    expect(result.config.listen).toEqual([{ host: '127.0.0.1', port: 0, proxyProtocol: false }]);
  });

  test('a file that is not YAML is refused with its position', async () => {
    const result = await loadConfig({ file: fixturePath('smtpd/config/broken.yaml') });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problems[0]).toMatchObject({ code: 'config-syntax' });
  });

  test('a missing file is refused', async () => {
    const result = await loadConfig({ file: fixturePath('smtpd/config/does-not-exist.yaml') });
    expect(!result.ok && result.problems[0]!.code).toBe('config-unreadable');
  });

  test('a certificate file that does not exist is refused', async () => {
    const result = await loadConfig({ flags: { domains: ['example.com'], tls: { cert: fixturePath('smtpd/tls/missing.pem'), key: fixturePath('smtpd/tls/key.pem') } } });
    expect(!result.ok && result.problems.map((p) => p.code)).toEqual(['config-file']);
  });

  test('the test certificate and key load', async () => {
    const result = await loadConfig({ flags: { domains: ['example.com'], tls: { cert: fixturePath('smtpd/tls/cert.pem'), key: fixturePath('smtpd/tls/key.pem') } } });
    expect(result.ok && result.config.tls.starttls).toBe('optional');
  });

  test('unknown flags are a usage error', () => {
    expect(() => parseArguments(['--relya', 'x'])).toThrow();
    expect(() => parseArguments(['--policy', 'strict'])).toThrow();
  });
});
