import { isWithin, normalizeDomain } from './domain.js';
import type { DmarcProblem } from './errors.js';
import type { DmarcLookups } from './lookup.js';
import { organizationalDomainOf } from './org-domain.js';
import type { DmarcRecord } from './record.js';
import type { AlignmentMode } from './tags.js';

/** Which authenticated identifier aligned with the author domain. */
export interface Alignment {
  spf: boolean;
  dkim: boolean;
  /** The SPF-authenticated domain (SPF passed), aligned or not. */
  spfDomain?: string;
  /** The `d=` of the aligned passing signature, or of the first passing one when none aligned. */
  dkimDomain?: string;
}

export interface AuthenticatedIdentifiers {
  /** The domain SPF checked (MAIL FROM, or HELO for a null reverse path) and its result. */
  spf: { result: string; domain: string };
  /** The result and `d=` of each DKIM signature. */
  dkim: ReadonlyArray<{ result: string; domain?: string }>;
}

type Verdict = { aligned: boolean } | { problem: DmarcProblem };

/**
 * RFC 9989 §4.4 and §5.3.4: an SPF `pass` for a domain, or a DKIM `pass` for a `d=` domain, counts
 * only when it aligns with the author domain; strict alignment needs the same name, relaxed
 * alignment the same Organizational Domain (§3.2.10). Only `pass` results are Authenticated
 * Identifiers (§4.4.1, §4.4.2; a `?`-neutral SPF source is excluded on purpose, §11.1). When an
 * identifier's alignment cannot be decided because a DNS query failed, and nothing else aligned,
 * the outcome carries that problem (§5.3.6: the message can then neither pass nor fail).
 */
export async function checkAlignment(
  lookups: DmarcLookups,
  author: string,
  record: DmarcRecord,
  identifiers: AuthenticatedIdentifiers,
): Promise<Alignment & { problem?: DmarcProblem }> {
  const alignment: Alignment = { spf: false, dkim: false };
  let trouble: DmarcProblem | undefined;
  const spfDomain = passingDomain(identifiers.spf);
  if (spfDomain !== undefined) {
    alignment.spfDomain = spfDomain;
    const verdict = await aligned(lookups, author, spfDomain, record.aspf ?? 'r');
    if ('problem' in verdict) trouble = verdict.problem;
    else alignment.spf = verdict.aligned;
  }
  const dkimDomains = [...new Set(identifiers.dkim.map(passingDomain).filter((d) => d !== undefined))];
  alignment.dkimDomain = dkimDomains[0];
  for (const domain of dkimDomains) {
    const verdict = await aligned(lookups, author, domain, record.adkim ?? 'r');
    if ('problem' in verdict) trouble ??= verdict.problem;
    else if (verdict.aligned) {
      alignment.dkim = true;
      alignment.dkimDomain = domain;
      break;
    }
  }
  if (alignment.spf || alignment.dkim || trouble === undefined) return alignment;
  return { ...alignment, problem: trouble };
}

function passingDomain(result: { result: string; domain?: string }): string | undefined {
  if (result.result.trim().toLowerCase() !== 'pass' || result.domain === undefined) return undefined;
  return normalizeDomain(result.domain);
}

async function aligned(lookups: DmarcLookups, author: string, identifier: string, mode: AlignmentMode): Promise<Verdict> {
  // Identical names align in both modes; RFC 9989 §4.10.2 needs no tree walk for them, nor for
  // strict alignment, which is "a simple string comparison".
  if (identifier === author) return { aligned: true };
  if (mode === 's') return { aligned: false };
  const authorOrganizational = await organizationalDomainOf(lookups, author);
  if (!authorOrganizational.ok) return { problem: authorOrganizational.problem };
  // An Organizational Domain is always the name itself or one of its ancestors, so an identifier
  // outside the author's Organizational Domain cannot share it: no walk needed for foreign domains.
  if (!isWithin(identifier, authorOrganizational.domain)) return { aligned: false };
  const identifierOrganizational = await organizationalDomainOf(lookups, identifier);
  if (!identifierOrganizational.ok) return { problem: identifierOrganizational.problem };
  return { aligned: identifierOrganizational.domain === authorOrganizational.domain };
}
