import { describe, expect, test } from 'vitest';
import {
  AuthresError,
  formatReceivedSpf,
  parseReceivedSpf,
  receivedSpfField,
  type AuthresErrorCode,
  type AuthresProblemCode,
  type ReceivedSpfData,
} from '@authgate/authres';
import { receivedSpfExamples } from './fixtures.js';

describe('the RFC 7208 examples', () => {
  test.for(receivedSpfExamples())('parses $origin', ({ value, expected }) => {
    expect(parseReceivedSpf(value)).toStrictEqual({ ok: true, value: expected });
  });

  test.for(receivedSpfExamples())('writes $origin so that it reads back the same', ({ expected }) => {
    expect(parseReceivedSpf(formatReceivedSpf(expected))).toStrictEqual({ ok: true, value: expected });
  });
});

describe('formatReceivedSpf', () => {
  test('the first example of RFC 7208 §9.1, folded at 78 columns', () => {
    const data: ReceivedSpfData = {
      result: 'pass',
      comment: 'mybox.example.org: domain of myname@example.com designates 192.0.2.1 as permitted sender',
      receiver: 'mybox.example.org',
      clientIp: '192.0.2.1',
      envelopeFrom: 'myname@example.com',
      helo: 'foo.example.com',
    };
    expect(receivedSpfField(data)).toBe(
      [
        'Received-SPF: pass (mybox.example.org: domain of myname@example.com designates',
        '\t192.0.2.1 as permitted sender) receiver=mybox.example.org;',
        '\tclient-ip=192.0.2.1; envelope-from="myname@example.com";',
        '\thelo=foo.example.com',
      ].join('\r\n'),
    );
  });

  test.for<[string, ReceivedSpfData, string]>([
    ['the result alone', { result: 'none' }, 'none'],
    ['the result in lower case', { result: 'SoftFail' }, 'softfail'],
    ['every named key, in order', { result: 'fail', problem: 'p', mechanism: '-all', identity: 'mailfrom', helo: 'h.example', envelopeFrom: 'e', clientIp: '192.0.2.1', receiver: 'r.example' }, 'fail receiver=r.example; client-ip=192.0.2.1; envelope-from=e;\r\n\thelo=h.example; identity=mailfrom; mechanism=-all; problem=p'],
    ['an address is quoted ("@" is not atext)', { result: 'pass', envelopeFrom: 'a@b.example' }, 'pass envelope-from="a@b.example"'],
    ['an IPv6 address is quoted (":" is not atext)', { result: 'pass', clientIp: '2001:db8::1' }, 'pass client-ip="2001:db8::1"'],
    ['a mechanism with ":" and "/" is quoted', { result: 'pass', mechanism: 'ip4:192.0.2.0/24' }, 'pass mechanism="ip4:192.0.2.0/24"'],
    ['an empty envelope-from is an empty quoted-string', { result: 'pass', envelopeFrom: '' }, 'pass envelope-from=""'],
    ['a problem with quotes and control characters', { result: 'permerror', problem: 'bad "x"\r\n\\' }, 'permerror problem="bad \\"x\\" \\\\"'],
    ['a comment with parentheses', { result: 'neutral', comment: 'a (b)' }, 'neutral (a \\(b\\))'],
    ['extension keys after the named ones, in lower case', { result: 'pass', helo: 'h.example', extensions: [{ key: 'X-Spam', value: 'no' }] }, 'pass helo=h.example; x-spam=no'],
  ])('%s', ([, data, expected]) => {
    expect(formatReceivedSpf(data)).toBe(expected);
  });

  test('receivedSpfField is the name, a space and the value', () => {
    expect(receivedSpfField({ result: 'pass', helo: 'h.example' })).toBe('Received-SPF: pass helo=h.example');
  });

  test.for<[string, ReceivedSpfData, AuthresErrorCode]>([
    ['the RFC 8601 "policy" result, which RFC 7208 §9.1 does not have', { result: 'policy' }, 'invalid-spf-result'],
    ['an empty result', { result: '' }, 'invalid-spf-result'],
    ['an extension key that is not a name', { result: 'pass', extensions: [{ key: '1x', value: 'v' }] }, 'invalid-keyword'],
    ['an extension key that has its own member', { result: 'pass', extensions: [{ key: 'client-ip', value: 'v' }] }, 'invalid-keyword'],
  ])('%s throws %s', ([, data, code]) => {
    expect(() => formatReceivedSpf(data)).toThrow(AuthresError);
    expect(() => formatReceivedSpf(data)).toThrow(expect.objectContaining({ code }));
  });
});

describe('parseReceivedSpf', () => {
  test.for<[string, ReceivedSpfData, string]>([
    ['PASS client-ip=192.0.2.1', { result: 'pass', clientIp: '192.0.2.1' }, 'the result in any case'],
    ['pass Client-IP=192.0.2.1', { result: 'pass', clientIp: '192.0.2.1' }, 'keys in any case'],
    ['pass client-ip=2001:db8::1', { result: 'pass', clientIp: '2001:db8::1' }, 'an unquoted IPv6 address, as verifiers write it'],
    ['pass client-ip = 192.0.2.1 ;helo=h.example;', { result: 'pass', clientIp: '192.0.2.1', helo: 'h.example' }, 'CFWS around "=" and ";", and a trailing ";"'],
    ['fail (a) (b) x-y=z', { result: 'fail', comment: 'a b', extensions: [{ key: 'x-y', value: 'z' }] }, 'two comments and an extension key'],
    ['none\r\n', { result: 'none' }, 'the result alone with its CRLF'],
  ])('%j (%s)', ([value, expected]) => {
    expect(parseReceivedSpf(value)).toStrictEqual({ ok: true, value: expected });
  });

  test.for<[string, AuthresProblemCode, string]>([
    ['', 'empty', 'nothing'],
    ['bogus client-ip=1', 'malformed-spf-result', 'not an SPF result'],
    ['policy', 'malformed-spf-result', 'an RFC 8601 result that RFC 7208 does not have'],
    ['pass;', 'unexpected-text', 'no white space after the result'],
    ['pass client-ip', 'malformed-key-value', 'no "="'],
    ['pass client-ip=', 'malformed-key-value', 'no value'],
    ['pass =x', 'malformed-key-value', 'no key'],
    ['pass client-ip=1 helo=h', 'unexpected-text', 'pairs without ";"'],
    ['pass helo=a; helo=b', 'duplicate-key', 'a key twice'],
    ['pass (unterminated', 'unterminated-comment', 'an open comment'],
    ['pass problem="open', 'unterminated-quoted-string', 'an open quoted-string'],
    ['pass helo=a\x00', 'bad-character', 'a NUL'],
  ])('%j is %s (%s)', ([value, code]) => {
    const result = parseReceivedSpf(value);
    expect(result.ok ? undefined : result.problem.code).toBe(code);
  });
});
