import { parseAddressList } from '@authgate/message';
import { normalizeDomain } from './domain.js';
import { problem, type DmarcProblem } from './errors.js';

/**
 * How many distinct author domains one message may have before DMARC gives up: RFC 9989 §11.5
 * warns that evaluating every domain of a long From field is a denial-of-service vector and
 * recommends "Limiting the number of Author Domains processed". An incomplete evaluation must not
 * pass, so more than this is a `permerror`.
 */
export const MAX_AUTHOR_DOMAINS = 10;

/** One author domain: normalized and ready to query, or the reason it cannot be evaluated. */
export type AuthorDomain = { ok: true; domain: string } | { ok: false; domain: string; problem: DmarcProblem };

export type AuthorDomains =
  | {
      ok: true;
      domains: AuthorDomain[];
      /** How many From field values were given. */
      fields: number;
      /** Fields that do not parse or name no mailbox, when other fields do (several From fields). */
      brokenFields: DmarcProblem[];
    }
  | { ok: false; problem: DmarcProblem };

/**
 * The author domains of the given From field values (RFC 9989 §3.2.2, §5.3.1), parsed by
 * `@authgate/message` (RFC 5322 §3.4, IDNs already A-labels): every distinct domain of every
 * mailbox of every field, in order. No value at all, or a single value that does not parse or
 * names no mailbox, are errors of the whole message (`permerror`, which a receiver can reject on).
 * With several From fields a broken field is reported beside the domains the other fields name,
 * so that an added unparseable field cannot hide another field's failing domain (RFC 9989
 * §11.5). A mailbox whose domain cannot be evaluated (a domain literal, an over-long name) is an
 * error of that domain only, which the strictest-outcome rule then carries to the message.
 */
export function authorDomainsOf(from: string | readonly string[]): AuthorDomains {
  const values = typeof from === 'string' ? [from] : from;
  if (values.length === 0) return { ok: false, problem: problem('no-from', 'no From field') };
  const seen: string[] = [];
  const brokenFields: DmarcProblem[] = [];
  for (const [index, value] of values.entries()) {
    const where = values.length === 1 ? 'the From field' : `From field ${index + 1} of ${values.length}`;
    const parsed = parseAddressList(value);
    if (!parsed.ok) {
      brokenFields.push(problem('malformed-from', `${where}: ${parsed.problem.message}`));
      continue;
    }
    const before = seen.length;
    for (const address of parsed.addresses) {
      const mailboxes = address.kind === 'mailbox' ? [address] : address.mailboxes;
      for (const mailbox of mailboxes) seen.push(mailbox.domain);
    }
    if (seen.length === before) brokenFields.push(problem('no-author-domain', `${where} names no mailbox`));
  }
  const [firstBroken] = brokenFields;
  if (seen.length === 0 && firstBroken !== undefined) return { ok: false, problem: firstBroken };
  const distinct = [...new Set(seen.map((domain) => normalizeDomain(domain) ?? domain))];
  if (distinct.length > MAX_AUTHOR_DOMAINS) {
    return { ok: false, problem: problem('too-many-author-domains', `${distinct.length} author domains; at most ${MAX_AUTHOR_DOMAINS} are evaluated (RFC 9989 §11.5)`) };
  }
  return { ok: true, domains: distinct.map(checkAuthorDomain), fields: values.length, brokenFields };
}

function checkAuthorDomain(domain: string): AuthorDomain {
  if (domain.startsWith('[')) {
    return { ok: false, domain, problem: problem('no-author-domain', `${domain} is an address literal, not a domain DMARC can look up`) };
  }
  const normalized = normalizeDomain(domain);
  if (normalized === undefined) {
    return { ok: false, domain, problem: problem('invalid-author-domain', `${JSON.stringify(domain)} is not a domain name that can be queried`) };
  }
  return { ok: true, domain: normalized };
}
