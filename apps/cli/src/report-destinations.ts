import { checkName, isNoRecords, organizationalDomain, parseDmarcRecord, type DmarcMode, type ReportUri, type Resolver } from 'authgate';

/** Whether reports for a policy domain may go to one destination host of `rua`/`ruf`. */
export interface DestinationCheck {
  /** The tag the URI came from: aggregate (`rua`, RFC 9990) or failure (`ruf`, RFC 9991) reports. */
  tag: 'rua' | 'ruf';
  uri: string;
  /** The destination host: the domain of a mailto: address, the host of other URIs. */
  host: string;
  /** Outside the Organizational Domain of the policy domain, so it must consent. */
  external: boolean;
  /**
   * For an external host, what the `<policy domain>._report._dmarc.<host>` TXT query found:
   * `authorized` (a v=DMARC1 record), `unauthorized` (none), `temperror`, or `override-elsewhere`
   * (a consent record whose own `rua`/`ruf` names another host: reports go to neither).
   */
  consent?: Consent;
  /** The consent record's own `rua`/`ruf`, which replaces the URI (RFC 9990 §4 step 9). */
  override?: string[];
}

type Consent = 'authorized' | 'unauthorized' | 'temperror' | 'override-elsewhere';

/**
 * RFC 9990 §4 "Verifying External Destinations" (for `rua`; RFC 9991 §5 applies the same
 * procedure to `ruf`): reports may only go to a host outside the policy domain's Organizational
 * Domain if that host publishes a v=DMARC1 TXT record at `<policy domain>._report._dmarc.<host>`
 * (a wildcard `*._report._dmarc.<host>` serves every domain). Receivers ignore destinations that
 * did not consent, so a missing record means the owner silently gets no reports there: the
 * mistake `authgate dmarc` warns about.
 */
export async function checkReportDestinations(
  policyDomain: string,
  record: { rua?: readonly ReportUri[] | undefined; ruf?: readonly ReportUri[] | undefined },
  options: { resolver: Resolver; mode: DmarcMode },
): Promise<DestinationCheck[]> {
  const own = await organizationalDomain(policyDomain, options);
  const ownOrg = own.ok ? own.organizationalDomain : policyDomain;
  const checks: DestinationCheck[] = [];
  for (const tag of ['rua', 'ruf'] as const) {
    for (const uri of record[tag] ?? []) {
      for (const host of hostsOf(uri)) {
        const theirs = await organizationalDomain(host, options);
        const external = (theirs.ok ? theirs.organizationalDomain : host) !== ownOrg;
        const check: DestinationCheck = { tag, uri: uri.uri, host, external };
        checks.push(external ? { ...check, ...(await consentOf(policyDomain, host, tag, options.resolver)) } : check);
      }
    }
  }
  return checks;
}

function hostsOf(uri: ReportUri): string[] {
  if (uri.addresses !== undefined) {
    return [...new Set(uri.addresses.map((address) => address.slice(address.lastIndexOf('@') + 1).toLowerCase()))];
  }
  try {
    const host = new URL(uri.uri).hostname.toLowerCase();
    return host === '' ? [] : [host];
  } catch {
    return [];
  }
}

async function consentOf(policyDomain: string, host: string, tag: 'rua' | 'ruf', resolver: Resolver): Promise<{ consent: Consent; override?: string[] }> {
  const name = `${policyDomain}._report._dmarc.${host}`;
  try {
    // RFC 9990 §4 step 4: a name over DNS limits cannot confirm anything.
    checkName('TXT', name);
  } catch {
    return { consent: 'unauthorized' };
  }
  let records: string[][];
  try {
    records = await resolver.txt(name);
  } catch (error) {
    return { consent: isNoRecords(error) ? 'unauthorized' : 'temperror' };
  }
  // Steps 6-8: at least one record that reads as a tag list starting with v=DMARC1.
  const parsed = records.map((strings) => parseDmarcRecord(strings.join(''))).flatMap((result) => (result.ok ? [result.record] : []));
  if (parsed.length === 0) return { consent: 'unauthorized' };
  return overrideOf(parsed.find((record) => (record[tag] ?? []).length > 0)?.[tag], host);
}

/**
 * Step 9: the consent record's own `rua` (`ruf` for failure reports, RFC 9991 §5) replaces the
 * URI, but only on the same destination host; one naming another host stops reports to both.
 */
function overrideOf(uris: readonly ReportUri[] | undefined, host: string): { consent: Consent; override?: string[] } {
  if (uris === undefined) return { consent: 'authorized' };
  const sameHost = uris.every((uri) => hostsOf(uri).every((other) => other === host));
  return { consent: sameHost ? 'authorized' : 'override-elsewhere', override: uris.map((uri) => uri.uri) };
}
