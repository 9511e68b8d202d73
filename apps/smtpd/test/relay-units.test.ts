import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { proxyAttributes, xtext } from '../src/relay/client-identity.js';
import { envelopeAddress } from '../src/relay/relay.js';
import { parseReply } from '../src/reply.js';
import { isOurRecipient } from '../src/server/handlers.js';

describe('parseReply', () => {
  test.for([
    ['250 2.0.0 Ok: queued as ABC', { code: 250, enhanced: '2.0.0', text: 'Ok: queued as ABC' }],
    ['550 5.1.1 <x@y>: User unknown', { code: 550, enhanced: '5.1.1', text: '<x@y>: User unknown' }],
    ['451 Try later (no enhanced code: the class stands in)', { code: 451, enhanced: '4.0.0', text: 'Try later (no enhanced code: the class stands in)' }],
    ['554-5.7.1 first line\n554 5.7.1 second line', { code: 554, enhanced: '5.7.1', text: 'first line second line' }],
    ['250 OK', { code: 250, enhanced: '2.0.0', text: 'OK' }],
    ['550 5.7.23', { code: 550, enhanced: '5.7.23', text: '' }],
  ] as const)('%s', ([raw, reply]) => {
    expect(parseReply(raw)).toEqual(reply);
  });

  test('never throws, always gives a three-digit code class in the enhanced code', () => {
    fc.assert(fc.property(fc.string({ maxLength: 80 }), (raw) => {
      expect(parseReply(raw).enhanced).toMatch(/^[2-5]\.\d{1,3}\.\d{1,3}$/);
    }));
  });
});

describe('XCLIENT / XFORWARD attributes', () => {
  test.for([
    ['plain', 'client.example', 'client.example'],
    ['the plus and equals signs (RFC 3461 §4)', 'a+b=c', 'a+2Bb+3Dc'],
    ['a space and non-ASCII', 'x y\u00e9', 'x+20y+C3+A9'],
  ] as const)('xtext of %s', ([, value, encoded]) => {
    expect(xtext(value)).toBe(encoded);
  });

  test('only the attributes the server announced, IPv6 with its prefix', () => {
    const client = { ip: '2001:db8::1', port: 4000, helo: 'out.example', proto: 'ESMTP' as const };
    expect(proxyAttributes(client, 'NAME ADDR PORT PROTO HELO LOGIN', false)).toEqual(['NAME=[UNAVAILABLE]', 'ADDR=IPV6:2001:db8::1', 'PORT=4000', 'PROTO=ESMTP', 'HELO=out.example']);
    expect(proxyAttributes({ ...client, hostname: 'out.example' }, 'ADDR NAME SOURCE', true)).toEqual(['NAME=out.example', 'ADDR=IPV6:2001:db8::1', 'SOURCE=REMOTE']);
  });
});

describe('envelope addresses', () => {
  test.for([
    ['ascii stays', 'a@example.com', false, 'a@example.com'],
    ['a U-label domain becomes its A-label without SMTPUTF8', 'a@bücher.example', false, 'a@xn--bcher-kva.example'],
    ['with SMTPUTF8 the address goes as the client sent it', 'jöran@bücher.example', true, 'jöran@bücher.example'],
    ['an address literal is left alone', 'a@[192.0.2.1]', false, 'a@[192.0.2.1]'],
    ['the null path', '', false, ''],
  ] as const)('%s', ([, address, smtpUtf8, expected]) => {
    expect(envelopeAddress(address, smtpUtf8)).toBe(expected);
  });

  test.for([
    ['bob@authgate.test', true],
    ['Bob@AuthGate.TEST', true],
    ['bob@authgate.test.', true],
    ['bob@sub.authgate.test', false],
    ['bob@authgate.test.evil.example', false],
    ['bob@bücher.example', true],
    ['postmaster', true],
    ['bob@[127.0.0.1]', false],
  ] as const)('recipient %s ours: %s', ([address, ours]) => {
    expect(isOurRecipient(address, ['authgate.test', 'xn--bcher-kva.example'])).toBe(ours);
  });
});
