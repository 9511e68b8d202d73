import { createPublicKey } from 'node:crypto';
import { isDnsError, readZoneData, ZoneResolver } from '@authgate/dns';
import { fixture, fixturePath } from './fixtures.js';
import type { Case } from './signed-corpus.js';

/**
 * The DNS of the live differential tests: one zone for our verifier, and the same answers written
 * out for a peer, which gets them through its own hook rather than from a DNS server.
 */

/** zone.yaml, and a record naming s=email outright (zone.yaml has s=other and s=other:email). */
export async function differentialZone(): Promise<ZoneResolver> {
  const zone = await readZoneData(fixturePath('zone.yaml'));
  const rsa2048 = createPublicKey(fixture('keys/rsa2048.pem')).export({ type: 'spki', format: 'der' }).toString('base64');
  zone['email._domainkey.signer.example'] = [{ TXT: `v=DKIM1; k=rsa; s=email; p=${rsa2048}` }];
  return new ZoneResolver(zone);
}

/** Our resolver's answer to one name: its TXT records as strings, or the DnsError code (NXDOMAIN, NODATA, TEMPFAIL). */
export type PeerAnswer = { txt: string[][] } | { error: string };

/** The key name each signature of a case asks. */
export const keyNamesOf = (c: Case): string[] => c.specs.map((spec) => `${spec.selector}._domainkey.signer.example`);

/** Our resolver's answer for every key name the cases' signatures ask. */
export async function answersFor(zone: ZoneResolver, cases: Case[]): Promise<Record<string, PeerAnswer>> {
  const names = new Set(cases.flatMap(keyNamesOf));
  const answers: Record<string, PeerAnswer> = {};
  for (const name of names) {
    try {
      answers[name] = { txt: await zone.txt(name) };
    } catch (error) {
      if (!isDnsError(error)) throw error;
      answers[name] = { error: error.code };
    }
  }
  return answers;
}
