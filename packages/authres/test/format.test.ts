import { describe, expect, test } from 'vitest';
import {
  AuthresError,
  authenticationResultsField,
  formatAuthenticationResults,
  parseAuthenticationResults,
  type AuthenticationResults,
  type AuthresErrorCode,
  type MethodResult,
  type ResultProperty,
} from '@authgate/authres';

const one = (result: MethodResult): AuthenticationResults => ({ authservId: 'example.com', results: [result] });
const spf = (value: string): AuthenticationResults =>
  one({ method: 'spf', result: 'pass', properties: [{ ptype: 'smtp', property: 'mailfrom', value }] });
const header = (property: string, value: string): ResultProperty => ({ ptype: 'header', property, value });

describe('formatAuthenticationResults', () => {
  test.for<[string, AuthenticationResults, string]>([
    ['one result on one line', spf('example.net'), 'example.com; spf=pass smtp.mailfrom=example.net'],
    ['"none" when no method ran (RFC 8601 §2.2)', { authservId: 'example.org', results: [] }, 'example.org; none'],
    ['the field version', { authservId: 'example.org', version: 1, results: [] }, 'example.org 1; none'],
    ['a method version', one({ method: 'dkim', version: 2, result: 'pass', properties: [] }), 'example.com; dkim/2=pass'],
    ['keywords in lower case', one({ method: 'DKIM', result: 'PASS', properties: [{ ptype: 'header', property: 'D', value: 'Example.COM' }] }), 'example.com; dkim=pass header.d=Example.COM'],
    ['an authserv-id that is not a token is quoted', { authservId: 'mail example', results: [] }, '"mail example"; none'],
    ['a UTF-8 authserv-id is quoted (only quoted-string takes UTF-8, RFC 8601 §2.2)', { authservId: 'bücher.example', results: [] }, '"bücher.example"; none'],
    ['a token reason', one({ method: 'dmarc', result: 'fail', reason: 'policy', properties: [] }), 'example.com; dmarc=fail reason=policy'],
    ['a reason with quotes and a backslash', one({ method: 'dkim', result: 'fail', reason: 'say "hi" \\ bye', properties: [] }), 'example.com; dkim=fail reason="say \\"hi\\" \\\\ bye"'],
    ['comment parentheses and backslashes escaped', one({ method: 'dkim', result: 'fail', comment: 'a (b) \\ c', properties: [] }), 'example.com; dkim=fail (a \\(b\\) \\\\ c)'],
    ['comment white space normalized', one({ method: 'spf', result: 'pass', comment: '  a \t b  ', properties: [] }), 'example.com; spf=pass (a b)'],
    ['control characters in text become spaces (RFC 5322 §2.2)', one({ method: 'spf', result: 'fail', reason: 'line1\r\nline2\x00', properties: [] }), 'example.com; spf=fail reason="line1 line2 "'],
    ['a lone surrogate becomes U+FFFD', one({ method: 'spf', result: 'fail', reason: 'a\uD800', properties: [] }), 'example.com; spf=fail reason="a\uFFFD"'],
    ['an address as is', spf('user@example.com'), 'example.com; spf=pass smtp.mailfrom=user@example.com'],
    ['an address without local-part', one({ method: 'dkim', result: 'pass', properties: [header('i', '@example.com')] }), 'example.com; dkim=pass header.i=@example.com'],
    ['a quoted local-part as is', spf('"j d"@a.example'), 'example.com; spf=pass smtp.mailfrom="j d"@a.example'],
    ['an address with a one-label domain is quoted', spf('user@localhost'), 'example.com; spf=pass smtp.mailfrom="user@localhost"'],
    ['a UTF-8 address is quoted', spf('jé@ü.example'), 'example.com; spf=pass smtp.mailfrom="jé@ü.example"'],
    ['an empty value', spf(''), 'example.com; spf=pass smtp.mailfrom=""'],
    ['a DKIM b= prefix with "/" is quoted', one({ method: 'dkim', result: 'pass', properties: [header('b', 'ab/c+d=e')] }), 'example.com; dkim=pass header.b="ab/c+d=e"'],
    ['an IPv6 address is quoted', one({ method: 'arc', result: 'pass', properties: [{ ptype: 'smtp', property: 'remote-ip', value: '2001:db8::1' }] }), 'example.com; arc=pass smtp.remote-ip="2001:db8::1"'],
    ['a property comment', one({ method: 'spf', result: 'pass', properties: [{ ptype: 'smtp', property: 'helo', value: 'mx.example', comment: 'ehlo' }] }), 'example.com; spf=pass smtp.helo=mx.example (ehlo)'],
    ['an unregistered ptype after the registered ones', one({ method: 'foo', result: 'pass', properties: [], extensionProperties: [{ ptype: 'bar', property: 'baz', value: 'blob', comment: '2 of 3 tests OK' }] }), 'example.com; foo=pass bar.baz=blob (2 of 3 tests OK)'],
    ['the element order of RFC 8601 §2.2', one({ method: 'dmarc', result: 'fail', comment: 'p=reject', reason: 'x y', properties: [header('from', 'a.example'), { ptype: 'policy', property: 'dmarc', value: 'reject' }] }), 'example.com;\r\n\tdmarc=fail (p=reject) reason="x y" header.from=a.example\r\n\t  policy.dmarc=reject'],
  ])('%s', ([, ar, expected]) => {
    expect(formatAuthenticationResults(ar)).toBe(expected);
  });

  test('a field that does not fit puts each result on its own line and folds long ones', () => {
    const ar: AuthenticationResults = {
      authservId: 'mx.example.org',
      results: [
        { method: 'spf', result: 'pass', comment: 'mx.example.org: domain of user@example.com designates 192.0.2.1 as permitted sender', properties: [{ ptype: 'smtp', property: 'mailfrom', value: 'user@example.com' }] },
        { method: 'dkim', result: 'pass', comment: '2048-bit key', properties: [header('d', 'example.com'), header('i', '@example.com'), header('s', 'sel'), header('a', 'rsa-sha256'), header('b', 'AbC/dE+f')] },
        { method: 'dmarc', result: 'pass', comment: 'p=reject dis=none', properties: [header('from', 'example.com')] },
      ],
    };
    expect(authenticationResultsField(ar)).toBe(
      [
        'Authentication-Results: mx.example.org;',
        '\tspf=pass (mx.example.org: domain of user@example.com designates',
        '\t  192.0.2.1 as permitted sender) smtp.mailfrom=user@example.com;',
        '\tdkim=pass (2048-bit key) header.d=example.com header.i=@example.com',
        '\t  header.s=sel header.a=rsa-sha256 header.b="AbC/dE+f";',
        '\tdmarc=pass (p=reject dis=none) header.from=example.com',
      ].join('\r\n'),
    );
  });

  test('a quoted-string is folded right before its own white space, so it reads back unchanged', () => {
    const reason = 'the signature did not verify because the body hash did not match the bh= tag of the signature';
    const field = authenticationResultsField(one({ method: 'dkim', result: 'fail', reason, properties: [] }));
    expect(field).toContain('\r\n ');
    const parsed = parseAuthenticationResults(field.slice('Authentication-Results:'.length));
    expect(parsed.ok && parsed.value.results[0]!.reason).toBe(reason);
  });

  test('authenticationResultsField is the name, a space and the value', () => {
    const ar = spf('example.net');
    expect(authenticationResultsField(ar)).toBe(`Authentication-Results: ${formatAuthenticationResults(ar)}`);
  });
});

