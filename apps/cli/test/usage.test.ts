import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { authgate, ensureBuilt } from './helpers/binary.js';
import { FIXTURES } from './helpers/paths.js';
import { QUICKSTART_ENVELOPE, QUICKSTART_ZONE, RSA_KEY, SIGNED, tempDir } from './helpers/fixtures.js';

beforeAll(ensureBuilt);

const zone = ['--zone', QUICKSTART_ZONE];

describe('usage and input errors: one line on stderr (plus a usage hint for yargs errors), exit 2, no stack trace', () => {
  test.for<[string, string[], RegExp]>([
    ['no command', [], /^authgate: give a command: check, spf, dkim or dmarc\nRun "authgate --help"/],
    ['an unknown command', ['chek'], /^authgate: unknown command "chek". Did you mean check\?\n/],
    ['an unknown option', ['check', '--bogus', SIGNED], /^authgate: Unknown arguments?: bogus\n/],
    ['check without an envelope', ['check', ...zone, SIGNED], /^authgate: the SMTP envelope is needed: give --ip and --mail-from \(and --helo\), or --from-received/],
    ['check with a bad IP', ['check', '--ip', '192.0.2.256', '--mail-from', 'a@example.com', ...zone, SIGNED], /^authgate: not an IP address: "192\.0\.2\.256"\n$/],
    ['check with a bad MAIL FROM', ['check', '--ip', '192.0.2.1', '--mail-from', 'alice', ...zone, SIGNED], /^authgate: not a MAIL FROM address: "alice" \(use <> for the null reverse path\)\n$/],
    ['a null reverse path without HELO', ['check', '--ip', '192.0.2.1', '--mail-from', '<>', ...zone, SIGNED], /^authgate: with the null reverse path \(<>\) SPF checks the HELO name: give --helo\n$/],
    ['check without input', ['check', ...QUICKSTART_ENVELOPE, ...zone], /^authgate: no input: give message files, a directory, an mbox, or - to read standard input\n$/],
    ['stdin twice', ['check', ...QUICKSTART_ENVELOPE, ...zone, '-', '-'], /^authgate: standard input \(-\) can be read only once\n$/],
    ['a missing file', ['check', ...QUICKSTART_ENVELOPE, ...zone, 'no-such.eml'], /^authgate: no-such\.eml: no such file or directory\n$/],
    ['--concurrency 0', ['check', ...QUICKSTART_ENVELOPE, ...zone, '--concurrency', '0', SIGNED], /^authgate: --concurrency must be a whole number from 1 to 256\n$/],
    ['a bad --authserv-id', ['check', ...QUICKSTART_ENVELOPE, ...zone, '--authserv-id', 'two words', SIGNED], /^authgate: --authserv-id "two words": give a host name\n$/],
    ['a bad --now', ['check', ...QUICKSTART_ENVELOPE, ...zone, '--now', 'yesterday', SIGNED], /^authgate: --now "yesterday": give an ISO 8601 time or Unix seconds\n$/],
    ['--dns-timeout 0', ['spf', '--ip', '192.0.2.1', '--mail-from', 'a@example.com', '--dns-timeout', '0'], /^authgate: --dns-timeout must be a positive number of seconds\n$/],
    ['a DNS server name', ['spf', '--ip', '192.0.2.1', '--mail-from', 'a@example.com', '--dns-server', 'ns.example.com'], /^authgate: --dns-server "ns\.example\.com": give an IP address, ip:port or \[ipv6\]:port\n$/],
    ['--zone with --dns-server', ['spf', '--ip', '192.0.2.1', '--mail-from', 'a@example.com', ...zone, '--dns-server', '127.0.0.1'], /^authgate: Arguments zone and dns-server are mutually exclusive\n/],
    ['a missing zone file', ['spf', '--ip', '192.0.2.1', '--mail-from', 'a@example.com', '--zone', 'no-such.yaml'], /^authgate: no-such\.yaml: no such zone file\n$/],
    ['a file that is not a zone', ['spf', '--ip', '192.0.2.1', '--mail-from', 'a@example.com', '--zone', SIGNED], /^authgate: .*quickstart-signed\.eml: not a zone file \(.+\)\n$/],
    ['spf without --ip', ['spf', '--mail-from', 'a@example.com'], /^authgate: Missing required argument: ip\n/],
    ['spf with a bad IP', ['spf', '--ip', 'localhost', '--mail-from', 'a@example.com', ...zone], /^authgate: not an IP address: "localhost"\n$/],
    ['dmarc without a domain', ['dmarc'], /^authgate: Not enough non-option arguments: got 0, need at least 1\n/],
    ['dmarc with an address', ['dmarc', ...zone, 'alice@example.com'], /^authgate: not a domain name: "alice@example\.com"\n$/],
    ['dkim without a subcommand', ['dkim'], /^authgate: give a dkim command: verify, sign or keygen\n/],
    ['dkim sign without --key', ['dkim', 'sign', '--domain', 'example.com', '--selector', 's', SIGNED], /^authgate: Missing required argument: key\n/],
    ['dkim sign of a directory', ['dkim', 'sign', '--domain', 'example.com', '--selector', 's', '--key', RSA_KEY, FIXTURES], /^authgate: .*test-fixtures\/cli\/?: is a directory\n$/],
    ['dkim sign of empty input', ['dkim', 'sign', '--domain', 'example.com', '--selector', 's', '--key', RSA_KEY, '-'], /^authgate: standard input: not an email message \(no bytes\)\n$/],
    ['dkim sign of a file that is not a message', ['dkim', 'sign', '--domain', 'example.com', '--selector', 's', '--key', RSA_KEY, QUICKSTART_ZONE], /^authgate: .*quickstart-zone\.yaml: not an email message \(/],
    ['dkim sign of a device, which would never end', ['dkim', 'sign', '--domain', 'example.com', '--selector', 's', '--key', RSA_KEY, '/dev/zero'], /^authgate: \/dev\/zero: not a regular file or a pipe\n$/],
    ['dkim sign with a device as the key', ['dkim', 'sign', '--domain', 'example.com', '--selector', 's', '--key', '/dev/zero', SIGNED], /^authgate: --key \/dev\/zero: not a regular file or a pipe\n$/],
    ['check of a device', ['check', ...QUICKSTART_ENVELOPE, ...zone, '/dev/zero'], /^authgate: \/dev\/zero: not a regular file, a directory or a pipe\n$/],
    ['dkim sign with a bad selector', ['dkim', 'sign', '--domain', 'example.com', '--selector', 'two words', '--key', RSA_KEY, SIGNED], /^authgate: --selector "two words": a selector is DNS labels/],
    ['dkim sign with --expires-in 0', ['dkim', 'sign', '--domain', 'example.com', '--selector', 's', '--key', RSA_KEY, '--expires-in', '0', SIGNED], /^authgate: --expires-in must be a whole number of seconds, at least 1\n$/],
    ['dkim verify --min-rsa-bits not a number', ['dkim', 'verify', ...zone, '--min-rsa-bits', 'many', SIGNED], /^authgate: --min-rsa-bits must be a whole number from 1024 to 16384/],
    ['dkim verify --min-rsa-bits below RFC 8301', ['dkim', 'verify', ...zone, '--min-rsa-bits', '512', SIGNED], /^authgate: --min-rsa-bits must be a whole number from 1024 to 16384/],
    ['an option without its value', ['spf', '--mail-from', 'a@example.com', '--ip'], /^authgate: --ip needs a value\nRun "authgate --help"/],
    ['--fail-on without its value', ['check', ...QUICKSTART_ENVELOPE, ...zone, SIGNED, '--fail-on'], /^authgate: --fail-on needs a value\n/],
    ['a choice without its value (not silently the default)', ['check', '--mbox-format', '--from-received', ...zone, SIGNED], /^authgate: --mbox-format needs a value\n/],
    ['a switch given a value', ['spf', '--ip', '192.0.2.1', '--mail-from', 'a@example.com', ...zone, '--json=yes'], /^authgate: --json is a switch: give it alone \(not "--json=yes"\)\n$/],
    ['a MAIL FROM domain with an empty label', ['spf', '--ip', '192.0.2.1', '--mail-from', 'a@example..com', ...zone], /^authgate: --mail-from "a@example\.\.com": "example\.\.com" is not a domain name or address literal\n$/],
    ['a MAIL FROM domain starting with a hyphen', ['check', '--ip', '192.0.2.1', '--mail-from', '<a@-example.com>', ...zone, SIGNED], /^authgate: --mail-from "<a@-example\.com>": "-example\.com" is not a domain name/],
    ['an IPv6 address literal without its tag', ['spf', '--ip', '192.0.2.1', '--mail-from', 'a@[2001:db8::1]', ...zone], /^authgate: --mail-from "a@\[2001:db8::1\]": .* is not a domain name or address literal\n$/],
    ['a HELO name of two words', ['spf', '--ip', '192.0.2.1', '--mail-from', 'a@example.com', '--helo', 'mail example', ...zone], /^authgate: --helo "mail example": a HELO name is one word/],
    ['an IPv6 address with a zone', ['spf', '--ip', 'fe80::1%eth0', '--mail-from', 'a@example.com', ...zone], /^authgate: not an IP address: "fe80::1%eth0"\n$/],
    ['dmarc with a label ending with a hyphen', ['dmarc', ...zone, 'bad-.example'], /^authgate: not a domain name: "bad-\.example"\n$/],
    ['a repeated single-valued option', ['spf', '--ip', '192.0.2.1', '--ip', '192.0.2.2', '--mail-from', 'a@example.com', ...zone], /^authgate: --ip was given more than once\n$/],
  ])('%s', async ([, args, stderr]) => {
    const run = await authgate(args);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(stderr);
    expect(run.stderr).not.toMatch(/^\s+at /m);
  });

  test('an unreadable zone (YAML syntax error) is an input error too', async () => {
    const dir = await tempDir();
    try {
      const path = join(dir.path, 'broken.yaml');
      await writeFile(path, 'example.com: [ { TXT: "unterminated\n');
      const run = await authgate(['spf', '--ip', '192.0.2.1', '--mail-from', 'a@example.com', '--zone', path]);
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(new RegExp(`^authgate: ${path}: not a zone file \\(`));
      expect(run.stderr.trimEnd().split('\n')).toHaveLength(1);
    } finally {
      await dir.remove();
    }
  });
});

describe('help and version', () => {
  test.for([
    [['--help'], 'authgate <command> [options]'],
    [['check', '--help'], 'authgate check [files..]'],
    [['spf', '--help'], 'authgate spf'],
    [['dmarc', '--help'], 'authgate dmarc <domain>'],
    [['dkim', '--help'], 'authgate dkim'],
    [['dkim', 'verify', '--help'], 'authgate dkim verify [files..]'],
    [['dkim', 'sign', '--help'], 'authgate dkim sign [file]'],
    [['dkim', 'keygen', '--help'], 'authgate dkim keygen'],
  ] as const)('%j prints usage and exits 0', async ([args, usage]) => {
    const run = await authgate(args);
    expect(run.code).toBe(0);
    expect(run.stdout.startsWith(usage)).toBe(true);
    // Every command, the top level and the dkim group included, shows examples.
    expect(run.stdout).toContain('Examples:\n  authgate ');
    expect(run.stdout).toContain('Exit status: 0 the check ran; 1 a verdict named by --fail-on failed;');
  });

  test('--version prints the package version', async () => {
    const run = await authgate(['--version']);
    expect(run).toEqual({ code: 0, stdout: '0.1.0\n', stderr: '' });
  });
});
