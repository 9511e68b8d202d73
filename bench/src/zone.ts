import { createPublicKey } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import type { ZoneData } from 'authgate';
import { stringify } from 'yaml';
import { MAILER_DOMAINS, SENDER_DOMAINS, mailerDomain, senderDomain, type Keys } from './domains.js';

/**
 * The DNS data the corpus is checked against, written as a zone fixture (openspf `zonedata`
 * YAML, what `ZoneResolver.fromFile` and `authgate check --zone` read), so that both libraries
 * answer from the same records and a reader can look at them.
 */
export async function writeZone(path: string, keys: Keys): Promise<void> {
  const header = '# The DNS data of the authgate benchmark corpus (bench/src/zone.ts), openspf zonedata format.\n';
  await writeFile(path, header + stringify(zoneOf(keys), { lineWidth: 0 }));
}

export function zoneOf(keys: Keys): ZoneData {
  const rsa = createPublicKey(keys.rsa).export({ type: 'spki', format: 'der' }).toString('base64');
  // RFC 8463 §4.2: the Ed25519 p= is the bare 32-byte key, the tail of the SPKI encoding.
  const ed = createPublicKey(keys.ed).export({ type: 'spki', format: 'der' }).subarray(-32).toString('base64');
  const zone: ZoneData = {
    '_spf.bench.example': [{ TXT: 'v=spf1 ip4:192.0.2.0/24 -all' }],
  };
  const keyRecords = (domain: string) => {
    zone[`rsa._domainkey.${domain}`] = [{ TXT: characterStrings(`v=DKIM1; k=rsa; p=${rsa}`) }];
    zone[`ed._domainkey.${domain}`] = [{ TXT: `v=DKIM1; k=ed25519; p=${ed}` }];
  };
  for (let i = 0; i < SENDER_DOMAINS; i++) {
    const domain = senderDomain(i);
    zone[domain] = [{ TXT: 'v=spf1 include:_spf.bench.example ip4:198.51.100.0/24 -all' }, { MX: [10, `mx.${domain}`] }];
    zone[`_dmarc.${domain}`] = [{ TXT: `v=DMARC1; p=${i % 2 === 0 ? 'reject' : 'none'}; rua=mailto:dmarc@${domain}` }];
    keyRecords(domain);
  }
  for (let i = 0; i < MAILER_DOMAINS; i++) {
    const domain = mailerDomain(i);
    zone[domain] = [{ TXT: 'v=spf1 ip4:192.0.2.0/24 ~all' }];
    keyRecords(domain);
  }
  return zone;
}

/** A TXT record longer than 255 octets travels as several character-strings (RFC 1035 §3.3.14). */
function characterStrings(text: string): string[] {
  return text.match(/.{1,255}/g) ?? [];
}
