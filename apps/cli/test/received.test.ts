import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { parseReceived, parseReturnPath, type ReceivedHop } from '../src/received.js';

describe('parseReceived', () => {
  test.for<[string, ReceivedHop, string]>([
    [
      'from mail.example.com (mail.example.com [192.0.2.1]) by mx.example.net (Postfix) with ESMTPS id 4Xy for <bob@example.net>; Thu, 1 Jan 2026 00:00:00 +0000',
      { helo: 'mail.example.com', ip: '192.0.2.1' },
      'Postfix',
    ],
    [
      'from helo.example (unknown [IPv6:2001:DB8::25]) by mx.example.net (Postfix) with ESMTP id 1; Thu, 1 Jan 2026 00:00:00 +0000',
      { helo: 'helo.example', ip: '2001:db8::25' },
      'Postfix, IPv6 literal, no reverse DNS',
    ],
    [
      'from rdns.example.org ([198.51.100.7] helo=smtp.example.org) by mx.example.net with esmtps (TLS1.3) (Exim 4.96) (envelope-from <bounce@example.org>) id 1; Thu, 1 Jan 2026 00:00:00 +0000',
      { helo: 'smtp.example.org', ip: '198.51.100.7', envelopeFrom: 'bounce@example.org' },
      'Exim: helo= and envelope-from',
    ],
    [
      'from [198.51.100.7] (helo=[198.51.100.7]) by mx.example.net with esmtp (Exim 4.96) (envelope-from <>) id 1; Thu, 1 Jan 2026 00:00:00 +0000',
      { helo: '[198.51.100.7]', ip: '198.51.100.7', envelopeFrom: '' },
      'Exim: address literal HELO, null sender',
    ],
    [
      'from unknown (HELO smtp.example.com) (203.0.113.9) by mx.example.net with SMTP; 1 Jan 2026 00:00:00 -0000',
      { helo: 'smtp.example.com', ip: '203.0.113.9' },
      'qmail: HELO and a bare address',
    ],
    [
      'from mail-sor-f41.google.com (mail-sor-f41.google.com. [209.85.220.41]) by mx.google.com with SMTPS id x for <bob@example.net> (Google Transport Security); Thu, 01 Jan 2026 00:00:00 -0800 (PST)',
      { helo: 'mail-sor-f41.google.com', ip: '209.85.220.41' },
      'Gmail',
    ],
    [
      'from EUR05-AM6-obe.outbound.protection.outlook.com (2a01:111:f400:7e1b::701) by mx.example.net with Microsoft SMTP Server; Thu, 1 Jan 2026 00:00:00 +0000',
      { helo: 'EUR05-AM6-obe.outbound.protection.outlook.com', ip: '2a01:111:f400:7e1b::701' },
      'Microsoft: bare IPv6 in the comment',
    ],
    [
      'from a.example (b.example [192.0.2.1] (may be forged)) by mx.example.net; Thu, 1 Jan 2026 00:00:00 +0000',
      { helo: 'a.example', ip: '192.0.2.1' },
      'Sendmail: nested comment',
    ],
    [
      'by mx.example.net (Postfix, from userid 1000) id 1; Thu, 1 Jan 2026 00:00:00 +0000',
      {},
      'local submission: no from clause',
    ],
    [
      'from localhost by mx.example.net with LMTP; Thu, 1 Jan 2026 00:00:00 +0000',
      { helo: 'localhost' },
      'no TCP-info at all',
    ],
  ])('%s -> %j (%s)', ([value, expected]) => {
    expect(parseReceived(value)).toEqual(expected);
  });

  test('never throws, and any address it reports is an IP (property)', () => {
    const word = fc.constantFrom('from', 'by', '(', ')', '[', ']', 'helo=', 'HELO', '192.0.2.1', 'IPv6:', '::1', ' ', '\t', '\\', 'x.example', 'envelope-from', '<', '>', ';');
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.array(word).map((words) => words.join(''))), (value) => {
        const hop = parseReceived(value);
        if (hop.ip !== undefined) expect(hop.ip).toMatch(/^[0-9a-f.:]+$/);
      }),
    );
  });
});

describe('parseReturnPath', () => {
  test.for<[string, string | undefined, string]>([
    ['<alice@example.com>', 'alice@example.com', 'an address'],
    ['<>', '', 'the null reverse path'],
    ['  <bounce@example.org>  ', 'bounce@example.org', 'white space around'],
    ['<@relay.example:alice@example.com>', 'alice@example.com', 'a source route is ignored (RFC 5321 §4.1.2)'],
    ['alice@example.com', undefined, 'no angle brackets'],
    ['', undefined, 'empty'],
  ])('%j -> %j (%s)', ([value, expected]) => {
    expect(parseReturnPath(value)).toBe(expected);
  });
});
