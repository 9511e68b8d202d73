import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { defaultConfig } from '../src/config/schema.js';

/**
 * "An example config with every option documented": every option of the resolved configuration
 * appears in the example file and in the README's tables, so that a new option cannot ship
 * undocumented.
 */
const PACKAGE = path.resolve(import.meta.dirname, '..');

/** Dotted option paths as an operator writes them (`relay.address`, not `relay.host`/`relay.port`). */
function optionPaths(value: unknown, prefix = ''): string[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return [prefix];
  const keys = Object.keys(value);
  // A HostPort is written "host:port" under the name of the option that holds it.
  if (keys.includes('host') && keys.includes('port')) {
    const rest = keys.filter((key) => key !== 'host' && key !== 'port').flatMap((key) => optionPaths((value as Record<string, unknown>)[key], `${prefix}.${key}`));
    return [prefix === 'relay' ? 'relay.address' : prefix, ...rest];
  }
  return keys.flatMap((key) => optionPaths((value as Record<string, unknown>)[key], prefix === '' ? key : `${prefix}.${key}`));
}

/** Options without a default, absent from `defaultConfig()`. */
const WITHOUT_DEFAULT = ['domains', 'tls.cert', 'tls.key', 'dns.zoneFile', 'listen.proxyProtocol'];

const options = [...optionPaths(defaultConfig()), ...WITHOUT_DEFAULT].sort();

describe('every option is documented', () => {
  test('the list of options is the whole configuration', () => {
    expect(options).toContain('relay.address');
    expect(options).toContain('metrics.listen');
    expect(options).toContain('policy.allow.domains');
    expect(options.length).toBeGreaterThan(50);
  });

  test.for(options)('%s is in the example configuration', async (option) => {
    const example = await readFile(path.join(PACKAGE, 'authgate-smtpd.example.yaml'), 'utf8');
    const name = option.split('.').at(-1)!;
    // The key itself, set or commented out (`# zoneFile: ...`).
    expect(example).toMatch(new RegExp(`^\\s*(?:#\\s*)?(?:- )?${name}:`, 'm'));
  });

  test.for(options)('%s is in the README', async (option) => {
    const readme = await readFile(path.join(PACKAGE, 'README.md'), 'utf8');
    // `listen` entries are written `{ address, proxyProtocol }` in the README's table.
    const written = option === 'listen.proxyProtocol' ? 'proxyProtocol' : option;
    expect(readme).toContain(written === 'proxyProtocol' ? written : `\`${written}\``);
  });
});
