import { beforeAll, describe, expect, test } from 'vitest';
import { authgate, ensureBuilt } from './helpers/binary.js';
import { DMARC_ZONE } from './helpers/fixtures.js';

beforeAll(ensureBuilt);

const dmarc = async (domain: string, ...flags: string[]) => {
  const run = await authgate(['dmarc', '--zone', DMARC_ZONE, '--json', ...flags, domain]);
  expect(run.code).toBe(0);
  return JSON.parse(run.stdout);
};

describe('authgate dmarc', () => {
  test('text: the record, where it applies, the policy, reports and lookups', async () => {
    const run = await authgate(['dmarc', '--zone', DMARC_ZONE, 'www.example.com']);
    expect(run).toEqual({
      code: 0,
      stderr: '',
      stdout: [
        '_dmarc.example.com: v=DMARC1; p=reject; sp=quarantine; rua=mailto:dmarc-reports@example.com',
        '  applies to www.example.com: the Organizational Domain\'s record',
        '  Organizational Domain: example.com',
        'Policy for www.example.com: quarantine (from sp=)',
        '  p=reject, subdomains sp=quarantine, non-existent subdomains np=quarantine',
        '  alignment: DKIM relaxed, SPF relaxed',
        'Reports:',
        '  aggregate (rua): mailto:dmarc-reports@example.com',
        '  failure (ruf): none requested',
        'Lookups:',
        '  _dmarc.www.example.com TXT: none',
        '  _dmarc.example.com TXT: record',
        '  _dmarc.com TXT: none',
        '',
      ].join('\n'),
    });
  });

  test('--json: the documented keys', async () => {
    const json = await dmarc('example.com');
    expect(json).toEqual({
      domain: 'example.com',
      mode: 'rfc9989',
      result: 'found',
      policyDomain: 'example.com',
      source: 'author',
      record: 'v=DMARC1; p=reject; sp=quarantine; rua=mailto:dmarc-reports@example.com',
      organizationalDomain: 'example.com',
      policy: 'reject',
      policySource: 'p',
      policies: { p: 'reject', sp: 'quarantine', np: 'quarantine' },
      alignment: { dkim: 'relaxed', spf: 'relaxed' },
      testing: false,
      rua: ['mailto:dmarc-reports@example.com'],
      ruf: [],
      reportDestinations: [{ tag: 'rua', uri: 'mailto:dmarc-reports@example.com', host: 'example.com', external: false }],
      queries: [{ name: '_dmarc.example.com', outcome: 'record' }, { name: '_dmarc.com', outcome: 'none' }],
      warnings: [],
    });
  });

  test.for([
    ['example.com', 'found', 'reject', []],
    ['www.example.com', 'found', 'quarantine', []],
    ['gone.example.com', 'found', 'quarantine', []],
    ['monitor.example', 'found', 'none', ['p=none: monitoring only', 'no rua: no aggregate reports']],
    ['outsourced.example', 'found', 'quarantine', []],
    ['forgetful.example', 'found', 'quarantine', ['reports.example.net has not agreed to receive reports for forgetful.example']],
    ['testing.example', 'found', 'reject', ['t=y: testing mode']],
    ['typo.example', 'found', 'none', ['p=rejct', 'read as p=none because rua is valid']],
    ['broken.example', 'permerror', undefined, []],
    ['twice.example', 'none', undefined, ['2 DMARC records, all discarded']],
    ['nothing.example', 'none', undefined, []],
    ['timeout.example', 'temperror', undefined, ['Organizational Domain unknown']],
  ] as const)('%s: %s, policy %s', async ([domain, result, policy, warnings]) => {
    const json = await dmarc(domain);
    expect(json.result).toBe(result);
    expect(json.policy).toBe(policy);
    for (const warning of warnings) expect(json.warnings.join('\n')).toContain(warning);
    if (warnings.length === 0) expect(json.warnings).toEqual([]);
  });

  test('an external destination that agreed (RFC 9990 §4) is marked authorized', async () => {
    const json = await dmarc('outsourced.example');
    expect(json.reportDestinations).toEqual([{ tag: 'rua', uri: 'mailto:reports@reports.example.net', host: 'reports.example.net', external: true, consent: 'authorized' }]);
  });

  test('a consenting destination may substitute its own address on its own host (RFC 9990 §4 step 9)', async () => {
    const json = await dmarc('redirected.example');
    expect(json.reportDestinations).toEqual([{
      tag: 'rua', uri: 'mailto:dmarc@reports.example.net', host: 'reports.example.net', external: true,
      consent: 'authorized', override: ['mailto:inbound@reports.example.net'],
    }]);
    expect(json.warnings).toEqual([]);
    const text = await authgate(['dmarc', '--zone', DMARC_ZONE, 'redirected.example']);
    expect(text.stdout).toContain('  rua=mailto:dmarc@reports.example.net is replaced by mailto:inbound@reports.example.net, as reports.example.net asks\n');
  });

  test('a consent record that redirects to another host stops the reports to both (RFC 9990 §4)', async () => {
    const json = await dmarc('bounced.example');
    expect(json.reportDestinations).toEqual([{
      tag: 'rua', uri: 'mailto:dmarc@reports.example.net', host: 'reports.example.net', external: true,
      consent: 'override-elsewhere', override: ['mailto:dmarc@elsewhere.example.org'],
    }]);
    expect(json.warnings).toEqual([
      'rua=mailto:dmarc@reports.example.net: reports.example.net consents, but its record at bounced.example._report._dmarc.reports.example.net redirects the reports to mailto:dmarc@elsewhere.example.org on another host; receivers send them to neither (RFC 9990 §4)',
    ]);
  });

  test('an external ruf destination is checked too, under RFC 9991 §5', async () => {
    const json = await dmarc('leaky.example');
    expect(json.reportDestinations).toEqual([
      { tag: 'rua', uri: 'mailto:agg@leaky.example', host: 'leaky.example', external: false },
      { tag: 'ruf', uri: 'mailto:forensic@reports.example.net', host: 'reports.example.net', external: true, consent: 'unauthorized' },
    ]);
    expect(json.warnings).toEqual([
      'ruf=mailto:forensic@reports.example.net: reports.example.net has not agreed to receive reports for leaky.example (no v=DMARC1 TXT at leaky.example._report._dmarc.reports.example.net); receivers will not send them (RFC 9991 §5)',
    ]);
  });

  test('an IDN is asked as its A-label', async () => {
    const json = await dmarc('bücher.example');
    expect(json.domain).toBe('xn--bcher-kva.example');
  });

  test('--dmarc-mode rfc7489 finds the record by the public suffix list', async () => {
    const json = await dmarc('www.example.com', '--dmarc-mode', 'rfc7489');
    expect(json).toMatchObject({ mode: 'rfc7489', result: 'found', policyDomain: 'example.com', policy: 'quarantine' });
  });

  test.for(['not a domain', 'a..b', '-', `${'x'.repeat(64)}.example`])('refuses %j with exit 2', async (domain) => {
    const run = await authgate(['dmarc', '--zone', DMARC_ZONE, domain]);
    expect(run).toEqual({ code: 2, stdout: '', stderr: `authgate: not a domain name: ${JSON.stringify(domain)}\n` });
  });
});
