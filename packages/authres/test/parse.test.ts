import { describe, expect, test } from 'vitest';
import {
  formatAuthenticationResults,
  parseAuthenticationResults,
  type AuthenticationResults,
  type AuthresProblemCode,
} from '@authgate/authres';
import { authenticationResultsExamples } from './fixtures.js';

function parsed(value: string): AuthenticationResults {
  const result = parseAuthenticationResults(value);
  if (!result.ok) throw new Error(`expected ${JSON.stringify(value)} to parse: ${result.problem.message}`);
  return result.value;
}

describe('the RFC examples', () => {
  test.for(authenticationResultsExamples())('parses $origin', ({ value, expected }) => {
    expect(parsed(value)).toStrictEqual(expected);
  });

  test.for(authenticationResultsExamples())('writes $origin so that it reads back the same', ({ expected }) => {
    expect(parsed(formatAuthenticationResults(expected))).toStrictEqual(expected);
  });
});

const ok = (authservId: string, results: AuthenticationResults['results'], version?: number): AuthenticationResults =>
  version === undefined ? { authservId, results } : { authservId, version, results };

describe('valid fields', () => {
  test.for<[string, string, AuthenticationResults]>([
    ['keywords in any case', 'example.com; DKIM=Pass Header.D=Example.COM', ok('example.com', [{ method: 'dkim', result: 'pass', properties: [{ ptype: 'header', property: 'd', value: 'Example.COM' }] }])],
    ['"none" in any case (ABNF strings are case-insensitive)', 'example.com; NONE', ok('example.com', [])],
    ['a quoted authserv-id', '"mail example"; none', ok('mail example', [])],
    ['a UTF-8 authserv-id (RFC 8601 §2.5)', 'bücher.example; none', ok('bücher.example', [])],
    ['a comment before the authserv-id', '(by us) example.com; none', ok('example.com', [])],
    ['version 01 is version 1', 'example.com 01; none', ok('example.com', [], 1)],
    ['comments after a result are joined', 'example.com; spf=pass (a) (b) smtp.mailfrom=x.example', ok('example.com', [{ method: 'spf', result: 'pass', comment: 'a b', properties: [{ ptype: 'smtp', property: 'mailfrom', value: 'x.example' }] }])],
    ['a nested comment with quoted-pairs', 'example.com; dkim=fail (bad \\(really\\) (nested (deep)) sig)', ok('example.com', [{ method: 'dkim', result: 'fail', comment: 'bad (really) (nested (deep)) sig', properties: [] }])],
    ['comment white space is normalized', 'example.com; spf=pass (  a \t  b  )', ok('example.com', [{ method: 'spf', result: 'pass', comment: 'a b', properties: [] }])],
    ['an empty comment', 'example.com; spf=pass ()', ok('example.com', [{ method: 'spf', result: 'pass', comment: '', properties: [] }])],
    ['empty comments add nothing to the others', 'example.com; spf=pass (a) () (b)', ok('example.com', [{ method: 'spf', result: 'pass', comment: 'a b', properties: [] }])],
    ['a comment after a property value', 'example.com; spf=pass smtp.mailfrom=a.example (checked)', ok('example.com', [{ method: 'spf', result: 'pass', properties: [{ ptype: 'smtp', property: 'mailfrom', value: 'a.example', comment: 'checked' }] }])],
    ['a comment after reason= is white space', 'example.com; spf=pass reason=x (dropped)', ok('example.com', [{ method: 'spf', result: 'pass', reason: 'x', properties: [] }])],
    ['a quoted property value', 'example.com; dkim=pass header.b="ab/cd+ef"', ok('example.com', [{ method: 'dkim', result: 'pass', properties: [{ ptype: 'header', property: 'b', value: 'ab/cd+ef' }] }])],
    ['an empty quoted property value', 'example.com; spf=none smtp.mailfrom=""', ok('example.com', [{ method: 'spf', result: 'none', properties: [{ ptype: 'smtp', property: 'mailfrom', value: '' }] }])],
    ['a quoted local-part keeps its quotes', 'example.com; spf=pass smtp.mailfrom="john doe"@example.com', ok('example.com', [{ method: 'spf', result: 'pass', properties: [{ ptype: 'smtp', property: 'mailfrom', value: '"john doe"@example.com' }] }])],
    ['a dot-atom local-part with / and =', 'example.com; auth=pass smtp.auth=a/b=c@example.com', ok('example.com', [{ method: 'auth', result: 'pass', properties: [{ ptype: 'smtp', property: 'auth', value: 'a/b=c@example.com' }] }])],
    ['an EAI address unquoted (RFC 8601 §2.7.2)', 'example.com; spf=pass smtp.mailfrom=用户@例子.广告', ok('example.com', [{ method: 'spf', result: 'pass', properties: [{ ptype: 'smtp', property: 'mailfrom', value: '用户@例子.广告' }] }])],
    ['a method version', 'example.com; dkim/2=pass', ok('example.com', [{ method: 'dkim', version: 2, result: 'pass', properties: [] }])],
    ['a method called "none"', 'example.com; none=pass', ok('example.com', [{ method: 'none', result: 'pass', properties: [] }])],
    ['a ptype called "reason" (unregistered)', 'example.com; x=pass reason.y=z', ok('example.com', [{ method: 'x', result: 'pass', properties: [], extensionProperties: [{ ptype: 'reason', property: 'y', value: 'z' }] }])],
    ['the dns ptype of RFC 8904', 'example.com; dnswl=pass dns.zone=list.dnswl.example policy.ip=127.0.10.1', ok('example.com', [{ method: 'dnswl', result: 'pass', properties: [{ ptype: 'dns', property: 'zone', value: 'list.dnswl.example' }, { ptype: 'policy', property: 'ip', value: '127.0.10.1' }] }])],
    ['reason as a token', 'example.com; dmarc=fail reason=policy header.from=example.com', ok('example.com', [{ method: 'dmarc', result: 'fail', reason: 'policy', properties: [{ ptype: 'header', property: 'from', value: 'example.com' }] }])],
    ['no white space around ";"', 'example.com;spf=pass;dkim=none', ok('example.com', [{ method: 'spf', result: 'pass', properties: [] }, { method: 'dkim', result: 'none', properties: [] }])],
    ['a property right after a quoted value', 'example.com; dkim=pass header.d="a.example"header.s=sel', ok('example.com', [{ method: 'dkim', result: 'pass', properties: [{ ptype: 'header', property: 'd', value: 'a.example' }, { ptype: 'header', property: 's', value: 'sel' }] }])],
    ['folding with bare LF and a final CRLF', 'example.com;\n\tspf=pass\r\n', ok('example.com', [{ method: 'spf', result: 'pass', properties: [] }])],
    ['folding inside a quoted-string keeps the white space', 'example.com; spf=pass reason="a\r\n b"', ok('example.com', [{ method: 'spf', result: 'pass', reason: 'a b', properties: [] }])],
    ['a token value holding UTF-8', 'example.com; dkim=pass header.d=例え.jp', ok('example.com', [{ method: 'dkim', result: 'pass', properties: [{ ptype: 'header', property: 'd', value: '例え.jp' }] }])],
  ])('%s', ([, value, expected]) => {
    expect(parsed(value)).toStrictEqual(expected);
  });
});

