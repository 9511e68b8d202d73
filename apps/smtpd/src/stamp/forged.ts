import { domainToUnicode } from 'node:url';
import { parseAuthenticationResults, parseAuthservId, parseReceivedSpf, type HeaderField } from 'authgate';

/** Why a field is removed before relaying. */
export type RemovalReason =
  /** RFC 8601 §5: it claims our authserv-id (or an alias) but was not added by us. */
  | 'claims-our-authserv-id'
  /** RFC 8601 §5: a version we do not support, from a client that is not a trusted relay. */
  | 'unsupported-version'
  /** No authserv-id can be read: a consumer might read ours into it. */
  | 'unreadable-authserv-id'
  /** A Received-SPF whose receiver is us. */
  | 'claims-our-receiver'
  /** A Received-SPF that does not parse: no one can tell whose it is. */
  | 'unreadable-received-spf';

export interface Removal {
  index: number;
  field: string;
  reason: RemovalReason;
}

export interface Identity {
  /** Our authserv-id and its aliases, as configured. */
  authservIds: readonly string[];
  /** Our host name, the `receiver` of our Received-SPF fields. */
  hostname: string;
}

/**
 * The Authentication-Results and Received-SPF fields to remove from a message arriving from an
 * untrusted client (RFC 8601 §5): every field that claims to come from us, since only we add
 * those, and the ones no consumer could safely attribute. Fields other servers added stay: they
 * may be useful, and removing them would break DKIM signatures that cover them.
 */
export function forgedFields(fields: readonly HeaderField[], identity: Identity): Removal[] {
  const removals: Removal[] = [];
  fields.forEach((field, index) => {
    const reason = field.key === 'authentication-results'
      ? authenticationResultsProblem(field.value, ourNames(identity))
      : field.key === 'received-spf'
        ? receivedSpfProblem(field.value, ourNames(identity))
        : undefined;
    if (reason !== undefined) removals.push({ index, field: field.name, reason });
  });
  return removals;
}

/** Our names in comparable form, worked out once per configuration (ICU conversions are not free). */
const comparableNames = new WeakMap<Identity, Set<string>>();

function ourNames(identity: Identity): Set<string> {
  let names = comparableNames.get(identity);
  if (names === undefined) comparableNames.set(identity, (names = new Set([...identity.authservIds, identity.hostname].map(comparable))));
  return names;
}

function authenticationResultsProblem(value: string, ours: Set<string>): RemovalReason | undefined {
  const id = parseAuthservId(value);
  if (id === undefined) return 'unreadable-authserv-id';
  if (ours.has(comparable(id))) return 'claims-our-authserv-id';
  const parsed = parseAuthenticationResults(value);
  // RFC 8601 §2.6: version 1 (written or implied) is the only one; the parser refuses others.
  if (!parsed.ok && parsed.problem.code === 'unsupported-version') return 'unsupported-version';
  return undefined;
}

function receivedSpfProblem(value: string, ours: Set<string>): RemovalReason | undefined {
  const parsed = parseReceivedSpf(value);
  if (!parsed.ok) return 'unreadable-received-spf';
  const receiver = parsed.value.receiver;
  return receiver !== undefined && ours.has(comparable(receiver)) ? 'claims-our-receiver' : undefined;
}

/**
 * RFC 8601 §5: for internationalized mail the comparison is made after A-labels become U-labels;
 * ids compare case-insensitively (RFC 8601 §2.5 ids are domains in common practice).
 */
export function comparable(id: string): string {
  const lower = id.trim().toLowerCase().replace(/\.$/, '');
  const unicode = domainToUnicode(lower);
  return unicode === '' ? lower : unicode;
}
