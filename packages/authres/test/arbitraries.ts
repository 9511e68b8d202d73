import fc from 'fast-check';
import type { AuthenticationResults, ExtensionProperty, MethodResult, Ptype, ReceivedSpfData, ResultProperty } from '@authgate/authres';

/** RFC 5321 Keyword, lower case (the builder writes keywords in lower case). */
export const keyword = fc.stringMatching(/^[a-z0-9-]{0,12}[a-z0-9]$/);

const method = fc.oneof(fc.constantFrom('spf', 'dkim', 'dmarc', 'arc', 'auth', 'iprev', 'dnswl', 'none', 'reason'), keyword);
const result = fc.oneof(
  fc.constantFrom('pass', 'fail', 'none', 'neutral', 'policy', 'softfail', 'temperror', 'permerror'),
  keyword,
);

/** Printable text with the characters that need care: quotes, backslashes, parentheses,
 * separators, white space, and non-ASCII (RFC 6532). */
export const text = fc
  .string({
    unit: fc.oneof(
      { weight: 4, arbitrary: fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 1 }) },
      { weight: 2, arbitrary: fc.constantFrom('"', '\\', '(', ')', ' ', ' ', '\t', ';', '=', '@', '.', '/') },
      { weight: 1, arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 }) },
      { weight: 1, arbitrary: fc.constantFrom('é', 'ß', '日本', '🙂', '\u00a0') },
    ),
    maxLength: 40,
  })
  .map((s) => s.replace(/[\x00-\x08\x0a-\x1f\x7f]/g, ''));

/** Comments as the parser returns them: single spaces, trimmed. */
export const comment = text.map((s) => s.replace(/[ \t]+/g, ' ').replace(/^ | $/g, ''));

const label = fc.stringMatching(/^[a-z0-9]([a-z0-9-]{0,8}[a-z0-9])?$/);
export const domain = fc.array(label, { minLength: 2, maxLength: 4 }).map((labels) => labels.join('.'));
const localPart = fc.oneof(
  fc.stringMatching(/^[a-z0-9!#$%&'*+/=?^_`{|}~-]{1,10}(\.[a-z0-9+_-]{1,6})?$/),
  fc.constantFrom('"john doe"', '"a\\"b"', '""', '"x@y"'),
);

export const pvalue = fc.oneof(
  domain,
  fc.tuple(localPart, domain).map(([local, d]) => `${local}@${d}`),
  domain.map((d) => `@${d}`),
  fc.base64String({ minLength: 4, maxLength: 12 }).map((b) => b.slice(0, 8)),
  fc.ipV4(),
  fc.ipV6(),
  fc.constantFrom('none', 'reject', 'quarantine', 'rsa-sha256', 'ed25519-sha256', '用户@例子.广告', 'example.com.'),
  text,
);

const registeredPtype = fc.constantFrom<Ptype>('smtp', 'header', 'body', 'policy', 'dns');

const property: fc.Arbitrary<ResultProperty> = fc.record(
  {
    ptype: registeredPtype,
    property: fc.oneof(fc.constantFrom('mailfrom', 'helo', 'd', 'i', 's', 'a', 'b', 'from', 'dmarc', 'remote-ip'), keyword),
    value: pvalue,
    comment,
  },
  { requiredKeys: ['ptype', 'property', 'value'], noNullPrototype: true },
);

const extensionProperty: fc.Arbitrary<ExtensionProperty> = fc.record(
  {
    ptype: keyword.filter((k) => !['smtp', 'header', 'body', 'policy', 'dns'].includes(k)),
    property: keyword,
    value: pvalue,
    comment,
  },
  { requiredKeys: ['ptype', 'property', 'value'], noNullPrototype: true },
);

export const methodResult: fc.Arbitrary<MethodResult> = fc.record(
  {
    method,
    version: fc.nat({ max: 20 }),
    result,
    comment,
    reason: text,
    properties: fc.array(property, { maxLength: 5 }),
    extensionProperties: fc.array(extensionProperty, { minLength: 1, maxLength: 2 }),
  },
  { requiredKeys: ['method', 'result', 'properties'], noNullPrototype: true },
);

export const authenticationResults: fc.Arbitrary<AuthenticationResults> = fc.record(
  {
    authservId: fc.oneof(domain, text.filter((s) => s.length > 0)),
    version: fc.constant(1),
    results: fc.array(methodResult, { maxLength: 5 }),
  },
  { requiredKeys: ['authservId', 'results'], noNullPrototype: true },
);

export const receivedSpf: fc.Arbitrary<ReceivedSpfData> = fc.record(
  {
    result: fc.constantFrom('pass', 'fail', 'softfail', 'neutral', 'none', 'temperror', 'permerror'),
    comment,
    clientIp: fc.oneof(fc.ipV4(), fc.ipV6()),
    envelopeFrom: fc.oneof(pvalue, fc.constant('')),
    helo: fc.oneof(domain, text),
    receiver: domain,
    identity: fc.constantFrom('mailfrom', 'helo'),
    mechanism: fc.constantFrom('-all', '~all', 'default', 'ip4:192.0.2.0/24', 'include:_spf.example.com', 'a', 'mx/24'),
    problem: text,
    extensions: fc.uniqueArray(fc.record({ key: fc.stringMatching(/^x-[a-z0-9_.-]{1,8}$/), value: pvalue }, { noNullPrototype: true }), {
      minLength: 1,
      maxLength: 3,
      selector: (pair) => pair.key,
    }),
  },
  { requiredKeys: ['result'], noNullPrototype: true },
);
