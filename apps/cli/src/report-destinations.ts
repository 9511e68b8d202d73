import { checkName, isNoRecords, organizationalDomain, parseDmarcRecord, type DmarcMode, type ReportUri, type Resolver } from 'authgate';

/** Whether reports for a policy domain may go to one destination host of `rua`/`ruf`. */
export interface DestinationCheck {
  uri: string;
  /** The destination host: the domain of a mailto: address, the host of other URIs. */
  host: string;
  /** Outside the Organizational Domain of the policy domain, so it must consent. */
  external: boolean;
  /**
   * For an external host, what the `<policy domain>._report._dmarc.<host>` TXT query found:
   * `authorized` (a v=DMARC1 record), `unauthorized` (none), or `temperror`.
   */
  consent?: 'authorized' | 'unauthorized' | 'temperror';
}

/**
 * RFC 9990 §4 "Verifying External Destinations": reports may only go to a host outside the
 * policy domain's Organizational Domain if that host publishes a v=DMARC1 TXT record at
 * `<policy domain>._report._dmarc.<host>` (a wildcard `*._report._dmarc.<host>` serves every
 * domain). Receivers ignore destinations that did not consent, so a missing record means the
 * owner silently gets no reports there: the mistake `authgate dmarc` warns about.
 */
export async function checkReportDestinations(
  policyDomain: string,
  uris: readonly ReportUri[],
  options: { resolver: Resolver; mode: DmarcMode },
): Promise<DestinationCheck[]> {
  const own = await organizationalDomain(policyDomain, options);
  const ownOrg = own.ok ? own.organizationalDomain : policyDomain;
  const checks: DestinationCheck[] = [];
  for (const uri of uris) {
    for (const host of hostsOf(uri)) {
      const theirs = await organizationalDomain(host, options);
      const external = (theirs.ok ? theirs.organizationalDomain : host) !== ownOrg;
      const check: DestinationCheck = { uri: uri.uri, host, external };
      if (external) check.consent = await consentOf(policyDomain, host, options.resolver);
      checks.push(check);
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

async function consentOf(policyDomain: string, host: string, resolver: Resolver): Promise<'authorized' | 'unauthorized' | 'temperror'> {
  const name = `${policyDomain}._report._dmarc.${host}`;
  try {
    // RFC 9990 §4 step 4: a name over DNS limits cannot confirm anything.
    checkName('TXT', name);
  } catch {
    return 'unauthorized';
  }
  try {
    const records = await resolver.txt(name);
    // Steps 6-8: at least one record that reads as a tag list starting with v=DMARC1.
    return records.some((strings) => parseDmarcRecord(strings.join('')).ok) ? 'authorized' : 'unauthorized';
  } catch (error) {
    return isNoRecords(error) ? 'unauthorized' : 'temperror';
  }
}
