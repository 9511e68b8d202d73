import { authenticate as mailauthAuthenticate } from 'mailauth';
import { describe, expect, test } from 'vitest';
import { mailauthResolver } from '@authgate/testkit';
import { authenticate } from 'authgate';
import { message, now, sign, zone } from './fixtures.js';

/**
 * authgate in RFC 7489 mode against mailauth 4.12.0 (an RFC 7489 implementation) on the same
 * messages and the same zone data: the SPF, DKIM and DMARC verdicts must agree.
 */

const envelopes = {
  good: { ip: '192.0.2.1', helo: 'mail.good.example', mailFrom: 'bounce@good.example' },
  news: { ip: '192.0.2.2', helo: 'mail.good.example', mailFrom: 'bounce@news.good.example' },
  forger: { ip: '203.0.113.5', helo: 'relay.attacker.example', mailFrom: 'bounce@attacker.example' },
  partner: { ip: '198.51.100.7', helo: 'mail.good.example', mailFrom: 'bob@partner.example' },
  stranger: { ip: '198.51.100.99', helo: 'mail.good.example', mailFrom: 'someone@good.example' },
  bounce: { ip: '192.0.2.1', helo: 'mail.good.example', mailFrom: '' },
} as const;

const authors = ['alice@good.example', 'news@news.good.example', 'bob@partner.example', 'x@attacker.example', 'y@slow.example'];
const signers = [[], ['good.example'], ['attacker.example'], ['partner.example'], ['good.example', 'attacker.example']];
const mutations = ['none', 'body', 'subject'] as const;

interface Case {
  name: string;
  bytes: Buffer;
  envelope: (typeof envelopes)[keyof typeof envelopes];
}

async function corpus(): Promise<Case[]> {
  const cases: Case[] = [];
  for (const author of authors) {
    for (const signedBy of signers) {
      for (const mutation of mutations) {
        let bytes = message(author);
        for (const domain of signedBy) bytes = await sign(bytes, domain);
        if (mutation === 'body') bytes = Buffer.from(bytes.toString().replace('attached', 'ATTACHED'));
        if (mutation === 'subject') bytes = Buffer.from(bytes.toString().replace('Quarterly report', 'Quarterly report!'));
        for (const [envelopeName, envelope] of Object.entries(envelopes)) {
          cases.push({ name: `${author} signed by [${signedBy}] mutated ${mutation} via ${envelopeName}`, bytes, envelope });
        }
      }
    }
  }
  return cases;
}

/**
 * Where the two disagree and the RFC says we are right. Each entry turns mailauth's verdict into
 * the one the cited section requires, so every other disagreement still fails the test.
 */
const KNOWN_DIFFERENCES = [
  {
    // mailauth answers `neutral` when the body hash does not match; RFC 6376 §6.1.3 makes that a
    // PERMFAIL ("body hash did not verify"), which RFC 8601 §2.7.1 records as `fail`.
    section: 'RFC 6376 §6.1.3, RFC 8601 §2.7.1',
    applies: (ours: { problem?: { code: string } }, theirs: string) => theirs === 'neutral' && ours.problem?.code === 'body-hash-mismatch',
    expected: 'fail',
  },
];

function expectedDkim(ours: Array<{ problem?: { code: string } }>, theirs: string[]): string[] {
  return theirs.map((verdict, i) => KNOWN_DIFFERENCES.find((d) => d.applies(ours[i] ?? {}, verdict))?.expected ?? verdict);
}

describe('authenticate() against mailauth 4.12.0 (RFC 7489 mode)', async () => {
  const resolver = await zone();
  const cases = await corpus();

  test.for(cases.map((c) => [c.name, c] as const))('%s', async ([, c]) => {
    const ours = await authenticate(c.bytes, {
      ...c.envelope, authservId: 'mx.receiver.example', resolver, now, dmarcMode: 'rfc7489',
    });
    const theirs = await mailauthAuthenticate(c.bytes, {
      ip: c.envelope.ip, helo: c.envelope.helo, sender: c.envelope.mailFrom, mta: 'mx.receiver.example',
      resolver: mailauthResolver(resolver), disableArc: true, disableBimi: true,
    });
    expect({
      spf: ours.spf.result,
      dkim: ours.dkim.map((d) => d.result),
      dmarc: ours.dmarc.result,
    }).toEqual({
      spf: theirs.spf && theirs.spf.status.result,
      dkim: expectedDkim(ours.dkim, theirs.dkim.results.map((d: { status: { result: string } }) => d.status.result)),
      dmarc: theirs.dmarc && theirs.dmarc.status.result,
    });
  });
});