describe('data with no RFC 8601 form is a programmer error', () => {
  test.for<[string, AuthenticationResults, AuthresErrorCode]>([
    ['a method with "_"', one({ method: 'dkim_x', result: 'pass', properties: [] }), 'invalid-keyword'],
    ['a result with a space', one({ method: 'spf', result: 'hard fail', properties: [] }), 'invalid-keyword'],
    ['an empty result', one({ method: 'spf', result: '', properties: [] }), 'invalid-keyword'],
    ['a property with a space', one({ method: 'spf', result: 'pass', properties: [{ ptype: 'smtp', property: 'mail from', value: 'x' }] }), 'invalid-keyword'],
    ['an unregistered ptype in properties', one({ method: 'spf', result: 'pass', properties: [{ ptype: 'x' as 'smtp', property: 'a', value: 'b' }] }), 'invalid-ptype'],
    ['a registered ptype in extensionProperties', one({ method: 'spf', result: 'pass', properties: [], extensionProperties: [{ ptype: 'SMTP', property: 'a', value: 'b' }] }), 'invalid-ptype'],
    ['a field version of 2', { authservId: 'example.com', version: 2, results: [] }, 'unsupported-version'],
    ['a negative method version', one({ method: 'dkim', version: -1, result: 'pass', properties: [] }), 'invalid-version'],
    ['a fractional method version', one({ method: 'dkim', version: 1.5, result: 'pass', properties: [] }), 'invalid-version'],
    ['an empty authserv-id', { authservId: '', results: [] }, 'invalid-authserv-id'],
  ])('%s throws %s', ([, ar, code]) => {
    expect(() => formatAuthenticationResults(ar)).toThrow(AuthresError);
    try {
      formatAuthenticationResults(ar);
    } catch (error) {
      expect(error).toMatchObject({ name: 'AuthresError', code });
      expect((error as Error).message).toMatch(/^authres: /);
    }
  });
});
