import fc from 'fast-check';
import { spawnSync } from 'node:child_process';
import { test } from 'vitest';
import { formatAuthenticationResults, type AuthenticationResults } from '@authgate/authres';
import { domain } from './arbitraries.js';
const ascii = fc.string({ unit: fc.oneof(fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 1 }), fc.constantFrom('"', '\\', '(', ')', ' ')), maxLength: 30 }).map((s) => s.replace(/[\x00-\x1f\x7f]/g, ''));
const comment = ascii.map((s) => s.replace(/ +/g, ' ').replace(/^ | $/g, ''));
const prop = fc.oneof(
  fc.record({ ptype: fc.constant('smtp' as const), property: fc.constantFrom('mailfrom', 'helo', 'auth'), value: fc.oneof(domain, fc.tuple(fc.stringMatching(/^[a-z0-9.+_-]{1,8}$/).filter((l) => !l.startsWith('.') && !l.endsWith('.') && !l.includes('..')), domain).map(([l, d]) => `${l}@${d}`)) }),
  fc.record({ ptype: fc.constant('header' as const), property: fc.constantFrom('d', 'i', 's', 'a', 'b', 'from'), value: fc.oneof(domain, domain.map((d) => `@${d}`), fc.base64String({ minLength: 8, maxLength: 8 })) }),
  fc.record({ ptype: fc.constant('policy' as const), property: fc.constantFrom('dmarc', 'iprev'), value: fc.oneof(fc.constantFrom('none', 'reject'), fc.ipV4()) }),
);
const ar: fc.Arbitrary<AuthenticationResults> = fc.record({
  authservId: domain,
  results: fc.array(fc.record({ method: fc.constantFrom('spf', 'dkim', 'dmarc', 'iprev', 'auth', 'arc'), result: fc.constantFrom('pass', 'fail', 'none', 'neutral', 'softfail', 'temperror', 'permerror', 'policy'), comment, reason: ascii, properties: fc.array(prop, { maxLength: 4 }) }, { requiredKeys: ['method', 'result', 'properties'], noNullPrototype: true }), { maxLength: 4 }),
}, { noNullPrototype: true });
test('interop', () => {
  const samples = fc.sample(ar, { seed: 42, numRuns: 300 });
  const values = samples.map(formatAuthenticationResults);
  const r = spawnSync('/usr/bin/python3', ['/tmp/ar/interop/parse.py'], { input: JSON.stringify(values), encoding: 'utf8' });
  console.log(r.stderr.slice(0, 2000));
  const out = JSON.parse(r.stdout);
  let bad = 0;
  out.forEach((o: any, i: number) => { if (!o.ok) { bad++; if (bad < 12) console.log(JSON.stringify(values[i]), '\n  =>', o.error); } });
  console.log('failed', bad, 'of', values.length);
});
