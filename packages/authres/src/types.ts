/**
 * The data of an Authentication-Results header field (RFC 8601 §2.2), shared by the builders and
 * the parser so that `parse(format(x))` gives back `x`.
 */

/** RFC 8601 §2.3: the property types. */
export type Ptype = 'smtp' | 'header' | 'body' | 'policy';

/** One `ptype.property=value` of a result, e.g. `header.d=example.com`. */
export interface ResultProperty {
  ptype: Ptype;
  /** e.g. `mailfrom`, `helo`, `d`, `i`, `s`, `a`, `b`, `from`, `dmarc`. */
  property: string;
  value: string;
  /** A comment written after the value, without its parentheses. */
  comment?: string;
}

/** One `method=result` of the field (RFC 8601 §2.7), e.g. `dkim=pass`. */
export interface MethodResult {
  /** `spf`, `dkim`, `dmarc`, `arc`, `auth`, `iprev`..., lower case. */
  method: string;
  /** Method version, written `method/version`; omitted when 1. */
  version?: number;
  /** The result string of the method, e.g. `pass`, `fail`, `none`. */
  result: string;
  /** A comment written right after the result, without its parentheses (e.g. `p=reject dis=reject`). */
  comment?: string;
  /** The `reason=` text. */
  reason?: string;
  properties: ResultProperty[];
}

/** A whole Authentication-Results value. An empty `results` list is written `none` (§2.2). */
export interface AuthenticationResults {
  authservId: string;
  /** The field version after the authserv-id; omitted when 1. */
  version?: number;
  results: MethodResult[];
}
