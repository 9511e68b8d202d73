import type { Mailbox } from './address.js';
import { parseAddressList } from './address.js';
import { problem, type MessageProblem } from './errors.js';
import { fieldsNamed, type HeaderField } from './header.js';

export type AuthorDomainsResult =
  | {
      ok: true;
      /** The distinct domains of every author mailbox, in message order (lower-case A-labels). */
      domains: string[];
      /** Every mailbox of every From field, in message order. */
      mailboxes: Mailbox[];
    }
  | { ok: false; problem: MessageProblem };

/**
 * The author domains of a message (RFC 9989 §5.3.1, "Author Domain" of §3.2.2): the domain of
 * every mailbox in every From field. RFC 5322 §3.6 allows one From field, RFC 9989 §11.5 leaves
 * to the receiver what several fields or several mailboxes mean, so all are returned and the
 * caller (DMARC) decides. A group is accepted (RFC 6854 §2.1 allows group syntax in From) and
 * stands for its members. `no-from` when there is no From field; `malformed-address` when a
 * From value does not parse or names no mailbox at all (an empty group).
 */
export function authorDomains(header: readonly HeaderField[]): AuthorDomainsResult {
  const fields = fieldsNamed(header, 'from');
  if (fields.length === 0) return { ok: false, problem: problem('no-from', 'no From field') };
  const mailboxes: Mailbox[] = [];
  for (const [index, field] of fields.entries()) {
    const where = fields.length === 1 ? 'the From field' : `From field ${index + 1} of ${fields.length}`;
    const parsed = parseAddressList(field.value);
    if (!parsed.ok) return { ok: false, problem: { code: 'malformed-address', message: `${parsed.problem.message} (${where})` } };
    const before = mailboxes.length;
    for (const address of parsed.addresses) {
      if (address.kind === 'mailbox') mailboxes.push(address);
      else for (const member of address.mailboxes) mailboxes.push(member);
    }
    if (mailboxes.length === before) return { ok: false, problem: problem('malformed-address', `${where} names no mailbox`) };
  }
  const domains = [...new Set(mailboxes.map((mailbox) => mailbox.domain))];
  return { ok: true, domains, mailboxes };
}