describe('malformed fields', () => {
  test.for<[string, AuthresProblemCode, string]>([
    ['', 'empty', 'nothing at all'],
    ['  (just a comment) ', 'empty', 'only CFWS'],
    ['; spf=pass', 'malformed-authserv-id', 'no authserv-id'],
    ['""; none', 'malformed-authserv-id', 'an empty authserv-id'],
    ['example.com', 'missing-results', 'no "; none" and no result'],
    ['example.com 2; none', 'unsupported-version', 'RFC 8601 §2.6: a version we do not know'],
    ['example.com 99999999999999999999; none', 'unsupported-version', 'a huge version'],
    ['example.com 1 2; none', 'unexpected-text', 'two versions'],
    ['example.com spf=pass', 'unexpected-text', 'no ";" after the authserv-id'],
    ['example.com;', 'malformed-method', 'nothing after ";"'],
    ['example.com; spf=pass;', 'malformed-method', 'a trailing ";"'],
    ['example.com; spf=pass;; dkim=pass', 'malformed-method', 'an empty resinfo'],
    ['example.com; =pass', 'malformed-method', 'no method'],
    ['example.com; spf pass', 'malformed-method', 'no "=" after the method'],
    ['example.com; dkim-=pass', 'malformed-method', 'a keyword cannot end in "-"'],
    ['example.com; dkim/=pass', 'malformed-method', 'a method version without digits'],
    ['example.com; dkim/99999999999999999999=pass', 'malformed-method', 'a method version beyond 2^53'],
    ['example.com; spf=', 'malformed-result', 'no result'],
    ['example.com; spf=-', 'malformed-result', 'a result that is not a keyword'],
    ['example.com; spf=pass.x', 'unexpected-text', 'no white space after the result'],
    ['example.com; none extra', 'unexpected-text', 'text after "none"'],
    ['example.com; none; spf=pass', 'unexpected-text', '"none" with results'],
    ['example.com; spf=pass reason=', 'malformed-reason', 'reason= without a value'],
    ['example.com; spf=pass reason=a reason=b', 'malformed-reason', 'two reasons'],
    ['example.com; spf=pass smtp.mailfrom=a.example reason=late', 'malformed-reason', 'reason after a property'],
    ['example.com; spf=pass reason="x"header.d=a.example', 'unexpected-text', 'no white space between the reason and a property'],
    ['example.com; spf=pass reason', 'malformed-property', '"reason" alone'],
    ['example.com; dmarc=none action=none header.from=a.example', 'malformed-property', 'a property without a ptype'],
    ['example.com; spf=pass smtp.=x', 'malformed-property', 'no property after the dot'],
    ['example.com; spf=pass smtp.mailfrom', 'malformed-property', 'no "=" after the property'],
    ['example.com; spf=pass smtp_x.mailfrom=a', 'malformed-property', '"_" is not in a keyword'],
    ['example.com; spf=pass smtp.mailfrom=', 'malformed-value', 'no value'],
    ['example.com; spf=pass smtp.mailfrom=a@b@c.example', 'malformed-value', 'two "@"'],
    ['example.com; dkim=pass header.b=ab/cd', 'malformed-value', '"/" is a tspecial, so the value needs quotes'],
    ['example.com; arc=pass smtp.remote-ip=2001:db8::1', 'malformed-value', '":" is a tspecial, so an IPv6 address needs quotes'],
    ['example.com; spf=pass smtp.mailfrom=user@localhost', 'malformed-value', 'RFC 6376 domain-name has at least two labels'],
    ['example.com; spf=pass smtp.mailfrom="a"@', 'malformed-value', 'a quoted local-part without a domain'],
    ['example.com; spf=pass (unclosed', 'unterminated-comment', 'a comment without ")"'],
    ['example.com; spf=pass ((nested)', 'unterminated-comment', 'a nested comment left open'],
    ['example.com; spf=pass (ends in \\', 'unterminated-comment', 'a comment ending in a lone backslash'],
    ['example.com; spf=pass reason="open', 'unterminated-quoted-string', 'a quoted-string without its closing quote'],
    ['"example.com; none', 'unterminated-quoted-string', 'an unterminated quoted authserv-id'],
    ['example.com; spf=pass\x00', 'bad-character', 'a NUL'],
    ['example.com;\r\nspf=pass', 'bad-character', 'a CRLF not followed by white space'],
    ['example.com; spf=pass\rsmtp.mailfrom=x', 'bad-character', 'a bare CR'],
  ])('%j is %s (%s)', ([value, code]) => {
    const result = parseAuthenticationResults(value);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.problem.code).toBe(code);
      expect(result.problem.message).toMatch(/^authres: /);
    }
  });
});

test('a problem message stays short however long the input', () => {
  const long = 'a'.repeat(100_000);
  for (const value of [`example.com; ${long}`, `example.com; spf=pass ${long}.x=${long}@`, `example.com ${'9'.repeat(100_000)}; none`]) {
    const result = parseAuthenticationResults(value);
    if (result.ok) throw new Error('expected a problem');
    expect(result.problem.message.length).toBeLessThan(200);
  }
});
